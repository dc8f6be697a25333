package store

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
)

// recordsFixture is an enrolment of agency A with four records: 3 × 8 professional hours
// and 8 public hours, 32 hours, which completes the cycle.
func recordsFixture(t *testing.T) (*ceFixture, domain.Enrolment, []domain.LearningRecord, domain.Course, domain.Course) {
	t.Helper()
	f := newCEFixture(t)
	e := f.confirmed(t, f.cert.Number)
	prof, _ := f.s.AddCourse(f.revA, domain.CourseInput{Title: "建筑施工技术", Category: "专业", Hours: "8"}, t0)
	pub, _ := f.s.AddCourse(f.revA, domain.CourseInput{Title: "法律法规", Category: "公共", Hours: "8"}, t0)
	for i, c := range []domain.Course{prof, prof, prof, pub} {
		got, err := f.s.RecordLearning(f.revA, e.ID, c.ID, time.Date(2026, 10, i+1, 0, 0, 0, 0, time.UTC), t0)
		if err != nil {
			t.Fatal(err)
		}
		e = got
	}
	if e.Status != domain.EnrolCompleted {
		t.Fatalf("32 hours: %s", e.Status)
	}
	l, err := f.s.LearningOf(f.u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f, e, l.Records[f.cert.ID], prof, pub
}

func completionMails(t *testing.T, s *Store) int {
	t.Helper()
	msgs, _ := s.RecentMessages(100)
	n := 0
	for _, m := range msgs {
		if m.Kind == "ce_completed" {
			n++
		}
	}
	return n
}

// TestCorrectLearningRecountsAndAudits: a correction needs a reason, is scoped to the
// recording agency, moves the day index, recounts the enrolment (completed → 学习中 when
// the hours drop, completed again with one more mail when they come back), keeps the
// learning-hour statistics exact, and audits before → after with the reason.
func TestCorrectLearningRecountsAndAudits(t *testing.T) {
	f, e, recs, prof, _ := recordsFixture(t)
	r := recs[0]
	in := domain.RecordCorrection{Rev: r.Rev, CourseID: prof.ID, Hours: "4", Date: "2026-10-01"}
	_, err := f.s.CorrectLearning(f.revA, e.ID, r.ID, in, t0)
	var fe domain.FieldErrors
	if !errors.As(err, &fe) || !strings.Contains(fe["reason"], "请填写更正原因") {
		t.Fatalf("no reason: %v", err)
	}
	in.Reason = "课时按半天计，录多了"
	if _, err := f.s.CorrectLearning(f.revB, e.ID, r.ID, in, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("another agency corrected: %v", err)
	}
	if _, err := f.s.LearningRecordEdit(f.revB, e.ID, r.ID); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("another agency read the record: %v", err)
	}
	if _, err := f.s.CorrectLearning(f.revA, e.ID, "nope", in, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("unknown record: %v", err)
	}
	// The date may not clash with another record of the same course.
	clash := in
	clash.Date = "2026-10-02"
	if _, err := f.s.CorrectLearning(f.revA, e.ID, r.ID, clash, t0); !errors.As(err, &fe) || fe["date"] == "" {
		t.Fatalf("clash accepted: %v", err)
	}
	got, err := f.s.CorrectLearning(f.revA, e.ID, r.ID, in, t0)
	if err != nil || got.Status != domain.EnrolLearning || !got.CompletedAt.IsZero() {
		t.Fatalf("28 hours is no longer complete: %v %s", err, got.Status)
	}
	l, _ := f.s.LearningOf(f.u.ID)
	if h := domain.Progress(e.Cycle, l.Records[f.cert.ID], l.Settings, t0).Total; h != domain.WholeHours(28) {
		t.Fatalf("trainee's hours after correction: %s", h)
	}
	d := statsCells(t, f.s)
	if c := domain.ComplianceByAgency(d.Hours, d.Settings, func(string, string) bool { return true }, t0); len(c) != 1 || c[0].Met != 0 || c[0].Enrolled != 1 {
		t.Fatalf("compliance after correction: %+v", c)
	}
	assertRebuildAgrees(t, f.s)
	log, _ := f.s.AuditLog(AuditFilter{Action: domain.AuditLearningCorrect}, 10)
	if len(log) != 1 || log[0].Object != e.ID || !strings.Contains(log[0].Detail, "学时：8 → 4") || !strings.Contains(log[0].Detail, "课时按半天计") {
		t.Fatalf("audit: %+v", log)
	}
	// Moving the date onto a free day works; the old day can be recorded again.
	stale := in
	in.Rev, in.Hours, in.Date = 1, "8", "2026-10-09"
	if got, err = f.s.CorrectLearning(f.revA, e.ID, r.ID, in, t0); err != nil || got.Status != domain.EnrolCompleted {
		t.Fatalf("back to 32 hours: %v %s", err, got.Status)
	}
	if n := completionMails(t, f.s); n != 2 {
		t.Fatalf("completion mails: %d (completed twice)", n)
	}
	if _, err := f.s.RecordLearning(f.revA, e.ID, prof.ID, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), t0); err != nil {
		t.Fatalf("the freed day: %v", err)
	}
	// A form opened on revision 0 is refused now the record is at revision 2.
	var se domain.StaleRecord
	if _, err := f.s.CorrectLearning(f.revA, e.ID, r.ID, stale, t0); !errors.As(err, &se) || domain.CodeOf(err) != domain.CodeConflict || se.By != f.revA.Name {
		t.Fatalf("stale edit: %v", err)
	}
	// Nothing changed: said so, nothing written.
	in.Rev = 2
	if _, err := f.s.CorrectLearning(f.revA, e.ID, r.ID, in, t0); !errors.As(err, &fe) {
		t.Fatalf("no change: %v", err)
	}
	assertRebuildAgrees(t, f.s)
}

