//go:build benchseed

package handlers

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/testkit"
)

// Scale benchmarks of issue 15: the pages whose cost could grow with the data, measured
// over real TCP with the data sizes the issue names, built in bulk by the store's
// benchseed helpers (store/benchseed.go: the use cases' own writes, many per transaction):
//
//	go test ./handlers -tags benchseed -run '^$' -bench Scale -benchtime 1x
//
// Each seeds, closes the store and frees the seeding's memory, reopens the store as a
// server would start on it, then measures one page: a single client (p50, p99) and eight
// at once (p99), and the process RSS (server and client; the client is small).

// scaleEnv opens the store in dir and serves the app on a loopback port.
func scaleEnv(b *testing.B, dir string) (*env, string) {
	b.Helper()
	debug.FreeOSMemory() // what serving needs, not the seeding's garbage
	e, base := rbEnvIn(b, dir)
	b.ReportMetric(settle().Seconds(), "settle_s")
	return e, base
}

// settle waits (at most three minutes) until the process is nearly idle: a store reopened
// after a bulk load compacts its fresh tables for a while, which a store that grew over
// months does as it goes. It returns how long that took.
func settle() time.Duration {
	start := time.Now()
	for time.Since(start) < 3*time.Minute {
		c0 := cpuTime()
		time.Sleep(2 * time.Second)
		if cpuTime()-c0 < 200*time.Millisecond { // under 10 % of one core
			break
		}
	}
	return time.Since(start)
}

// scaleSeed opens a fresh store in a temporary directory, fills it and closes it.
func scaleSeed(b *testing.B, fill func(st *store.Store) error) string {
	b.Helper()
	dir := b.TempDir()
	st, err := store.Open(dir, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := fill(st); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "seed_s")
	start = time.Now()
	if err := st.Flatten(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "flatten_s")
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	return dir
}

// scaleMeasure fetches url as the client with cookie: 200 times alone, then 1,000 times
// with eight at once; check validates the first answer.
func scaleMeasure(b *testing.B, name, url, cookie string, htmx bool, check func(body string) bool) {
	b.Helper()
	body, err := rbGet(http.DefaultClient, url, cookie, htmx)
	if err != nil || !check(body) {
		b.Fatalf("%s before the load: %v %.400s", name, err, body)
	}
	b.ReportMetric(float64(len(body))/1024, name+"_KB")
	fetch := func(c *http.Client, _ int) error { _, err := rbGet(c, url, cookie, htmx); return err }
	cpu0 := cpuTime()
	one := runLoad(b, 200, 1, fetch)
	b.ReportMetric(rbMs((cpuTime()-cpu0)/200), name+"_cpu_per_req_ms") // server and client
	b.ReportMetric(rbMs(one.p50), name+"_alone_p50_ms")
	b.ReportMetric(rbMs(one.p99), name+"_alone_p99_ms")
	eight := runLoad(b, 1000, 8, fetch)
	b.ReportMetric(rbMs(eight.p50), name+"_c8_p50_ms")
	b.ReportMetric(rbMs(eight.p99), name+"_c8_p99_ms")
	b.ReportMetric(peakRSSMB(), "peak_RSS_MB")
	b.ReportMetric(procRSSMB(), "RSS_MB")
	b.ReportMetric(testkit.ProcStatusMB("RssAnon"), "RSS_anon_MB")
	b.ReportMetric(testkit.ProcStatusMB("RssFile"), "RSS_file_MB")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "go_heap_inuse_MB")
	b.ReportMetric(float64(ms.Sys-ms.HeapReleased)/(1<<20), "go_held_from_OS_MB")
	runtime.GC() // what is alive, without the garbage of compactions since the last cycle
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "go_heap_live_after_GC_MB")
	if f := os.Getenv("SCALE_HEAP_PROFILE"); f != "" { // what that live heap is, for go tool pprof
		if out, err := os.Create(f + "." + name); err == nil {
			_ = pprof.WriteHeapProfile(out)
			out.Close()
		}
	}
	b.ReportMetric(loadAvg(), "loadavg_1m")
}

// cpuTime is the CPU time (user and system) this process has used: unlike latencies, it
// hardly depends on what else the shared machine runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAvg is the machine's one-minute load average, printed next to the latencies: on a
// shared 2-core VM a load above 2 means the benchmark waited for CPU.
func loadAvg() float64 {
	b, _ := os.ReadFile("/proc/loadavg")
	var l float64
	fmt.Sscan(string(b), &l)
	return l
}

