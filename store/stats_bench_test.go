package store

import (
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/testkit"
)

// BenchmarkStats1MApplications writes 1,000,000 applications (200 agencies in the 18
// cities, the 13 posts, every status, results for the examined ones) with a write batch,
// as records of a store from before the counters, then reopens the store: the reopen
// time is the migration counting every record once (what a page would cost without the
// counters). Then it measures what the statistics page does per view — read the
// counters and build the tables, pass rates and compliance — with p50/p99, and the RSS.
// STATS_BENCH_APPS sets another number of applications.
//
//	go test ./store -run '^$' -bench Stats1MApplications -benchtime 200x
func BenchmarkStats1MApplications(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("STATS_BENCH_APPS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	s, err := Open(dir, nil)
	must(b, err)
	cities := domain.Cities()
	agencies := make([]domain.Agency, 200)
	for i := range agencies {
		agencies[i], err = s.PutAgency(domain.Agency{Name: fmt.Sprintf("培训机构%03d", i), CityCode: cities[i%len(cities)].Code})
		must(b, err)
	}
	start := time.Now()
	seedApplications(b, s, agencies, n)
	seed := time.Since(start)
	must(b, s.Close())
	debug.FreeOSMemory()
	start = time.Now()
	s, err = Open(dir, nil) // builds the counters from the records (rebuildStats)
	must(b, err)
	reopen := time.Since(start)
	defer s.Close()
	admin := domain.User{Role: domain.RoleAdmin}
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	b.Run("StatsPage", func(b *testing.B) {
		b.ReportAllocs()
		var took []time.Duration
		total := 0
		for b.Loop() {
			t := time.Now()
			d, err := s.Stats(admin, now)
			must(b, err)
			for _, k := range domain.StatsKinds() {
				f := domain.StatsFilter{Kind: k, By: domain.DimAgency}
				total = domain.BuildStatsTable(d.Cells, f).Total + total*0
				_ = domain.PassRates(d.Cells, f, domain.DimAgency)
				_ = domain.PassRates(d.Cells, f, domain.DimPost)
			}
			_ = domain.ComplianceByAgency(d.Hours, d.Settings, func(string, string) bool { return true }, now)
			took = append(took, time.Since(t))
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50_ms")
		b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99_ms")
		d, _ := s.Stats(admin, now)
		b.ReportMetric(float64(len(d.Cells)), "counters")
		b.ReportMetric(float64(domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsApps}).Total), "apps_counted")
		// The parent of a sub-benchmark prints no line of its own: its figures go here.
		b.ReportMetric(seed.Seconds(), "seed_s")
		b.ReportMetric(reopen.Seconds(), "migration_full_scan_s")
		debug.FreeOSMemory() // the migration's garbage is not what serving needs
		b.ReportMetric(testkit.ProcStatusMB("VmRSS"), "RSS_MB")
		b.ReportMetric(testkit.ProcStatusMB("RssAnon"), "RSS_anon_MB")
		b.ReportMetric(testkit.ProcStatusMB("VmHWM"), "peak_RSS_incl_seeding_MB")
		_ = total
	})
}

// seedApplications writes n applications spread over the agencies, posts and statuses,
// with confirmed results for the examined ones, in write batches and without counters
// or the counters' migration marker: a store written before the statistics.
func seedApplications(tb testing.TB, s *Store, agencies []domain.Agency, n int) {
	posts := []string{"101", "102", "103", "104", "106", "107", "108", "109", "111", "112", "113", "114", "115"}
	statuses := domain.StatsStatuses(domain.StatsApps)
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		ag := agencies[(i*7)%len(agencies)]
		st := domain.AppStatus(statuses[i%len(statuses)])
		t := at.Add(time.Duration(i) * time.Second)
		a := domain.Application{ID: newTimeID(t), Number: fmt.Sprintf("XQ%09d", i), TraineeID: "u" + strconv.Itoa(i%50_000),
			Status: st, AgencyID: ag.ID, CityCode: ag.CityCode, PostCode: posts[i%len(posts)], Employment: "待业",
			CreatedAt: t, SubmittedAt: t, UpdatedAt: t, Timeline: []domain.Event{{At: t, What: "提交报名", Actor: "本人"}}}
		switch st {
		case domain.AppPassed, domain.AppCertified:
			a.Scores = &domain.Scores{Basic: domain.Points(80), Practice: domain.Points(70), Confirmed: true, Result: domain.ResultPass}
		case domain.AppFailed:
			a.Scores = &domain.Scores{Basic: domain.Points(40), Practice: domain.Points(70), Confirmed: true, Result: domain.ResultFail, Absent: i%3 == 0}
			if a.Scores.Absent {
				a.Scores.Result = domain.ResultAbsent
			}
		}
		must(tb, setJSON(wb, appKey(a.ID), appRec{V: 1, Application: a}))
	}
	must(tb, wb.Delete(migratedKey(migStats)))
	must(tb, wb.Flush())
	must(tb, s.db.DropPrefix([]byte(pStats)))
}
