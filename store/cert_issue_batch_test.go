package store

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

var certAdmin = domain.User{ID: "a1", Role: domain.RoleAdmin, Name: "管理员", Username: "admin"}

// seedPassed writes n passed (考试合格) applications of n new trainees to the agency for
// the post, as the results page leaves them, through the records' own save (so every
// index is as the use cases write it). The wizard and exam steps are tested elsewhere;
// here they would only make 5,000 applications slow to set up.
func seedPassed(t testing.TB, s *Store, ag domain.Agency, post string, n, from int, at time.Time) []domain.Application {
	t.Helper()
	out := make([]domain.Application, 0, n)
	for i := from; i < from+n; i++ {
		id := seedID(t, i)
		reg, err := domain.RegistrationInput{IDNumber: id, Name: "张三", Mobile: "13812345678", Email: fmt.Sprintf("t%d@example.com", i),
			Password: "correct horse 1", Password2: "correct horse 1", Agree: true}.Validate(t0)
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateTrainee(reg, "h", NewToken(), t0)
		if err != nil {
			t.Fatal(err)
		}
		a := domain.Application{ID: newID(), Number: fmt.Sprintf("XQ20261201%05d", i), TraineeID: u.ID, AgencyID: ag.ID,
			CityCode: ag.CityCode, PostCode: post, Status: domain.AppPassed, CreatedAt: at, SubmittedAt: at, UpdatedAt: at.Add(time.Duration(i) * time.Second),
			VerifyToken: NewToken().Raw[:22]}
		a.Info.Employer = "河南建工集团"
		err = s.update(func(txn *badger.Txn) error {
			if err := txn.Set(appTraineeKey(u.ID, a.ID), nil); err != nil {
				return err
			}
			return appRecords.save(txn, domain.Application{}, a)
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// seedID is the i-th of up to 12,000 distinct valid ID numbers (store tests may not use
// testkit; the check character is the one the domain accepts).
func seedID(t testing.TB, i int) string {
	t.Helper()
	first := fmt.Sprintf("410105%s%03d", time.Date(1970, time.Month(1+i/1000%12), 1, 0, 0, 0, 0, time.UTC).Format("20060102"), i%1000)
	for _, c := range "0123456789X" {
		if _, err := domain.ParseIDNumber(first+string(c), t0); err == nil {
			return first + string(c)
		}
	}
	t.Fatalf("no check character for %s", first)
	return ""
}

// 50 admins issuing at once, one application each: 50 distinct, consecutive numbers from
// 000001 (gap-free and unique), each application certified with its own number.
func TestFiftyConcurrentIssuesGetFiftyConsecutiveNumbers(t *testing.T) {
	s, _ := openTemp(t)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	apps := seedPassed(t, s, ag, "101", 50, 0, now)
	var wg sync.WaitGroup
	numbers := make([]string, len(apps))
	errs := make([]error, len(apps))
	for i, a := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, c, err := s.IssueCertificate(certAdmin, a.ID, now)
			numbers[i], errs[i] = c.Number, err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("issue %d: %v", i, err)
		}
	}
	sorted := append([]string(nil), numbers...)
	sort.Strings(sorted)
	for i, n := range sorted {
		if want := fmt.Sprintf("412026101%06d", i+1); n != want {
			t.Fatalf("number %d is %s, want %s (all: %v)", i, n, want, sorted)
		}
	}
	for i, a := range apps {
		got, err := s.ApplicationOf(a.TraineeID, a.ID)
		if err != nil || got.Status != domain.AppCertified || got.CertNumber != numbers[i] {
			t.Fatalf("application %d: %s %q, want %q (%v)", i, got.Status, got.CertNumber, numbers[i], err)
		}
	}
	if got := notifications(t, s, domain.NotifyCertIssued); len(got) != 50 {
		t.Fatalf("%d mails queued, want 50", len(got))
	}
	if got, _ := s.AuditLog(AuditFilter{Action: domain.AuditCertificateIssue}, 100); len(got) != 50 {
		t.Fatalf("%d audit entries, want 50", len(got))
	}
}

// Two "issue all" actions at once over the same list: every application gets exactly one
// certificate, the numbers are consecutive, and the loser's overlap is reported as skipped.
func TestConcurrentIssueAllNeverDoublesOrSkipsANumber(t *testing.T) {
	s, _ := openTemp(t)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	seedPassed(t, s, ag, "101", 120, 0, now)
	var wg sync.WaitGroup
	reps := make([]IssueReport, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], errs[i] = s.IssueCertificates(certAdmin, IssueFilter{}, 120, "", now)
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if n := reps[0].Issued + reps[1].Issued; n != 120 || len(reps[0].Skipped)+len(reps[1].Skipped) != 120 {
		t.Fatalf("issued %d + %d, skipped %d + %d", reps[0].Issued, reps[1].Issued, len(reps[0].Skipped), len(reps[1].Skipped))
	}
	if p, _ := s.IssuableApplications(certAdmin, IssueFilter{}); p.Total != 0 {
		t.Fatalf("%d still waiting", p.Total)
	}
	for i := 1; i <= 120; i++ {
		if _, err := s.CertificateByNumber(fmt.Sprintf("412026101%06d", i)); err != nil {
			t.Fatalf("number %d missing: %v", i, err)
		}
	}
	if _, err := s.CertificateByNumber("412026101000121"); err == nil {
		t.Fatal("a 121st number was used")
	}
	assertRebuildAgrees(t, s)
}

func TestIssuableListFiltersPagesAndRefusesStaleCounts(t *testing.T) {
	s, _ := openTemp(t)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	zz, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	ly, _ := s.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	seedPassed(t, s, zz, "101", 60, 0, now)
	seedPassed(t, s, zz, "102", 3, 60, now)
	lyApps := seedPassed(t, s, ly, "101", 2, 70, now)

	if _, err := s.IssuableApplications(domain.User{Role: domain.RoleReviewer, AgencyID: zz.ID}, IssueFilter{}); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a reviewer listed: %v", err)
	}
	p, err := s.IssuableApplications(certAdmin, IssueFilter{})
	if err != nil || p.Total != 65 || p.Pages != 2 || len(p.Rows) != IssuePageSize || p.Rows[0].Number != "XQ2026120100000" {
		t.Fatalf("all: %d rows, total %d, pages %d, first %+v, %v", len(p.Rows), p.Total, p.Pages, p.Rows[0], err)
	}
	if p, _ = s.IssuableApplications(certAdmin, IssueFilter{Page: 2}); len(p.Rows) != 15 || p.Page != 2 {
		t.Fatalf("page 2: %d rows", len(p.Rows))
	}
	if p, _ = s.IssuableApplications(certAdmin, IssueFilter{Page: 99}); p.Page != 2 {
		t.Fatalf("page 99 is page %d", p.Page)
	}
	if p, _ = s.IssuableApplications(certAdmin, IssueFilter{AgencyID: zz.ID, PostCode: "102"}); p.Total != 3 || p.Rows[0].AgencyName != "郑州中心" {
		t.Fatalf("郑州 102: %+v", p)
	}
	if p, _ = s.IssuableApplications(certAdmin, IssueFilter{AgencyID: ly.ID}); p.Total != 2 || p.Rows[0].AppID != lyApps[0].ID {
		t.Fatalf("洛阳: %+v", p)
	}

	// The admin saw 2 in 洛阳, a third passed meanwhile: nothing is issued.
	seedPassed(t, s, ly, "101", 1, 80, now)
	_, err = s.IssueCertificates(certAdmin, IssueFilter{AgencyID: ly.ID}, 2, "", now)
	if domain.CodeOf(err) != domain.CodeConflict || !strings.Contains(domain.MessageOf(err), "您看到的是 2 人，现在是 3 人") {
		t.Fatalf("stale count: %v", err)
	}
	if p, _ = s.IssuableApplications(certAdmin, IssueFilter{AgencyID: ly.ID}); p.Total != 3 {
		t.Fatalf("something was issued: %d left", p.Total)
	}
	rep, err := s.IssueCertificates(certAdmin, IssueFilter{AgencyID: ly.ID}, 3, "", now)
	if err != nil || rep.Issued != 3 || rep.First != "412026101000001" || rep.Last != "412026101000003" || len(rep.Skipped) != 0 {
		t.Fatalf("洛阳 issue: %+v %v", rep, err)
	}
	// Same number of people, not the same people: refused too.
	p, _ = s.IssuableApplications(certAdmin, IssueFilter{AgencyID: zz.ID, PostCode: "102"})
	if _, _, err := s.IssueCertificate(certAdmin, p.Rows[0].AppID, now); err != nil {
		t.Fatal(err)
	}
	seedPassed(t, s, zz, "102", 1, 90, now)
	_, err = s.IssueCertificates(certAdmin, IssueFilter{AgencyID: zz.ID, PostCode: "102"}, 3, p.Digest, now)
	if domain.CodeOf(err) != domain.CodeConflict || !strings.Contains(domain.MessageOf(err), "人员已经变化") {
		t.Fatalf("same count, other people: %v", err)
	}
	p, _ = s.IssuableApplications(certAdmin, IssueFilter{AgencyID: zz.ID, PostCode: "102"})
	if rep, err := s.IssueCertificates(certAdmin, IssueFilter{AgencyID: zz.ID, PostCode: "102"}, 3, p.Digest, now); err != nil || rep.Issued != 3 {
		t.Fatalf("with the current digest: %+v %v", rep, err)
	}
	if _, err := s.IssueCertificates(certAdmin, IssueFilter{AgencyID: ly.ID}, 0, "", now); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("empty list: %v", err)
	}
	if _, err := s.IssueCertificates(domain.User{Role: domain.RoleTrainee}, IssueFilter{}, -1, "", now); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("trainee issued: %v", err)
	}
}

