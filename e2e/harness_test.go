package e2e

// The harness of the end-to-end tests: the server binary built once by TestMain, a child
// server process with captured logs, plain-HTTP form helpers and generators of valid test
// identities. The SMTP peer, the mail parser and the Chromium launcher are sitepro/testkit's.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"sitepro/testkit"
	"sitepro/testkit/smtppeer"
)

// serverBin is the sitepro binary that TestMain builds once for all tests of this package.
var serverBin string

func TestMain(m *testing.M) {
	// The path avoids the word sitepro, so that stopping a development server by name
	// (pkill sitepro) does not hit the build or the servers of a running test.
	dir, err := os.MkdirTemp("", "e2e-bin-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		os.Exit(1)
	}
	serverBin = filepath.Join(dir, "server-under-test")
	build := exec.Command("go", "build", "-o", serverBin, "..") // the module root: package main
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go build -o", serverBin, "..:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// ---- the server as a child process ----

// serverOpts configures startServer.
type serverOpts struct {
	Data string   // data directory; a fresh temp dir when empty
	Env  []string // extra KEY=VALUE pairs (SITEPRO_SMTP_URL, SITEPRO_DEMO, ...)
}

// serverProc is a running sitepro child process.
type serverProc struct {
	t    testing.TB
	Addr string // 127.0.0.1:port
	URL  string // http://127.0.0.1:port, also SITEPRO_ORIGIN
	Data string

	cmd  *exec.Cmd
	logs *testkit.SyncBuffer
	done chan struct{} // closed when the process has exited
	err  error         // the result of Wait, valid once done is closed
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serverEnv is the environment of a child server: ours without any SITEPRO_ variable,
// plus the given pairs.
func serverEnv(pairs ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SITEPRO_") {
			out = append(out, kv)
		}
	}
	return append(out, pairs...)
}

// startServer starts the server on a free port and waits until GET /healthz answers 200.
// stdout and stderr go into one buffer (Logs). A cleanup kills the process if the test did
// not stop it, and prints the logs when the test failed.
func startServer(t testing.TB, o serverOpts) *serverProc {
	t.Helper()
	if o.Data == "" {
		o.Data = t.TempDir()
	}
	for attempt := 1; ; attempt++ {
		s := launch(t, o, freeAddr(t))
		err := s.waitHealthy(20 * time.Second)
		if err == nil {
			return s
		}
		// Another process may have taken the port between freeAddr and the server's listen.
		if attempt < 3 && s.exited() && strings.Contains(s.Logs(), "address already in use") {
			continue
		}
		s.kill()
		t.Fatalf("server did not become healthy: %v", err) // the cleanup prints its output
	}
}

// launch starts the process without waiting for it to serve.
func launch(t testing.TB, o serverOpts, addr string) *serverProc {
	t.Helper()
	s := &serverProc{t: t, Addr: addr, URL: "http://" + addr, Data: o.Data, logs: &testkit.SyncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(serverBin)
	s.cmd.Env = serverEnv(append([]string{"SITEPRO_ADDR=" + addr, "SITEPRO_DATA=" + o.Data, "SITEPRO_ORIGIN=" + s.URL}, o.Env...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", serverBin, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		if !s.exited() {
			s.kill()
		}
		if t.Failed() {
			s.reportLogs(t)
		}
	})
	return s
}

