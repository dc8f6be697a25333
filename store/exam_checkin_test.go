package store

import (
	"strings"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
)

// checkinFixture: session 1 with two candidates of 郑州 and one of 南阳, session 2 with one
// of 洛阳; both published. The subjects are on 2027-03-20 (Beijing time).
type checkinFixture struct {
	s                *Store
	zz, ny, ly       domain.Agency
	sess1, sess2     domain.ExamSession
	zzApps, nyApp    []domain.Application
	lyApp            domain.Application
	revZZ, revLY     domain.User
	revNone, trainee domain.User
}

func publishedSession(t *testing.T, s *Store, fs ...ExamFilter) domain.ExamSession {
	t.Helper()
	sess, err := s.CreateExamSession(examAdmin, examSessionInput("第1考场 30"), examDay)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if _, err := s.AssignExamCandidates(examAdmin, sess.ID, f, examDay); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ArrangeExamSession(examAdmin, sess.ID, examDay); err != nil {
		t.Fatal(err)
	}
	if sess, _, err = s.PublishExamSession(examAdmin, sess.ID, examDay); err != nil {
		t.Fatal(err)
	}
	return sess
}

func newCheckinFixture(t *testing.T) checkinFixture {
	t.Helper()
	s, _ := openTemp(t)
	f := checkinFixture{s: s}
	f.zz, _ = s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	f.ny, _ = s.PutAgency(domain.Agency{Name: "南阳中心", CityCode: "411300"})
	f.ly, _ = s.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	none, _ := s.PutAgency(domain.Agency{Name: "新乡中心", CityCode: "410700"})
	f.zzApps = []domain.Application{confirmedApp(t, s, f.zz, 1, "101", true), confirmedApp(t, s, f.zz, 2, "111", true)}
	f.nyApp = []domain.Application{confirmedApp(t, s, f.ny, 3, "101", true)}
	f.lyApp = confirmedApp(t, s, f.ly, 4, "101", true)
	f.sess1 = publishedSession(t, s, ExamFilter{AgencyID: f.zz.ID}, ExamFilter{AgencyID: f.ny.ID})
	f.sess2 = publishedSession(t, s, ExamFilter{AgencyID: f.ly.ID})
	f.revZZ = domain.User{ID: "rzz", Role: domain.RoleReviewer, AgencyID: f.zz.ID, Name: "郑州审核员"}
	f.revLY = domain.User{ID: "rly", Role: domain.RoleReviewer, AgencyID: f.ly.ID, Name: "洛阳审核员"}
	f.revNone = domain.User{ID: "rxx", Role: domain.RoleReviewer, AgencyID: none.ID, Name: "新乡审核员"}
	f.trainee = domain.User{ID: f.zzApps[0].TraineeID, Role: domain.RoleTrainee}
	return f
}

func (f checkinFixture) ticket(t *testing.T, appID string) string {
	t.Helper()
	got := f.app(t, appID)
	if got.Exam == nil {
		t.Fatalf("no exam for %s", appID)
	}
	return got.Exam.TicketNumber
}

func (f checkinFixture) app(t *testing.T, appID string) domain.Application {
	t.Helper()
	for _, x := range append(append(append([]domain.Application{}, f.zzApps...), f.nyApp...), f.lyApp) {
		if x.ID == appID {
			a, err := f.s.ApplicationOf(x.TraineeID, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
	t.Fatalf("no application %s", appID)
	return domain.Application{}
}

// 08:30 Beijing time on the exam day: 专业基础知识 (09:00–11:00) is open for check-in.
var checkinAt = time.Date(2027, 3, 20, 0, 30, 0, 0, time.UTC)

// TestCheckInConcurrentSameTicket: eight invigilators scan the same ticket at once; one
// check-in is written, the seven others answer 已签到 with the first one's time.
func TestCheckInConcurrentSameTicket(t *testing.T) {
	f := newCheckinFixture(t)
	ref := domain.TicketRef{Ticket: f.ticket(t, f.zzApps[0].ID)}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			inv := f.revZZ
			if i%2 == 1 {
				inv = examAdmin
			}
			_, errs[i] = f.s.CheckIn(inv, f.sess1.ID, ref, "", checkinAt.Add(time.Duration(i)*time.Second))
		})
	}
	wg.Wait()
	ok, already := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case domain.CodeOf(err) == domain.CodeConflict && strings.Contains(domain.MessageOf(err), "已签到"):
			already++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 1 || already != 7 {
		t.Fatalf("%d check-ins, %d 已签到", ok, already)
	}
	all, err := f.s.ExamAttendance(f.sess1.ID)
	if err != nil || len(all) != 1 {
		t.Fatalf("attendance: %v %v", all, err)
	}
	a := all[f.zzApps[0].ID]
	if e := a.Of(domain.SubjectBasic); e.CheckedAt.IsZero() || e.By == "" || a.Rev != 1 {
		t.Fatalf("record: %+v", a)
	}
	one, _ := f.s.AttendanceOf(f.zzApps[0].ID)
	if one.Rev != 1 {
		t.Fatalf("per application: %+v", one)
	}
}

