package store

import (
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// 考场签到 (issue 13, exam day). Attendance is kept per candidate in its own key
// (examAttKey), so a check-in is one small transaction that never touches the session
// record: two invigilators scanning the same ticket at once read and write the same key,
// Badger makes the later one retry on the new state, and it answers 已签到.
//
// A ticket is found through the application's ticket index (appTicketKey, kept with the
// application) or, for a scanned QR code, the print-outs' verification token
// (appTokenKey); the application's Exam names its session, subjects, room and seat, so
// a lookup reads four small keys, never the session with its thousands of candidates.
//
// Who may: an admin, for every candidate; a reviewer, for the candidates of their own
// agency in a session where it has some (so that the photo, served by /photos/:id under
// the same rule, shows). A reviewer whose agency has no candidate in the session does
// not learn that the session or the ticket exists.

type attendRec struct {
	V int
	domain.Attendance
}

func loadAttendance(txn *badger.Txn, sessionID, appID string) (domain.Attendance, error) {
	var r attendRec
	err := getJSON(txn, examAttKey(sessionID, appID), &r)
	if domain.CodeOf(err) == domain.CodeNotFound {
		return domain.Attendance{SessionID: sessionID, AppID: appID}, nil
	}
	return r.Attendance, err
}

func putAttendance(txn *badger.Txn, a domain.Attendance) error {
	return putJSON(txn, examAttKey(a.SessionID, a.AppID), attendRec{V: 1, Attendance: a})
}

// invigilates reports whether actor may open the exam-day pages of sess; a reviewer
// needs a seated candidate of their agency in it.
func invigilates(actor domain.User, sess domain.ExamSession) bool {
	switch actor.Role {
	case domain.RoleAdmin:
		return true
	case domain.RoleReviewer:
		return actor.AgencyID != "" && slices.ContainsFunc(sess.Candidates, func(c domain.ExamCandidate) bool {
			return c.Seated() && c.AgencyID == actor.AgencyID
		})
	}
	return false
}

// examDaySession loads a published session the actor may invigilate; anything else is
// not found.
func examDaySession(txn *badger.Txn, actor domain.User, sessionID string) (domain.ExamSession, error) {
	sess, err := loadExam(txn, sessionID)
	if err != nil {
		return sess, err
	}
	if sess.State != domain.ExamPublished || !invigilates(actor, sess) {
		return domain.ExamSession{}, errNotFound
	}
	return sess, nil
}

// ExamDaySessions lists the published sessions the actor may invigilate that are still
// open for it (until seven days after their last subject), the soonest first.
func (s *Store) ExamDaySessions(actor domain.User, now time.Time) ([]domain.ExamSession, error) {
	var out []domain.ExamSession
	err := s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, examPrefix(), false, 0, func(r *examRec) {
			if r.InvigilationOpen(now) && invigilates(actor, r.ExamSession) {
				out = append(out, r.ExamSession)
			}
		})
	})
	slices.SortFunc(out, func(a, b domain.ExamSession) int { return a.Subjects[0].Start.Compare(b.Subjects[0].Start) })
	return out, err
}

// ExamDay is a session for its invigilator with the attendance of the candidates they
// may see: every candidate for an admin, their agency's for a reviewer (the others are
// left out of the returned session).
func (s *Store) ExamDay(actor domain.User, sessionID string) (domain.ExamSession, map[string]domain.Attendance, error) {
	var sess domain.ExamSession
	att := map[string]domain.Attendance{}
	err := s.view(func(txn *badger.Txn) error {
		var err error
		if sess, err = examDaySession(txn, actor, sessionID); err != nil {
			return err
		}
		if actor.Role != domain.RoleAdmin {
			sess.Candidates = slices.DeleteFunc(slices.Clone(sess.Candidates), func(c domain.ExamCandidate) bool {
				return c.AgencyID != actor.AgencyID
			})
		}
		return scanJSON(txn, examAttPrefix(sessionID), false, 0, func(r *attendRec) { att[r.AppID] = r.Attendance })
	})
	for id := range att {
		if _, ok := sess.Candidate(id); !ok {
			delete(att, id)
		}
	}
	return sess, att, err
}

