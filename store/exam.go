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

// 考试批次 (issue 13): exam sessions as typed commands, one transaction each. A session is
// one record holding its candidates and their seats, so two admins changing the same
// session at once conflict on that key and Badger retries the later one on the new state:
// a seat can never be given twice. The index examAppKey keeps a candidate in at most one
// open session.

type examRec struct {
	V int
	domain.ExamSession
}

func loadExam(txn *badger.Txn, id string) (domain.ExamSession, error) {
	var r examRec
	err := getJSON(txn, examKey(id), &r)
	return r.ExamSession, err
}

func putExam(txn *badger.Txn, s domain.ExamSession) error {
	return putJSON(txn, examKey(s.ID), examRec{V: 1, ExamSession: s})
}

func examAudit(txn *badger.Txn, actor domain.User, action domain.AuditAction, s domain.ExamSession, detail string, now time.Time) error {
	return writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: action,
		Object: s.ID, Detail: s.Name + "：" + detail})
}

func adminOnly(actor domain.User) error {
	if actor.Role != domain.RoleAdmin {
		return errNotFound
	}
	return nil
}

// ExamSessions lists every session, newest first.
func (s *Store) ExamSessions() ([]domain.ExamSession, error) {
	var out []domain.ExamSession
	err := s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, examPrefix(), false, 0, func(r *examRec) { out = append(out, r.ExamSession) })
	})
	slices.SortFunc(out, func(a, b domain.ExamSession) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, err
}

// ExamSession returns one session.
func (s *Store) ExamSession(id string) (domain.ExamSession, error) {
	var out domain.ExamSession
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = loadExam(txn, id)
		return err
	})
	return out, err
}

// examPlanOf validates the session form against the catalog in force.
func (s *Store) examPlanOf(in domain.ExamSessionInput) (domain.ExamPlan, error) {
	if in.Catalog == nil {
		cat, err := s.Catalog()
		if err != nil {
			return domain.ExamPlan{}, err
		}
		in.Catalog = cat.Posts
	}
	return in.Validate()
}

// CreateExamSession creates a session in 编排中 with the next session number of its year.
func (s *Store) CreateExamSession(actor domain.User, in domain.ExamSessionInput, now time.Time) (domain.ExamSession, error) {
	if err := adminOnly(actor); err != nil {
		return domain.ExamSession{}, err
	}
	p, err := s.examPlanOf(in)
	if err != nil {
		return domain.ExamSession{}, err
	}
	var out domain.ExamSession
	err = s.update(func(txn *badger.Txn) error {
		last, err := getString(txn, examSeqKey(p.Year()))
		if err != nil && err != errNotFound {
			return err
		}
		n, _ := strconv.Atoi(last)
		if out, err = domain.NewExamSession(newID(), n+1, p, now); err != nil {
			return err
		}
		if err := txn.Set(examSeqKey(p.Year()), []byte(strconv.Itoa(n+1))); err != nil {
			return err
		}
		if err := putExam(txn, out); err != nil {
			return err
		}
		return examAudit(txn, actor, domain.AuditExamCreate, out, fmt.Sprintf("%d年第%d批，%d个座位", out.Year, out.Number, out.Capacity()), now)
	})
	return out, err
}

// UpdateExamSession replaces a session's plan (domain.ExamSession.Edit). After
// publishing, every seated candidate whose ticket now reads differently (a time, venue
// or room) has their application's exam updated and is told (syncExam); notified is how
// many.
func (s *Store) UpdateExamSession(actor domain.User, id string, in domain.ExamSessionInput, now time.Time) (out domain.ExamSession, notified int, err error) {
	if err := adminOnly(actor); err != nil {
		return out, 0, err
	}
	p, err := s.examPlanOf(in)
	if err != nil {
		return out, 0, err
	}
	err = s.update(func(txn *badger.Txn) error {
		old, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		if out, err = old.Edit(p, now); err != nil {
			return err
		}
		if err := putExam(txn, out); err != nil {
			return err
		}
		detail := "修改了考试安排"
		if n := len(domain.ExamChanged(old, out)); out.State == domain.ExamPublished && n > 0 {
			detail += fmt.Sprintf("，%d 名考生的准考证随之变更并收到通知", n)
		}
		return examAudit(txn, actor, domain.AuditExamUpdate, out, detail, now)
	})
	if err != nil || !out.Pending {
		return out, 0, err
	}
	_, notified, err = s.syncExam(actor, id, now)
	if err == nil {
		out, err = s.ExamSession(id)
	}
	return out, notified, err
}

// examSyncBatch is how many applications one transaction of syncExam changes: each
// carries its record, its agency-list entry, an audit entry and a mail, and Badger's
// transactions hold about 1.2 MB with the default memtable (8 MiB).
const examSyncBatch = 100

