package domain

import (
	"testing"
	"time"
)

func TestRejectionIsStoredAndOlderRecordsStillTellIt(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	a := Application{Status: AppSubmitted}
	if a.Rejection() != "" {
		t.Fatal("a submitted application has a rejection")
	}
	r, err := a.Reject("审核员", "学历不符合报考条件", now)
	if err != nil || r.RejectReason != "学历不符合报考条件" || r.Rejection() != "学历不符合报考条件" {
		t.Fatalf("reject: %v %q", err, r.Rejection())
	}
	// A record written before RejectReason existed, with a later event after the rejection.
	old := r
	old.RejectReason = ""
	old.Timeline = append(old.Timeline, Event{At: now, What: "学员查看", Note: "别的说明"})
	if got := old.Rejection(); got != "学历不符合报考条件" {
		t.Fatalf("older record: %q", got)
	}
}
