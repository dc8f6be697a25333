package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/imaging"
	"sitepro/password"
	"sitepro/store"
)

// seeded opens a temporary store with the demo seeded at now.
func seeded(t *testing.T, now time.Time) (*store.Store, *password.Hasher, string) {
	t.Helper()
	st, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := password.NewHasher(2)
	var banner bytes.Buffer
	start := time.Now()
	if err := Seed(st, h, inProcess{imaging.New(imaging.Options{})}, &banner, now); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded in %v", time.Since(start).Round(time.Millisecond))
	return st, h, banner.String()
}

// The staff come from 账号管理 as an admin creates them: each reviewer activated their
// account with the printed password, and the agencies from 培训机构管理 with credit code
// and post lists; the banner says where each signs in.
func TestDemoStaffAndAgenciesThroughTheAdminUseCases(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	st, h, banner := seeded(t, now)
	ctx := context.Background()
	admin, err := st.UserByLogin(AdminUser, false)
	if err != nil || !admin.ActiveAdmin() {
		t.Fatalf("admin %s: %+v %v", AdminUser, admin, err)
	}
	if ok, _ := h.Verify(ctx, AdminPass, admin.PasswordHash); !ok {
		t.Errorf("the admin's password is not %s", AdminPass)
	}
	for _, a := range agencies {
		u, err := st.UserByLogin(a.user, false)
		if err != nil || u.Role != domain.RoleReviewer || u.State() != domain.AccountActive {
			t.Fatalf("reviewer %s: %+v %v", a.user, u, err)
		}
		if ok, _ := h.Verify(ctx, ReviewerPass, u.PasswordHash); !ok {
			t.Errorf("%s's password is not %s", a.user, ReviewerPass)
		}
		p, err := st.AgencyProfile(u.AgencyID)
		if err != nil || p.Name != a.name || p.CreditCode != a.credit || !p.AppPosts.Configured || len(p.AppPosts.Codes) == 0 {
			t.Errorf("agency of %s: %+v %v", a.user, p, err)
		}
		if !strings.Contains(banner, a.user+"  密码 "+ReviewerPass) {
			t.Errorf("the banner does not print %s's login", a.user)
		}
	}
	accounts, err := st.StaffAccounts(store.StaffFilter{})
	if err != nil || len(accounts) != 1+len(agencies) {
		t.Fatalf("staff accounts: %d %v", len(accounts), err)
	}
	for _, want := range []string{"/login", "用户名 " + AdminUser + "  密码 " + AdminPass, "/admin", "/review", TraineeID} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner)
		}
	}
	// The demo trainee's certificates came in through 历史证书导入.
	jobs, err := st.RecentLegacyImports(5)
	if err != nil || len(jobs) != 1 || jobs[0].State != domain.LegacyDone || jobs[0].Added != 2 {
		t.Fatalf("legacy imports: %+v %v", jobs, err)
	}
	c, err := st.CertificateByNumber(CertNumber)
	if err != nil || !c.Legacy || c.EffectiveStatus(now) != domain.CertValid {
		t.Fatalf("%s: %+v %v", CertNumber, c, err)
	}
}

// Every application that has an exam got it from a published exam session, with the
// ticket of its seat; the demo trainee's scheduled application sits in the current
// published session.
func TestDemoExamsComeFromPublishedSessions(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	st, _, _ := seeded(t, now)
	sessions, err := st.ExamSessions()
	if err != nil || len(sessions) != 2 {
		t.Fatalf("exam sessions: %d %v", len(sessions), err)
	}
	byID := map[string]domain.ExamSession{}
	for _, s := range sessions {
		if s.State != domain.ExamPublished || s.Pending {
			t.Errorf("session %s is %s (pending %v), want 已发布", s.Name, s.State.Label(), s.Pending)
		}
		byID[s.ID] = s
	}
	withExam := 0
	for _, id := range []string{TraineeID, photoTrainees[1].id, photoTrainees[2].id} {
		u, _ := st.UserByLogin(id, true)
		apps, _ := st.ApplicationsOf(u.ID)
		for _, a := range apps {
			if a.Exam == nil {
				continue
			}
			withExam++
			s, ok := byID[a.Exam.SessionID]
			c, seated := s.Candidate(a.ID)
			if !ok || !seated || !c.Seated() || c.Ticket != a.Exam.TicketNumber || a.Exam.Session != s.Name {
				t.Errorf("%s (%s): exam %+v is not its seat in a session", a.Number, a.Status.Label(), *a.Exam)
			}
			if id == TraineeID && (a.Status != domain.AppScheduled || a.PostCode != "102" || !s.Subjects[0].Start.After(now)) {
				t.Errorf("the demo trainee's application %s: %s, post %s, exam %v", a.Number, a.Status.Label(), a.PostCode, s.Subjects[0].Start)
			}
		}
	}
	if withExam != 5 { // scheduled, scored, passed, failed, certified
		t.Errorf("%d applications have an exam, want 5", withExam)
	}
}

// A restart of a seeded store prints the logins again and changes nothing.
func TestDemoSeedRunsOnce(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	st, h, first := seeded(t, now)
	var again bytes.Buffer
	if err := Seed(st, h, inProcess{imaging.New(imaging.Options{})}, &again, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if again.String() != first {
		t.Errorf("the banner differs on restart:\n%s\nvs\n%s", again.String(), first)
	}
	if s, _ := st.ExamSessions(); len(s) != 2 {
		t.Errorf("%d exam sessions after a restart, want 2", len(s))
	}
	if a, _ := st.Agencies(); len(a) != len(agencies) {
		t.Errorf("%d agencies after a restart, want %d", len(a), len(agencies))
	}
}
