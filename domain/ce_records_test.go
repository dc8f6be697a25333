package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestRecordCorrectionRules: the reason is required and bounded; a correction keeps the
// record's identity, raises its revision and lists what changed; a stale revision is a
// conflict naming who changed it; Recount takes a completed enrolment back to 学习中
// when its hours drop and completes it again (once) when they return.
func TestRecordCorrectionRules(t *testing.T) {
	if _, err := RecordReason(" \n ", "更正"); CodeOf(err) != CodeInvalid || !strings.Contains(MessageOf(err), "请填写更正原因") {
		t.Fatalf("empty reason: %v", err)
	}
	if _, err := RecordReason(strings.Repeat("错", MaxRecordReason+1), "删除"); CodeOf(err) != CodeInvalid {
		t.Fatalf("long reason: %v", err)
	}
	if r, err := RecordReason("  日期录错 ", "更正"); err != nil || r != "日期录错" {
		t.Fatalf("reason: %q %v", r, err)
	}
	s := DefaultCESettings()
	issued := time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	cy, _ := CurrentCycle(issued, now)
	e := Enrolment{ID: "e", Status: EnrolCompleted, Cycle: cy, CompletedAt: now}
	c := Course{ID: "c", Title: "建筑施工技术", Category: CategoryProfessional, Hours: WholeHours(8)}
	r := LearningRecord{ID: "r", EnrolID: "e", CourseID: "c", Course: c.Title, Category: c.Category, Hours: c.Hours,
		CompletedOn: cy.Start, RecordedBy: "甲", RecordedAt: now.Add(-time.Hour)}
	next, err := r.Corrected(e, c, WholeHours(4), cy.Start.AddDate(0, 0, 1), s, "乙", now)
	if err != nil || next.ID != "r" || next.RecordedBy != "甲" || next.Rev != 1 || next.UpdatedBy != "乙" || next.Hours != WholeHours(4) {
		t.Fatalf("corrected: %v %+v", err, next)
	}
	if got := RecordChanges(r, next); !strings.Contains(got, "学时：8 → 4") || !strings.Contains(got, "完成日期：") {
		t.Fatalf("changes: %q", got)
	}
	if _, err := r.Corrected(e, c, WholeHours(4), now.AddDate(0, 0, 2), s, "乙", now); err == nil {
		t.Fatal("a future day accepted")
	}
	var stale StaleRecord
	if err := next.CheckRev(0); !errors.As(err, &stale) || CodeOf(err) != CodeConflict || !strings.Contains(MessageOf(err), "乙") {
		t.Fatalf("stale: %v", err)
	}
	low, done, err := e.Recount(Progress(cy, hoursIn(cy, 28, 22), s, now), "乙", "更正学习记录", "原因：录多了", now)
	if err != nil || done || low.Status != EnrolLearning || !low.CompletedAt.IsZero() || low.Timeline[len(low.Timeline)-1].What != "学时更正后未达标" || low.Timeline[len(low.Timeline)-2].Note != "原因：录多了" {
		t.Fatalf("back to learning: %v %+v", err, low)
	}
	again, done, err := low.Recount(Progress(cy, hoursIn(cy, 32, 22), s, now), "乙", "更正学习记录", "", now)
	if err != nil || !done || again.Status != EnrolCompleted {
		t.Fatalf("completed again: %v %v %s", err, done, again.Status)
	}
	if _, done, _ := again.Recount(Progress(cy, hoursIn(cy, 32, 22), s, now), "乙", "更正学习记录", "", now); done {
		t.Fatal("completed twice")
	}
}
