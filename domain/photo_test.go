package domain

import (
	"testing"
	"time"
)

func TestPhotoTransitions(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var none Photo
	if none.StatusOrNone() != PhotoNone {
		t.Fatal("zero photo is not 未上传")
	}
	if _, err := none.Confirm("审核员", now); CodeOf(err) != CodeConflict {
		t.Fatalf("confirming a missing photo: %v", err)
	}
	p := none.Uploaded("u1", "p1", 358, 441, 20000, now)
	if p.Status != PhotoPending {
		t.Fatalf("after upload: %s", p.Status)
	}
	if _, err := p.Return("审核员", "  ", now); CodeOf(err) != CodeInvalid {
		t.Fatalf("return without reason: %v", err)
	}
	if _, err := p.Return("审核员", "背景\x00不清", now); CodeOf(err) != CodeInvalid {
		t.Fatalf("return with control characters: %v", err)
	}
	r, err := p.Return("审核员", "背景不是纯色，请重新拍摄", now)
	if err != nil || r.Status != PhotoReturned || r.Reason == "" {
		t.Fatalf("return: %+v %v", r, err)
	}
	if _, err := r.Confirm("审核员", now); CodeOf(err) != CodeConflict {
		t.Fatal("a returned photo was confirmed")
	}
	again := r.Uploaded("u1", "p2", 358, 441, 20000, now.Add(time.Hour))
	if again.Status != PhotoPending || again.Reason != "" || again.ID != "p2" {
		t.Fatalf("re-upload after return: %+v", again)
	}
	c, err := again.Confirm("审核员", now)
	if err != nil || c.Status != PhotoConfirmed {
		t.Fatalf("confirm: %+v %v", c, err)
	}
	if _, err := c.Return("审核员", "x", now); CodeOf(err) != CodeConflict {
		t.Fatal("a confirmed photo was returned")
	}
	if c.Uploaded("u1", "p3", 1, 1, 1, now).Status != PhotoPending {
		t.Fatal("replacing a confirmed photo must need a new review")
	}
	for _, s := range []Photo{none, p, r, c} {
		if s.NextStep() == "" {
			t.Fatalf("no next step for %s", s.StatusOrNone())
		}
	}
}
