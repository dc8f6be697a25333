package store

import (
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// enrolSummary is the value of the CE queue indexes: enough to filter and show a row.
type enrolSummary struct {
	ID, Number, Name, CertNumber, PostCode string
	CycleNo                                int
	Status                                 domain.EnrolStatus
	SubmittedAt                            time.Time
}

func putEnrolSummary(txn *badger.Txn, k []byte, e domain.Enrolment) error {
	u, err := loadUser(txn, e.TraineeID)
	if err != nil {
		return err
	}
	return putJSON(txn, k, enrolSummary{ID: e.ID, Number: e.Number, Name: u.Name, CertNumber: e.CertNumber,
		PostCode: e.PostCode, CycleNo: e.Cycle.No, Status: e.Status, SubmittedAt: e.SubmittedAt})
}

// CERow is one row of an agency's continuing-education queue.
type CERow struct {
	EnrolID, Number, Name, CertNumber, PostCode string
	CycleNo                                     int
	Status                                      domain.EnrolStatus
	SubmittedAt                                 time.Time
}

// CEFilter narrows the queue. Status "" means pending (待确认); "all" every enrolment the
// agency received; "learning" those that take learning records (已确认, 学习中, 已完成).
// After is the opaque cursor of the previous page.
type CEFilter struct {
	Status string
	Query  string // name, enrolment number or certificate number
	After  string
	Limit  int
}

// unfiltered reports whether every entry of the index the status selects matches, so
// that the total can be counted from keys alone.
func (f CEFilter) unfiltered() bool {
	return (f.Status == "" || f.Status == "all") && strings.TrimSpace(f.Query) == ""
}

func (f CEFilter) match(s *enrolSummary) bool {
	switch f.Status {
	case "", "all":
	case "learning":
		if !s.Status.Learning() {
			return false
		}
	default:
		if string(s.Status) != f.Status {
			return false
		}
	}
	q := strings.ToUpper(strings.TrimSpace(f.Query))
	return q == "" || strings.Contains(s.Name, q) || strings.Contains(s.Number, q) || strings.Contains(s.CertNumber, q)
}

// CEPage is one page of the CE queue with the total that matches the filter.
type CEPage struct {
	Rows  []CERow
	Total int
	Next  string
}

// CEQueue lists the continuing-education enrolments of the reviewer's own agency, oldest
// first, with keyset paging; anyone but a reviewer sees nothing.
func (s *Store) CEQueue(viewer domain.User, f CEFilter) (CEPage, error) {
	var out CEPage
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = ceQueue(txn, viewer, f)
		return err
	})
	return out, err
}

// ceQueue reads one page of CEQueue inside txn.
func ceQueue(txn *badger.Txn, viewer domain.User, f CEFilter) (CEPage, error) {
	if viewer.Role != domain.RoleReviewer || viewer.AgencyID == "" {
		return CEPage{}, errNotFound
	}
	sums, err := agencyPage(txn, ceQueuePrefix(viewer.AgencyID), ceAgencyPrefix(viewer.AgencyID), f.Status, f.After, f.Limit, f, nil)
	out := CEPage{Total: sums.Total, Next: sums.Next}
	for _, sm := range sums.Rows {
		out.Rows = append(out.Rows, CERow{EnrolID: sm.ID, Number: sm.Number, Name: sm.Name, CertNumber: sm.CertNumber,
			PostCode: sm.PostCode, CycleNo: sm.CycleNo, Status: sm.Status, SubmittedAt: sm.SubmittedAt})
	}
	return out, err
}

// CEQueueCount returns the number of enrolments waiting for the reviewer's agency.
func (s *Store) CEQueueCount(viewer domain.User) (int, error) {
	if viewer.Role != domain.RoleReviewer {
		return 0, nil
	}
	n := 0
	err := s.view(func(txn *badger.Txn) error {
		n = countKeys(txn, ceQueuePrefix(viewer.AgencyID))
		return nil
	})
	return n, err
}

// reviewable loads an enrolment a reviewer of its agency may see; anything else
// (another agency's, a draft) looks like not-found.
func reviewable(txn *badger.Txn, viewer domain.User, id string) (domain.Enrolment, error) {
	e, err := loadEnrol(txn, id)
	if err != nil {
		return e, err
	}
	if viewer.Role != domain.RoleReviewer || viewer.AgencyID == "" || viewer.AgencyID != e.AgencyID || e.Status == domain.EnrolDraft {
		return domain.Enrolment{}, errNotFound
	}
	return e, nil
}

// CEReview is what a reviewer sees of one enrolment: the trainee (without secrets), the
// certificate and its learning records.
type CEReview struct {
	Enrolment   domain.Enrolment
	Trainee     domain.User
	Certificate domain.Certificate
	Records     []domain.LearningRecord
	Settings    domain.CESettings
}

// ReviewEnrolment loads an enrolment for a reviewer of its agency.
func (s *Store) ReviewEnrolment(viewer domain.User, id string) (CEReview, error) {
	var r CEReview
	err := s.view(func(txn *badger.Txn) error {
		e, err := reviewable(txn, viewer, id)
		if err != nil {
			return err
		}
		r, err = ceReviewOf(txn, e)
		return err
	})
	return r, err
}

// ceReviewOf reads what the detail of enrolment e shows (for its reviewer, or an admin
// reading it).
func ceReviewOf(txn *badger.Txn, e domain.Enrolment) (CEReview, error) {
	r := CEReview{Enrolment: e}
	err := func() error {
		var err error
		if r.Trainee, err = loadUser(txn, r.Enrolment.TraineeID); err != nil {
			return err
		}
		var c certRec
		if err := getJSON(txn, certKey(r.Enrolment.CertID), &c); err != nil {
			return err
		}
		r.Certificate = c.Certificate
		if r.Records, err = recordsOfCert(txn, c.ID); err != nil {
			return err
		}
		r.Settings, err = ceSettings(txn)
		return err
	}()
	r.Trainee.PasswordHash = ""
	return r, err
}

// DecideEnrolment applies a reviewer's confirm or return to an enrolment of their own
// agency, with its audit entry and the trainee's notification, in one transaction: of
// concurrent decisions exactly one wins and the others see a conflict.
func (s *Store) DecideEnrolment(actor domain.User, id string, d domain.Decision, now time.Time) (domain.Enrolment, error) {
	var e domain.Enrolment
	err := s.update(func(txn *badger.Txn) error {
		old, err := reviewable(txn, actor, id)
		if err != nil {
			return err
		}
		if d.Kind == domain.EnrolConfirmDecision { // a cancelled or revoked certificate (cert_withdraw.go)
			if err := ceStopped(txn, old.CertID, "确认这份继续教育报名"); err != nil {
				return err
			}
		}
		if e, err = old.Apply(d, actor.Name, now); err != nil {
			return err
		}
		if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: d.Kind.AuditAction(), Object: e.ID, Detail: e.Number}); err != nil {
			return err
		}
		return enrolRecords.saveNotified(txn, old, e, domain.NotifyCEDecision, now)
	})
	if err == nil {
		s.Events.Publish(e.AgencyID, domain.QueueCE)
	}
	return e, err
}