// reportLogs writes the whole output of a failed test's server to a file and prints only
// its last lines, so that the failure messages stay near the end of a CI log, which often
// shows only its tail.
func (s *serverProc) reportLogs(t testing.TB) {
	logs := s.Logs()
	where := "(not saved)"
	if f, err := os.CreateTemp("", "sitepro-server-*.log"); err == nil {
		_, _ = f.WriteString(logs)
		_ = f.Close()
		where = f.Name()
	}
	lines := strings.Split(strings.TrimRight(logs, "\n"), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	t.Logf("--- server %s (pid %d): whole output in %s; its last lines:\n%s", s.Addr, s.cmd.Process.Pid, where, strings.Join(lines, "\n"))
}

// lastChars returns about the last n bytes of s, cut at a character boundary.
func lastChars(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return "…" + s[i:]
}

func (s *serverProc) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *serverProc) waitHealthy(limit time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if s.exited() {
			return fmt.Errorf("server exited early: %v", s.err)
		}
		resp, err := c.Get(s.URL + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("GET /healthz not 200 within %v", limit)
}

// Logs returns everything the process wrote to stdout and stderr so far.
func (s *serverProc) Logs() string { return s.logs.String() }

// stop ends the server with SIGTERM and asserts a graceful shutdown: exit status 0
// within 10 seconds.
func (s *serverProc) stop(t testing.TB) {
	t.Helper()
	if s.exited() {
		t.Fatalf("server %s had already exited: %v", s.Addr, s.err)
	}
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-s.done:
		if s.err != nil {
			t.Errorf("server exited with %v after SIGTERM, want status 0", s.err)
		}
		t.Logf("server %s stopped gracefully in %v", s.Addr, time.Since(start).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		select {
		case <-s.done: // say how late, and how it ended
			t.Errorf("server did not exit within 10s of SIGTERM: it exited after %v with %v",
				time.Since(start).Round(time.Millisecond), s.err)
		case <-time.After(5 * time.Second):
			s.kill()
			t.Errorf("server did not exit within 15s of SIGTERM; killed")
		}
	}
}

// kill ends the server with SIGKILL, as a crash would, and waits for it to be gone.
func (s *serverProc) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.t.Errorf("server pid %d still running 10s after SIGKILL", s.cmd.Process.Pid)
	}
}

// ---- plain-HTTP forms ----

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// newHTTPClient returns a client with its own cookie jar that does not follow redirects,
// so that a test sees the 303 that acknowledges a form.
func newHTTPClient(tr http.RoundTripper) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: tr, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// formPage GETs a page and returns the _csrf token of its form (the session cookie lands
// in the client's jar).
func formPage(ctx context.Context, c *http.Client, pageURL string, hdr http.Header) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return "", err
	}
	copyHeader(req.Header, hdr)
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", &statusError{resp.StatusCode, "GET " + pageURL, string(body)}
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("GET %s: no _csrf field in the page", pageURL)
	}
	return string(m[1]), nil
}

// postForm POSTs a form-encoded body and returns the status, the Location header and the
// body.
func postForm(ctx context.Context, c *http.Client, postURL string, form url.Values, hdr http.Header) (int, string, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, postURL, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	copyHeader(req.Header, hdr)
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), string(body), err
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = slices.Clone(v)
	}
}

// statusError is an HTTP answer the test did not expect (as opposed to a transport error).
type statusError struct {
	Status int
	What   string
	Body   string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s: status %d: %s", e.What, e.Status, lastChars(visibleText(e.Body), 300))
}

