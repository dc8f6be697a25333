package store

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// 成绩录入 and 成绩确认 (issue 13): scores are entered per seated candidate of a published
// session, by an admin (any candidate) or a reviewer (only their own agency's: another
// agency's candidate is not found); confirming the results judges every application
// under the pass marks in force, in batches, and ends the session.

// scoreScope reports whether the actor may see and score the candidate: admins all, a
// reviewer only their own agency's.
func scoreScope(actor domain.User, c domain.ExamCandidate) bool {
	return actor.Role == domain.RoleAdmin || (actor.Role == domain.RoleReviewer && actor.AgencyID != "" && actor.AgencyID == c.AgencyID)
}

// staffOnly refuses anyone but admins and reviewers.
func staffOnly(actor domain.User) error {
	if actor.Role != domain.RoleAdmin && actor.Role != domain.RoleReviewer {
		return errNotFound
	}
	return nil
}

// ScoreSheet is a published session's score grid as the actor may see it.
type ScoreSheet struct {
	Session domain.ExamSession
	Rows    []domain.ScoreRow
}

// roomOf is the "<venue>.<room>" (from 1) of a seated candidate, as the pages pick rooms.
func roomOf(c domain.ExamCandidate) string {
	return strconv.Itoa(c.Venue+1) + "." + strconv.Itoa(c.Room+1)
}

// scoreRow reads a candidate's application and holder for the grid.
func scoreRow(txn *badger.Txn, sess domain.ExamSession, c domain.ExamCandidate, now time.Time) (domain.ScoreRow, error) {
	a, err := loadApp(txn, c.AppID)
	if err != nil {
		return domain.ScoreRow{}, err
	}
	u, err := loadUser(txn, c.TraineeID)
	if err != nil && err != errNotFound {
		return domain.ScoreRow{}, err
	}
	v := sess.Venues[c.Venue]
	room := v.Rooms[c.Room].Name
	if len(sess.Venues) > 1 {
		room = v.Name + " " + room
	}
	r := domain.ScoreRow{ExamCandidate: c, Room: room, MaskedID: domain.MaskID(u.IDNumber), Status: a.Status}
	if r.CheckInAbsent, err = checkInAbsent(txn, sess, a, now); err != nil {
		return r, err
	}
	if a.Scores != nil && a.Exam != nil && a.Exam.SessionID == sess.ID {
		sc := *a.Scores
		r.Scores = &sc
	}
	return r, nil
}

// ScoreSheet lists the seated candidates of a session the actor may score, in room and
// seat order, optionally of one room ("<venue>.<room>" from 1). A reviewer with no
// candidate in the session, or a session in 编排中 for a reviewer, is not found.
func (s *Store) ScoreSheet(actor domain.User, id, room string, now time.Time) (ScoreSheet, error) {
	var out ScoreSheet
	if err := staffOnly(actor); err != nil {
		return out, err
	}
	err := s.view(func(txn *badger.Txn) error {
		sess, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		out.Session = sess
		mine := 0
		for _, c := range sess.Candidates {
			if !c.Seated() || !scoreScope(actor, c) {
				continue
			}
			mine++
			if room != "" && roomOf(c) != room {
				continue
			}
			r, err := scoreRow(txn, sess, c, now)
			if err != nil {
				return err
			}
			out.Rows = append(out.Rows, r)
		}
		if actor.Role != domain.RoleAdmin && (mine == 0 || sess.State == domain.ExamArranging) {
			return errNotFound
		}
		return nil
	})
	slices.SortFunc(out.Rows, func(a, b domain.ScoreRow) int {
		return cmp.Or(cmp.Compare(a.Venue, b.Venue), cmp.Compare(a.Room, b.Room), cmp.Compare(a.Seat, b.Seat))
	})
	return out, err
}

// ExamSessionCount is a session with how many of the actor's candidates it seats and how
// many of them have a score.
type ExamSessionCount struct {
	Session        domain.ExamSession
	Seated, Scored int
}