// TestCheckInScopeAndOtherSession: a reviewer sees only their agency's candidates, a
// reviewer without candidates in the session not even that it exists; another session's
// ticket and an unknown one say so; a scanned QR code (/d/<token>) finds the candidate.
func TestCheckInScopeAndOtherSession(t *testing.T) {
	f := newCheckinFixture(t)
	zzTicket := f.ticket(t, f.zzApps[0].ID)
	lyTicket := f.ticket(t, f.lyApp.ID)
	c, err := f.s.CheckInLookup(f.revZZ, f.sess1.ID, domain.TicketRef{Ticket: zzTicket})
	if err != nil || c.Name == "" || c.PhotoID == "" || !strings.Contains(c.MaskedID, "*") || c.Exam.Room != "第1考场" {
		t.Fatalf("lookup: %+v %v", c, err)
	}
	if _, err := f.s.CheckInLookup(f.revLY, f.sess1.ID, domain.TicketRef{Ticket: zzTicket}); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("洛阳 has nobody in session 1: %v", err)
	}
	nyTicket := f.ticket(t, f.nyApp[0].ID)
	if _, err := f.s.CheckIn(f.revZZ, f.sess1.ID, domain.TicketRef{Ticket: nyTicket}, "", checkinAt); domain.CodeOf(err) != domain.CodeConflict ||
		!strings.Contains(domain.MessageOf(err), "不是本培训机构的学员") {
		t.Fatalf("南阳's candidate checked in by 郑州: %v", err)
	}
	if _, err := f.s.CheckInLookup(f.revNone, f.sess1.ID, domain.TicketRef{Ticket: zzTicket}); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("新乡: %v", err)
	}
	if _, err := f.s.CheckIn(f.trainee, f.sess1.ID, domain.TicketRef{Ticket: zzTicket}, "", checkinAt); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("trainee: %v", err)
	}
	if _, err := f.s.CheckInLookup(examAdmin, f.sess1.ID, domain.TicketRef{Ticket: lyTicket}); domain.CodeOf(err) != domain.CodeConflict ||
		!strings.Contains(domain.MessageOf(err), "另一个考试批次") {
		t.Fatalf("other session: %v", err)
	}
	if _, err := f.s.CheckInLookup(examAdmin, f.sess1.ID, domain.TicketRef{Ticket: "2027000000009999"}); domain.CodeOf(err) != domain.CodeInvalid ||
		!strings.Contains(domain.MessageOf(err), "2027000000009999") {
		t.Fatalf("unknown: %v", err)
	}
	a := f.app(t, f.zzApps[1].ID)
	c, err = f.s.CheckInLookup(f.revZZ, f.sess1.ID, domain.TicketRef{Token: a.VerifyToken})
	if err != nil || c.AppID != a.ID {
		t.Fatalf("by QR token: %+v %v", c, err)
	}
	sessions, err := f.s.ExamDaySessions(f.revLY, checkinAt)
	if err != nil || len(sessions) != 1 || sessions[0].ID != f.sess2.ID {
		t.Fatalf("洛阳's sessions: %+v %v", sessions, err)
	}
	if all, _ := f.s.ExamDaySessions(examAdmin, checkinAt); len(all) != 2 {
		t.Fatalf("admin's sessions: %d", len(all))
	}
	if none, _ := f.s.ExamDaySessions(f.revZZ, checkinAt.Add(30*24*time.Hour)); len(none) != 0 {
		t.Fatal("a session a month old is still offered")
	}
	sess, att, err := f.s.ExamDay(f.revZZ, f.sess1.ID)
	if err != nil || len(sess.Candidates) != 2 || len(att) != 0 {
		t.Fatalf("exam day of 郑州: %d %v %v", len(sess.Candidates), att, err)
	}
}

// TestAttendanceCorrectionAudited: after 专业基础知识 ended the candidate not scanned is
// 缺考; a correction with a reason makes them 已签到 and is audited with before → after.
func TestAttendanceCorrectionAudited(t *testing.T) {
	f := newCheckinFixture(t)
	after := time.Date(2027, 3, 20, 3, 30, 0, 0, time.UTC) // 11:30 Beijing time
	ticket := f.ticket(t, f.zzApps[1].ID)
	if _, err := f.s.CheckIn(f.revZZ, f.sess1.ID, domain.TicketRef{Ticket: ticket}, domain.SubjectBasic, after); domain.CodeOf(err) != domain.CodeConflict ||
		!strings.Contains(domain.MessageOf(err), "缺考") {
		t.Fatalf("check-in after the end: %v", err)
	}
	in := domain.CorrectionInput{Subject: domain.SubjectBasic, Present: true, Reason: "考生到场，扫码时网络中断"}
	if _, err := f.s.CorrectAttendance(f.revLY, f.sess1.ID, f.zzApps[1].ID, in, after); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("洛阳 corrected: %v", err)
	}
	c, err := f.s.CorrectAttendance(f.revZZ, f.sess1.ID, f.zzApps[1].ID, in, after)
	if err != nil || c.Attendance.State(c.Exam.Subjects[0], after) != domain.AttendPresent {
		t.Fatalf("correct: %+v %v", c.Attendance, err)
	}
	entries, _ := f.s.AuditLog(AuditFilter{}, 50)
	found := false
	for _, e := range entries {
		if e.Action == domain.AuditExamAttendCorrect && strings.Contains(e.Detail, "缺考 → 已签到") && strings.Contains(e.Detail, "网络中断") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no audit entry in %+v", entries)
	}
}
