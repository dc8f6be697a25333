// Package loadtest is the province-peak load generator behind `sitepro loadtest` (issue 15):
// many trainees, each signed in once, who then open pages and save wizard steps with a
// think time between actions, against a running server over HTTP.
//
// The load is open-loop: every user's actions are scheduled in advance (the next one a
// uniformly random 5–15 s after the previous one was due, whatever the server answered),
// and each latency is measured from the time the action was due, not from when it could
// be sent, so a slow server cannot hide its slowness by delaying the load that would show
// it (coordinated omission).
//
// The package speaks HTTP only (standard library); creating the accounts and starting a
// server are the composition root's job (loadtest_cmd.go).
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one load test.
type Config struct {
	Target   string        // the server's base URL, such as http://127.0.0.1:8080
	Users    int           // concurrent trainees
	Duration time.Duration // the measured open-loop window
	// ThinkMin and ThinkMax bound the uniformly random time between two actions of a user.
	ThinkMin, ThinkMax time.Duration
	// Logins signs users in with at most this many logins at a time (each costs the
	// server one argon2id verification); zero means 8.
	Logins   int
	Login    func(i int) string // user i's login (ID number)
	Password string             // every user's password
	Seed     uint64             // of the random schedule
	// Progress, when set, receives a line now and then while the test runs.
	Progress io.Writer
}

// The kinds of request the users send.
const (
	KindLogin    = "login"     // GET /login, POST /login, GET /apply, POST /apply/new: once per user, before the window
	KindHome     = "home"      // GET /
	KindRecords  = "records"   // GET /apply (the records page)
	KindStepPage = "step_page" // GET /apply/:id/employment
	KindStepSave = "step_save" // POST /apply/:id/employment as htmx (one synced write)
)

var kinds = []string{KindLogin, KindHome, KindRecords, KindStepPage, KindStepSave}

// Stats are the figures of one kind of request (or of all in the window).
type Stats struct {
	Requests, Errors         int
	P50, P90, P99, P999, Max time.Duration
}

// Result is what a run measured.
type Result struct {
	Users       int
	LoginPhase  time.Duration // signing every user in, before the window
	Window      time.Duration // the open-loop window as it ran (until the last due action answered)
	Overall     Stats         // every action in the window
	ByKind      map[string]Stats
	ErrorsByWhy map[string]int // "step_save: status 500", "home: timeout", …
	Rate        float64        // actions answered per second in the window
}

// Errors is the number of failed requests, the login phase included.
func (r Result) Errors() int {
	n := 0
	for _, v := range r.ErrorsByWhy {
		n += v
	}
	return n
}

type sample struct {
	kind string
	lat  time.Duration
	err  string
}