// ScoringSessions lists the published or ended sessions that seat candidates the actor
// may score (a reviewer: their agency's), newest first, for the reviewer's 成绩录入 list.
func (s *Store) ScoringSessions(actor domain.User) ([]ExamSessionCount, error) {
	if err := staffOnly(actor); err != nil {
		return nil, err
	}
	all, err := s.ExamSessions()
	if err != nil {
		return nil, err
	}
	var out []ExamSessionCount
	err = s.view(func(txn *badger.Txn) error {
		for _, sess := range all {
			if sess.State == domain.ExamArranging {
				continue
			}
			n := ExamSessionCount{Session: sess}
			for _, c := range sess.Candidates {
				if !c.Seated() || !scoreScope(actor, c) {
					continue
				}
				n.Seated++
				a, err := loadApp(txn, c.AppID)
				if err != nil {
					return err
				}
				if a.Scores != nil {
					n.Scored++
				}
			}
			if n.Seated > 0 {
				out = append(out, n)
			}
		}
		return nil
	})
	return out, err
}

// EnterScores records one candidate's row of the grid: the session must be published
// (results not yet confirmed), the application a seated candidate of it that the actor
// may score (anything else of another agency is not found), and the row valid (a score
// for a 缺考 candidate is refused). The application's own scores decision is applied,
// audited, in one transaction.
func (s *Store) EnterScores(actor domain.User, id, appID string, in domain.ScoreInput, now time.Time) (domain.ScoreRow, error) {
	var out domain.ScoreRow
	if err := staffOnly(actor); err != nil {
		return out, err
	}
	sc, verr := in.Scores()
	err := s.update(func(txn *badger.Txn) error {
		sess, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		c, ok := sess.Candidate(appID)
		if ok && !scoreScope(actor, c) {
			return errNotFound
		}
		if !ok && actor.Role != domain.RoleAdmin {
			return errNotFound
		}
		if err := sess.CanScore(); err != nil {
			return err
		}
		if !ok || !c.Seated() {
			return domain.ErrNotInExam
		}
		if verr != nil {
			return verr
		}
		a, err := enterScores(txn, actor, sess, c, sc, now)
		if err != nil {
			return err
		}
		out, err = scoreRow(txn, sess, c, now)
		out.Status = a.Status
		return err
	})
	return out, err
}

// enterScores applies the scores decision to a seated candidate's application within
// txn, with its audit entry; the application must still carry the session's exam.
func enterScores(txn *badger.Txn, actor domain.User, sess domain.ExamSession, c domain.ExamCandidate, sc domain.Scores, now time.Time) (domain.Application, error) {
	old, err := loadApp(txn, c.AppID)
	if err != nil {
		return old, err
	}
	if old.Exam == nil || old.Exam.SessionID != sess.ID {
		return old, domain.ErrNotInExam
	}
	absent, err := checkInAbsent(txn, sess, old, now)
	if err != nil {
		return old, err
	}
	if err := domain.ScoreAgainstAttendance(sc, absent); err != nil {
		return old, err
	}
	d := domain.Decision{Kind: domain.AppScoresDecision, Scores: &sc}
	a, err := old.Apply(d, actor.Name, now)
	if err != nil {
		return a, err
	}
	if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: d.Kind.AuditAction(),
		Object: a.ID, Detail: fmt.Sprintf("%s %s：%s，%s", a.Number, c.Ticket, sc.Text(domain.SubjectBasic), sc.Text(domain.SubjectPractice))}); err != nil {
		return a, err
	}
	return a, appRecords.save(txn, old, a)
}

// ExamResults is the 成绩确认 page's data: every seated candidate and the summary under
// the pass marks in force.
type ExamResults struct {
	ScoreSheet
	Pass    domain.ExamSettings
	Summary domain.ResultSummary
}

// ExamResultsOf summarizes a session's scores for the admin.
func (s *Store) ExamResultsOf(actor domain.User, id string, now time.Time) (ExamResults, error) {
	var out ExamResults
	if err := adminOnly(actor); err != nil {
		return out, err
	}
	sheet, err := s.ScoreSheet(actor, id, "", now)
	if err != nil {
		return out, err
	}
	out.ScoreSheet = sheet
	names := map[string]string{}
	err = s.view(func(txn *badger.Txn) error {
		marks, err := examSettingsIn(txn)
		if err != nil {
			return err
		}
		out.Pass = marks.ExamSettings
		for _, r := range sheet.Rows {
			if _, ok := names[r.AgencyID]; !ok {
				ag, _ := agencyIn(txn, r.AgencyID)
				names[r.AgencyID] = cmp.Or(ag.Name, "（未知机构）")
			}
		}
		return nil
	})
	out.Summary = domain.Summarize(sheet.Rows, out.Pass, func(id string) string { return names[id] })
	return out, err
}