// ExamAttendance is every candidate's attendance in a session by application ID (a
// candidate with nothing recorded is absent from the map: their state follows from the
// subjects' end alone). For score entry: 缺考 prefill.
func (s *Store) ExamAttendance(sessionID string) (map[string]domain.Attendance, error) {
	out := map[string]domain.Attendance{}
	err := s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, examAttPrefix(sessionID), false, 0, func(r *attendRec) { out[r.AppID] = r.Attendance })
	})
	return out, err
}

// AttendanceOf is one application's attendance in the session of its exam (zero when no
// exam is scheduled or nothing was recorded).
func (s *Store) AttendanceOf(appID string) (domain.Attendance, error) {
	var out domain.Attendance
	err := s.view(func(txn *badger.Txn) error {
		a, err := loadApp(txn, appID)
		if err != nil {
			return err
		}
		if a.Exam == nil || a.Exam.SessionID == "" {
			out = domain.Attendance{AppID: appID}
			return nil
		}
		out, err = loadAttendance(txn, a.Exam.SessionID, appID)
		return err
	})
	return out, err
}

// checkInApp finds the application of a typed ticket or scanned QR code in the session,
// with the reasons a ticket is refused: unknown, another session's, another agency's.
func checkInApp(txn *badger.Txn, actor domain.User, sessionID string, ref domain.TicketRef) (domain.Application, error) {
	k := appTicketKey(ref.Ticket)
	if ref.Token != "" {
		k = appTokenKey(ref.Token)
	}
	appID, err := getString(txn, k)
	if domain.CodeOf(err) == domain.CodeNotFound {
		return domain.Application{}, domain.ErrTicketUnknown(ref.Ticket)
	}
	if err != nil {
		return domain.Application{}, err
	}
	a, err := loadApp(txn, appID)
	if err != nil {
		return a, err
	}
	if a.Exam == nil || a.Exam.TicketNumber == "" {
		return a, domain.ErrTicketUnknown(ref.Ticket)
	}
	if err := inScope(txn, actor, sessionID, a); err != nil {
		return a, err
	}
	if a.Exam.SessionID != sessionID {
		name := a.Exam.Session
		if actor.Role != domain.RoleAdmin && a.AgencyID != actor.AgencyID {
			name = "" // another agency's candidate: not even the session's name
		}
		return a, domain.ErrTicketOtherSession(a.Exam.TicketNumber, name)
	}
	return a, nil
}

// inScope checks the actor against the session and the application's agency. Only a
// reviewer of another agency costs a read of the session (to tell "not yours" from "no
// such session").
func inScope(txn *badger.Txn, actor domain.User, sessionID string, a domain.Application) error {
	switch {
	case actor.Role == domain.RoleAdmin:
		return nil
	case actor.Role != domain.RoleReviewer:
		return errNotFound
	case a.AgencyID == actor.AgencyID && a.Exam.SessionID == sessionID:
		return nil
	}
	if _, err := examDaySession(txn, actor, sessionID); err != nil {
		return err
	}
	if a.Exam.SessionID != sessionID {
		return nil // the caller says "another session"
	}
	return domain.ErrTicketOtherAgency
}

func checkInCandidate(txn *badger.Txn, a domain.Application) (domain.CheckInCandidate, error) {
	c := domain.CheckInCandidate{AppID: a.ID, AppNumber: a.Number, AgencyID: a.AgencyID, Exam: *a.Exam}
	u, err := loadUser(txn, a.TraineeID)
	if err != nil {
		return c, err
	}
	c.Name, c.MaskedID = u.Name, domain.MaskID(u.IDNumber)
	p, err := loadPhoto(txn, a.TraineeID)
	if err != nil {
		return c, err
	}
	if p.StatusOrNone() == domain.PhotoConfirmed {
		c.PhotoID = p.ID
	}
	c.Attendance, err = loadAttendance(txn, a.Exam.SessionID, a.ID)
	return c, err
}

// CheckInLookup shows the candidate of a typed ticket number or scanned QR code.
func (s *Store) CheckInLookup(actor domain.User, sessionID string, ref domain.TicketRef) (domain.CheckInCandidate, error) {
	var out domain.CheckInCandidate
	err := s.view(func(txn *badger.Txn) error {
		a, err := checkInApp(txn, actor, sessionID, ref)
		if err != nil {
			return err
		}
		out, err = checkInCandidate(txn, a)
		return err
	})
	return out, err
}

