package store

import (
	"sync"
	"testing"
	"time"

	"sitepro/domain"
)

func TestIssueCertificateWritesApplicationAndCertificateTogether(t *testing.T) {
	st, _ := openTemp(t)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	admin, reviewer, app := passedApplication(t, st, now)

	if _, _, err := st.IssueCertificate(reviewer, app.ID, now); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a reviewer issued a certificate: %v", err)
	}
	// Two admins at once: one certificate, one conflict.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, _, errs[i] = st.IssueCertificate(admin, app.ID, now) }()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if domain.CodeOf(err) != domain.CodeConflict {
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d issues succeeded, want 1", ok)
	}
	got, _ := st.ApplicationOf(app.TraineeID, app.ID)
	want := "412026" + app.PostCode + "000001"
	if got.Status != domain.AppCertified || got.CertNumber != want {
		t.Fatalf("application: %s %q, want %q", got.Status, got.CertNumber, want)
	}
	c, err := st.CertificateByNumber(want)
	if err != nil || c.HolderID != app.TraineeID || c.Issuer != "河南省住房和城乡建设厅" || c.Status != domain.CertValid || c.VerifyToken == "" {
		t.Fatalf("certificate: %+v %v", c, err)
	}
	if held, _ := st.CertificatesOf(app.TraineeID); len(held) != 1 {
		t.Fatalf("holder has %d certificates", len(held))
	}
}

func TestCertificateNumbersSkipImportedOnes(t *testing.T) {
	st, _ := openTemp(t)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	admin, _, app := passedApplication(t, st, now)
	taken := "412026" + app.PostCode + "000001"
	if _, err := st.AddCertificate(domain.Certificate{Number: taken, HolderID: "someone", PostCode: app.PostCode}); err != nil {
		t.Fatal(err)
	}
	_, c, err := st.IssueCertificate(admin, app.ID, now)
	if err != nil || c.Number != "412026"+app.PostCode+"000002" {
		t.Fatalf("issued %q, %v", c.Number, err)
	}
}

// passedApplication drives an application through the reviewer's and the admin's
// decisions up to 合格, as the exam pages will.
func passedApplication(t *testing.T, s *Store, now time.Time) (admin, reviewer domain.User, a domain.Application) {
	t.Helper()
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州建设职业培训中心", CityCode: "410100"})
	a = fillApp(t, s, u, ag)
	a, err := s.SubmitApplication(u, a.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	reviewer = domain.User{ID: "r1", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员"}
	admin = domain.User{ID: "a1", Role: domain.RoleAdmin, Name: "管理员", Username: "admin"}
	exam := domain.Exam{TicketNumber: "20260001", Venue: "考点", Room: "1", Seat: "1",
		Subjects: []domain.ExamSubject{{Name: "专业基础知识", Start: now, End: now.Add(2 * time.Hour)}}}
	steps := []struct {
		who domain.User
		d   domain.Decision
	}{
		{reviewer, domain.Decision{Kind: domain.AppConfirmDecision}},
		{admin, domain.Decision{Kind: domain.AppScheduleDecision, Exam: &exam}},
		{admin, domain.Decision{Kind: domain.AppScoresDecision, Scores: &domain.Scores{Basic: domain.Points(80), Practice: domain.Points(75)}}},
		{admin, domain.Decision{Kind: domain.AppResultDecision, PassMarks: domain.DefaultExamSettings()}},
	}
	for _, st := range steps {
		if a, err = s.DecideApplication(st.who, a.ID, st.d, now); err != nil {
			t.Fatal(err)
		}
	}
	if a.Status != domain.AppPassed {
		t.Fatalf("status %s", a.Status)
	}
	return admin, reviewer, a
}