// examResultBatch is how many applications one transaction of ConfirmExamResults judges
// (each carries its record, its list entries, an audit entry and a mail; see
// examSyncBatch).
const examResultBatch = examSyncBatch

// ConfirmExamResults confirms a session's results (成绩确认): the first transaction checks
// that every seated candidate has a score or 缺考 and marks the session as closing, so a
// second admin confirming at the same moment is refused (one winner); then, batch by
// batch, each scored application is judged under the pass marks in force (合格 → 考试合格,
// 不合格 or 缺考 → 考试不合格, who may apply again) through its own result decision, audited,
// and the trainee is mailed; finally the session becomes 已结束. An interrupted
// confirmation is resumed by confirming again later (domain.ExamSession.BeginResults).
// confirmed is how many applications were judged by this call.
func (s *Store) ConfirmExamResults(actor domain.User, id string, now time.Time) (confirmed int, err error) {
	if err := adminOnly(actor); err != nil {
		return 0, err
	}
	var ids []string
	err = s.update(func(txn *badger.Txn) error {
		ids = ids[:0]
		sess, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		missing := 0
		for _, c := range sess.Candidates {
			if !c.Seated() {
				continue
			}
			a, err := loadApp(txn, c.AppID)
			if err != nil {
				return err
			}
			switch {
			case a.Status == domain.AppScored:
				ids = append(ids, c.AppID)
			case a.Status == domain.AppScheduled && a.Exam != nil && a.Exam.SessionID == sess.ID:
				missing++
			}
		}
		out, err := sess.BeginResults(missing, now)
		if err != nil {
			return err
		}
		if err := putExam(txn, out); err != nil {
			return err
		}
		return examAudit(txn, actor, domain.AuditExamResults, out, fmt.Sprintf("开始确认成绩，%d 名考生", len(ids)), now)
	})
	if err != nil {
		return 0, err
	}
	for chunk := range slices.Chunk(ids, examResultBatch) {
		n := 0
		err := s.update(func(txn *badger.Txn) error {
			n = 0
			marks, err := examSettingsIn(txn)
			if err != nil {
				return err
			}
			d := domain.Decision{Kind: domain.AppResultDecision, PassMarks: marks.ExamSettings}
			for _, appID := range chunk {
				old, err := loadApp(txn, appID)
				if err != nil {
					return err
				}
				if old.Status != domain.AppScored {
					continue // judged already (a resumed run)
				}
				a, err := old.Apply(d, actor.Name, now)
				if err != nil {
					return err
				}
				if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: d.Kind.AuditAction(),
					Object: a.ID, Detail: a.Number + " " + a.Scores.Result.Label()}); err != nil {
					return err
				}
				if err := appRecords.saveNotified(txn, old, a, domain.NotifyExamResult, now); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return confirmed, err
		}
		confirmed += n
	}
	err = s.update(func(txn *badger.Txn) error {
		sess, err := loadExam(txn, id)
		if err != nil || sess.State == domain.ExamEnded {
			return err
		}
		out := sess.EndResults(now)
		if err := putExam(txn, out); err != nil {
			return err
		}
		return examAudit(txn, actor, domain.AuditExamResults, out, "成绩确认完成，考试批次已结束", now)
	})
	return confirmed, err
}

// ScoreImportReport is what an import did: its lines, every line's error (nothing is
// written when there is any), and how many scores were written.
type ScoreImportReport struct {
	Lines   int
	Errors  []domain.LineError // sorted by line
	Written int
}

