package handlers

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/testkit"
)

// The benchmarks below print figures (b.ReportMetric); nothing is asserted about speed.
// Each runs a closed-loop load over real TCP on loopback against the real app and, in the
// same run, against a bare Fiber "hello" handler, so the ratio is comparable across machines.

type loadResult struct {
	rps      float64
	p50, p99 time.Duration
}

func runLoad(b *testing.B, n, workers int, req func(c *http.Client, i int) error) loadResult {
	b.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	cl := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer tr.CloseIdleConnections()
	lat := make([]time.Duration, n)
	var next sync.Mutex
	i := 0
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= n {
					return
				}
				t := time.Now()
				if err := req(cl, k); err != nil {
					b.Error(err)
					return
				}
				lat[k] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lat, func(a, c int) bool { return lat[a] < lat[c] })
	return loadResult{rps: float64(n) / el.Seconds(), p50: lat[n/2], p99: lat[n*99/100]}
}

func serve(b *testing.B, app *fiber.App) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go app.Listener(ln)
	b.Cleanup(func() { app.Shutdown() })
	return "http://" + ln.Addr().String()
}

func hello(b *testing.B) string {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("hello") })
	return serve(b, app)
}

func get(c *http.Client, u string) error {
	r, err := c.Get(u)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	if r.StatusCode != 200 {
		return fmt.Errorf("GET %s: %d", u, r.StatusCode)
	}
	return nil
}

// postForm sends a urlencoded form with the given cookie header and checks the status.
func postForm(cl *http.Client, target string, form url.Values, cookie string, htmx bool, want int) error {
	req, _ := http.NewRequest("POST", target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("POST %s: %d, want %d", target, resp.StatusCode, want)
	}
	return nil
}

func peakRSSMB() float64 {
	b, _ := os.ReadFile("/proc/self/status")
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	var kb float64
	fmt.Sscan(string(m[1]), &kb)
	return kb / 1024
}

func report(b *testing.B, name string, r, base loadResult) {
	b.ReportMetric(r.rps, name+"_req/s")
	b.ReportMetric(float64(r.p50.Microseconds()), name+"_p50_µs")
	b.ReportMetric(float64(r.p99.Microseconds()), name+"_p99_µs")
	b.ReportMetric(r.rps/base.rps, name+"_vs_hello")
	b.ReportMetric(base.rps, "hello_req/s")
	b.ReportMetric(peakRSSMB(), "peak_RSS_MB")
}

// BenchmarkLoginPageGET measures GET /login (session + CSRF token + full page render).
func BenchmarkLoginPageGET(b *testing.B) {
	e := newEnv(&testing.T{})
	base := serve(b, e.app)
	h := hello(b)
	n := max(b.N, 2000)
	hr := runLoad(b, n, 8, func(c *http.Client, _ int) error { return get(c, h+"/") })
	r := runLoad(b, n, 8, func(c *http.Client, _ int) error { return get(c, base+"/login") })
	report(b, "login_get", r, hr)
}

// BenchmarkProfileStepPOST measures registration step 2 (validate + synced Badger write +
// redirect) for a signed-in trainee.
func BenchmarkProfileStepPOST(b *testing.B) {
	e := newEnv(&testing.T{})
	base := serve(b, e.app)
	c := e.registered(idA, "王芳")
	c.get("/register/profile") // the CSRF token of the new, signed-in session
	h := hello(b)
	n := max(b.N, 1000)
	form := url.Values{"education": {"大学本科"}, "school": {"郑州大学"}, "major": {"土木工程"}, "graduation": {"2012-07"},
		"employer": {"某建筑公司"}, "credit_code": {"91350100M000100Y43"}, "work_start": {"2012-08"}, "address": {"郑州市"},
		"_csrf": {c.csrf}}
	cookie := "__Host-sitepro_session=" + c.cookies["__Host-sitepro_session"]
	hr := runLoad(b, n, 8, func(cl *http.Client, _ int) error { return get(cl, h+"/") })
	r := runLoad(b, n, 8, func(cl *http.Client, _ int) error {
		return postForm(cl, base+"/register/profile", form, cookie, false, 303)
	})
	report(b, "profile_post", r, hr)
}

// BenchmarkRegisterStepPOST measures registration step 1 end to end: validation, an argon2id
// hash (the dominant cost, by design), the synced transaction with outbox mail, session.
func BenchmarkRegisterStepPOST(b *testing.B) {
	e := newEnv(&testing.T{})
	base := serve(b, e.app)
	h := hello(b)
	n := 200 // stays under the per-IP registration allowance
	ids := make([]string, n)
	for i := range ids {
		ids[i] = benchID(i)
	}
	hr := runLoad(b, n, 8, func(cl *http.Client, _ int) error { return get(cl, h+"/") })
	r := runLoad(b, n, 8, func(cl *http.Client, i int) error {
		c := e.client()
		c.get("/register")
		f := regForm(ids[i], "王芳")
		f.Set("_csrf", c.csrf)
		return postForm(cl, base+"/register", f, c.cookieHeader(), false, 303)
	})
	report(b, "register_post", r, hr)
}

// benchID returns the i-th valid ID number of a synthetic series (born 1980-01-01 + i days).
func benchID(i int) string {
	birth := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/500)
	return testkit.IDNumber("410102", birth, i%500)
}
