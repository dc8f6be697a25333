package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// benchSurnames and benchGiven make 20 × 500 = 10,000 distinct names, so a full name
// matches about 25 of 250,000 trainees and a surname about 12,500.
var benchSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"}

func benchName(i int) string {
	const given = "建国芳伟娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉"
	r := []rune(given)
	g := i % 500
	return benchSurnames[i%len(benchSurnames)] + string(r[g%len(r)]) + string(r[(g/len(r))%len(r)])
}

// BenchmarkAdminSearch1MApplications seeds 1,000,000 applications (250,000 trainees with
// four each, in 50 agencies; 90 % certified, 5 % confirmed, 5 % waiting) with a
// WriteBatch through the same records and index keys the use cases write, reopens the
// store, and measures the admin search by application number, full name, surname alone
// (the listing stops at 20 trainees) and ID number (a write: the search is audited), and
// the admin home's overview: p50 and p99 of each. SITEPRO_BENCH_APPS overrides the count.
func BenchmarkAdminSearch1MApplications(b *testing.B) {
	total := benchApps()
	dir := b.TempDir()
	s, err := Open(dir, nil)
	must(b, err)
	start := time.Now()
	ids, numbers := seedAdminBench(b, s, total, true)
	seed := time.Since(start)
	must(b, s.Close())
	s, err = Open(dir, nil)
	must(b, err)
	defer s.Close()
	trainees := len(ids)

	admin := domain.User{ID: "adm", Role: domain.RoleAdmin, Username: "admin", Name: "管理员"}
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []struct {
		name  string
		query func() AdminQuery
		check func(AdminHits) bool
	}{
		{"number", func() AdminQuery { return AdminQuery{Text: numbers[rng.IntN(len(numbers))]} }, func(h AdminHits) bool { return len(h.Apps) >= 1 }},
		{"name", func() AdminQuery { return AdminQuery{Text: benchName(rng.IntN(trainees))} }, func(h AdminHits) bool { return len(h.Trainees) >= 1 }},
		{"surname", func() AdminQuery { return AdminQuery{Text: benchSurnames[rng.IntN(len(benchSurnames))]} },
			func(h AdminHits) bool { return len(h.Trainees) == adminSearchTrainees && h.More }},
		{"idno", func() AdminQuery { return AdminQuery{IDNumber: ids[rng.IntN(len(ids))]} }, func(h AdminHits) bool { return len(h.Trainees) == 1 && len(h.Apps) == 4 }},
	}
	lat := map[string][]time.Duration{}
	var overview []time.Duration
	for b.Loop() {
		for _, k := range kinds {
			for range 200 {
				q := k.query()
				t0 := time.Now()
				h, err := s.AdminSearch(admin, q, time.Now())
				lat[k.name] = append(lat[k.name], time.Since(t0))
				if err != nil || !k.check(h) {
					b.Fatalf("%s %+v: %d trainees, %d apps, more %v, err %v", k.name, q, len(h.Trainees), len(h.Apps), h.More, err)
				}
			}
		}
		for range 5 {
			t0 := time.Now()
			o, err := s.AdminOverview()
			overview = append(overview, time.Since(t0))
			if err != nil || o.AppTotals[domain.AppSubmitted] != total/20 {
				b.Fatalf("overview: %v %v", o.AppTotals, err)
			}
		}
	}
	for _, k := range kinds {
		p50, p99 := percentiles(lat[k.name])
		b.ReportMetric(p50, k.name+"_p50_ms")
		b.ReportMetric(p99, k.name+"_p99_ms")
	}
	p50, p99 := percentiles(overview)
	b.ReportMetric(p50, "overview_p50_ms")
	b.ReportMetric(p99, "overview_p99_ms")
	b.ReportMetric(seed.Seconds(), "seed_s")
	b.ReportMetric(float64(total), "applications")
}

// benchIDNumber is a distinct, checksummed ID number for every n: 999 people of Zhengzhou
// 中原区 per birth day from 1960-01-01 on.
func benchIDNumber(n int) string {
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n/999)
	body := fmt.Sprintf("410102%s%03d", birth.Format("20060102"), n%999+1)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

