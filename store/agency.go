package store

import (
	"sort"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

type agencyRec struct {
	V int
	domain.Agency
}

// PutAgency creates or replaces an agency.
func (s *Store) PutAgency(a domain.Agency) (domain.Agency, error) {
	if a.ID == "" {
		a.ID = newID()
	}
	err := s.update(func(txn *badger.Txn) error { return putJSON(txn, agencyKey(a.ID), agencyRec{V: 1, Agency: a}) })
	return a, err
}

// Agency returns one agency.
func (s *Store) Agency(id string) (domain.Agency, error) {
	var r agencyRec
	err := s.view(func(txn *badger.Txn) error { return getJSON(txn, agencyKey(id), &r) })
	return r.Agency, err
}

// Agencies returns all agencies, ordered by city code and name.
func (s *Store) Agencies() ([]domain.Agency, error) {
	var out []domain.Agency
	err := s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, agencyPrefix(), false, 0, func(r *agencyRec) { out = append(out, r.Agency) })
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].CityCode != out[j].CityCode {
			return out[i].CityCode < out[j].CityCode
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}

// Meta reads a small setting; ok is false when it was never set.
func (s *Store) Meta(name string) (string, bool, error) {
	var v string
	err := s.view(func(txn *badger.Txn) error {
		var err error
		v, err = getString(txn, metaKey(name))
		return err
	})
	if err == errNotFound {
		return "", false, nil
	}
	return v, err == nil, err
}

// SetMeta writes a small setting.
func (s *Store) SetMeta(name, value string) error {
	return s.update(func(txn *badger.Txn) error { return txn.Set(metaKey(name), []byte(value)) })
}

// The admin's agency use cases (培训机构管理, issue 12): each is one transaction that reads
// the agency as it is, writes the record, the credit-code index and the two post lists,
// and the audit entry with what changed.

// AgencyProfile returns an agency with the posts it trains for 新取证 and 继续教育.
func (s *Store) AgencyProfile(id string) (domain.AgencyProfile, error) {
	var p domain.AgencyProfile
	err := s.view(func(txn *badger.Txn) error {
		var err error
		p, err = agencyProfileIn(txn, id)
		return err
	})
	return p, err
}

// AgenciesOf lists the agencies of a city (all cities when city is empty), ordered as
// Agencies.
func (s *Store) AgenciesOf(city string) ([]domain.Agency, error) {
	all, err := s.Agencies()
	if city == "" || err != nil {
		return all, err
	}
	var out []domain.Agency
	for _, a := range all {
		if a.CityCode == city {
			out = append(out, a)
		}
	}
	return out, nil
}

// validAgency checks the agency form, its ticked posts against the catalog in force
// (目录与规则设置) unless the caller gave one.
func (s *Store) validAgency(in domain.AgencyInput) (domain.AgencyProfile, error) {
	if in.Catalog == nil {
		cat, err := s.Catalog()
		if err != nil {
			return domain.AgencyProfile{}, err
		}
		in.Catalog = cat.Posts
	}
	return in.Validate()
}

// CreateAgency adds an agency after checking the form (all errors at once) and that no
// other agency has its credit code.
func (s *Store) CreateAgency(actor domain.User, in domain.AgencyInput, now time.Time) (domain.Agency, error) {
	p, err := s.validAgency(in)
	if err != nil {
		return domain.Agency{}, err
	}
	p.ID = newID()
	p.Rev, p.UpdatedBy, p.UpdatedAt = 1, actor.AuditName(), now
	err = s.update(func(txn *badger.Txn) error {
		if err := writeAgency(txn, domain.AgencyProfile{}, p); err != nil {
			return err
		}
		return writeAudit(txn, agencyAudit(actor, domain.AuditAgencyCreate, p, domain.AgencySummary(p), now))
	})
	return p.Agency, err
}

// UpdateAgency replaces an agency's data and post lists; its status is kept. rev is the
// revision the admin's form was opened at: when the agency was saved since, nothing is
// written and the error is a domain.StaleEdit.
func (s *Store) UpdateAgency(actor domain.User, id string, rev int, in domain.AgencyInput, now time.Time) (domain.Agency, error) {
	p, err := s.validAgency(in)
	if err != nil {
		return domain.Agency{}, err
	}
	err = s.update(func(txn *badger.Txn) error {
		before, err := agencyProfileIn(txn, id)
		if err != nil {
			return err
		}
		if err := before.CheckRev(rev); err != nil {
			return err
		}
		p.ID, p.Suspended = id, before.Suspended
		changes := domain.AgencyChanges(before, p)
		if changes == "" {
			p.Agency = before.Agency
			return nil
		}
		p.Rev, p.UpdatedBy, p.UpdatedAt = before.Rev+1, actor.AuditName(), now
		if err := writeAgency(txn, before, p); err != nil {
			return err
		}
		return writeAudit(txn, agencyAudit(actor, domain.AuditAgencyUpdate, p, changes, now))
	})
	return p.Agency, err
}

