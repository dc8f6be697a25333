package store

import (
	"slices"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// Learning records (学习记录): an agency's course catalog, completions recorded one by one
// or imported all-or-nothing, and the completion of a cycle that reaches the hours.

type courseRec struct {
	V int
	domain.Course
}

type learningRec struct {
	V int
	domain.LearningRecord
}

func staffAgency(viewer domain.User) (string, error) {
	if viewer.Role != domain.RoleReviewer || viewer.AgencyID == "" {
		return "", errNotFound
	}
	return viewer.AgencyID, nil
}

// Courses returns the reviewer's agency's catalog ordered by title.
func (s *Store) Courses(viewer domain.User) ([]domain.Course, error) {
	agency, err := staffAgency(viewer)
	if err != nil {
		return nil, err
	}
	var out []domain.Course
	err = s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, ceCoursePrefix(agency), false, 0, func(r *courseRec) { out = append(out, r.Course) })
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out, err
}

// AddCourse adds a course to the reviewer's agency's catalog; titles are unique per agency
// (compared as domain.CourseKey), because imports name courses by title.
func (s *Store) AddCourse(viewer domain.User, in domain.CourseInput, now time.Time) (domain.Course, error) {
	agency, err := staffAgency(viewer)
	if err != nil {
		return domain.Course{}, err
	}
	var c domain.Course
	err = s.update(func(txn *badger.Txn) error {
		cs, err := ceSettings(txn)
		if err != nil {
			return err
		}
		if c, err = in.Validate(cs); err != nil {
			return err
		}
		title := ceCourseTitleKey(agency, domain.CourseKey(c.Title))
		if taken, err := exists(txn, title); err != nil || taken {
			if err == nil {
				err = domain.FieldErrors{"title": "课程目录中已有同名课程“" + c.Title + "”"}
			}
			return err
		}
		c.ID, c.AgencyID, c.CreatedAt = newTimeID(now), agency, now
		if err := txn.Set(title, []byte(c.ID)); err != nil {
			return err
		}
		if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: viewer.ID, Actor: viewer.AuditName(), Action: domain.AuditCourseAdd, Object: c.ID, Detail: c.Title}); err != nil {
			return err
		}
		return putJSON(txn, ceCourseKey(agency, c.ID), courseRec{V: 1, Course: c})
	})
	return c, err
}

func loadCourse(txn *badger.Txn, agency, id string) (domain.Course, error) {
	var r courseRec
	err := getJSON(txn, ceCourseKey(agency, id), &r)
	return r.Course, err
}

func recordsOfCert(txn *badger.Txn, certID string) ([]domain.LearningRecord, error) {
	var out []domain.LearningRecord
	err := scanJSON(txn, ceRecordPrefix(certID), false, 0, func(r *learningRec) { out = append(out, r.LearningRecord) })
	sort.SliceStable(out, func(i, j int) bool { return out[i].CompletedOn.Before(out[j].CompletedOn) })
	return out, err
}

// addRecord validates and writes one learning record of an enrolment.
func addRecord(txn *badger.Txn, e domain.Enrolment, c domain.Course, day time.Time, cs domain.CESettings, by string, now time.Time) (domain.LearningRecord, error) {
	r, err := domain.NewLearningRecord(e, c, day, cs, now)
	if err != nil {
		return r, err
	}
	if err := ceStopped(txn, e.CertID, "记录学时（继续教育报名 "+e.Number+"）"); err != nil { // cert_withdraw.go
		return r, err
	}
	if dup, err := exists(txn, ceRecordDayKey(r.CertID, r.CourseID, r.CompletedOn)); err != nil || dup {
		if err == nil {
			err = domain.FieldErrors{"date": "“" + c.Title + "”在" + r.CompletedOn.Format("2006年1月2日") + "已有记录，不能重复记录"}
		}
		return r, err
	}
	r.ID, r.RecordedBy = newTimeID(now), by
	if err := txn.Set(ceRecordDayKey(r.CertID, r.CourseID, r.CompletedOn), []byte(r.ID)); err != nil {
		return r, err
	}
	return r, putJSON(txn, ceRecordKey(r.CertID, r.ID), learningRec{V: 1, LearningRecord: r})
}

// advance moves an enrolment on after learning was added and notifies the trainee when
// its cycle has just reached the hours, with the hours as they are now.
func advance(txn *badger.Txn, e domain.Enrolment, cs domain.CESettings, by string, now time.Time) (domain.Enrolment, bool, error) {
	records, err := recordsOfCert(txn, e.CertID)
	if err != nil {
		return e, false, err
	}
	p := domain.Progress(e.Cycle, records, cs, now)
	next, completed, err := e.Learn(p, by, now)
	if err != nil {
		return e, false, err
	}
	if completed {
		n := domain.Notification{Kind: domain.NotifyCECompleted, UserID: e.TraineeID, Subject: e.ID,
			Hours: p.Total, ProfessionalHours: p.Professional}
		if err := notifyUser(txn, n, now); err != nil {
			return e, false, err
		}
	}
	return next, completed, enrolRecords.save(txn, e, next)
}