func percentiles(d []time.Duration) (p50, p99 float64) {
	if len(d) == 0 {
		return 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	return ms(s[len(s)/2]), ms(s[min(len(s)-1, len(s)*99/100)])
}

func benchApps() int {
	if n, err := strconv.Atoi(os.Getenv("SITEPRO_BENCH_APPS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// BenchmarkAdminIndexMigration1MApplications seeds the same 1,000,000 applications
// without the admin indexes (a store from before them) and measures the first start that
// builds them (migAdminIndexes): the upgrade's one-off cost.
func BenchmarkAdminIndexMigration1MApplications(b *testing.B) {
	total := benchApps()
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		s, err := Open(dir, nil)
		must(b, err)
		must(b, s.update(func(txn *badger.Txn) error { return txn.Delete(migratedKey(migAdminIndexes)) }))
		seedAdminBench(b, s, total, false)
		must(b, s.Close())
		b.StartTimer()
		start := time.Now()
		s, err = Open(dir, nil)
		must(b, err)
		took := time.Since(start)
		h, err := s.AdminSearch(domain.User{Role: domain.RoleAdmin}, AdminQuery{Text: benchName(0)}, time.Now())
		must(b, err)
		must(b, s.Close())
		if len(h.Trainees) == 0 || len(h.Apps) == 0 {
			b.Fatalf("after the migration the name search finds nothing: %+v", h)
		}
		b.ReportMetric(took.Seconds(), "migration_s")
		b.ReportMetric(float64(total)/took.Seconds(), "apps/s")
	}
}

// seedAdminBench writes total applications (four per trainee, in 50 agencies; 90 %
// certified, 5 % confirmed, 5 % waiting) with their trainees and the statistics counters
// through a WriteBatch, with the admin indexes when indexed; it returns the trainees' ID
// numbers and the applications' numbers.
func seedAdminBench(b *testing.B, s *Store, total int, indexed bool) (ids, numbers []string) {
	b.Helper()
	agencies := make([]string, 50)
	for i := range agencies {
		a, err := s.PutAgency(domain.Agency{Name: fmt.Sprintf("机构%02d", i), CityCode: "410100"})
		must(b, err)
		agencies[i] = a.ID
	}
	trainees := total / 4
	ids = make([]string, trainees)
	numbers = make([]string, 0, total)
	counters := map[string]int64{} // the statistics counters (stats.go), written once at the end
	wb := s.db.NewWriteBatch()
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for t := range trainees {
		id := benchIDNumber(t)
		u := domain.User{ID: newID(), Role: domain.RoleTrainee, Name: benchName(t), IDNumber: id, CreatedAt: base}
		ids[t] = id
		must(b, setJSON(wb, userKey(u.ID), userRec{V: 1, User: u}))
		must(b, wb.Set(userIDNoKey(id), []byte(u.ID)))
		if indexed {
			must(b, wb.Set(userNameKey(u.Name, u.ID), nil))
		}
		for k := range 4 {
			n := t*4 + k
			at := base.Add(time.Duration(n) * time.Minute)
			st := domain.AppCertified
			switch n % 20 {
			case 0:
				st = domain.AppSubmitted
			case 1:
				st = domain.AppConfirmed
			}
			a := domain.Application{ID: newTimeID(at), Number: fmt.Sprintf("XQ%s%05d", at.Format("20060102"), n%100000), TraineeID: u.ID,
				Status: st, AgencyID: agencies[n%len(agencies)], PostCode: "101", CityCode: "410100", CreatedAt: at, SubmittedAt: at, UpdatedAt: at}
			numbers = append(numbers, a.Number)
			must(b, setJSON(wb, appKey(a.ID), appRec{V: 1, Application: a}))
			must(b, wb.Set(appTraineeKey(u.ID, a.ID), nil))
			sum := appSummary{ID: a.ID, Number: a.Number, Name: u.Name, PostCode: a.PostCode, CityCode: a.CityCode, Status: st, SubmittedAt: at, UpdatedAt: at}
			must(b, setJSON(wb, appAgencyKey(a.AgencyID, a.CreatedAt, a.ID), sum))
			if st == domain.AppSubmitted {
				must(b, setJSON(wb, appQueueKey(a.AgencyID, a.SubmittedAt, a.ID), sum))
			}
			counters[string(appCounter(a))]++
			if indexed {
				must(b, wb.Set(appAdminKeys(a).number, []byte(a.ID)))
			}
		}
	}
	for k, n := range counters {
		must(b, wb.Set([]byte(k), countBytes(n)))
	}
	must(b, wb.Flush())
	return ids, numbers
}