// procRSSMB is the process's resident memory now.
func procRSSMB() float64 { return testkit.ProcStatusMB("VmRSS") }

// BenchmarkScaleReviewQueue: a reviewer's queue (the page with its counts, and the first
// page of rows the page fetches) with 10,000 and 100,000 applications pending in the
// agency.
func BenchmarkScaleReviewQueue(b *testing.B) {
	for _, pending := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", pending/1000), func(b *testing.B) {
			ag := domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"}
			dir := scaleSeed(b, func(st *store.Store) error {
				var err error
				if ag, err = st.PutAgency(ag); err != nil {
					return err
				}
				return st.SeedSubmitted([]domain.Agency{ag}, 0, pending, 1, time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC))
			})
			e, base := scaleEnv(b, dir)
			rev := rbStaff(b, e, rbPassword(b), ag.ID, "reva")
			cookie := rbCookie(rev)
			total := "共 " + strconv.Itoa(pending) + " 条"
			scaleMeasure(b, "queue_page", base+"/review", cookie, false, func(body string) bool {
				return strings.Contains(body, `id="rows"`)
			})
			scaleMeasure(b, "queue_rows", base+"/review/apps/rows", cookie, true, func(body string) bool {
				return strings.Contains(body, total) && strings.Count(body, `data-testid="queue-row"`) == 50
			})
			for range b.N {
			}
		})
	}
}

// BenchmarkScalePhotoQueue100k: a reviewer's photo queue (the page and its rows) while
// 100,000 photos wait for review in the province, spread over 50 agencies (every tenth
// trainee linked to two).
func BenchmarkScalePhotoQueue100k(b *testing.B) {
	const photos, agencyCount = 100_000, 50
	ags := make([]string, agencyCount)
	dir := scaleSeed(b, func(st *store.Store) error {
		for i := range ags {
			a, err := st.PutAgency(domain.Agency{Name: "机构" + strconv.Itoa(i), CityCode: "410100", Phone: "0371-1"})
			if err != nil {
				return err
			}
			ags[i] = a.ID
		}
		return st.SeedPendingPhotos(ags, photos, time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC))
	})
	e, base := scaleEnv(b, dir)
	rev := rbStaff(b, e, rbPassword(b), ags[agencyCount/2], "reva")
	cookie := rbCookie(rev)
	scaleMeasure(b, "photo_page", base+"/review/photos", cookie, false, func(body string) bool {
		return strings.Contains(body, `id="rows"`)
	})
	scaleMeasure(b, "photo_rows", base+"/review/photos/rows", cookie, true, func(body string) bool {
		return strings.Contains(body, `data-testid="photo-row"`)
	})
	for range b.N {
	}
}

// BenchmarkScaleRecords1M: a trainee's records page (GET /apply, their two applications)
// with 1,000,000 applications of 100,000 other trainees in the store.
func BenchmarkScaleRecords1M(b *testing.B) {
	const others, perTrainee = 100_000, 10
	ags := make([]domain.Agency, 10)
	dir := scaleSeed(b, func(st *store.Store) error {
		for i := range ags {
			a, err := st.PutAgency(domain.Agency{Name: "机构" + strconv.Itoa(i), CityCode: "410100", Phone: "0371-1"})
			if err != nil {
				return err
			}
			ags[i] = a
		}
		return st.SeedSubmitted(ags, 0, others, perTrainee, time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC))
	})
	e, base := scaleEnv(b, dir)
	u, a, err := rbDraft(e, rbPassword(b), 0, ags[0])
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.st.SubmitApplication(u, a.ID, e.clock.Now()); err != nil {
		b.Fatal(err)
	}
	c := e.client()
	if r := c.login(u.IDNumber, pwOK); r.status != fiber.StatusSeeOther {
		b.Fatalf("trainee login: %d", r.status)
	}
	c.get("/apply") // the signed-in session's CSRF token
	if r := c.post("/apply/new", map[string][]string{}); r.status != fiber.StatusSeeOther {
		b.Fatalf("second application: %d", r.status)
	}
	cookie := rbCookie(c)
	scaleMeasure(b, "records", base+"/apply", cookie, false, func(body string) bool {
		return strings.Count(body, `data-testid="app-card"`) == 2
	})
	for range b.N {
	}
}
