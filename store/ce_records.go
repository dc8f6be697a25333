package store

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// 更正、删除学习记录 (issue 14): a reviewer corrects or removes a learning record their
// agency recorded for one of its enrolments, with a reason. One transaction per use case
// writes the record, recounts the enrolment (status, statistics: saving it recomputes its
// learning-hours summary, stats.go syncCEHours), notifies the trainee when the cycle
// newly reaches the hours, and writes the audit entry with before → after and the reason.

type removedRec struct {
	V int
	domain.RemovedRecord
}

// RecordEdit is what the correction form shows: the enrolment, the record, the agency's
// catalog and the rules.
type RecordEdit struct {
	Enrolment domain.Enrolment
	Trainee   domain.User
	Record    domain.LearningRecord
	Courses   []domain.Course
	Settings  domain.CESettings
}

// editableRecord loads a record of an enrolment of the reviewer's agency that the agency
// recorded. Anything else is not found; a record another reviewer removed meanwhile is a
// conflict that says so.
func editableRecord(txn *badger.Txn, viewer domain.User, enrolID, recordID string) (domain.Enrolment, domain.LearningRecord, error) {
	e, err := reviewable(txn, viewer, enrolID)
	if err != nil {
		return e, domain.LearningRecord{}, err
	}
	var r learningRec
	err = getJSON(txn, ceRecordKey(e.CertID, recordID), &r)
	if err == errNotFound {
		var gone removedRec
		if getJSON(txn, ceRecordRemovedKey(e.CertID, recordID), &gone) == nil && gone.EnrolID == e.ID && gone.AgencyID == viewer.AgencyID {
			return e, gone.LearningRecord, domain.Err(domain.CodeConflict, "这条学习记录已于"+
				gone.RemovedAt.In(time.FixedZone("CST", 8*3600)).Format("1月2日 15:04")+"被"+gone.RemovedBy+"删除（原因："+gone.Reason+"），不能再更正")
		}
		return e, domain.LearningRecord{}, errNotFound
	}
	if err != nil {
		return e, domain.LearningRecord{}, err
	}
	if r.EnrolID != e.ID || r.AgencyID != viewer.AgencyID {
		return e, domain.LearningRecord{}, errNotFound
	}
	return e, r.LearningRecord, nil
}

// LearningRecordEdit reads a record for its correction form.
func (s *Store) LearningRecordEdit(viewer domain.User, enrolID, recordID string) (RecordEdit, error) {
	var out RecordEdit
	err := s.view(func(txn *badger.Txn) error {
		var err error
		if out.Enrolment, out.Record, err = editableRecord(txn, viewer, enrolID, recordID); err != nil {
			return err
		}
		if out.Trainee, err = loadUser(txn, out.Enrolment.TraineeID); err != nil {
			return err
		}
		out.Trainee.PasswordHash = ""
		if out.Settings, err = ceSettings(txn); err != nil {
			return err
		}
		return scanJSON(txn, ceCoursePrefix(viewer.AgencyID), false, 0, func(r *courseRec) { out.Courses = append(out.Courses, r.Course) })
	})
	return out, err
}

// CorrectLearning corrects a learning record: the course (of the agency's catalog), the
// hours and the completion day, with a reason, on the revision the form was opened on.
func (s *Store) CorrectLearning(actor domain.User, enrolID, recordID string, in domain.RecordCorrection, now time.Time) (domain.Enrolment, error) {
	var e domain.Enrolment
	err := s.update(func(txn *badger.Txn) error {
		old, before, err := editableRecord(txn, actor, enrolID, recordID)
		if err != nil {
			return err
		}
		cs, err := ceSettings(txn)
		if err != nil {
			return err
		}
		fe := domain.FieldErrors{}
		c, err := loadCourse(txn, actor.AgencyID, in.CourseID)
		switch {
		case err == errNotFound && in.CourseID == before.CourseID:
			// The course left the catalog: the record keeps what it was recorded as.
			c = domain.Course{ID: before.CourseID, AgencyID: before.AgencyID, Title: before.Course, Category: before.Category, Hours: before.Hours}
		case err == errNotFound:
			fe.Add("course", "请从本机构的课程目录中选择课程")
		case err != nil:
			return err
		}
		hours, err := domain.ParseHours(in.Hours, cs.MaxRecordHours)
		if err != nil {
			fe.Add("hours", domain.MessageOf(err))
		}
		day, err := domain.ParseDate(in.Date, "完成日期")
		if err != nil {
			fe.Add("date", domain.MessageOf(err))
		}
		reason, err := domain.RecordReason(in.Reason, "更正")
		if err != nil {
			fe.Add("reason", domain.MessageOf(err))
		}
		if len(fe) > 0 {
			return fe
		}
		if err := before.CheckRev(in.Rev); err != nil {
			return err
		}
		if err := ceStopped(txn, old.CertID, "更正学时（继续教育报名 "+old.Number+"）"); err != nil {
			return err
		}
		after, err := before.Corrected(old, c, hours, day, cs, actor.Name, now)
		if err != nil {
			return err
		}
		changes := domain.RecordChanges(before, after)
		if changes == "" {
			return domain.FieldErrors{"form": "您没有修改任何内容。请修改课程、学时或完成日期后再提交；不需要更正时请返回"}
		}
		oldDay, newDay := ceRecordDayKey(before.CertID, before.CourseID, before.CompletedOn), ceRecordDayKey(after.CertID, after.CourseID, after.CompletedOn)
		if string(oldDay) != string(newDay) {
			if dup, err := exists(txn, newDay); err != nil || dup {
				if err == nil {
					err = domain.FieldErrors{"date": "“" + after.Course + "”在" + after.CompletedOn.Format("2006年1月2日") + "已有记录，不能重复记录"}
				}
				return err
			}
			if err := txn.Delete(oldDay); err != nil {
				return err
			}
			if err := txn.Set(newDay, []byte(after.ID)); err != nil {
				return err
			}
		}
		if err := putJSON(txn, ceRecordKey(after.CertID, after.ID), learningRec{V: 1, LearningRecord: after}); err != nil {
			return err
		}
		if e, err = recount(txn, old, cs, actor.Name, "更正学习记录", before.Summary()+"："+changes+"；原因："+reason, now); err != nil {
			return err
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: domain.AuditLearningCorrect, Object: e.ID,
			Detail: e.Number + " " + before.Summary() + "：" + changes + "；原因：" + reason})
	})
	if err == nil {
		s.Events.Publish(e.AgencyID, domain.QueueCE)
	}
	return e, err
}

