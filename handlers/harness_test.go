package handlers

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/imaging"
	"sitepro/password"
	"sitepro/store"
	"sitepro/testkit"
)

// clock is a settable clock shared by the app under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t      *testing.T
	app    *fiber.App
	st     *store.Store
	clock  *clock
	logs   *testkit.SyncBuffer
	origin string
}

// messages returns the newest outbox messages with their text, rendered as the mail
// worker and the outbox page render them.
func (e *env) messages(limit int) ([]domain.Message, error) {
	msgs, err := e.st.RecentMessages(limit)
	return renderOutbox(e.st, e.origin, msgs), err
}

var (
	hasher   = password.NewHasher(4)
	pipeline *imaging.Supervisor // started by TestMain
)

// TestMain lets this test binary serve as its own imaging worker, and runs every test
// against the supervised pipeline that main uses, with real worker processes.
func TestMain(m *testing.M) {
	imaging.RunWorkerIfChild()
	if os.Getenv(perfChildEnv) != "" { // serving BenchmarkSignedInGET's fixture
		os.Exit(perfChild())
	}
	var err error
	if pipeline, err = imaging.NewSupervisor(imaging.Options{}, slog.New(slog.NewTextHandler(os.Stderr, nil))); err != nil {
		panic(err)
	}
	code := m.Run()
	_ = pipeline.Close()
	os.Exit(code)
}

// testImages adapts the real imaging pipeline, as main does.
type testImages struct{ p imaging.Normalizer }

func (i testImages) Portrait(ctx context.Context, data []byte) ([]byte, int, int, error) {
	r, err := i.p.Normalize(ctx, imaging.Portrait, data)
	return r.JPEG, r.Width, r.Height, err
}

func (i testImages) Document(ctx context.Context, data []byte) ([]byte, int, int, error) {
	r, err := i.p.Normalize(ctx, imaging.Document, data)
	return r.JPEG, r.Width, r.Height, err
}

func newEnv(t *testing.T) *env { return newEnvAt(t, "https://sitepro.test") }

// servedEnv serves the app on a real loopback listener whose address is also the public
// origin (for browsers, SSE and links in mail); it returns the base URL.
func servedEnv(t *testing.T) (*env, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	e := newEnvAt(t, base)
	go func() { _ = e.app.Listener(ln) }()
	t.Cleanup(func() { _ = e.app.ShutdownWithTimeout(5 * time.Second) })
	return e, base
}

// proxiedEnv trusts the test connection as a reverse proxy, so that a client's ip field
// (sent as X-Forwarded-For) is the address the app sees.
func proxiedEnv(t *testing.T) *env {
	return newEnvAt(t, "https://sitepro.test", func(d *Deps) { d.TrustedProxies = []string{"0.0.0.0"} })
}

func newEnvAt(t *testing.T, origin string, opts ...func(*Deps)) *env {
	t.Helper()
	logs := &testkit.SyncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	st, err := store.Open(t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	d := Deps{Store: st, Hasher: hasher, Images: testImages{pipeline}, Log: log, Now: clk.Now, Origin: origin, SSEHeartbeat: 200 * time.Millisecond}
	for _, o := range opts {
		o(&d)
	}
	app, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, app: app, st: st, clock: clk, logs: logs, origin: origin}
}

// client is one browser: it keeps cookies and the last CSRF token it saw. With ip set
// it sends X-Forwarded-For (seen only by a proxiedEnv).
type client struct {
	e       *env
	cookies map[string]string
	csrf    string
	ip      string
}

func (e *env) client() *client { return &client{e: e, cookies: map[string]string{}} }

type resp struct {
	status int
	header http.Header
	body   string
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) do(method, path string, form url.Values, hdr map[string]string) resp {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) resp {
	if c.ip != "" {
		req.Header.Set("X-Forwarded-For", c.ip)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	r, err := c.e.app.Test(req, 20000)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	b, _ := io.ReadAll(r.Body)
	for _, ck := range r.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	if m := csrfRe.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return resp{status: r.StatusCode, header: r.Header, body: string(b)}
}

func (c *client) get(path string) resp { return c.do("GET", path, nil, nil) }

// post sends a form with the client's current CSRF token, fetching a page first if needed.
func (c *client) post(path string, form url.Values) resp {
	if c.csrf == "" {
		c.get("/login")
	}
	form.Set("_csrf", c.csrf)
	return c.do("POST", path, form, nil)
}

func (c *client) login(login, pw string) resp {
	return c.post("/login", url.Values{"login": {login}, "password": {pw}})
}

const (
	idA  = "11010519491231002X"
	idB  = "440524188001010014"
	pwOK = "correct horse 1"
)

func regForm(id, name string) url.Values {
	return url.Values{"id_number": {id}, "name": {name}, "mobile": {"13812345678"}, "email": {"a@example.com"},
		"password": {pwOK}, "password2": {pwOK}, "agree": {"1"}}
}

// registered creates a trainee through the real registration form and returns its client.
func (e *env) registered(id, name string) *client {
	c := e.client()
	c.get("/register")
	r := c.post("/register", regForm(id, name))
	if r.status != fiber.StatusSeeOther {
		e.t.Fatalf("registration: %d %s", r.status, r.body)
	}
	return c
}

func (e *env) staff(role domain.Role, username string) *client {
	hash, _ := hasher.Hash(e.t.Context(), pwOK)
	if _, err := e.st.CreateStaff(domain.User{Role: role, Username: username, Name: "工作人员", PasswordHash: hash}, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	c := e.client()
	if r := c.login(username, pwOK); r.status != fiber.StatusSeeOther {
		e.t.Fatalf("staff login: %d", r.status)
	}
	return c
}

func must(t *testing.T, r resp, status int, contains ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; errors: %v; body: %.600s", r.status, status, regexp.MustCompile(`class="error"[^>]*>[^<]*`).FindAllString(r.body, -1), r.body)
	}
	for _, s := range contains {
		if !strings.Contains(r.body, s) {
			t.Fatalf("body lacks %q; body: %.1500s", s, r.body)
		}
	}
}

// reviewer creates a reviewer of an agency and signs in.
func (e *env) reviewer(agencyID, username string) *client {
	hash, _ := hasher.Hash(e.t.Context(), pwOK)
	u := domain.User{Role: domain.RoleReviewer, Username: username, Name: username + "审核员", AgencyID: agencyID, PasswordHash: hash}
	if _, err := e.st.CreateStaff(u, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	c := e.client()
	if r := c.login(username, pwOK); r.status != 303 {
		e.t.Fatalf("reviewer login: %d", r.status)
	}
	return c
}

func mustUser(t *testing.T, e *env, login string) domain.User {
	u, err := e.st.UserByLogin(login, false)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func storeFilter(action domain.AuditAction) store.AuditFilter {
	return store.AuditFilter{Action: action}
}

// cookieHeader is the client's cookies as one Cookie header value.
func (c *client) cookieHeader() string {
	var parts []string
	for k, v := range c.cookies {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, "; ")
}