// Issuing to a failed or an already certified application says why in words and writes
// nothing: no number is used up, no mail, no audit entry.
func TestIssueRefusesFailedAndCertifiedApplications(t *testing.T) {
	s, _ := openTemp(t)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	apps := seedPassed(t, s, ag, "101", 2, 0, now)
	failed := apps[1]
	failed.Status = domain.AppFailed
	if err := s.update(func(txn *badger.Txn) error { return appRecords.save(txn, apps[1], failed) }); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.IssueCertificate(certAdmin, failed.ID, now)
	if domain.CodeOf(err) != domain.CodeConflict || !strings.Contains(domain.MessageOf(err), "考试不合格，不能发证") {
		t.Fatalf("failed: %v", err)
	}
	if _, _, err := s.IssueCertificate(certAdmin, apps[0].ID, now); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.IssueCertificate(certAdmin, apps[0].ID, now)
	if domain.CodeOf(err) != domain.CodeConflict || !strings.Contains(domain.MessageOf(err), "已经发证（证书编号 412026101000001），不能重复发证") {
		t.Fatalf("twice: %v", err)
	}
	if got := notifications(t, s, domain.NotifyCertIssued); len(got) != 1 {
		t.Fatalf("%d mails", len(got))
	}
	if _, c, err := s.IssueCertificate(certAdmin, seedPassed(t, s, ag, "101", 1, 5, now)[0].ID, now); err != nil || c.Number != "412026101000002" {
		t.Fatalf("a refusal used up a number: %s %v", c.Number, err)
	}
}

// A batch too big for one transaction (a store with a small memtable) is split until it
// fits: every application still gets its certificate, numbers consecutive.
func TestIssueAllSplitsABatchTooBigForATransaction(t *testing.T) {
	s, err := OpenSized(t.TempDir(), nil, Sizes{MemTableSize: 256 << 10, ValueLogFileSize: 1 << 20, Margin: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	seedPassed(t, s, ag, "101", 60, 0, now)
	rep, err := s.IssueCertificates(certAdmin, IssueFilter{}, 60, "", now)
	if err != nil || rep.Issued != 60 || rep.First != "412026101000001" || rep.Last != "412026101000060" {
		t.Fatalf("%+v %v", rep, err)
	}
}
