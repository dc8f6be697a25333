package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// BenchmarkIssue5000 is "issue all" over a list of 5,000 passed applications (two posts,
// ten agencies, the filter empty): the time of the one action, certificates per second,
// and the time of the list page before it. Each iteration uses a fresh store; seeding is
// not timed.
//
//	go test ./store -run '^$' -bench Issue5000 -benchtime 1x
func BenchmarkIssue5000(b *testing.B) {
	const n = 5000
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	for b.Loop() {
		b.StopTimer()
		s, _ := openBench(b)
		var ags []domain.Agency
		for i := range 10 {
			ag, err := s.PutAgency(domain.Agency{Name: fmt.Sprintf("机构%d", i), CityCode: "410100"})
			must(b, err)
			ags = append(ags, ag)
		}
		seedPassedFast(b, s, ags, n, now)
		start := time.Now()
		p, err := s.IssuableApplications(certAdmin, IssueFilter{})
		list := time.Since(start)
		must(b, err)
		if p.Total != n {
			b.Fatalf("%d listed", p.Total)
		}
		b.StartTimer()
		start = time.Now()
		rep, err := s.IssueCertificates(certAdmin, IssueFilter{}, n, "", now)
		took := time.Since(start)
		b.StopTimer()
		must(b, err)
		if rep.Issued != n || len(rep.Skipped) != 0 {
			b.Fatalf("issued %d, skipped %d", rep.Issued, len(rep.Skipped))
		}
		b.ReportMetric(took.Seconds(), "s/5000-certs")
		b.ReportMetric(float64(n)/took.Seconds(), "certs/s")
		b.ReportMetric(float64(list.Milliseconds()), "ms/list-page")
		must(b, s.Close())
		b.StartTimer()
	}
}

func openBench(b *testing.B) (*Store, string) {
	dir := b.TempDir()
	s, err := Open(dir, nil)
	must(b, err)
	return s, dir
}

// seedPassedFast writes n trainees with a passed application each, spread over the
// agencies and two posts, 200 to a transaction (the use cases' own record and index
// writes, without one synced commit per trainee).
func seedPassedFast(b *testing.B, s *Store, ags []domain.Agency, n int, at time.Time) {
	b.Helper()
	for from := 0; from < n; from += 200 {
		err := s.update(func(txn *badger.Txn) error {
			for i := from; i < min(from+200, n); i++ {
				u := domain.User{ID: newID(), Role: domain.RoleTrainee, IDNumber: seedID(b, i), Name: "张三",
					Email: fmt.Sprintf("t%d@example.com", i), CreatedAt: at}
				if err := putJSON(txn, userKey(u.ID), userRec{V: 1, User: u}); err != nil {
					return err
				}
				if err := txn.Set(userIDNoKey(u.IDNumber), []byte(u.ID)); err != nil {
					return err
				}
				ag := ags[i%len(ags)]
				a := domain.Application{ID: newID(), Number: fmt.Sprintf("XQ20261201%05d", i), TraineeID: u.ID, AgencyID: ag.ID,
					CityCode: ag.CityCode, PostCode: []string{"101", "111"}[i%2], Status: domain.AppPassed, CreatedAt: at,
					SubmittedAt: at, UpdatedAt: at.Add(time.Duration(i) * time.Second), VerifyToken: NewToken().Raw[:22]}
				if err := txn.Set(appTraineeKey(u.ID, a.ID), nil); err != nil {
					return err
				}
				if err := appRecords.save(txn, domain.Application{}, a); err != nil {
					return err
				}
			}
			return nil
		})
		must(b, err)
	}
}
