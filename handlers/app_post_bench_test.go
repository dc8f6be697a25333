//go:build linux

package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/testkit"
)

// BenchmarkStepPOSTvsSyncedBadger is the write side of issue 15: a 新取证 wizard step POST
// (session, CSRF, validation against the agency, pledge and trainee, the synced draft
// write with its indexes, the htmx answer) over real TCP at 1, 8 and 64 concurrent
// trainees, each against a bare synced Badger read-modify-write of a record of the same
// size at the same concurrency, measured in the same run; and the disk's fdatasync/s (one
// 4 KiB write + fdatasync in a loop), the ceiling a one-sync-per-write design cannot pass
// and group commit can.
func BenchmarkStepPOSTvsSyncedBadger(b *testing.B) {
	const most = 64
	e, base := servedProxiedEnv(b)
	type actor struct{ cookie, csrf, step string }
	actors := make([]actor, most)
	for w := range actors {
		c := e.client()
		c.ip = fmt.Sprintf("10.9.%d.%d", w>>8, w&255) // the registration throttle counts per address
		c.get("/register")
		if r := c.post("/register", regForm(benchID(w), "王芳")); r.status != http.StatusSeeOther {
			b.Fatalf("registration %d: %d", w, r.status)
		}
		c.get("/apply")
		c.post("/apply/agree", url.Values{})
		r := c.post("/apply/new", url.Values{})
		actors[w] = actor{cookie: c.cookieHeader(), csrf: c.csrf, step: base + r.header.Get("Location")}
	}
	// The size of the record one step save rewrites, for the bare Badger baseline.
	u, err := e.st.UserByLogin(benchID(0), true)
	if err != nil {
		b.Fatal(err)
	}
	apps, err := e.st.ApplicationsOf(u.ID)
	if err != nil || len(apps) == 0 {
		b.Fatalf("no draft: %v", err)
	}
	rec, _ := json.Marshal(apps[0])
	size := len(rec)
	b.ReportMetric(float64(size), "record_bytes")
	b.ReportMetric(testkit.FdatasyncPerSecond(b), "disk_fdatasync/s")

	// Bare and step loads alternate in short rounds, so that both see the same disk (the
	// machine is shared) and their ratio compares like with like.
	n := max(b.N, 300)
	const rounds = 5
	// At one client a POST cannot overlap anything: its time is the HTTP round trip plus
	// the use case, durable. So the c1 round also times the parts: the same client's round
	// trip to a bare Fiber hello POST, and SaveStep called directly (the step's whole
	// transaction, durable, without HTTP). The round trip alone is most of the bare Badger
	// write's time on a disk that flushes in ~0.1 ms, which bounds c1_step_vs_bare there.
	// The floor of any durable write over HTTP is timed too: a bare Fiber POST that writes
	// 4 KiB and fdatasyncs it before it answers (after a flush the loopback answer wakes an
	// idle client, so this costs more than the round trip plus the flush).
	helloPOST, floorPOST := servedHelloPOST(b, ""), servedHelloPOST(b, b.TempDir())
	in := domain.StepInput{Step: domain.StepEmployment, Employment: "在职（有工作单位）"}
	var rttT, useT, floorT time.Duration
	for _, c := range []int{1, 8, most} {
		db := bareBadger(b)
		var bareT, stepT time.Duration
		var p99 time.Duration
		commits0, syncs0 := e.st.SyncStats()
		for range rounds {
			bare := bareSyncedRMW(b, db, n, c, size)
			step := runRawLoad(b, n, c, func(w int) []byte {
				a := actors[w]
				return rawPOST(a.step, a.cookie, url.Values{"employment": {"在职（有工作单位）"}, "_csrf": {a.csrf}})
			})
			bareT += time.Duration(float64(n) / bare.rps * float64(time.Second))
			stepT += time.Duration(float64(n) / step.rps * float64(time.Second))
			p99 = max(p99, step.p99)
			if c == 1 {
				rtt := runRawLoad(b, n, 1, func(int) []byte {
					return rawPOST(helloPOST, actors[0].cookie, url.Values{"employment": {"在职（有工作单位）"}})
				})
				use := runLoad(b, n, 1, func(*http.Client, int) error {
					_, err := e.st.SaveStep(u.ID, apps[0].ID, in, time.Now())
					return err
				})
				floor := runRawLoad(b, n, 1, func(int) []byte {
					return rawPOST(floorPOST, actors[0].cookie, url.Values{"employment": {"在职（有工作单位）"}})
				})
				rttT += time.Duration(float64(n) / rtt.rps * float64(time.Second))
				useT += time.Duration(float64(n) / use.rps * float64(time.Second))
				floorT += time.Duration(float64(n) / floor.rps * float64(time.Second))
			}
		}
		db.Close()
		commits, syncs := e.st.SyncStats()
		b.ReportMetric(float64(commits-commits0)/float64(max(syncs-syncs0, 1)), "c"+strconv.Itoa(c)+"_step_commits_per_sync")
		total := float64(rounds * n)
		tag := "c" + strconv.Itoa(c)
		b.ReportMetric(total/stepT.Seconds(), tag+"_step_post_req/s")
		b.ReportMetric(float64(p99.Microseconds()), tag+"_step_post_p99_µs")
		b.ReportMetric(total/bareT.Seconds(), tag+"_bare_badger_rmw/s")
		b.ReportMetric(bareT.Seconds()/stepT.Seconds(), tag+"_step_vs_bare")
		if c == 1 {
			per := func(d time.Duration) float64 { return float64(d.Microseconds()) / total }
			b.ReportMetric(per(stepT), "c1_step_post_µs")
			b.ReportMetric(per(rttT), "c1_http_roundtrip_µs")
			b.ReportMetric(per(useT), "c1_savestep_direct_µs")
			b.ReportMetric(per(bareT), "c1_bare_badger_rmw_µs")
			b.ReportMetric(bareT.Seconds()/useT.Seconds(), "c1_savestep_direct_vs_bare")
			b.ReportMetric(per(floorT), "c1_http_fdatasync_floor_µs")
			b.ReportMetric(bareT.Seconds()/floorT.Seconds(), "c1_http_fdatasync_floor_vs_bare")
		}
	}
}

