package store

import (
	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// The continuing-education rules as data (domain.CESettings) and the posts each agency
// trains.

// ceSettingsRec is the stored rules. V1 holds the rules alone; V2, written by the
// settings page (settings.go), adds the revision and who changed them last. Both read
// the same way: a V1 record is revision 0.
type ceSettingsRec struct {
	V int
	domain.CESettings
	SettingsRev
}

// ceSettingsRecIn reads the stored rules with their revision; without stored overrides
// they are the domain defaults.
func ceSettingsRecIn(txn *badger.Txn) (ceSettingsRec, error) {
	var r ceSettingsRec
	err := getJSON(txn, ceSettingsKey(), &r)
	if err == errNotFound {
		return ceSettingsRec{CESettings: domain.DefaultCESettings()}, nil
	}
	return r, err
}

// ceSettings reads the province's rules inside a transaction; without stored overrides
// they are the domain defaults.
func ceSettings(txn *badger.Txn) (domain.CESettings, error) {
	r, err := ceSettingsRecIn(txn)
	return r.CESettings, err
}

// CESettings returns the continuing-education rules in force.
func (s *Store) CESettings() (domain.CESettings, error) {
	var out domain.CESettings
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = ceSettings(txn)
		return err
	})
	return out, err
}

// SetCESettings replaces the rules after checking that they are consistent, without a
// history entry: for set-up by tools and tests. Admins change them with SaveCESettings.
func (s *Store) SetCESettings(cs domain.CESettings) error {
	if err := cs.Validate(); err != nil {
		return err
	}
	return s.update(func(txn *badger.Txn) error {
		old, err := ceSettingsRecIn(txn)
		if err != nil {
			return err
		}
		return putJSON(txn, ceSettingsKey(), ceSettingsRec{V: 2, CESettings: cs, SettingsRev: SettingsRev{Rev: old.Rev + 1}})
	})
}

// SetAgencyPosts configures the posts an agency trains in continuing education; without
// a configuration it trains every enabled post (domain.CEPosts).
func (s *Store) SetAgencyPosts(agencyID string, posts []string) error {
	return s.update(func(txn *badger.Txn) error { return putJSON(txn, ceAgencyPostsKey(agencyID), posts) })
}

// agencyPosts reads the posts an agency trains in continuing education.
func agencyPosts(txn *badger.Txn, agencyID string) (domain.CEPosts, error) {
	return postsAt(txn, ceAgencyPostsKey(agencyID))
}

// postsAt reads a list of post codes an agency trains (for 继续教育 or 新取证); an absent
// list means every enabled post.
func postsAt(txn *badger.Txn, k []byte) (domain.CEPosts, error) {
	var posts []string
	switch err := getJSON(txn, k, &posts); err {
	case nil:
		return domain.CEPosts{Codes: posts, Configured: true}, nil
	case errNotFound:
		return domain.CEPosts{}, nil
	default:
		return domain.CEPosts{}, err
	}
}

// agencyOfferIn reads an agency with the posts it trains, as the agency step checks it;
// found is false for an unknown id.
func agencyOfferIn(txn *badger.Txn, id string) (o domain.AgencyOffer, found bool, err error) {
	ag, found := agencyIn(txn, id)
	if !found {
		return o, false, nil
	}
	posts, err := agencyPosts(txn, id)
	if err != nil {
		return o, true, err
	}
	cat, err := catalogIn(txn) // an unconfigured list trains the posts enabled now
	return domain.AgencyOffer{Agency: ag, CEPosts: posts.Resolve(cat)}, true, err
}

// EligibleAgencies lists the agencies a wizard's agency step offers (domain.EligibleAgencies),
// ordered as Agencies. Saving the step checks the chosen agency by the same rule.
func (s *Store) EligibleAgencies(f domain.AgencyFor) ([]domain.Agency, error) {
	ags, err := s.Agencies()
	if err != nil {
		return nil, err
	}
	offers := make([]domain.AgencyOffer, len(ags))
	err = s.view(func(txn *badger.Txn) error {
		cat, err := catalogIn(txn)
		if err != nil {
			return err
		}
		for i, ag := range ags {
			posts, err := agencyPosts(txn, ag.ID)
			if err != nil {
				return err
			}
			offers[i] = domain.AgencyOffer{Agency: ag, CEPosts: posts.Resolve(cat)}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return domain.EligibleAgencies(offers, f), nil
}