// RecordLearning records one completed course of the reviewer's agency's catalog for an
// enrolment of that agency, on the given day.
func (s *Store) RecordLearning(actor domain.User, enrolID, courseID string, day time.Time, now time.Time) (domain.Enrolment, error) {
	var e domain.Enrolment
	err := s.update(func(txn *badger.Txn) error {
		old, err := reviewable(txn, actor, enrolID)
		if err != nil {
			return err
		}
		cs, err := ceSettings(txn)
		if err != nil {
			return err
		}
		c, err := loadCourse(txn, actor.AgencyID, courseID)
		if err == errNotFound {
			return domain.FieldErrors{"course": "请从本机构的课程目录中选择课程"}
		}
		if err != nil {
			return err
		}
		r, err := addRecord(txn, old, c, day, cs, actor.Name, now)
		if err != nil {
			return err
		}
		if e, _, err = advance(txn, old, cs, actor.Name, now); err != nil {
			return err
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: domain.AuditLearningRecord, Object: e.ID,
			Detail: e.Number + " " + r.Course + " " + r.Hours.String() + "学时"})
	})
	if err == nil {
		s.Events.Publish(e.AgencyID, domain.QueueCE)
	}
	return e, err
}

// CELearning is a trainee's continuing education: the rules in force, their
// certificates with the learning records of each, and their enrolments.
type CELearning struct {
	Settings     domain.CESettings
	Certificates []domain.Certificate
	Records      map[string][]domain.LearningRecord // by certificate ID, oldest first
	Enrolments   []domain.Enrolment                 // newest first
}

// LearningOf reads a trainee's continuing education in one consistent view.
func (s *Store) LearningOf(traineeID string) (CELearning, error) {
	out := CELearning{Records: map[string][]domain.LearningRecord{}}
	err := s.view(func(txn *badger.Txn) error {
		var err error
		if out.Settings, err = ceSettings(txn); err != nil {
			return err
		}
		if out.Certificates, err = s.holderCertificates(txn, traineeID); err != nil {
			return err
		}
		for _, c := range out.Certificates {
			if out.Records[c.ID], err = recordsOfCert(txn, c.ID); err != nil {
				return err
			}
		}
		out.Enrolments, err = enrolRecords.of(txn, traineeID)
		return err
	})
	sort.SliceStable(out.Certificates, func(i, j int) bool { return out.Certificates[i].IssuedOn.After(out.Certificates[j].IssuedOn) })
	slices.Reverse(out.Enrolments) // newest first, as EnrolmentsOf lists them
	return out, err
}

// CertificateStatuses returns the status each of a holder's certificates shows with
// continuing education taken into account (domain.Certificate.Compliance), by ID.
func (s *Store) CertificateStatuses(holderID string, now time.Time) (map[string]domain.Compliance, error) {
	_, out, err := s.CertificatesWithStatus(holderID, now)
	return out, err
}

// CertificatesWithStatus returns a holder's certificates, most recently issued first, and
// the status each shows (as CertificateStatuses), read in one transaction for the
// 证书信息 page, which read them twice and every enrolment besides (issue 15).
func (s *Store) CertificatesWithStatus(holderID string, now time.Time) ([]domain.Certificate, map[string]domain.Compliance, error) {
	var certs []domain.Certificate
	out := map[string]domain.Compliance{}
	err := s.view(func(txn *badger.Txn) error {
		cs, err := ceSettings(txn)
		if err != nil {
			return err
		}
		if certs, err = s.holderCertificates(txn, holderID); err != nil {
			return err
		}
		for _, c := range certs {
			records, err := recordsOfCert(txn, c.ID)
			if err != nil {
				return err
			}
			out[c.ID] = c.Compliance(records, cs, now)
		}
		return nil
	})
	sort.SliceStable(certs, func(i, j int) bool { return certs[i].IssuedOn.After(certs[j].IssuedOn) })
	return certs, out, err
}

// CertificateCompliance is the status of one certificate with continuing education taken
// into account, for pages that show a single certificate (detail, public check).
func (s *Store) CertificateCompliance(c domain.Certificate, now time.Time) (domain.Compliance, error) {
	var out domain.Compliance
	err := s.view(func(txn *badger.Txn) error {
		cs, err := ceSettings(txn)
		if err != nil {
			return err
		}
		records, err := recordsOfCert(txn, c.ID)
		out = c.Compliance(records, cs, now)
		return err
	})
	return out, err
}
