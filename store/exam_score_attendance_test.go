package store

import (
	"slices"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
)

// TestScoresFollowTheCheckIn: once the subjects are over, the score grid prefills 缺考
// for the subjects a candidate was not checked in for, and a score for such a subject is
// refused until the check-in is corrected; a session where nobody was checked in (run on
// paper) says nothing about attendance.
func TestScoresFollowTheCheckIn(t *testing.T) {
	f := newCheckinFixture(t)
	present, missing := f.zzApps[0], f.zzApps[1]
	if _, err := f.s.CheckIn(f.revZZ, f.sess1.ID, domain.TicketRef{Ticket: f.ticket(t, present.ID)}, domain.SubjectBasic, checkinAt); err != nil {
		t.Fatal(err)
	}
	over := time.Date(2027, 3, 21, 0, 0, 0, 0, time.UTC) // the next morning, Beijing time
	sheet, err := f.s.ScoreSheet(examAdmin, f.sess1.ID, "", over)
	if err != nil {
		t.Fatal(err)
	}
	absent := map[string][]string{}
	for _, r := range sheet.Rows {
		absent[r.AppID] = r.CheckInAbsent
	}
	if got := absent[present.ID]; !slices.Equal(got, []string{domain.SubjectPractice}) {
		t.Errorf("checked in for 专业基础知识 only: absent from %v, want [专业管理实务]", got)
	}
	if got := absent[missing.ID]; len(got) != 2 {
		t.Errorf("never checked in: absent from %v, want both subjects", got)
	}
	// The trainee's page says the same, per subject.
	att, used, err := f.s.CheckInOf(f.app(t, present.ID))
	lines := att.CheckInLines(f.app(t, present.ID).Exam.Subjects, over)
	if err != nil || !used || len(lines) != 2 || !strings.HasPrefix(lines[0], domain.SubjectBasic+"：已签到（3月20日 08:30）") ||
		lines[1] != domain.SubjectPractice+"：缺考" {
		t.Fatalf("the trainee's check-in lines: %q used %v %v", lines, used, err)
	}
	if _, used, _ := f.s.CheckInOf(f.app(t, f.lyApp.ID)); used {
		t.Fatal("a session run without check-in shows check-in states")
	}
	paper, err := f.s.ScoreSheet(examAdmin, f.sess2.ID, "", over)
	if err != nil || len(paper.Rows) != 1 || paper.Rows[0].CheckInAbsent != nil {
		t.Fatalf("a session without check-ins: %+v %v", paper.Rows, err)
	}

	_, err = f.s.EnterScores(examAdmin, f.sess1.ID, present.ID, domain.ScoreInput{Basic: "78.5", Practice: "66"}, over)
	if fe, ok := err.(domain.FieldErrors); !ok || !strings.Contains(fe["practice"], "考场签到记录该考生专业管理实务缺考") {
		t.Fatalf("a score for a subject the check-in says was missed: %v", err)
	}
	if _, err := f.s.EnterScores(examAdmin, f.sess1.ID, present.ID, domain.ScoreInput{Basic: "78.5", Practice: domain.AbsentMark}, over); err != nil {
		t.Fatalf("the score with 缺考 for the missed subject: %v", err)
	}
	if _, err := f.s.EnterScores(examAdmin, f.sess2.ID, f.lyApp.ID, domain.ScoreInput{Basic: "80", Practice: "70"}, over); err != nil {
		t.Fatalf("a session run on paper: %v", err)
	}
}

// TestAgencyToldOfHeldBackCandidates: a candidate held back by an open session for an
// unconfirmed photo is listed for the reviewers of their agency, not for another agency's.
func TestAgencyToldOfHeldBackCandidates(t *testing.T) {
	s, _ := openTemp(t)
	zz, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	ly, _ := s.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	held := confirmedApp(t, s, zz, 1, "101", false)
	confirmedApp(t, s, zz, 2, "101", true)
	sess, err := s.CreateExamSession(examAdmin, examSessionInput("第1考场 30"), examDay)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AssignExamCandidates(examAdmin, sess.ID, ExamFilter{AgencyID: zz.ID}, examDay); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArrangeExamSession(examAdmin, sess.ID, examDay); err != nil {
		t.Fatal(err)
	}
	got, err := s.HeldBackOf(domain.User{ID: "r1", Role: domain.RoleReviewer, AgencyID: zz.ID})
	if err != nil || len(got) != 1 || got[0].AppNo != held.Number || !strings.Contains(got[0].Reason, "照片") {
		t.Fatalf("held back for 郑州: %+v %v", got, err)
	}
	if other, _ := s.HeldBackOf(domain.User{ID: "r2", Role: domain.RoleReviewer, AgencyID: ly.ID}); len(other) != 0 {
		t.Fatalf("another agency is told: %+v", other)
	}
}