// CheckIn marks the candidate 已签到 for subject (or, when "", the subject whose
// check-in is open now), in one transaction. A second check-in, even one racing this
// one, is refused with the time and the invigilator of the first; the candidate is
// returned with either answer.
func (s *Store) CheckIn(actor domain.User, sessionID string, ref domain.TicketRef, subject string, now time.Time) (domain.CheckInCandidate, error) {
	var out domain.CheckInCandidate
	var refusal error
	err := s.update(func(txn *badger.Txn) error {
		refusal = nil
		a, err := checkInApp(txn, actor, sessionID, ref)
		if err != nil {
			return err
		}
		if out, err = checkInCandidate(txn, a); err != nil {
			return err
		}
		var sub domain.ExamSubject
		var ok bool
		if subject != "" {
			sub, ok = domain.SubjectNamed(a.Exam.Subjects, subject)
		} else if sub, ok = domain.CurrentSubject(a.Exam.Subjects, now); !ok {
			refusal = domain.Err(domain.CodeConflict, "现在没有正在签到的科目（考试当天开考前至结束前可以签到），请核对考试时间")
			return nil
		}
		if !ok {
			refusal = domain.Err(domain.CodeConflict, "“"+subject+"”不是本场考试的科目，请重新查找考生后签到")
			return nil
		}
		att, err := out.Attendance.CheckIn(sub, out.Name, actor, now)
		if err != nil {
			refusal = err // nothing written; the candidate is still shown
			return nil
		}
		out.Attendance = att
		return putAttendance(txn, att)
	})
	if err != nil {
		return out, err
	}
	return out, refusal
}

// CorrectAttendance overrides a candidate's state for a subject with a reason, audited
// with the state before and after.
func (s *Store) CorrectAttendance(actor domain.User, sessionID, appID string, in domain.CorrectionInput, now time.Time) (domain.CheckInCandidate, error) {
	var out domain.CheckInCandidate
	err := s.update(func(txn *badger.Txn) error {
		a, err := loadApp(txn, appID)
		if err != nil {
			return err
		}
		if a.Exam == nil || a.Exam.SessionID != sessionID {
			return errNotFound
		}
		if err := inScope(txn, actor, sessionID, a); err != nil {
			return err
		}
		if out, err = checkInCandidate(txn, a); err != nil {
			return err
		}
		att, before, err := out.Attendance.Correct(a.Exam.Subjects, in, actor, now)
		if err != nil {
			return err
		}
		out.Attendance = att
		if err := putAttendance(txn, att); err != nil {
			return err
		}
		after := domain.AttendAbsent
		if in.Present {
			after = domain.AttendPresent
		}
		e := att.Of(in.Subject)
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(),
			Action: domain.AuditExamAttendCorrect, Object: a.ID,
			Detail: a.Exam.Session + " 准考证号" + a.Exam.TicketNumber + " " + e.Subject + "：" + before.Label() + " → " + after.Label() + "，原因：" + e.Reason})
	})
	return out, err
}

// CheckInOf is the application's attendance for the trainee's page; used is false when
// the application has no exam of a session, or its session ran without the check-in
// (then its attendance says nothing).
func (s *Store) CheckInOf(a domain.Application) (att domain.Attendance, used bool, err error) {
	err = s.view(func(txn *badger.Txn) error {
		att, used, err = checkInIn(txn, a)
		return err
	})
	return att, used, err
}

// checkInIn reads the application's attendance in the session of its exam; used is false
// when it has no exam of a session, or nobody in that session was checked in (the
// session ran without the check-in, and its attendance says nothing).
func checkInIn(txn *badger.Txn, a domain.Application) (att domain.Attendance, used bool, err error) {
	if a.Exam == nil || a.Exam.SessionID == "" {
		return att, false, nil
	}
	if err := scanKeys(txn, examAttPrefix(a.Exam.SessionID), func([]byte) (bool, error) { used = true; return false, nil }); err != nil || !used {
		return att, false, err
	}
	att, err = loadAttendance(txn, a.Exam.SessionID, a.ID)
	return att, true, err
}
