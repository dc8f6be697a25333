package handlers

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
)

// Benchmarks of the reviewer console (issue 5). They print figures with b.ReportMetric and
// assert nothing about speed. Each builds its data once per run through the real store and
// measures the real app over real TCP on loopback.

// rbEnv is a benchmark environment: like newEnv, but its data directory belongs to the
// benchmark (removed afterwards), the access log is encoded and discarded (a buffer would
// grow with every request), and Done ends SSE streams at shutdown.
func rbEnv(b *testing.B) (*env, string) {
	b.Helper()
	return rbEnvIn(b, b.TempDir())
}

// rbEnvIn is rbEnv on the store in dir (the scale benchmarks reopen a seeded one).
func rbEnvIn(b *testing.B, dir string) (*env, string) {
	b.Helper()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	st, err := store.Open(dir, log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	done := make(chan struct{})
	app, err := New(Deps{Store: st, Hasher: hasher, Images: testImages{pipeline}, Log: log, Now: clk.Now,
		Origin: "https://sitepro.test", SSEHeartbeat: rbHeartbeat, Done: done})
	if err != nil {
		b.Fatal(err)
	}
	e := &env{t: &testing.T{}, app: app, st: st, clock: clk}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go app.Listener(ln)
	b.Cleanup(func() {
		close(done)
		_ = app.ShutdownWithTimeout(5 * time.Second)
	})
	return e, "http://" + ln.Addr().String()
}

// rbHeartbeat is the SSE heartbeat of these benchmarks (the tests' value; production is
// sseHeartbeat). A stream whose client left ends at its next write, so it bounds cleanup.
const rbHeartbeat = 200 * time.Millisecond

var rbNames = []string{"王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇"}

// rbTinyJPEG stands in for a normalised document image: the store keeps bytes, and the
// imaging pipeline is not what these benchmarks measure.
var rbTinyJPEG = []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9}