// SetAgencySuspended suspends an agency (it is no longer offered in either wizard) or
// re-enables it. Its open items and its reviewers' access are unchanged.
func (s *Store) SetAgencySuspended(actor domain.User, id string, suspended bool, now time.Time) (domain.Agency, error) {
	var after domain.AgencyProfile
	err := s.update(func(txn *badger.Txn) error {
		before, err := agencyProfileIn(txn, id)
		if err != nil {
			return err
		}
		if before.Suspended == suspended {
			after = before
			return nil
		}
		after = before
		after.Suspended = suspended
		if err := putJSON(txn, agencyKey(id), agencyRec{V: 1, Agency: after.Agency}); err != nil {
			return err
		}
		action, detail := domain.AuditAgencyResume, domain.AgencyChanges(before, after)
		if suspended {
			action = domain.AuditAgencySuspend
			n, err := notifySuspended(txn, id, now)
			if err != nil {
				return err
			}
			if n > 0 {
				detail += "；已通知 " + strconv.Itoa(n) + " 份办理中报名的学员"
			}
		}
		return writeAudit(txn, agencyAudit(actor, action, after, detail, now))
	})
	return after.Agency, err
}

// notifySuspended tells the trainees of the agency's open records (新取证 applications and
// 继续教育 enrolments in its lists: submitted, returned, confirmed and on) that it was
// suspended, one notification per record, in the suspension's transaction; it returns
// how many. Drafts are in no agency list: their page says it, and submitting them is
// refused until another agency is chosen.
func notifySuspended(txn *badger.Txn, agencyID string, now time.Time) (int, error) {
	n := 0
	for _, l := range []struct {
		prefix []byte
		kind   domain.NotificationKind
		owner  func(txn *badger.Txn, id string) (traineeID string, open bool, err error)
	}{
		{appAgencyPrefix(agencyID), domain.NotifyAppAgencySuspended, func(txn *badger.Txn, id string) (string, bool, error) {
			a, err := loadApp(txn, id)
			return a.TraineeID, a.Status.Open(), err
		}},
		{ceAgencyPrefix(agencyID), domain.NotifyCEAgencySuspended, func(txn *badger.Txn, id string) (string, bool, error) {
			e, err := loadEnrol(txn, id)
			return e.TraineeID, e.Status != domain.EnrolCompleted, err
		}},
	} {
		var ids []string
		if err := scanKeys(txn, l.prefix, func(k []byte) (bool, error) {
			_, id := timeAndID(k[len(l.prefix):])
			ids = append(ids, id)
			return true, nil
		}); err != nil {
			return n, err
		}
		for _, id := range ids {
			trainee, open, err := l.owner(txn, id)
			if err != nil {
				return n, err
			}
			if !open {
				continue
			}
			if err := notifyUser(txn, domain.Notification{Kind: l.kind, UserID: trainee, Subject: id}, now); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func agencyProfileIn(txn *badger.Txn, id string) (domain.AgencyProfile, error) {
	var r agencyRec
	if err := getJSON(txn, agencyKey(id), &r); err != nil {
		return domain.AgencyProfile{}, err
	}
	app, err := postsAt(txn, appAgencyPostsKey(id))
	if err != nil {
		return domain.AgencyProfile{}, err
	}
	ce, err := agencyPosts(txn, id)
	return domain.AgencyProfile{Agency: r.Agency, AppPosts: app, CEPosts: ce}, err
}

// writeAgency writes p over before (zero for a new agency): the record, the post lists and
// the credit-code index, refusing a code another agency holds.
func writeAgency(txn *badger.Txn, before, p domain.AgencyProfile) error {
	if p.CreditCode != before.CreditCode {
		owner, err := getString(txn, agencyCreditKey(p.CreditCode))
		switch {
		case err == nil && owner != p.ID:
			name := "另一家培训机构"
			if other, ok := agencyIn(txn, owner); ok {
				name = "“" + other.Name + "”"
			}
			return domain.FieldErrors{"credit_code": "这个统一社会信用代码已经属于" + name + "，请核对营业执照后重新填写"}
		case err != nil && err != errNotFound:
			return err
		}
		if before.CreditCode != "" {
			if err := txn.Delete(agencyCreditKey(before.CreditCode)); err != nil {
				return err
			}
		}
		if err := txn.Set(agencyCreditKey(p.CreditCode), []byte(p.ID)); err != nil {
			return err
		}
	}
	if err := putJSON(txn, agencyKey(p.ID), agencyRec{V: 1, Agency: p.Agency}); err != nil {
		return err
	}
	if err := putJSON(txn, appAgencyPostsKey(p.ID), p.AppPosts.Codes); err != nil {
		return err
	}
	return putJSON(txn, ceAgencyPostsKey(p.ID), p.CEPosts.Codes)
}

func agencyAudit(actor domain.User, action domain.AuditAction, p domain.AgencyProfile, detail string, now time.Time) domain.AuditEntry {
	return domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: action, Object: p.ID,
		Detail: "“" + p.Name + "”：" + detail}
}
