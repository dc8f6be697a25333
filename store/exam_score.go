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
func scoreRow(txn *badger.Txn, sess domain.ExamSession, c domain.ExamCandidate) (domain.ScoreRow, error) {
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
	if a.Scores != nil && a.Exam != nil && a.Exam.SessionID == sess.ID {
		sc := *a.Scores
		r.Scores = &sc
	}
	return r, nil
}

// ScoreSheet lists the seated candidates of a session the actor may score, in room and
// seat order, optionally of one room ("<venue>.<room>" from 1). A reviewer with no
// candidate in the session, or a session in 编排中 for a reviewer, is not found.
func (s *Store) ScoreSheet(actor domain.User, id, room string) (ScoreSheet, error) {
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
			r, err := scoreRow(txn, sess, c)
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
		out, err = scoreRow(txn, sess, c)
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
func (s *Store) ExamResultsOf(actor domain.User, id string) (ExamResults, error) {
	var out ExamResults
	if err := adminOnly(actor); err != nil {
		return out, err
	}
	sheet, err := s.ScoreSheet(actor, id, "")
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