// TestRemoveLearningKeepsHistory: a removal needs a reason, takes the record out of the
// trainee's view and the hours, keeps it apart with who/when/why, and a second removal
// or a correction of the removed record is a conflict that says what happened.
func TestRemoveLearningKeepsHistory(t *testing.T) {
	f, e, recs, prof, _ := recordsFixture(t)
	r := recs[3] // the public course: 24 hours left, not complete
	if _, err := f.s.RemoveLearning(f.revA, e.ID, r.ID, 0, "  ", t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("no reason: %v", err)
	}
	if _, err := f.s.RemoveLearning(f.revB, e.ID, r.ID, 0, "录错了人", t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("another agency removed: %v", err)
	}
	got, err := f.s.RemoveLearning(f.revA, e.ID, r.ID, 0, "录错了人", t0)
	if err != nil || got.Status != domain.EnrolLearning {
		t.Fatalf("remove: %v %s", err, got.Status)
	}
	if l, _ := f.s.LearningOf(f.u.ID); len(l.Records[f.cert.ID]) != 3 {
		t.Fatalf("the trainee still sees %d records", len(l.Records[f.cert.ID]))
	}
	if _, err := f.s.RemoveLearning(f.revA, e.ID, r.ID, 0, "再删一次", t0); domain.CodeOf(err) != domain.CodeConflict ||
		!strings.Contains(domain.MessageOf(err), "录错了人") {
		t.Fatalf("second removal: %v", err)
	}
	if _, err := f.s.CorrectLearning(f.revA, e.ID, r.ID, domain.RecordCorrection{CourseID: prof.ID, Hours: "8", Date: "2026-10-05", Reason: "x"}, t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("correcting a removed record: %v", err)
	}
	gone, err := f.s.RemovedLearning(f.revA, e.ID)
	if err != nil || len(gone) != 1 || gone[0].Reason != "录错了人" || gone[0].RemovedBy != f.revA.Name || gone[0].Course != "法律法规" {
		t.Fatalf("history: %v %+v", err, gone)
	}
	log, _ := f.s.AuditLog(AuditFilter{Action: domain.AuditLearningRemove}, 10)
	if len(log) != 1 || !strings.Contains(log[0].Detail, "“法律法规” 公共 8学时 2026-10-04 → 已删除；原因：录错了人") {
		t.Fatalf("audit: %+v", log)
	}
	d := statsCells(t, f.s)
	if c := domain.ComplianceByAgency(d.Hours, d.Settings, func(string, string) bool { return true }, t0); len(c) != 1 || c[0].Met != 0 {
		t.Fatalf("compliance after removal: %+v", c)
	}
	assertRebuildAgrees(t, f.s)
	// The day is free again.
	if _, err := f.s.RecordLearning(f.revA, e.ID, r.CourseID, r.CompletedOn, t0); err != nil {
		t.Fatalf("record again: %v", err)
	}
}

// TestConcurrentCorrectionsLoseNothing: reviewers correcting the same record at once on
// the same revision: exactly one wins, the others are told it changed (no lost update).
func TestConcurrentCorrectionsLoseNothing(t *testing.T) {
	f, e, recs, prof, _ := recordsFixture(t)
	r := recs[1]
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := domain.RecordCorrection{Rev: 0, CourseID: prof.ID, Hours: []string{"1", "2", "3", "4", "5", "6"}[i], Date: "2026-10-02", Reason: "并发更正"}
			_, errs[i] = f.s.CorrectLearning(f.revA, e.ID, r.ID, in, t0)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case domain.CodeOf(err) != domain.CodeConflict:
			t.Fatalf("unexpected: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d corrections won", won)
	}
	if log, _ := f.s.AuditLog(AuditFilter{Action: domain.AuditLearningCorrect}, 10); len(log) != 1 {
		t.Fatalf("audit entries: %d", len(log))
	}
	ed, _ := f.s.LearningRecordEdit(f.revA, e.ID, r.ID)
	if ed.Record.Rev != 1 {
		t.Fatalf("rev %d", ed.Record.Rev)
	}
	assertRebuildAgrees(t, f.s)
}
