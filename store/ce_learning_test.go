package store

import (
	"strings"
	"testing"
	"time"

	"sitepro/domain"
)

func TestRecordLearningCompletesTheCycleOnce(t *testing.T) {
	f := newCEFixture(t)
	e := f.confirmed(t, f.cert.Number)
	prof, _ := f.s.AddCourse(f.revA, domain.CourseInput{Title: "建筑施工技术", Category: "专业", Hours: "8"}, t0)
	pub, _ := f.s.AddCourse(f.revA, domain.CourseInput{Title: "法律法规", Category: "公共", Hours: "5"}, t0)
	if _, err := f.s.AddCourse(f.revA, domain.CourseInput{Title: " 建筑施工 技术", Category: "专业", Hours: "2"}, t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatal("duplicate course title accepted")
	}
	if _, err := f.s.AddCourse(f.revA, domain.CourseInput{Title: "x", Category: "专业", Hours: "-2"}, t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatal("negative hours accepted")
	}
	if cs, _ := f.s.Courses(f.revB); len(cs) != 0 {
		t.Fatal("another agency sees the catalog")
	}
	if _, err := f.s.RecordLearning(f.revB, e.ID, prof.ID, t0, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("another agency recorded learning")
	}
	day := func(n int) time.Time { return time.Date(2026, 10, n, 0, 0, 0, 0, time.UTC) }
	got, err := f.s.RecordLearning(f.revA, e.ID, prof.ID, day(1), t0)
	if err != nil || got.Status != domain.EnrolLearning {
		t.Fatalf("first record: %v %s", err, got.Status)
	}
	if _, err := f.s.RecordLearning(f.revA, e.ID, prof.ID, day(1), t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("duplicate record: %v", err)
	}
	for _, d := range []int{2, 3} {
		if got, err = f.s.RecordLearning(f.revA, e.ID, prof.ID, day(d), t0); err != nil || got.Status != domain.EnrolLearning {
			t.Fatalf("record %d: %v", d, err)
		}
	}
	if got, err = f.s.RecordLearning(f.revA, e.ID, pub.ID, day(4), t0); err != nil || got.Status != domain.EnrolLearning {
		t.Fatalf("29 hours is not complete: %v %s", err, got.Status)
	}
	if got, err = f.s.RecordLearning(f.revA, e.ID, pub.ID, day(5), t0); err != nil || got.Status != domain.EnrolCompleted {
		t.Fatalf("34 hours completes: %v %s", err, got.Status)
	}
	if _, err = f.s.RecordLearning(f.revA, e.ID, pub.ID, day(6), t0); err != nil {
		t.Fatal(err)
	}
	if l, _ := f.s.LearningOf(f.u.ID); len(l.Records[f.cert.ID]) != 6 || len(l.Enrolments) != 1 {
		t.Fatalf("learning of the trainee: %+v", l)
	}
	msgs, _ := f.s.RecentMessages(100)
	n := 0
	for _, m := range msgs {
		if m.Kind == "ce_completed" {
			n++
			// The mail tells the hours that completed the cycle, not those recorded later.
			if c := m.Notification; c == nil || c.Subject != e.ID || c.UserID != f.u.ID || c.Hours.String() != "34" || c.ProfessionalHours.String() != "24" {
				t.Fatalf("completion notification: %+v", c)
			}
		}
	}
	if n != 1 {
		t.Fatalf("completion mails: %d", n)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	f := newCEFixture(t)
	e := f.confirmed(t, f.cert.Number)
	_, _ = f.s.AddCourse(f.revA, domain.CourseInput{Title: "建筑施工技术", Category: "专业", Hours: "8"}, t0)
	_, _ = f.s.AddCourse(f.revA, domain.CourseInput{Title: "法律法规", Category: "公共", Hours: "5"}, t0)
	// The other trainee enrols at agency B: their certificate is not this agency's.
	oe := f.draft(t, f.other, f.otherCert.Number, f.agB)
	_, _ = f.s.SubmitEnrolment(f.other, oe.ID, t0)
	rows := [][]string{domain.ImportHeader,
		{"412021101000123", "张三", "建筑施工技术", "2026-10-01"},
		{"412021101000123", "张三", "建筑施工技术", "2026-10-02"},
		{"412021101000123", "李四", "建筑施工技术", "2026-10-03"}, // wrong name
		{"412021101000999", "张三", "建筑施工技术", "2026-10-03"}, // enrolled at another agency
		{"412021101000777", "张三", "建筑施工技术", "2026-10-03"}, // unknown certificate
		{"412021101000123", "张三", "安全生产", "2026-10-03"},   // unknown course
		{"412021101000123", "张三", "建筑施工技术", "2026-12-01"}, // future
		{"412021101000123", "张三", "建筑施工技术", "2026-09-01"}, // previous cycle
		{"412021101000123", "张三", "建筑施工技术", "2026-10-01"}, // duplicate in the file
		{"412022101000200", "张三", "建筑施工技术", "2026-10-05"}, // not enrolled
		{"412021101000123", "李四", "法律法规", "2026-13-05"},   // bad date and wrong name: both reported
	}
	lines, perrs, err := domain.ParseImport(rows)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.s.ImportLearning(f.revA, lines, perrs, t0)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[int]bool{}
	for _, le := range rep.Errors {
		bad[le.Line] = true
	}
	for line := 4; line <= 12; line++ {
		if !bad[line] {
			t.Errorf("line %d has no error: %+v", line, rep.Errors)
		}
	}
	var line12 []string
	for _, le := range rep.Errors {
		if le.Line == 12 {
			line12 = append(line12, le.Message)
		}
	}
	if len(line12) != 2 {
		t.Errorf("line 12 should report the date and the name: %q", line12)
	}
	if bad[2] || bad[3] || rep.Added != 0 {
		t.Fatalf("report: %+v", rep)
	}
	if l, _ := f.s.LearningOf(f.u.ID); len(l.Records[f.cert.ID]) != 0 {
		t.Fatal("an import with errors wrote records")
	}
	// The corrected file imports every line and completes the cycle.
	good := [][]string{domain.ImportHeader}
	for d := 1; d <= 3; d++ {
		good = append(good, []string{"412021101000123", "张三", "建筑施工技术", "2026-10-0" + string(rune('0'+d))})
	}
	good = append(good, []string{"412021101000123", "张三", " 法律 法规", "2026年10月4日"}, []string{"412021101000123", "张三", "法律法规", "20261005"})
	lines, perrs, _ = domain.ParseImport(good)
	rep, err = f.s.ImportLearning(f.revA, lines, perrs, t0)
	if err != nil || len(rep.Errors) != 0 || rep.Added != 5 || len(rep.Completed) != 1 || rep.Completed[0] != e.Number {
		t.Fatalf("valid import: %v %+v", err, rep)
	}
	if got, _ := f.s.EnrolmentOf(f.u.ID, e.ID); got.Status != domain.EnrolCompleted {
		t.Fatalf("status after import: %s", got.Status)
	}
	// Importing the same file again: every line is a duplicate, nothing changes.
	rep, _ = f.s.ImportLearning(f.revA, lines, perrs, t0)
	if len(rep.Errors) != 5 || rep.Added != 0 || !strings.Contains(rep.Errors[0].Message, "重复") {
		t.Fatalf("re-import: %+v", rep)
	}
	st, _ := f.s.CertificateStatuses(f.u.ID, t0)
	if st[f.cert.ID].Status != domain.CertValid {
		t.Fatalf("status: %+v", st)
	}
}
