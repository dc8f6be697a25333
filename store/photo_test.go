package store

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitepro/domain"
)

// photoDecision is a reviewer's decision on a photo: confirm, or return with a reason.
func photoDecision(confirm bool, reason string) domain.Decision {
	if confirm {
		return domain.Decision{Kind: domain.PhotoConfirmDecision}
	}
	return domain.Decision{Kind: domain.PhotoReturnDecision, Reason: reason}
}

func TestPhotoStatusMachineAndAccess(t *testing.T) {
	s, _ := openTemp(t)
	owner, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	other, _ := s.CreateTrainee(registration(t, "440524188001010014"), "h", NewToken(), t0)
	agA, _ := s.PutAgency(domain.Agency{Name: "A"})
	agB, _ := s.PutAgency(domain.Agency{Name: "B"})
	revA := domain.User{ID: "ra", Role: domain.RoleReviewer, AgencyID: agA.ID, Name: "A审核员"}
	revB := domain.User{ID: "rb", Role: domain.RoleReviewer, AgencyID: agB.ID, Name: "B审核员"}
	admin := domain.User{ID: "ad", Role: domain.RoleAdmin, Name: "管理员"}

	if p, _ := s.PhotoOf(owner.ID); p.StatusOrNone() != domain.PhotoNone {
		t.Fatalf("initial status %s", p.Status)
	}
	p1, err := s.UploadPhoto(owner.ID, []byte("jpeg-1"), 358, 441, t0)
	if err != nil || p1.Status != domain.PhotoPending {
		t.Fatalf("upload: %+v %v", p1, err)
	}
	if err := s.LinkTraineeToAgency(agA.ID, owner.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		viewer domain.User
		ok     bool
	}{{"owner", owner, true}, {"other trainee", other, false}, {"reviewer of applied agency", revA, true},
		{"reviewer of another agency", revB, false}, {"admin", admin, true}} {
		b, err := s.PhotoImage(tc.viewer, p1.ID, t0)
		if tc.ok != (err == nil) || (tc.ok && !bytes.Equal(b, []byte("jpeg-1"))) {
			t.Errorf("%s: %q %v", tc.name, b, err)
		}
		if !tc.ok && domain.CodeOf(err) != domain.CodeNotFound {
			t.Errorf("%s: refusal must look like not-found, got %v", tc.name, err)
		}
	}
	views, _ := s.AuditLog(AuditFilter{Action: "查看照片"}, 10)
	if len(views) != 2 {
		t.Fatalf("staff views audited: %d, want 2 (reviewer A and admin)", len(views))
	}
	if _, err := s.DecidePhoto(revB, owner.ID, photoDecision(true, ""), t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("reviewer of another agency decided: %v", err)
	}
	if _, err := s.DecidePhoto(revA, owner.ID, photoDecision(false, ""), t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("return without reason: %v", err)
	}
	r, err := s.DecidePhoto(revA, owner.ID, photoDecision(false, "背景不是纯色"), t0)
	if err != nil || r.Status != domain.PhotoReturned || r.Reason != "背景不是纯色" {
		t.Fatalf("return: %+v %v", r, err)
	}
	p2, _ := s.UploadPhoto(owner.ID, []byte("jpeg-2"), 358, 441, t0.Add(time.Hour))
	if p2.Status != domain.PhotoPending || p2.ID == p1.ID {
		t.Fatalf("re-upload: %+v", p2)
	}
	if _, err := s.PhotoImage(owner, p1.ID, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("the replaced image is still served")
	}
	if got, _ := s.PhotoImage(owner, p2.ID, t0); string(got) != "jpeg-2" {
		t.Fatalf("new image: %q", got)
	}
}

func TestConcurrentPhotoDecisionsOneWinner(t *testing.T) {
	s, _ := openTemp(t)
	owner, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	_, _ = s.UploadPhoto(owner.ID, []byte("x"), 1, 1, t0)
	admin := domain.User{ID: "ad", Role: domain.RoleAdmin, Name: "管理员"}
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.DecidePhoto(admin, owner.ID, photoDecision(i%2 == 0, "请重拍"), t0)
			if err == nil {
				wins.Add(1)
			} else if domain.CodeOf(err) == domain.CodeConflict {
				conflicts.Add(1)
			} else {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != 49 {
		t.Fatalf("wins=%d conflicts=%d", wins.Load(), conflicts.Load())
	}
}