// RemoveLearning takes a learning record out of the hours, with a reason, on the revision
// the form was opened on. The record is kept apart (ceRecordRemovedKey) for the history.
func (s *Store) RemoveLearning(actor domain.User, enrolID, recordID string, rev int, reason string, now time.Time) (domain.Enrolment, error) {
	var e domain.Enrolment
	err := s.update(func(txn *badger.Txn) error {
		old, r, err := editableRecord(txn, actor, enrolID, recordID)
		if err != nil {
			return err
		}
		why, err := domain.RecordReason(reason, "删除")
		if err != nil {
			return domain.FieldErrors{"remove_reason": domain.MessageOf(err)}
		}
		if err := r.CheckRev(rev); err != nil {
			return err
		}
		if err := ceStopped(txn, old.CertID, "删除学习记录（继续教育报名 "+old.Number+"）"); err != nil {
			return err
		}
		cs, err := ceSettings(txn)
		if err != nil {
			return err
		}
		gone := domain.RemovedRecord{LearningRecord: r, RemovedBy: actor.Name, RemovedAt: now, Reason: why}
		if err := putJSON(txn, ceRecordRemovedKey(r.CertID, r.ID), removedRec{V: 1, RemovedRecord: gone}); err != nil {
			return err
		}
		if err := txn.Delete(ceRecordKey(r.CertID, r.ID)); err != nil {
			return err
		}
		if err := txn.Delete(ceRecordDayKey(r.CertID, r.CourseID, r.CompletedOn)); err != nil {
			return err
		}
		if e, err = recount(txn, old, cs, actor.Name, "删除学习记录", r.Summary()+"；原因："+why, now); err != nil {
			return err
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: domain.AuditLearningRemove, Object: e.ID,
			Detail: e.Number + " " + r.Summary() + " → 已删除；原因：" + why})
	})
	if err == nil {
		s.Events.Publish(e.AgencyID, domain.QueueCE)
	}
	return e, err
}

// recount moves the enrolment after its records changed in this transaction and saves it
// (which recomputes its learning-hours summary for the statistics); the trainee is told
// when the cycle has just reached the hours, as advance does.
func recount(txn *badger.Txn, e domain.Enrolment, cs domain.CESettings, by, what, note string, now time.Time) (domain.Enrolment, error) {
	records, err := recordsOfCert(txn, e.CertID)
	if err != nil {
		return e, err
	}
	p := domain.Progress(e.Cycle, records, cs, now)
	next, completed, err := e.Recount(p, by, what, note, now)
	if err != nil {
		return e, err
	}
	if completed {
		n := domain.Notification{Kind: domain.NotifyCECompleted, UserID: e.TraineeID, Subject: e.ID,
			Hours: p.Total, ProfessionalHours: p.Professional}
		if err := notifyUser(txn, n, now); err != nil {
			return e, err
		}
	}
	return next, enrolRecords.save(txn, e, next)
}

// RemovedLearning lists the records removed from an enrolment of the reviewer's agency,
// for the history on the correction pages.
func (s *Store) RemovedLearning(viewer domain.User, enrolID string) ([]domain.RemovedRecord, error) {
	var out []domain.RemovedRecord
	err := s.view(func(txn *badger.Txn) error {
		e, err := reviewable(txn, viewer, enrolID)
		if err != nil {
			return err
		}
		return scanJSON(txn, key(pCERecordRemoved, e.CertID, "/"), false, 0, func(r *removedRec) {
			if r.EnrolID == e.ID {
				out = append(out, r.RemovedRecord)
			}
		})
	})
	return out, err
}