var htmlTags = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>|\s+`)

// visibleText strips htmlTags from an HTML page for error messages.
func visibleText(html string) string {
	return strings.TrimSpace(htmlTags.ReplaceAllString(html, " "))
}

// trainee is a registration's input.
type trainee struct {
	ID, Name, Mobile, Email, Password string
}

// registerForm is the form of POST /register for tr.
func (tr trainee) registerForm(csrf string) url.Values {
	return url.Values{"_csrf": {csrf}, "id_number": {tr.ID}, "name": {tr.Name}, "mobile": {tr.Mobile},
		"email": {tr.Email}, "password": {tr.Password}, "password2": {tr.Password}, "agree": {"1"}}
}

// registerHTTP registers tr with plain HTTP. acked is true when the server acknowledged the
// registration with 303 to /register/profile. A transport error (the server died) returns
// the error with acked false; any other answer is a *statusError.
func registerHTTP(ctx context.Context, c *http.Client, base string, tr trainee, hdr http.Header) (acked bool, err error) {
	csrf, err := formPage(ctx, c, base+"/register", hdr)
	if err != nil {
		return false, err
	}
	status, loc, body, err := postForm(ctx, c, base+"/register", tr.registerForm(csrf), hdr)
	if status == http.StatusSeeOther && loc == "/register/profile" {
		return true, nil // acknowledged once the status line and headers are in, body or not
	}
	if err != nil {
		return false, err
	}
	return false, &statusError{status, "POST /register (Location " + loc + ")", body}
}

// loginHTTP logs in with plain HTTP and reports whether the server answered 303 to /.
func loginHTTP(ctx context.Context, c *http.Client, base, login, password string) (bool, error) {
	csrf, err := formPage(ctx, c, base+"/login", nil)
	if err != nil {
		return false, err
	}
	status, loc, body, err := postForm(ctx, c, base+"/login", url.Values{"_csrf": {csrf}, "login": {login}, "password": {password}}, nil)
	if err != nil {
		return false, err
	}
	switch {
	case status == http.StatusSeeOther && loc == "/":
		return true, nil
	case status == http.StatusUnauthorized:
		return false, nil
	}
	return false, &statusError{status, "POST /login (Location " + loc + ")", body}
}

// ---- valid test identities ----

// makeID returns a valid 18-digit ID number of a person from Zhengzhou (410105) born on
// birth, with sequence number seq (0–999; odd = male).
func makeID(birth time.Time, seq int) string {
	return testkit.IDNumber("410105", birth, seq)
}

// wrongCheckDigit returns id with a check character that does not match.
func wrongCheckDigit(id string) string {
	for _, c := range "0123456789X" {
		if byte(c) != id[17] {
			return id[:17] + string(c)
		}
	}
	panic("unreachable")
}

// birthAndGender is what the pages show for an ID number: "1990年3月7日" and 男/女.
func birthAndGender(id string) (string, string) {
	y, _ := strconv.Atoi(id[6:10])
	m, _ := strconv.Atoi(id[10:12])
	d, _ := strconv.Atoi(id[12:14])
	g := "女"
	if (id[16]-'0')%2 == 1 {
		g = "男"
	}
	return fmt.Sprintf("%d年%d月%d日", y, m, d), g
}

var nameChars = []rune("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥")

// hanName returns a Chinese name of four Han characters, 测试 plus two chosen by n.
func hanName(n int) string {
	k := len(nameChars)
	return "测试" + string(nameChars[n%k]) + string(nameChars[(n/k)%k])
}

// makeTrainee returns the n-th distinct trainee of a test (n ≥ 0): every n gives another
// pair of birth date (1960–1992) and sequence number, so another ID number.
func makeTrainee(prefix string, n int) trainee {
	const days = 12000
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n%days)
	return trainee{
		ID:       makeID(birth, 100+(n/days)%900),
		Name:     hanName(n),
		Mobile:   fmt.Sprintf("139%08d", n),
		Email:    fmt.Sprintf("%s%d@example.com", prefix, n),
		Password: fmt.Sprintf("%s-密码-%d-ok", prefix, n),
	}
}

// idInLogs matches anything that looks like an 18-digit ID number (\d{17}[\dX]) standing
// on its own. Eighteen digits inside a longer run of letters and digits are part of another
// token, such as the hex id of an outbox message ("18ebad48fd195360468762535374b4a2"), and
// do not count.
var idInLogs = regexp.MustCompile(`(?:^|[^0-9A-Za-z])\d{17}[\dX](?:$|[^0-9A-Za-z])`)

// ---- a real SMTP peer ----

// startSMTPPeer runs a go-smtp server on loopback that requires AUTH PLAIN (allowed in
// plain text there) with the credentials in its URL, and records every message.
func startSMTPPeer(t testing.TB) *smtppeer.Peer {
	t.Helper()
	return smtppeer.Start(t, smtppeer.Options{User: "sitepro", Pass: "smtp-secret-pw"})
}