// syncExam brings the applications of a published session's seated candidates in line
// with it, examSyncBatch per transaction: a confirmed application is scheduled through
// its own schedule decision (audited, the trainee mailed), a scheduled one whose exam
// reads differently from its ticket in the session now is rescheduled (the trainee
// mailed). Each batch reads the session again, so a concurrent change wins, and what is
// done already is skipped, so running it again after a crash finishes the job; the
// session's Pending flag is cleared at the end.
func (s *Store) syncExam(actor domain.User, id string, now time.Time) (scheduled, changed int, err error) {
	sess, err := s.ExamSession(id)
	if err != nil || !sess.Pending || sess.State != domain.ExamPublished {
		return 0, 0, err
	}
	var ids []string
	for _, c := range sess.Candidates {
		if c.Seated() {
			ids = append(ids, c.AppID)
		}
	}
	for chunk := range slices.Chunk(ids, examSyncBatch) {
		var sc, ch int
		err := s.update(func(txn *badger.Txn) error {
			sc, ch = 0, 0
			cur, err := loadExam(txn, id)
			if err != nil {
				return err
			}
			for _, appID := range chunk {
				c, ok := cur.Candidate(appID)
				if !ok || !c.Seated() {
					continue
				}
				a, err := loadApp(txn, appID)
				if err != nil {
					return err
				}
				e := cur.ExamFor(c)
				var b domain.Application
				var tell domain.NotificationKind
				switch {
				case a.Status == domain.AppConfirmed:
					d := domain.Decision{Kind: domain.AppScheduleDecision, Exam: &e}
					if b, err = a.Apply(d, actor.Name, now); err != nil {
						return err
					}
					if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(),
						Action: d.Kind.AuditAction(), Object: a.ID, Detail: a.Number + " " + c.Ticket}); err != nil {
						return err
					}
					tell = domain.NotifyExamScheduled
					sc++
				case a.Status == domain.AppScheduled && a.Exam != nil && a.Exam.SessionID == cur.ID && !a.Exam.Same(e):
					if b, err = a.Reschedule(e, actor.Name, now); err != nil {
						return err
					}
					tell = domain.NotifyExamChanged
					ch++
				default:
					continue
				}
				if err := appRecords.saveNotified(txn, a, b, tell, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return scheduled, changed, err
		}
		scheduled, changed = scheduled+sc, changed+ch
	}
	err = s.update(func(txn *badger.Txn) error {
		cur, err := loadExam(txn, id)
		if err != nil || !cur.Pending {
			return err
		}
		cur.Pending = false
		return putExam(txn, cur)
	})
	return scheduled, changed, err
}

// ExamFilter picks confirmed applications for a session: by city, agency and post (each
// empty for all).
type ExamFilter struct {
	CityCode, AgencyID, PostCode string
}

// ExamAssignable is what assigning with a filter would do, shown before acting: the
// candidates it would add (by post) and how many matching ones are already in another
// open session.
type ExamAssignable struct {
	Candidates []domain.ExamCandidate
	ByPost     map[string]int
	Elsewhere  int
}

// examAssignable finds the confirmed applications that match the filter and the
// session's posts and are in no open session.
func examAssignable(txn *badger.Txn, sess domain.ExamSession, f ExamFilter) (ExamAssignable, error) {
	out := ExamAssignable{ByPost: map[string]int{}}
	err := scanItems(txn, span{prefix: appAgencyAllPrefix(), values: true}, func(item *badger.Item) (bool, error) {
		var sm appSummary
		if err := decodeItem(item, &sm); err != nil {
			return false, err
		}
		agency := parseAppAgencyKey(item.Key())
		if sm.Status != domain.AppConfirmed || !sess.Covers(sm.PostCode) ||
			(f.CityCode != "" && sm.CityCode != f.CityCode) || (f.AgencyID != "" && agency != f.AgencyID) ||
			(f.PostCode != "" && sm.PostCode != f.PostCode) {
			return true, nil
		}
		in, err := getString(txn, examAppKey(sm.ID))
		switch {
		case err == nil && in != sess.ID:
			out.Elsewhere++
			return true, nil
		case err == nil:
			return true, nil
		case err != errNotFound:
			return false, err
		}
		a, err := loadApp(txn, sm.ID)
		if err != nil {
			return false, err
		}
		c, err := domain.ExamCandidateOf(a, sm.Name)
		if err != nil {
			return false, err
		}
		out.Candidates = append(out.Candidates, c)
		out.ByPost[c.PostCode]++
		return true, nil
	})
	return out, err
}

// ExamAssignPreview counts what AssignExamCandidates would add with the filter.
func (s *Store) ExamAssignPreview(actor domain.User, id string, f ExamFilter) (ExamAssignable, error) {
	var out ExamAssignable
	if err := adminOnly(actor); err != nil {
		return out, err
	}
	err := s.view(func(txn *badger.Txn) error {
		sess, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		out, err = examAssignable(txn, sess, f)
		return err
	})
	return out, err
}

// AssignExamCandidates adds every confirmed application matching the filter that is in
// no open session, indexing each under the session; it returns how many were added.
func (s *Store) AssignExamCandidates(actor domain.User, id string, f ExamFilter, now time.Time) (added int, err error) {
	if err := adminOnly(actor); err != nil {
		return 0, err
	}
	err = s.update(func(txn *badger.Txn) error {
		sess, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		if err := sess.CanAssign(now); err != nil {
			return err
		}
		found, err := examAssignable(txn, sess, f)
		if err != nil {
			return err
		}
		if sess, added, err = sess.Assign(found.Candidates, now); err != nil {
			return err
		}
		if added == 0 {
			return domain.Err(domain.CodeConflict, "没有符合条件、尚未安排考试的已确认报名，没有考生被加入。")
		}
		for _, c := range found.Candidates {
			if err := txn.Set(examAppKey(c.AppID), []byte(sess.ID)); err != nil {
				return err
			}
		}
		if err := putExam(txn, sess); err != nil {
			return err
		}
		return examAudit(txn, actor, domain.AuditExamAssign, sess, fmt.Sprintf("加入 %d 名考生（%s）", added, f.describe(txn)), now)
	})
	return added, err
}

func (f ExamFilter) describe(txn *badger.Txn) string {
	s := "地市：" + cmp.Or(cityLabel(f.CityCode), "全部")
	ag, _ := agencyIn(txn, f.AgencyID)
	s += "，培训机构：" + cmp.Or(ag.Name, "全部")
	return s + "，岗位：" + cmp.Or(postLabel(f.PostCode), "全部")
}

func cityLabel(code string) string {
	if c, ok := domain.CityByCode(code); ok {
		return c.Name
	}
	return ""
}

func postLabel(code string) string {
	if code == "" {
		return ""
	}
	return domain.PostLabel(code)
}

// examPhotos reads the personal photo status of each candidate's trainee.
func examPhotos(txn *badger.Txn, sess domain.ExamSession) (map[string]domain.PhotoStatus, error) {
	out := make(map[string]domain.PhotoStatus, len(sess.Candidates))
	for _, c := range sess.Candidates {
		p, err := loadPhoto(txn, c.TraineeID)
		if err != nil {
			return nil, err
		}
		out[c.TraineeID] = p.StatusOrNone()
	}
	return out, nil
}

// ArrangeExamSession runs the 考场编排 (domain.ExamSession.Arrange) with the candidates'
// photo statuses now; it can be run again until the session is published.
func (s *Store) ArrangeExamSession(actor domain.User, id string, now time.Time) (domain.ExamSession, error) {
	return s.editExam(actor, id, domain.AuditExamArrange, now, func(txn *badger.Txn, sess domain.ExamSession) (domain.ExamSession, string, error) {
		photos, err := examPhotos(txn, sess)
		if err != nil {
			return sess, "", err
		}
		out, err := sess.Arrange(photos, now)
		seated, blocked, _ := out.Counts()
		return out, fmt.Sprintf("安排座位 %d 人，暂缓 %d 人", seated, blocked), err
	})
}

// MoveExamCandidate seats a candidate at a free seat before publishing.
func (s *Store) MoveExamCandidate(actor domain.User, id, appID string, venue, room, seat int, now time.Time) (domain.ExamSession, error) {
	return s.editExam(actor, id, domain.AuditExamMove, now, func(txn *badger.Txn, sess domain.ExamSession) (domain.ExamSession, string, error) {
		out, err := sess.Move(appID, venue, room, seat, now)
		c, _ := out.Candidate(appID)
		where := ""
		if err == nil {
			where = out.Venues[c.Venue].Rooms[c.Room].Name + " " + strconv.Itoa(c.Seat) + "号"
		}
		return out, c.AppNumber + " " + c.Name + " → " + where, err
	})
}

// RemoveExamCandidate takes a candidate out of a session before publishing; the
// application can then be assigned to another session.
func (s *Store) RemoveExamCandidate(actor domain.User, id, appID string, now time.Time) (domain.ExamSession, error) {
	return s.editExam(actor, id, domain.AuditExamRemove, now, func(txn *badger.Txn, sess domain.ExamSession) (domain.ExamSession, string, error) {
		c, _ := sess.Candidate(appID)
		out, err := sess.Remove(appID, now)
		if err != nil {
			return out, "", err
		}
		return out, c.AppNumber + " " + c.Name, txn.Delete(examAppKey(appID))
	})
}

// editExam is one change of a session in one transaction with its audit entry.
func (s *Store) editExam(actor domain.User, id string, action domain.AuditAction, now time.Time,
	change func(txn *badger.Txn, sess domain.ExamSession) (domain.ExamSession, string, error)) (domain.ExamSession, error) {
	var out domain.ExamSession
	if err := adminOnly(actor); err != nil {
		return out, err
	}
	err := s.update(func(txn *badger.Txn) error {
		sess, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		var detail string
		if out, detail, err = change(txn, sess); err != nil {
			return err
		}
		if err := putExam(txn, out); err != nil {
			return err
		}
		return examAudit(txn, actor, action, out, detail, now)
	})
	return out, err
}

// PublishExamSession publishes the arrangement: in one transaction the session becomes
// 已发布 after checking that every seated candidate's application is still confirmed (so
// nothing is left half-done), a candidate whose photo is no longer confirmed is blocked,
// and blocked candidates leave the session's index (they can be assigned to a later
// session) and are mailed what to do. Then syncExam schedules every seated application through its own schedule
// decision with its exam (session, venue, room, seat, subject times), an audit entry and
// the trainee's mail, in batches: 5,000 applications do not fit in one Badger
// transaction. Publishing a session whose publishing was interrupted finishes it.
// published is how many applications of the session are scheduled.
func (s *Store) PublishExamSession(actor domain.User, id string, now time.Time) (out domain.ExamSession, published int, err error) {
	if err := adminOnly(actor); err != nil {
		return out, 0, err
	}
	err = s.update(func(txn *badger.Txn) error {
		sess, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		if sess.State == domain.ExamPublished && sess.Pending {
			out = sess // interrupted: finish it below
			return nil
		}
		photos, err := examPhotos(txn, sess)
		if err != nil {
			return err
		}
		if out, err = sess.Publish(photos, now); err != nil {
			return err
		}
		for _, c := range out.Candidates {
			if !c.Seated() {
				// Held back: free for a later session, and told what to do.
				if err := txn.Delete(examAppKey(c.AppID)); err != nil {
					return err
				}
				n := domain.Notification{Kind: domain.NotifyExamBlocked, UserID: c.TraineeID, Subject: c.AppID}
				if err := notifyUser(txn, n, now); err != nil {
					return err
				}
				continue
			}
			a, err := loadApp(txn, c.AppID)
			if err != nil {
				return err
			}
			if a.Status != domain.AppConfirmed {
				return domain.Err(domain.CodeConflict, fmt.Sprintf("报名 %s（%s）现在是“%s”，不能安排考试：请先把这名考生移出本批次，再发布。",
					c.AppNumber, c.Name, a.Status.Label()))
			}
		}
		if err := putExam(txn, out); err != nil {
			return err
		}
		seated, blocked, _ := out.Counts()
		return examAudit(txn, actor, domain.AuditExamPublish, out, fmt.Sprintf("发布 %d 名考生，暂缓 %d 名", seated, blocked), now)
	})
	if err != nil {
		return out, 0, err
	}
	if _, _, err = s.syncExam(actor, id, now); err != nil {
		return out, 0, err
	}
	if out, err = s.ExamSession(id); err != nil {
		return out, 0, err
	}
	published, _, _ = out.Counts()
	return out, published, nil
}

// ExamPhotoIDs maps each candidate's trainee to their confirmed personal photo's ID, for
// the 考场签到表 (the image itself is served, and audit-logged, by PhotoImage).
func (s *Store) ExamPhotoIDs(actor domain.User, id string) (map[string]string, error) {
	if err := adminOnly(actor); err != nil {
		return nil, err
	}
	out := map[string]string{}
	err := s.view(func(txn *badger.Txn) error {
		sess, err := loadExam(txn, id)
		if err != nil {
			return err
		}
		for _, c := range sess.Candidates {
			p, err := loadPhoto(txn, c.TraineeID)
			if err != nil {
				return err
			}
			if p.StatusOrNone() == domain.PhotoConfirmed && p.ID != "" {
				out[c.TraineeID] = p.ID
			}
		}
		return nil
	})
	return out, err
}

// HeldBackOf lists the candidates of the reviewer's agency held back by open sessions
// (their photo is not confirmed), so the agency's console tells it what to do. The
// sessions are read whole; a province has few open at a time.
func (s *Store) HeldBackOf(actor domain.User) ([]domain.HeldBack, error) {
	if actor.Role != domain.RoleReviewer || actor.AgencyID == "" {
		return nil, nil
	}
	var out []domain.HeldBack
	err := s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, examPrefix(), false, 0, func(r *examRec) {
			if !r.State.Open() {
				return
			}
			for _, c := range r.Candidates {
				if c.Blocked != "" && c.AgencyID == actor.AgencyID {
					out = append(out, domain.HeldBack{Session: r.Name, Name: c.Name, AppNo: c.AppNumber, Reason: c.Blocked})
				}
			}
		})
	})
	return out, err
}
