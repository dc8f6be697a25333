package domain

import (
	"strings"
	"testing"
	"time"
)

func checkinSubjects() []ExamSubject {
	day := time.Date(2027, 1, 20, 0, 0, 0, 0, chinaZone)
	return []ExamSubject{
		{Name: SubjectBasic, Start: day.Add(9 * time.Hour), End: day.Add(11 * time.Hour)},
		{Name: SubjectPractice, Start: day.Add(14 * time.Hour), End: day.Add(16*time.Hour + 30*time.Minute)},
	}
}

// TestAttendanceAbsentAtSubjectEnd: not checked in is 未签到 until the subject's end and 缺考
// from that instant on; a check-in is 已签到 for its subject only; a second one is refused.
func TestAttendanceAbsentAtSubjectEnd(t *testing.T) {
	subs := checkinSubjects()
	basic, practice := subs[0], subs[1]
	inv := User{ID: "u1", Role: RoleReviewer, Name: "张监考"}
	var a Attendance
	if got := a.State(basic, basic.End.Add(-time.Second)); got != AttendWaiting {
		t.Fatalf("before end: %s", got)
	}
	if got := a.State(basic, basic.End); got != AttendAbsent {
		t.Fatalf("at end: %s", got)
	}
	if _, err := a.CheckIn(basic, "王芳", inv, basic.Start.Add(-26*time.Hour)); err == nil || !strings.Contains(MessageOf(err), "考试当天才能签到") {
		t.Fatalf("the day before: %v", err)
	}
	a, err := a.CheckIn(basic, "王芳", inv, basic.Start.Add(-30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if a.State(basic, basic.End.Add(time.Hour)) != AttendPresent || a.State(practice, practice.End) != AttendAbsent {
		t.Fatalf("states: %+v", a)
	}
	if _, err := a.CheckIn(basic, "王芳", inv, basic.Start); CodeOf(err) != CodeConflict || !strings.Contains(MessageOf(err), "已签到") {
		t.Fatalf("second scan: %v", err)
	}
	if _, err := a.CheckIn(practice, "王芳", inv, practice.End); err == nil || !strings.Contains(MessageOf(err), "已于") {
		t.Fatalf("after end: %v", err)
	}
	if got := a.AbsentSubjects(subs, practice.End); len(got) != 1 || got[0] != SubjectPractice {
		t.Fatalf("absent at the end of the day: %v", got)
	}
	if s, ok := CurrentSubject(subs, basic.End.Add(time.Minute)); !ok || s.Name != SubjectPractice {
		t.Fatalf("current at 11:01: %v %v", s, ok)
	}
	if _, ok := CurrentSubject(subs, practice.End); ok {
		t.Fatal("a subject is open after the last end")
	}
}

// TestAttendanceCorrection: a correction needs a reason, changes the state against the rule
// and records who and why; correcting to the same state is refused.
func TestAttendanceCorrection(t *testing.T) {
	subs := checkinSubjects()
	basic := subs[0]
	adm := User{ID: "a1", Role: RoleAdmin, Name: "管理员"}
	after := basic.End.Add(time.Hour)
	var a Attendance
	if _, _, err := a.Correct(subs, CorrectionInput{Subject: SubjectBasic, Present: true, Reason: " "}, adm, after); err == nil {
		t.Fatal("no reason accepted")
	} else if fe, ok := err.(FieldErrors); !ok || fe["reason"] == "" {
		t.Fatalf("error: %v", err)
	}
	if _, _, err := a.Correct(subs, CorrectionInput{Subject: "其他", Present: true, Reason: "网络中断"}, adm, after); err == nil {
		t.Fatal("unknown subject accepted")
	}
	if _, _, err := a.Correct(subs, CorrectionInput{Subject: SubjectBasic, Reason: "网络中断"}, adm, after); CodeOf(err) != CodeConflict {
		t.Fatalf("absent → absent: %v", err)
	}
	b, before, err := a.Correct(subs, CorrectionInput{Subject: SubjectBasic, Present: true, Reason: "考生到场，扫码时网络中断"}, adm, after)
	if err != nil || before != AttendAbsent {
		t.Fatal(before, err)
	}
	if b.State(basic, after) != AttendPresent || b.Of(SubjectBasic).CorrectedBy != adm.AuditName() || b.Of(SubjectBasic).Reason == "" {
		t.Fatalf("corrected: %+v", b)
	}
	// A wrong check-in corrected to 缺考 stays 缺考 whatever the time.
	c, _ := Attendance{}.CheckIn(basic, "王芳", adm, basic.Start)
	c, _, err = c.Correct(subs, CorrectionInput{Subject: SubjectBasic, Reason: "扫错了考生"}, adm, basic.Start.Add(time.Minute))
	if err != nil || c.State(basic, basic.Start.Add(2*time.Minute)) != AttendAbsent {
		t.Fatalf("revoked: %+v %v", c, err)
	}
	// The candidate then really arrives: a new check-in is in force.
	if c, err = c.CheckIn(basic, "王芳", adm, basic.Start.Add(5*time.Minute)); err != nil || c.State(basic, basic.End) != AttendPresent {
		t.Fatalf("check-in after the correction: %+v %v", c, err)
	}
}

func TestParseTicketRef(t *testing.T) {
	for in, want := range map[string]TicketRef{
		"2027 4101 0001 0001":               {Ticket: "2027410100010001"},
		"https://example.cn/d/abc123?x=1":   {Token: "abc123"},
		" http://127.0.0.1:8080/d/tok%2Dx ": {Token: "tok-x"},
		"2027-410100-01-0002":               {Ticket: "2027410100010002"},
	} {
		got, err := ParseTicketRef(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "12345", "ABCDEFGHIJKLMNOP", "https://x/d/", "https://example.cn/v/abc"} {
		if _, err := ParseTicketRef(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