// rbPassword is one argon2id hash shared by every seeded account, so that seeding does not
// spend its time hashing.
func rbPassword(b *testing.B) string {
	h, err := hasher.Hash(b.Context(), pwOK)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// rbRetry repeats a store call that lost a write conflict to other seeding workers (the
// store already retries 20 times; the daily application number is one hot key).
func rbRetry(fn func() error) error {
	var err error
	for range 50 {
		if err = fn(); domain.CodeOf(err) != domain.CodeConflict {
			return err
		}
		time.Sleep(time.Millisecond)
	}
	return err
}

// rbDraft creates trainee i and a complete draft application to agency ag through the
// store's own use cases (the same domain setters the wizard's handlers call).
func rbDraft(e *env, hash string, i int, ag domain.Agency) (domain.User, domain.Application, error) {
	now := e.clock.Now()
	id, err := domain.ParseIDNumber(benchID(i), now)
	if err != nil {
		return domain.User{}, domain.Application{}, err
	}
	reg := domain.Registration{ID: id, Name: rbNames[i%len(rbNames)], Mobile: "13812345678", Email: fmt.Sprintf("t%d@example.com", i)}
	var u domain.User
	if err := rbRetry(func() (err error) {
		u, err = e.st.CreateTrainee(reg, hash, store.NewToken(), now)
		return err
	}); err != nil {
		return u, domain.Application{}, err
	}
	var a domain.Application
	if err := rbRetry(func() (err error) { _, err = e.st.AgreeNotice(u.ID, domain.NoticeVersion, now); return err }); err != nil {
		return u, a, err
	}
	if err := rbRetry(func() (err error) { a, err = e.st.StartApplication(u, now); return err }); err != nil {
		return u, a, err
	}
	for _, in := range []domain.StepInput{
		{Step: domain.StepEmployment, Employment: "待业"},
		{Step: domain.StepCity, City: ag.CityCode},
		{Step: domain.StepAgency, Info: domain.AppInfoInput{AgencyID: ag.ID, Phone: "13812345678", Profile: domain.ProfileInput{Education: "大学本科"}}},
		{Step: domain.StepPost, Post: "111"},
		{Step: domain.StepResume, Resume: []domain.ResumeInput{{}}},
		{Step: domain.StepPledge, Signature: u.Name, Agreed: true},
	} {
		if err := rbRetry(func() (err error) { a, err = e.st.SaveStep(u.ID, a.ID, in, now); return err }); err != nil {
			return u, a, err
		}
	}
	for _, step := range []domain.Step{domain.StepIDFront, domain.StepIDBack, domain.StepDiploma} {
		if err := rbRetry(func() (err error) { a, err = e.st.SaveDocument(u.ID, a.ID, step, rbTinyJPEG, 10, 10, now); return err }); err != nil {
			return u, a, err
		}
	}
	return u, a, nil
}

// rbSeed creates n trainees with an application submitted to ag, with workers in parallel.
func rbSeed(b *testing.B, e *env, ag domain.Agency, n, workers int) time.Duration {
	b.Helper()
	hash := rbPassword(b)
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				u, a, err := rbDraft(e, hash, i, ag)
				if err == nil {
					err = rbRetry(func() error {
						_, err := e.st.SubmitApplication(u, a.ID, e.clock.Now())
						return err
					})
				}
				if err != nil {
					errs <- fmt.Errorf("seeding %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return time.Since(start)
}

// rbStaff creates a reviewer of agency ag (with a precomputed hash) and signs in.
func rbStaff(b *testing.B, e *env, hash, agencyID, username string) *client {
	b.Helper()
	u := domain.User{Role: domain.RoleReviewer, Username: username, Name: username, AgencyID: agencyID, PasswordHash: hash}
	if _, err := e.st.CreateStaff(u, e.clock.Now()); err != nil {
		b.Fatal(err)
	}
	c := e.client()
	if r := c.login(username, pwOK); r.status != fiber.StatusSeeOther {
		b.Fatalf("login %s: %d", username, r.status)
	}
	c.get("/") // the signed-in session's CSRF token
	return c
}

func rbCookie(c *client) string {
	var parts []string
	for k, v := range c.cookies {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, "; ")
}

func rbGet(cl *http.Client, u, cookie string, htmx bool) (string, error) {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Cookie", cookie)
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	r, err := cl.Do(req)
	if err != nil {
		return "", err
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err == nil && r.StatusCode != 200 {
		err = fmt.Errorf("GET %s: %d", u, r.StatusCode)
	}
	return string(body), err
}

func rbPercentile(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}

func rbMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkReviewQueue10k: GET /review/apps/rows (the htmx fragment a reviewer's queue
// fetches on every doorbell) with 10,000 pending applications in the agency.
func BenchmarkReviewQueue10k(b *testing.B) {
	const pending = 10_000
	e, base := rbEnv(b)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	seed := rbSeed(b, e, ag, pending, 16)
	b.ReportMetric(seed.Seconds(), "seed_s")
	b.ReportMetric(float64(pending)/seed.Seconds(), "seed_apps/s")
	rev := rbStaff(b, e, rbPassword(b), ag.ID, "reva")
	cookie := rbCookie(rev)
	rows := base + "/review/apps/rows"
	body, err := rbGet(http.DefaultClient, rows, cookie, true)
	if err != nil || !strings.Contains(body, fmt.Sprintf("共 %d 条", pending)) || strings.Count(body, `data-testid="queue-row"`) != 50 {
		b.Fatalf("rows before the load: %v %.300s", err, body)
	}
	h := hello(b)
	n := max(b.N, 1000)
	hr := runLoad(b, n, 8, func(c *http.Client, _ int) error { return get(c, h+"/") })
	fetch := func(c *http.Client, _ int) error { _, err := rbGet(c, rows, cookie, true); return err }
	// One reviewer alone, then eight at once (as the other benchmarks' load).
	one := runLoad(b, 100, 1, fetch)
	b.ReportMetric(float64(one.p50.Microseconds()), "rows10k_alone_p50_µs")
	b.ReportMetric(float64(one.p99.Microseconds()), "rows10k_alone_p99_µs")
	r := runLoad(b, n, 8, fetch)
	report(b, "rows10k", r, hr)
}

// rbEvents follows a reviewer's SSE stream over TCP and reports when each "apps" event
// arrives.
func rbEvents(b *testing.B, base string, c *client) (<-chan time.Time, func()) {
	b.Helper()
	req, _ := http.NewRequest("GET", base+"/review/events", nil)
	req.Header.Set("Cookie", rbCookie(c))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("events: %v %v", err, resp)
	}
	ch := make(chan time.Time, 1024)
	go func() {
		br := bufio.NewReader(resp.Body)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				close(ch)
				return
			}
			if strings.HasPrefix(line, "event: apps") {
				ch <- time.Now()
			}
		}
	}()
	return ch, func() { resp.Body.Close() }
}

// BenchmarkSubmitToRow: a trainee submits (POST /apply/:id/submit over TCP) while a
// reviewer of the agency has the queue open; measured until the reviewer has received the
// SSE doorbell and re-fetched the rows fragment containing the new application number,
// which is what the reviewer's browser does. After each sample the reviewer confirms the
// application (not timed), so the new row is always on the first page of the queue.
func BenchmarkSubmitToRow(b *testing.B) {
	const submits = 100
	e, base := rbEnv(b)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	hash := rbPassword(b)
	type trainee struct {
		u      domain.User
		app    string
		cookie string
		csrf   string
	}
	ts := make([]trainee, submits)
	for i := range ts {
		u, a, err := rbDraft(e, hash, i, ag)
		if err != nil {
			b.Fatal(err)
		}
		c := e.client()
		if r := c.login(u.IDNumber, pwOK); r.status != fiber.StatusSeeOther {
			b.Fatalf("trainee login: %d", r.status)
		}
		c.get("/apply/" + a.ID + "/check") // the signed-in session's CSRF token
		ts[i] = trainee{u: u, app: a.ID, cookie: rbCookie(c), csrf: c.csrf}
	}
	revClient := rbStaff(b, e, hash, ag.ID, "reva")
	reviewer, _ := e.st.UserByLogin("reva", false)
	events, stop := rbEvents(b, base, revClient)
	defer stop()
	cookie := rbCookie(revClient)
	drain := func() {
		for {
			select {
			case <-events:
			case <-time.After(50 * time.Millisecond):
				return
			}
		}
	}
	<-events // the catch-up event on connect
	drain()
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	lat := make([]time.Duration, submits)
	post := make([]time.Duration, submits)
	fetches := 0
	for i, t := range ts {
		form := url.Values{"confirm": {"1"}, "_csrf": {t.csrf}}.Encode()
		t0 := time.Now()
		req, _ := http.NewRequest("POST", base+"/apply/"+t.app+"/submit", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", t.cookie)
		resp, err := cl.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 303 || !strings.HasSuffix(resp.Header.Get("Location"), "/done") {
			b.Fatalf("submit %d: %d %q", i, resp.StatusCode, resp.Header.Get("Location"))
		}
		post[i] = time.Since(t0)
		a, err := e.st.ApplicationOf(t.u.ID, t.app)
		if err != nil || a.Number == "" {
			b.Fatalf("submitted application: %v", err)
		}
		for {
			select {
			case at, ok := <-events:
				if !ok {
					b.Fatal("the event stream ended")
				}
				if at.Before(t0) {
					continue // a doorbell from before this submit
				}
			case <-time.After(5 * time.Second):
				b.Fatalf("submit %d: no doorbell within 5 s", i)
			}
			body, err := rbGet(cl, base+"/review/apps/rows", cookie, true)
			fetches++
			if err != nil {
				b.Fatal(err)
			}
			if strings.Contains(body, ">"+a.Number+"<") {
				lat[i] = time.Since(t0)
				break
			}
		}
		// Not timed: the reviewer works the item off, and its doorbell is drained.
		if _, err := e.st.DecideApplication(reviewer, t.app, domain.Decision{Kind: domain.AppConfirmDecision}, e.clock.Now()); err != nil {
			b.Fatal(err)
		}
		drain()
	}
	b.ReportMetric(rbMs(rbPercentile(lat, 50)), "submit_to_row_p50_ms")
	b.ReportMetric(rbMs(rbPercentile(lat, 99)), "submit_to_row_p99_ms")
	b.ReportMetric(rbMs(rbPercentile(lat, 100)), "submit_to_row_max_ms")
	b.ReportMetric(rbMs(rbPercentile(post, 50)), "submit_post_p50_ms")
	b.ReportMetric(float64(fetches)/submits, "row_fetches/submit")
}

// rbStream is one raw SSE connection: a TCP socket and a small read buffer, so that the
// client side adds as little as possible to what is measured in the same process.
type rbStream struct {
	conn net.Conn
	br   *bufio.Reader
}

func rbOpenStream(addr, cookie string) (*rbStream, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(conn, "GET /review/events HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nAccept: text/event-stream\r\n\r\n", addr, cookie)
	s := &rbStream{conn: conn, br: bufio.NewReaderSize(conn, 512)}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	status, err := s.br.ReadString('\n')
	if err != nil || !strings.Contains(status, " 200 ") {
		conn.Close()
		return nil, fmt.Errorf("events: %q %v", status, err)
	}
	for { // up to the end of the catch-up events
		line, err := s.br.ReadString('\n')
		if err != nil {
			conn.Close()
			return nil, err
		}
		if strings.HasPrefix(line, "event: photos") {
			_, err = s.br.ReadString('\n') // its data line
			conn.SetReadDeadline(time.Time{})
			return s, err
		}
	}
}

// BenchmarkSSEMemory200: 200 reviewers of one agency keep the live queue open. Reported per
// stream: the growth of the heap in use and of goroutines (both ends are in this process;
// the raw client side holds a socket and a 512-byte buffer per stream and no goroutine);
// then, after every client hangs up, how long until the broker has no subscriber left.
func BenchmarkSSEMemory200(b *testing.B) {
	const streams = 200
	e, base := rbEnv(b)
	addr := strings.TrimPrefix(base, "http://")
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	hash := rbPassword(b)
	cookies := make([]string, streams)
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= streams {
					return
				}
				cookies[i] = rbCookie(rbStaff(b, e, hash, ag.ID, fmt.Sprintf("rev%03d", i)))
			}
		}()
	}
	wg.Wait()
	// A warm-up stream, so that one-time allocations (pools, tickers) are not counted.
	warm, err := rbOpenStream(addr, cookies[0])
	if err != nil {
		b.Fatal(err)
	}
	warm.conn.Close()
	for deadline := time.Now().Add(5 * time.Second); e.st.Events.Subscribers() > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	settle := func() runtime.MemStats {
		var ms runtime.MemStats
		for range 3 {
			runtime.GC()
			time.Sleep(20 * time.Millisecond)
		}
		runtime.ReadMemStats(&ms)
		return ms
	}
	before, g0 := settle(), runtime.NumGoroutine()
	open := make([]*rbStream, streams)
	for i := range open {
		if open[i], err = rbOpenStream(addr, cookies[i]); err != nil {
			b.Fatalf("stream %d: %v", i, err)
		}
	}
	if n := e.st.Events.Subscribers(); n != streams {
		b.Fatalf("subscribers = %d, want %d", n, streams)
	}
	after, g1 := settle(), runtime.NumGoroutine()
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/streams, "heap_inuse_B/stream")
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/streams, "heap_alloc_B/stream")
	b.ReportMetric(float64(int64(after.StackInuse)-int64(before.StackInuse))/streams, "stack_B/stream")
	b.ReportMetric(float64(g1-g0)/streams, "goroutines/stream")
	closed := time.Now()
	for _, s := range open {
		s.conn.Close()
	}
	for e.st.Events.Subscribers() > 0 {
		if time.Since(closed) > 30*time.Second {
			b.Fatalf("%d streams still subscribed 30 s after their clients left", e.st.Events.Subscribers())
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.ReportMetric(rbMs(time.Since(closed)), "unsubscribed_after_close_ms")
	b.ReportMetric(rbMs(rbHeartbeat), "heartbeat_ms")
	// The server's connection goroutines stay in fasthttp's worker pool for a while when
	// idle (MaxIdleWorkerDuration, 10 s by default): wait them out to show nothing leaked.
	for time.Since(closed) < 30*time.Second && runtime.NumGoroutine() > g0 {
		time.Sleep(100 * time.Millisecond)
	}
	b.ReportMetric(float64(runtime.NumGoroutine()-g0), "goroutines_left")
	b.ReportMetric(time.Since(closed).Seconds(), "goroutines_baseline_after_s")
}