// checkScoreImport resolves the lines against the session within txn: each ticket must be
// a seated candidate the actor may score (another agency's is reported like an unknown
// ticket, revealing nothing), the name must match, and the application must carry the
// session's exam and still take scores.
func checkScoreImport(txn *badger.Txn, actor domain.User, sess domain.ExamSession, lines []domain.ScoreImportLine) ([]domain.ExamCandidate, []domain.LineError, error) {
	byTicket := make(map[string]domain.ExamCandidate, len(sess.Candidates))
	for _, c := range sess.Candidates {
		if c.Seated() && scoreScope(actor, c) {
			byTicket[c.Ticket] = c
		}
	}
	var errs []domain.LineError
	cs := make([]domain.ExamCandidate, len(lines))
	for i, l := range lines {
		c, ok := byTicket[l.Ticket]
		if !ok {
			errs = append(errs, domain.LineError{Line: l.Line, Message: "准考证号 " + l.Ticket + " 不是本考试批次中您可以录入成绩的考生，请核对"})
			continue
		}
		if l.Name != "" && l.Name != c.Name {
			errs = append(errs, domain.LineError{Line: l.Line, Message: "姓名“" + l.Name + "”与准考证号 " + l.Ticket + " 的考生不一致，请核对"})
			continue
		}
		a, err := loadApp(txn, c.AppID)
		if err != nil {
			return nil, nil, err
		}
		if a.Exam == nil || a.Exam.SessionID != sess.ID || (a.Status != domain.AppScheduled && a.Status != domain.AppScored) {
			errs = append(errs, domain.LineError{Line: l.Line, Message: "准考证号 " + l.Ticket + " 的报名现在是“" + a.Status.Label() + "”，不能录入成绩"})
			continue
		}
		cs[i] = c
	}
	return cs, errs, nil
}

// ImportScores imports a score file (成绩导入) into a published session, all or nothing:
// the lines are checked first (domain.ParseScoreImport for their shape, then against the
// session in one read), and only when no line has an error are the scores written. A
// file of up to examResultBatch lines is checked again and written in one transaction; a
// longer one (a whole session's scores do not fit in one Badger transaction) is written
// in batches of that size, each checking its lines again, like publishing. A reviewer
// imports only their own agency's candidates.
func (s *Store) ImportScores(actor domain.User, id string, lines []domain.ScoreImportLine, parseErrs []domain.LineError, now time.Time) (ScoreImportReport, error) {
	rep := ScoreImportReport{Lines: len(lines)}
	if err := staffOnly(actor); err != nil {
		return rep, err
	}
	sortErrs := func(errs []domain.LineError) []domain.LineError {
		slices.SortStableFunc(errs, func(a, b domain.LineError) int { return cmp.Compare(a.Line, b.Line) })
		return errs
	}
	err := s.view(func(txn *badger.Txn) error {
		sess, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		if actor.Role != domain.RoleAdmin && !slices.ContainsFunc(sess.Candidates, func(c domain.ExamCandidate) bool { return c.Seated() && scoreScope(actor, c) }) {
			return errNotFound
		}
		if err := sess.CanScore(); err != nil {
			return err
		}
		_, errs, err := checkScoreImport(txn, actor, sess, lines)
		rep.Errors = sortErrs(append(slices.Clone(parseErrs), errs...))
		return err
	})
	if err != nil || len(rep.Errors) > 0 {
		return rep, err
	}
	for chunk := range slices.Chunk(lines, examResultBatch) {
		n := 0
		err := s.update(func(txn *badger.Txn) error {
			n = 0
			sess, err := loadExam(txn, id)
			if err != nil {
				return err
			}
			if err := sess.CanScore(); err != nil {
				return err
			}
			cs, errs, err := checkScoreImport(txn, actor, sess, chunk)
			if err != nil {
				return err
			}
			if len(errs) > 0 {
				rep.Errors = sortErrs(errs)
				return domain.Err(domain.CodeConflict, "导入过程中考试批次或报名有变化")
			}
			for i, l := range chunk {
				if _, err := enterScores(txn, actor, sess, cs[i], l.Scores, now); err != nil {
					return err
				}
				n++
			}
			return examAudit(txn, actor, domain.AuditExamScoreImport, sess, fmt.Sprintf("导入 %d 名考生的成绩", len(chunk)), now)
		})
		if err != nil {
			if len(rep.Errors) > 0 {
				return rep, nil
			}
			return rep, err
		}
		rep.Written += n
	}
	return rep, nil
}

