package handlers

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"testing"
	"time"

	"sitepro/store"
)

// BenchmarkForgotPaths times POST /forgot for an ID number and address that name an
// account and for ones that do not, alternating the two in one loop so that drift and
// other load hit both alike (SECURITY.md 7 and 10: the answer and its cost must not tell
// whether the account exists). It prints the median and mean of each path and their
// differences; nothing is asserted about speed.
func BenchmarkForgotPaths(b *testing.B) {
	e := forgotBenchEnv(b)
	e.registered(idA, "王芳")
	c := e.client() // a guest: a signed-in session would end at its absolute limit
	c.get("/forgot")
	forms := []url.Values{
		{"id_number": {idA}, "email": {"a@example.com"}}, // known
		{"id_number": {idB}, "email": {"a@example.com"}}, // unknown
	}
	n := max(b.N, 400)
	lat := [2][]time.Duration{make([]time.Duration, 0, n), make([]time.Duration, 0, n)}
	b.ResetTimer()
	for i := range 2 * n {
		k := i % 2
		e.clock.Add(2 * time.Hour) // past every throttle's quiet period
		c.ip = fmt.Sprintf("198.51.%d.%d", i/250%250, i%250)
		f := url.Values{"_csrf": {c.csrf}}
		for name, v := range forms[k] {
			f[name] = v
		}
		t := time.Now()
		r := c.do("POST", "/forgot", f, nil)
		lat[k] = append(lat[k], time.Since(t))
		if r.status != 200 {
			b.Fatalf("forgot: %d", r.status)
		}
	}
	b.StopTimer()
	med, mean := [2]time.Duration{}, [2]time.Duration{}
	for k := range lat {
		sort.Slice(lat[k], func(i, j int) bool { return lat[k][i] < lat[k][j] })
		med[k] = lat[k][len(lat[k])/2]
		var sum time.Duration
		for _, d := range lat[k] {
			sum += d
		}
		mean[k] = sum / time.Duration(len(lat[k]))
	}
	b.ReportMetric(float64(med[0].Microseconds()), "known_p50_µs")
	b.ReportMetric(float64(med[1].Microseconds()), "unknown_p50_µs")
	b.ReportMetric(float64((med[0] - med[1]).Microseconds()), "p50_diff_µs")
	b.ReportMetric(float64(mean[0].Microseconds()), "known_mean_µs")
	b.ReportMetric(float64(mean[1].Microseconds()), "unknown_mean_µs")
	b.ReportMetric(float64((mean[0] - mean[1]).Microseconds()), "mean_diff_µs")
}

// forgotBenchEnv is proxiedEnv for a benchmark: its data directory belongs to the
// benchmark and the access log is discarded.
func forgotBenchEnv(b *testing.B) *env {
	b.Helper()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	st, err := store.Open(b.TempDir(), log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	app, err := New(Deps{Store: st, Hasher: hasher, Images: testImages{pipeline}, Log: log, Now: clk.Now,
		Origin: "https://sitepro.test", TrustedProxies: []string{"0.0.0.0"}})
	if err != nil {
		b.Fatal(err)
	}
	return &env{t: &testing.T{}, app: app, st: st, clock: clk}
}
