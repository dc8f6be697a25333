package handlers

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// bareBadgerRMW measures a synced read-modify-write transaction on a bare Badger with the
// same options the store uses, as the floor under any use case that writes.
func bareBadgerRMW(b *testing.B, n, workers int) loadResult {
	db, err := badger.Open(badger.DefaultOptions(b.TempDir()).WithSyncWrites(true).WithLogger(nil).
		WithMemTableSize(8 << 20).WithNumMemtables(2).WithBlockCacheSize(8 << 20).WithIndexCacheSize(4 << 20))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	return runLoad(b, n, workers, func(_ *http.Client, i int) error {
		k := []byte(fmt.Sprintf("k%d", i%workers))
		for {
			err := db.Update(func(txn *badger.Txn) error {
				var v []byte
				if item, err := txn.Get(k); err == nil {
					v, _ = item.ValueCopy(nil)
				}
				return txn.Set(k, append(v[:min(len(v), 64)], 'x'))
			})
			if err != badger.ErrConflict {
				return err
			}
		}
	})
}

// BenchmarkWizardStepPOST measures one wizard step (validate, synced draft write, htmx
// answer) and the records page, each against a fiber hello handler and a bare synced
// Badger read-modify-write measured in the same run.
func BenchmarkWizardStepPOST(b *testing.B) {
	e, base := servedEnv(&testing.T{})
	const workers = 8
	n := max(b.N, 1000)
	h := hello(b)
	hr := runLoad(b, n, workers, func(c *http.Client, _ int) error { return get(c, h+"/") })
	bare := bareBadgerRMW(b, n, workers)
	// One trainee per worker, each with its own draft (drafts are per trainee).
	type actor struct{ cookie, csrf, step string }
	actors := make([]actor, workers)
	for w := range actors {
		c := e.registered(benchID(w), "王芳")
		c.get("/apply")
		c.post("/apply/agree", url.Values{})
		r := c.post("/apply/new", url.Values{})
		actors[w] = actor{cookie: c.cookieHeader(), csrf: c.csrf, step: base + r.header.Get("Location")}
	}
	form := url.Values{"employment": {"在职（有工作单位）"}}
	step := runLoad(b, n, workers, func(cl *http.Client, i int) error {
		a := actors[i%workers]
		f := url.Values{"employment": form["employment"], "_csrf": {a.csrf}}
		return postForm(cl, a.step, f, a.cookie, true, 200)
	})
	records := runLoad(b, n, workers, func(cl *http.Client, i int) error {
		req, _ := http.NewRequest("GET", base+"/apply", nil)
		req.Header.Set("Cookie", actors[i%workers].cookie)
		resp, err := cl.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("records GET: %d", resp.StatusCode)
		}
		return nil
	})
	report(b, "step_post", step, hr)
	b.ReportMetric(step.rps/bare.rps, "step_post_vs_bare_badger")
	b.ReportMetric(records.rps, "records_get_req/s")
	b.ReportMetric(float64(records.p50.Microseconds()), "records_get_p50_µs")
	b.ReportMetric(float64(records.p99.Microseconds()), "records_get_p99_µs")
	b.ReportMetric(records.rps/hr.rps, "records_get_vs_hello")
	b.ReportMetric(records.rps/bare.rps, "records_get_vs_bare_badger")
	b.ReportMetric(bare.rps, "bare_badger_rmw/s")
	b.ReportMetric(float64(bare.p50.Microseconds()), "bare_badger_p50_µs")
}