type user struct {
	i      int
	client *http.Client
	csrf   string
	step   string // the absolute URL of the draft's employment step
	out    []sample
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// Run signs every user in, then runs the open-loop window.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Users < 1 || cfg.Target == "" || cfg.Login == nil {
		return Result{}, errors.New("loadtest: Users, Target and Login are required")
	}
	if cfg.ThinkMax < cfg.ThinkMin || cfg.ThinkMin <= 0 {
		return Result{}, errors.New("loadtest: want 0 < ThinkMin ≤ ThinkMax")
	}
	if cfg.Logins <= 0 {
		cfg.Logins = 8
	}
	base := strings.TrimRight(cfg.Target, "/")
	// One transport for everyone: a kept-alive connection per user, as browsers would have.
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        cfg.Users + 100,
		MaxIdleConnsPerHost: cfg.Users + 100,
		IdleConnTimeout:     2 * time.Minute,
	}
	defer tr.CloseIdleConnections()
	users := make([]*user, cfg.Users)
	for i := range users {
		jar, _ := cookiejar.New(nil)
		users[i] = &user{i: i, client: &http.Client{Transport: tr, Jar: jar, Timeout: 60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	}

	// Sign in: closed-loop, a few at a time.
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range cfg.Logins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(users) {
					return
				}
				u := users[i]
				t0 := time.Now()
				err := u.signIn(ctx, base, cfg.Login(i), cfg.Password)
				u.record(KindLogin, time.Since(t0), err)
				if err != nil {
					failed.Add(1)
				}
				if i%500 == 499 && cfg.Progress != nil {
					fmt.Fprintf(cfg.Progress, "loadtest: %d users signed in (%v)\n", i+1, time.Since(start).Round(time.Second))
				}
			}
		}()
	}
	wg.Wait()
	res := Result{Users: cfg.Users, LoginPhase: time.Since(start)}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if n := failed.Load(); n == int64(len(users)) {
		return summarize(res, users, 0), fmt.Errorf("loadtest: no user could sign in (first: %s)", users[0].out[0].err)
	}

	// The window: each signed-in user acts at its own scheduled times.
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, "loadtest: %d users signed in in %v; open-loop window of %v begins\n",
			cfg.Users-int(failed.Load()), res.LoginPhase.Round(time.Millisecond), cfg.Duration)
	}
	// Connections idle since their sign-in may be past the server's idle timeout: the window
	// starts with fresh ones rather than race the server's closing of the old ones.
	tr.CloseIdleConnections()
	winStart := time.Now()
	end := winStart.Add(cfg.Duration)
	think := func(r *rand.Rand) time.Duration {
		return cfg.ThinkMin + time.Duration(r.Int64N(int64(cfg.ThinkMax-cfg.ThinkMin)+1))
	}
	for _, u := range users {
		if u.step == "" {
			continue // its login failed, counted above
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(cfg.Seed, uint64(u.i)))
			// The first action falls anywhere in the first think time, so that users who
			// signed in together do not act together.
			due := winStart.Add(time.Duration(r.Int64N(int64(cfg.ThinkMax))))
			for due.Before(end) {
				if d := time.Until(due); d > 0 {
					select {
					case <-time.After(d):
					case <-ctx.Done():
						return
					}
				}
				kind, err := u.act(ctx, base, r)
				u.record(kind, time.Since(due), err)
				due = due.Add(think(r))
			}
		}()
	}
	wg.Wait()
	res.Window = time.Since(winStart)
	return summarize(res, users, res.Window), ctx.Err()
}

func (u *user) record(kind string, lat time.Duration, err error) {
	s := sample{kind: kind, lat: lat}
	if err != nil {
		s.err = err.Error()
	}
	u.out = append(u.out, s)
}

// signIn opens the login page (session cookie and CSRF token), signs in, and opens (or
// starts) the user's draft application, keeping its step URL and the signed-in token.
func (u *user) signIn(ctx context.Context, base, login, pw string) error {
	if _, err := u.do(ctx, "GET", base+"/login", nil, 200); err != nil {
		return err
	}
	if _, err := u.do(ctx, "POST", base+"/login", url.Values{"login": {login}, "password": {pw}}, 303); err != nil {
		return err
	}
	if _, err := u.do(ctx, "GET", base+"/apply", nil, 200); err != nil {
		return err
	}
	resp, err := u.do(ctx, "POST", base+"/apply/new", url.Values{}, 303)
	if err != nil {
		return err
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/apply/") {
		return fmt.Errorf("POST /apply/new: went to %q, not a draft", loc)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(loc, "/apply/"), "/")
	u.step = base + "/apply/" + id + "/employment"
	_, err = u.do(ctx, "GET", u.step, nil, 200)
	return err
}

var employment = []string{"在职（有工作单位）", "待业"}

// act performs one action: a page (home, records or the step) or a step save, half each.
func (u *user) act(ctx context.Context, base string, r *rand.Rand) (string, error) {
	var err error
	switch k := r.IntN(6); {
	case k < 3:
		_, err = u.do(ctx, "POST", u.step, url.Values{"employment": {employment[r.IntN(2)]}}, 200)
		return KindStepSave, err
	case k == 3:
		_, err = u.do(ctx, "GET", base+"/", nil, 200)
		return KindHome, err
	case k == 4:
		_, err = u.do(ctx, "GET", base+"/apply", nil, 200)
		return KindRecords, err
	default:
		_, err = u.do(ctx, "GET", u.step, nil, 200)
		return KindStepPage, err
	}
}