// ScoreTemplate is the import template of a session for the actor: a line per seated
// candidate they may score (ticket number and name), in room and seat order, with the
// scores entered so far.
func (s *Store) ScoreTemplate(actor domain.User, id string, now time.Time) ([][]string, error) {
	sheet, err := s.ScoreSheet(actor, id, "", now)
	if err != nil {
		return nil, err
	}
	out := make([][]string, 0, len(sheet.Rows))
	for _, r := range sheet.Rows {
		line := []string{r.Ticket, r.Name, "", "", ""}
		if r.Scores != nil {
			line[2], line[3] = r.Scores.Cell(domain.SubjectBasic), r.Scores.Cell(domain.SubjectPractice)
			if r.Scores.Absent {
				line[4] = "是"
			}
		}
		out = append(out, line)
	}
	return out, nil
}

// CorrectScores is a 成绩复核 of a candidate of a session whose results are confirmed
// (已结束), found by ticket or application number: the admin gives the corrected scores
// and a reason; the application is judged again under the pass marks in force, the
// before → after and the reason are audited, and the trainee is mailed, in one
// transaction.
func (s *Store) CorrectScores(actor domain.User, id, ref string, in domain.ScoreInput, reason string, now time.Time) (domain.Application, error) {
	var a domain.Application
	if err := adminOnly(actor); err != nil {
		return a, err
	}
	sc, verr := in.Scores()
	err := s.update(func(txn *badger.Txn) error {
		sess, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		if sess.State != domain.ExamEnded {
			return domain.Err(domain.CodeConflict, "本考试批次的成绩还没有确认：确认前请直接在成绩录入中修改。")
		}
		c, ok := sess.CandidateByRef(ref)
		if !ok || !c.Seated() {
			return domain.FieldErrors{"who": "本考试批次中没有准考证号或报名编号为“" + ref + "”的考生，请核对"}
		}
		if verr != nil {
			return verr
		}
		marks, err := examSettingsIn(txn)
		if err != nil {
			return err
		}
		old, err := loadApp(txn, c.AppID)
		if err != nil {
			return err
		}
		if old.Exam == nil || old.Exam.SessionID != sess.ID {
			return domain.ErrNotInExam
		}
		if a, err = old.CorrectScores(sc, marks.ExamSettings, reason, actor.Name, now); err != nil {
			return err
		}
		if old.Status == domain.AppFailed && a.Status == domain.AppPassed {
			// A failed candidate may have applied again for the post: one open
			// application per post, so that one must be dealt with first.
			mine, err := appRecords.of(txn, a.TraineeID)
			if err != nil {
				return err
			}
			for _, o := range mine {
				if o.ID != a.ID && o.PostCode == a.PostCode && o.Status.Open() {
					return domain.Err(domain.CodeConflict, "考生已重新报名同一岗位（报名编号 "+cmp.Or(o.Number, "草稿")+"，"+o.Status.Label()+
						"），改为合格会出现两份报名：请先与考生和培训机构联系，删除或处理那份报名后再复核。")
				}
			}
		}
		// The timeline's note is the scores before → after and the reason.
		detail := a.Number + " " + c.Ticket + "（" + old.Status.Label() + " → " + a.Status.Label() + "）：" + a.Timeline[len(a.Timeline)-1].Note
		if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: domain.AuditScoreCorrect,
			Object: a.ID, Detail: detail}); err != nil {
			return err
		}
		return appRecords.saveNotified(txn, old, a, domain.NotifyExamCorrected, now)
	})
	return a, err
}

// checkInAbsent names the subjects the check-in (考场签到) records the application's
// candidate 缺考 for at now. A session in which nobody was checked in did not use the
// check-in (its exam was run on paper): its attendance says nothing, and nobody is
// absent by it.
func checkInAbsent(txn *badger.Txn, sess domain.ExamSession, a domain.Application, now time.Time) ([]string, error) {
	if a.Exam == nil || a.Exam.SessionID != sess.ID {
		return nil, nil
	}
	att, used, err := checkInIn(txn, a)
	if err != nil || !used {
		return nil, err
	}
	return att.AbsentSubjects(a.Exam.Subjects, now), nil
}
