package store

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitepro/domain"
)

func fillApp(t *testing.T, s *Store, u domain.User, ag domain.Agency) domain.Application {
	t.Helper()
	if _, err := s.AgreeNotice(u.ID, domain.NoticeVersion, t0); err != nil {
		t.Fatal(err)
	}
	a, err := s.StartApplication(u, t0)
	if err != nil {
		t.Fatal(err)
	}
	steps := []domain.StepInput{
		{Step: domain.StepEmployment, Employment: "待业"},
		{Step: domain.StepCity, City: ag.CityCode},
		{Step: domain.StepAgency, Info: domain.AppInfoInput{AgencyID: ag.ID, Phone: "13812345678",
			Profile: domain.ProfileInput{Education: "大学本科"}}},
		{Step: domain.StepPost, Post: "111"},
		{Step: domain.StepResume},
		{Step: domain.StepPledge, Signature: "张三", Agreed: true},
	}
	for i, st := range steps {
		if a, err = s.SaveStep(u.ID, a.ID, st, t0); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	for _, step := range []domain.Step{domain.StepIDFront, domain.StepIDBack, domain.StepDiploma} {
		if a, err = s.SaveDocument(u.ID, a.ID, step, []byte("jpeg"), 10, 10, t0); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

func TestDraftResumeSubmitOnceAndDelete(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	other, _ := s.CreateTrainee(registration(t, "440524188001010014"), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州", CityCode: "410100"})
	a := fillApp(t, s, u, ag)
	if again, _ := s.StartApplication(u, t0); again.ID != a.ID {
		t.Fatal("starting again did not resume the draft")
	}
	if _, err := s.ApplicationOf(other.ID, a.ID); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("another trainee can read the draft")
	}
	if _, err := s.SaveStep(other.ID, a.ID, domain.StepInput{Step: domain.StepEmployment, Employment: "待业"}, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("another trainee can edit the draft")
	}
	var ok, conflicts atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.SubmitApplication(u, a.ID, t0)
			if err == nil {
				ok.Add(1)
			} else if domain.CodeOf(err) == domain.CodeConflict {
				conflicts.Add(1)
			} else {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflicts.Load() != 49 {
		t.Fatalf("50 concurrent submits: ok=%d conflicts=%d", ok.Load(), conflicts.Load())
	}
	got, _ := s.ApplicationOf(u.ID, a.ID)
	if got.Status != domain.AppSubmitted || got.Number == "" {
		t.Fatalf("after submit: %s %q", got.Status, got.Number)
	}
	if msgs, _ := s.RecentMessages(100); len(msgs) != 3 { // two confirmations + one submission mail
		t.Fatalf("mails: %d", len(msgs))
	}
	if _, err := s.SaveStep(u.ID, a.ID, domain.StepInput{Step: domain.StepEmployment, Employment: "待业"}, t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatal("a submitted application was edited")
	}
	// A second application for the same post is refused while the first is open.
	b := fillApp(t, s, u, ag)
	if _, err := s.SubmitApplication(u, b.ID, t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("second open application for the same post: %v", err)
	}
	// Documents are scoped; staff views are audited.
	revA := domain.User{ID: "r", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员"}
	revB := domain.User{ID: "r2", Role: domain.RoleReviewer, AgencyID: "other", Name: "别家"}
	if _, err := s.DocumentImage(revB, got.IDFront, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("reviewer of another agency sees the ID card")
	}
	if img, err := s.DocumentImage(revA, got.IDFront, t0); err != nil || string(img) != "jpeg" {
		t.Fatalf("reviewer of the agency: %v", err)
	}
	if _, err := s.DocumentImage(other, got.IDFront, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("another trainee sees the ID card")
	}
	if log, _ := s.AuditLog(AuditFilter{Action: "查看证件图片"}, 10); len(log) != 1 {
		t.Fatalf("staff image views audited: %d", len(log))
	}
	// Delete before confirmation works; after confirmation it is refused.
	if err := s.DeleteApplication(u.ID, b.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteApplication(other.ID, a.ID, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("another trainee deleted the application")
	}
	if err := s.DeleteApplication(u.ID, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	if apps, _ := s.ApplicationsOf(u.ID); len(apps) != 0 {
		t.Fatalf("left after delete: %d", len(apps))
	}
	if _, err := s.DocumentImage(u, got.IDFront, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("images of a deleted application remain")
	}
}

func TestDecideApplicationScopeAndOneWinner(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州", CityCode: "410100"})
	a := fillApp(t, s, u, ag)
	a, err := s.SubmitApplication(u, a.ID, t0)
	if err != nil || a.VerifyToken == "" {
		t.Fatalf("submit: %v token %q", err, a.VerifyToken)
	}
	if got, holder, err := s.ApplicationByToken(a.VerifyToken); err != nil || got.ID != a.ID || holder.ID != u.ID {
		t.Fatalf("by token: %v", err)
	}
	confirm := domain.Decision{Kind: domain.AppConfirmDecision}
	other := domain.User{ID: "r2", Role: domain.RoleReviewer, AgencyID: "elsewhere", Name: "别家"}
	if _, err := s.DecideApplication(other, a.ID, confirm, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("reviewer of another agency: %v", err)
	}
	rev := domain.User{ID: "r1", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员"}
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.DecideApplication(rev, a.ID, confirm, t0)
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
	if wins.Load() != 1 || conflicts.Load() != 99 {
		t.Fatalf("100 concurrent confirms: wins=%d conflicts=%d", wins.Load(), conflicts.Load())
	}
	if err := s.DeleteApplication(u.ID, a.ID, t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("deleting a confirmed application: %v", err)
	}
}

func TestDeletingTheApplicationEndsTheAgencysAccess(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州", CityCode: "410100"})
	a := fillApp(t, s, u, ag)
	if _, err := s.SubmitApplication(u, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	rev := domain.User{ID: "r", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员"}
	p, _ := s.UploadPhoto(u.ID, []byte("x"), 1, 1, t0)
	if _, err := s.PhotoImage(rev, p.ID, t0); err != nil {
		t.Fatalf("reviewer of the applied agency: %v", err)
	}
	if err := s.DeleteApplication(u.ID, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PhotoImage(rev, p.ID, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("after the application was deleted the agency still sees the photo: %v", err)
	}
	if page, _ := s.PhotoQueue(rev, "", 0); len(page.Rows) != 0 || page.Total != 0 {
		t.Fatal("the photo is still in the agency's queue")
	}
	if _, err := s.DecidePhoto(rev, u.ID, photoDecision(true, ""), t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("the agency can still decide the photo: %v", err)
	}
}

func TestQueuePagingStaysCorrectWhileItemsArrive(t *testing.T) {
	ids := []string{"11010519491231002X", "440524188001010014", "410102199003071230", "410305198511120049"}
	for name, f := range map[string]QueueFilter{"unfiltered": {Limit: 2}, "filtered": {Limit: 2, PostCode: "111"}} {
		t.Run(name, func(t *testing.T) {
			s, _ := openTemp(t)
			ag, _ := s.PutAgency(domain.Agency{Name: "郑州", CityCode: "410100"})
			rev := domain.User{Role: domain.RoleReviewer, AgencyID: ag.ID}
			submit := func(i int) string {
				u, _ := s.CreateTrainee(registration(t, ids[i]), "h", NewToken(), t0)
				a := fillApp(t, s, u, ag)
				a, err := s.SubmitApplication(u, a.ID, t0.Add(time.Duration(i)*time.Minute))
				if err != nil {
					t.Fatal(err)
				}
				return a.Number
			}
			var numbers []string
			for i := range 3 {
				numbers = append(numbers, submit(i))
			}
			p1, err := s.AppQueue(rev, "", f)
			if err != nil || len(p1.Rows) != 2 || p1.Total != 3 || p1.Next == "" || p1.Rows[0].Number != numbers[0] {
				t.Fatalf("page 1: %+v %v", p1, err)
			}
			numbers = append(numbers, submit(3)) // a new item arrives between page 1 and page 2
			f.After = p1.Next
			p2, _ := s.AppQueue(rev, "", f)
			if len(p2.Rows) != 2 || p2.Rows[0].Number != numbers[2] || p2.Rows[1].Number != numbers[3] || p2.Total != 4 || p2.Next != "" {
				t.Fatalf("page 2: %+v", p2)
			}
		})
	}
}

// The notice gate holds in the store, whatever the caller's copy of the user says.
func TestStartApplicationNeedsTheCurrentNotice(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	stale := u
	stale.NoticeVersion = domain.NoticeVersion // a handler's copy claiming agreement
	if _, err := s.StartApplication(stale, t0); err != domain.ErrNoticeRequired {
		t.Fatalf("started without agreeing: %v", err)
	}
	if _, err := s.AgreeNotice(u.ID, "2020-old", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartApplication(u, t0); err != domain.ErrNoticeRequired {
		t.Fatalf("started after agreeing to an old version: %v", err)
	}
	if _, err := s.AgreeNotice(u.ID, domain.NoticeVersion, t0); err != nil {
		t.Fatal(err)
	}
	if a, err := s.StartApplication(u, t0); err != nil || a.Status != domain.AppDraft {
		t.Fatalf("after agreeing: %v", err)
	}
}