// do sends one request as the user's browser would (its cookies, its CSRF token in forms,
// htmx for a step save), reads the whole answer and keeps the page's CSRF token.
func (u *user) do(ctx context.Context, method, target string, form url.Values, want int) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		if u.csrf == "" {
			return nil, errors.New("no CSRF token seen yet")
		}
		form.Set("_csrf", u.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if want == 200 {
			req.Header.Set("HX-Request", "true")
		}
	}
	resp, err := u.client.Do(req)
	if err != nil {
		return nil, classify(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return resp, classify(err)
	}
	if m := csrfRe.FindSubmatch(b); m != nil {
		u.csrf = string(m[1])
	}
	if resp.StatusCode != want {
		return resp, fmt.Errorf("status %d", resp.StatusCode)
	}
	return resp, nil
}

// classify names a transport error by its kind, so that errors group by cause.
func classify(err error) error {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return errors.New("timeout")
	case errors.Is(err, context.Canceled):
		return errors.New("canceled")
	case strings.Contains(err.Error(), "connection refused"):
		return errors.New("connection refused")
	case strings.Contains(err.Error(), "connection reset"):
		return errors.New("connection reset")
	case strings.Contains(err.Error(), "EOF"):
		return errors.New("connection closed (EOF)")
	}
	return err
}

func summarize(res Result, users []*user, window time.Duration) Result {
	byKind := map[string][]time.Duration{}
	errs := map[string]int{}
	var all []time.Duration
	allErr := 0
	kindErr := map[string]int{}
	for _, u := range users {
		for _, s := range u.out {
			byKind[s.kind] = append(byKind[s.kind], s.lat)
			if s.kind != KindLogin {
				all = append(all, s.lat)
			}
			if s.err != "" {
				errs[s.kind+": "+s.err]++
				kindErr[s.kind]++
				if s.kind != KindLogin {
					allErr++
				}
			}
		}
	}
	res.ByKind = map[string]Stats{}
	for _, k := range kinds {
		if len(byKind[k]) > 0 {
			res.ByKind[k] = stats(byKind[k], kindErr[k])
		}
	}
	res.Overall = stats(all, allErr)
	res.ErrorsByWhy = errs
	if window > 0 {
		res.Rate = float64(len(all)) / window.Seconds()
	}
	return res
}

func stats(d []time.Duration, errs int) Stats {
	if len(d) == 0 {
		return Stats{}
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	at := func(p float64) time.Duration { return d[min(len(d)-1, int(float64(len(d))*p))] }
	return Stats{Requests: len(d), Errors: errs, P50: at(0.50), P90: at(0.90), P99: at(0.99), P999: at(0.999), Max: d[len(d)-1]}
}

// Print writes the result as a short table.
func (r Result) Print(w io.Writer) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "users %d, sign-in phase %v, open-loop window %v, %.1f actions/s\n",
		r.Users, r.LoginPhase.Round(time.Millisecond), r.Window.Round(time.Millisecond), r.Rate)
	fmt.Fprintf(w, "%-10s %9s %7s %8s %8s %8s %8s %8s  (ms from the time each action was due)\n",
		"kind", "requests", "errors", "p50", "p90", "p99", "p99.9", "max")
	line := func(name string, s Stats) {
		fmt.Fprintf(w, "%-10s %9d %7d %8s %8s %8s %8s %8s\n", name, s.Requests, s.Errors, ms(s.P50), ms(s.P90), ms(s.P99), ms(s.P999), ms(s.Max))
	}
	for _, k := range kinds {
		if s, ok := r.ByKind[k]; ok {
			line(k, s)
		}
	}
	line("window", r.Overall)
	if len(r.ErrorsByWhy) > 0 {
		why := make([]string, 0, len(r.ErrorsByWhy))
		for k := range r.ErrorsByWhy {
			why = append(why, k)
		}
		sort.Strings(why)
		for _, k := range why {
			fmt.Fprintf(w, "error  %s × %d\n", k, r.ErrorsByWhy[k])
		}
	}
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// IDNumber is load-test user i's login: a valid 18-digit ID number (GB 11643) of someone
// from Zhengzhou born in 1980, distinct for i below 500,000.
func IDNumber(i int) string {
	birth := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/500)
	s := "410102" + birth.Format("20060102") + fmt.Sprintf("%03d", i%500)
	sum := 0
	for k, w := range idWeights {
		sum += int(s[k]-'0') * w
	}
	return s + string("10X98765432"[sum%11])
}