// rawPOST is an htmx form POST to target (http://host/path) for the raw HTTP/1.1 client
// of perf_get_bench_test.go. The load generator is that client rather than net/http's,
// whose CPU per request was close to the step's server side: on two cores it took from
// the server what wrk, the load generator, does not.
func rawPOST(target, cookie string, form url.Values) []byte {
	host, path, _ := strings.Cut(strings.TrimPrefix(target, "http://"), "/")
	body := form.Encode()
	return fmt.Appendf(nil, "POST /%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: sitepro-bench\r\nCookie: %s\r\nHX-Request: true\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", path, host, cookie, len(body), body)
}

// hostOf is the Host header of a raw request.
func hostOf(req []byte) string {
	_, h, _ := bytes.Cut(req, []byte("\r\nHost: "))
	h, _, _ = bytes.Cut(h, []byte("\r\n"))
	return string(h)
}

// runRawLoad sends n requests over workers keep-alive connections, worker w sending
// req(w) one at a time, each answered 200, like runLoad.
func runRawLoad(b *testing.B, n, workers int, req func(w int) []byte) loadResult {
	b.Helper()
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		r := req(w)
		rc, err := dialRaw(hostOf(r))
		if err != nil {
			b.Fatal(err)
		}
		wg.Go(func() {
			defer rc.c.Close()
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				t := time.Now()
				status, _, _, err := rc.do(r)
				if err == nil && status != http.StatusOK {
					err = fmt.Errorf("POST: status %d", status)
				}
				if err != nil {
					b.Error(err)
					return
				}
				lat[k] = time.Since(t)
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	slices.Sort(lat)
	return loadResult{rps: float64(n) / el.Seconds(), p50: lat[n/2], p99: lat[n*99/100]}
}

// servedHelloPOST is a bare Fiber app that answers a form POST with 200, in this process
// like the app under test: for the HTTP round trip alone, or, given a directory, after
// writing 4 KiB to a file there and fdatasyncing it (the floor of a durable write).
func servedHelloPOST(b *testing.B, dir string) string {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	if dir == "" {
		app.Post("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
		return serve(b, app) + "/"
	}
	f, err := os.Create(filepath.Join(dir, "floor"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	var mu sync.Mutex
	buf := make([]byte, 4096)
	app.Post("/", func(c *fiber.Ctx) error {
		mu.Lock()
		defer mu.Unlock()
		buf[0]++
		if _, err := f.WriteAt(buf, 0); err != nil {
			return err
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			return err
		}
		return c.SendString("ok")
	})
	return serve(b, app) + "/"
}

// servedProxiedEnv is servedEnv that trusts the loopback connection as a proxy, so each
// benchmark client can register from its own address.
func servedProxiedEnv(b *testing.B) (*env, string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	t := &testing.T{}
	e := newEnvAt(t, base, func(d *Deps) { d.TrustedProxies = []string{"127.0.0.1", "0.0.0.0"} })
	go func() { _ = e.app.Listener(ln) }()
	b.Cleanup(func() { _ = e.app.ShutdownWithTimeout(5 * time.Second) })
	return e, base
}

// bareBadger is a bare Badger with synchronous writes and the store's cache sizes.
func bareBadger(b *testing.B) *badger.DB {
	db, err := badger.Open(badger.DefaultOptions(b.TempDir()).WithSyncWrites(true).WithLogger(nil).
		WithMemTableSize(8 << 20).WithNumMemtables(2).WithBlockCacheSize(8 << 20).WithIndexCacheSize(4 << 20))
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// bareSyncedRMW is one synced Badger transaction per operation that reads a record of
// size bytes and writes it back changed, workers at a time, each on its own key.
func bareSyncedRMW(b *testing.B, db *badger.DB, n, workers, size int) loadResult {
	seed := make([]byte, size)
	for i := range seed {
		seed[i] = 'a' + byte(i%26)
	}
	return runLoad(b, n, workers, func(_ *http.Client, i int) error {
		k := []byte("app/" + strconv.Itoa(i%workers))
		for {
			err := db.Update(func(txn *badger.Txn) error {
				v := seed
				if item, err := txn.Get(k); err == nil {
					if v, err = item.ValueCopy(nil); err != nil {
						return err
					}
				}
				v[i%len(v)]++
				return txn.Set(k, v)
			})
			if err != badger.ErrConflict {
				return err
			}
		}
	})
}
