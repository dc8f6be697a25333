package store

import (
	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// The continuing-education rules as data (domain.CESettings) and the posts each agency
// trains.

type ceSettingsRec struct {
	V int
	domain.CESettings
}

// ceSettings reads the province's rules inside a transaction; without stored overrides
// they are the domain defaults.
func ceSettings(txn *badger.Txn) (domain.CESettings, error) {
	var r ceSettingsRec
	err := getJSON(txn, ceSettingsKey(), &r)
	if err == errNotFound {
		return domain.DefaultCESettings(), nil
	}
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

// SetCESettings replaces the rules after checking that they are consistent.
func (s *Store) SetCESettings(cs domain.CESettings) error {
	if err := cs.Validate(); err != nil {
		return err
	}
	return s.update(func(txn *badger.Txn) error {
		return putJSON(txn, ceSettingsKey(), ceSettingsRec{V: 1, CESettings: cs})
	})
}

// SetAgencyPosts configures the posts an agency trains in continuing education; without
// a configuration it trains every enabled post (domain.AgencyTrains).
func (s *Store) SetAgencyPosts(agencyID string, posts []string) error {
	return s.update(func(txn *badger.Txn) error { return putJSON(txn, ceAgencyPostsKey(agencyID), posts) })
}

func agencyTrains(txn *badger.Txn, agencyID, postCode string) (bool, error) {
	var posts []string
	err := getJSON(txn, ceAgencyPostsKey(agencyID), &posts)
	if err != nil && err != errNotFound {
		return false, err
	}
	return domain.AgencyTrains(posts, err == nil, postCode), nil
}

// AgencyTrains reports whether an agency trains a post in continuing education, for
// listing the agencies of step 3.
func (s *Store) AgencyTrains(agencyID, postCode string) (bool, error) {
	var ok bool
	err := s.view(func(txn *badger.Txn) error {
		var err error
		ok, err = agencyTrains(txn, agencyID, postCode)
		return err
	})
	return ok, err
}
