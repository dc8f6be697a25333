package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sitepro/testkit/chromium"
)

// The browser tests drive Debian's chromium (headless, 360×740, a phone) through the user
// journeys of the account functions against a real server and a real SMTP peer.

const (
	viewW       = 360
	viewH       = 740
	stepTimeout = 15 * time.Second
)

// tid is the CSS selector of a data-testid hook.
func tid(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

// formField is the CSS selector of a form field by name (the views give it id f-<name>).
func formField(name string) chromedp.CSS { return chromedp.CSS("#f-" + name) }

type pageShot struct {
	name string
	png  []byte
}

// browser is one chromium with one tab, owned by a test.
type browser struct {
	t    *testing.T
	ctx  context.Context
	noJS bool // page scripts are switched off

	mu       sync.Mutex
	shots    []pageShot
	console  []chromedp.ConsoleMessage
	requests []seenRequest
}

// seenRequest is a request the tab sent, as DevTools saw it.
type seenRequest struct {
	Method, URL string
	Type        network.ResourceType // Document for a navigation, XHR/Fetch for htmx
	HXRequest   bool                 // carried the HX-Request header
}

// newBrowser starts a fresh chromium (own profile) with a 360×740 mobile viewport. With
// noJS the page scripts are switched off before the first navigation. Console messages
// and the requests of the tab are recorded from the start.
func newBrowser(t *testing.T, noJS bool) *browser {
	t.Helper()
	ctx := chromium.Launch(t, viewW, viewH, chromedp.Flag("lang", "zh-CN"))
	b := &browser{t: t, ctx: ctx, noJS: noJS}
	t.Cleanup(b.saveOnFailure) // runs before the browser is closed
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m)
			b.mu.Unlock()
		}
	}()
	// Requests are recorded by Listen, not by the Events iterator: Listen sees an event
	// before the reply to any later command, so a count taken after a navigation already
	// includes it (the iterator delivers from another goroutine, possibly late, which made
	// "was the page reloaded?" checks racy).
	if err := chromedp.Listen(ctx, func(e any) {
		ev, ok := e.(*network.EventRequestWillBeSent)
		if !ok {
			return
		}
		r := seenRequest{Method: ev.Request.Method, URL: ev.Request.URL, Type: ev.Type}
		for k := range ev.Request.Headers {
			r.HXRequest = r.HXRequest || strings.EqualFold(k, "HX-Request")
		}
		b.mu.Lock()
		b.requests = append(b.requests, r)
		b.mu.Unlock()
	}); err != nil {
		t.Fatalf("listen to the requests: %v", err)
	}
	b.do("emulate a phone", chromedp.EmulateViewport(viewW, viewH, chromedp.EmulateMobile))
	// Every CSP violation also becomes a console error, whichever way Chromium reports it.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `document.addEventListener("securitypolicyviolation", function (e) {
			console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI);
		});`,
	}); err != nil {
		t.Fatalf("add the CSP listener: %v", err)
	}
	if noJS {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("disable JavaScript: %v", err)
		}
	}
	return b
}

// do runs the actions of one step under a timeout and ends the test when they fail.
func (b *browser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v\n%s", step, err, b.where())
	}
}

// The hooks of pages that end a step other than planned: an error page, a form shown
// again with errors, a failed login.
var stopHooks = []string{"error-page", "error-summary", "err-form"}

// step runs the actions (a click, a navigation) and waits until the element want of the
// next page is visible and htmx has settled. When the browser lands on an error page or a
// form with errors instead, the test ends at once with what the page says. want must not
// be on the current page; the current <main> is marked so that its own error hooks do not
// count (an htmx swap or a navigation replaces it). The page reached is then put through
// the accessibility gate (checkA11y, once per distinct page).
func (b *browser) step(name string, want chromedp.CSS, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	evalJS[chromedp.Void](b, `document.querySelectorAll("main").forEach(m => m.setAttribute("data-e2e-stale", ""))`)
	watch := []string{string(want)}
	for _, h := range stopHooks {
		if sel := string(tid(h)); sel != string(want) {
			watch = append(watch, "main:not([data-e2e-stale]) "+sel)
		}
	}
	b.do(name, append(actions, chromedp.WaitVisible(chromedp.CSS(strings.Join(watch, ", "))))...)
	b.settle(name)
	if !evalJS[bool](b, `document.querySelector(`+jsString(string(want))+`) !== null`) {
		b.t.Fatalf("%s: expected %s, but the browser landed on another page\n%s%s", name, want, b.csrfNote(), b.where())
	}
	b.checkA11y(name) // the accessibility gate, once per distinct page (a11y_test.go)
}

// settle waits until the page has loaded and htmx has finished its requests, swaps and
// settling (after which app.js may move the focus to an error summary), so that the next
// keystrokes go where the test sends them.
func (b *browser) settle(name string) {
	b.t.Helper()
	const busy = `document.readyState !== "complete" || document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added") !== null`
	deadline := time.Now().Add(stepTimeout)
	for evalJS[bool](b, busy) {
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: the page did not settle within %v\n%s", name, stepTimeout, b.where())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func jsString(s string) string {
	js, _ := json.Marshal(s)
	return string(js)
}

// text returns the visible text of the first element matching sel.
func (b *browser) text(sel chromedp.CSS) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		b.t.Fatalf("text of %s: %v\n%s", sel, err, b.where())
	}
	return strings.TrimSpace(s)
}

// value returns the value of a form field.
func (b *browser) value(sel chromedp.CSS) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(sel))
	if err != nil {
		b.t.Fatalf("value of %s: %v\n%s", sel, err, b.where())
	}
	return s
}

// evalJS evaluates a JavaScript expression through DevTools (works with page scripts off).
func evalJS[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v\n%s", expr, err, b.where())
	}
	return v
}

// path returns the path of the current page.
func (b *browser) path() string {
	b.t.Helper()
	return evalJS[string](b, `location.pathname`)
}

// where describes the current page for failure messages.
func (b *browser) where() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return fmt.Sprintf("page %s:\n%s", loc, lastChars(strings.TrimSpace(body), 600))
}

// shot takes a full-page screenshot. It is kept for a failure report; with keep set and
// $SITEPRO_SCREENSHOTS set, it is also written there at once.
func (b *browser) shot(name string, keep bool) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	b.mu.Lock()
	b.shots = append(b.shots, pageShot{name, png})
	n := len(b.shots)
	b.mu.Unlock()
	if dir := os.Getenv("SITEPRO_SCREENSHOTS"); keep && dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Errorf("SITEPRO_SCREENSHOTS: %v", err)
			return
		}
		file := filepath.Join(dir, fmt.Sprintf("%s-%02d-%s.png", b.fileName(), n, name))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Errorf("SITEPRO_SCREENSHOTS: %v", err)
		}
	}
}

// saveOnFailure writes the screenshots taken so far and one of the final state to a new
// temporary directory when the test failed.
func (b *browser) saveOnFailure() {
	if !b.t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	b.mu.Lock()
	shots := append([]pageShot(nil), b.shots...)
	b.mu.Unlock()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		shots = append(shots, pageShot{"at-failure", png})
	}
	dir, err := os.MkdirTemp("", "sitepro-"+b.fileName()+"-*")
	if err != nil {
		b.t.Logf("screenshots not saved: %v", err)
		return
	}
	for i, s := range shots {
		_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d-%s.png", i+1, s.name)), s.png, 0o644)
	}
	b.t.Logf("screenshots of the failed test: %s", dir)
	b.t.Logf("%s", b.where())
	msgs := b.consoleMessages()
	if len(msgs) > 6 {
		b.t.Logf("console: %d earlier messages left out", len(msgs)-6)
		msgs = msgs[len(msgs)-6:]
	}
	for _, m := range msgs {
		b.t.Logf("console %s (%s:%d)", m, m.URL, m.Line+1)
	}
}

// fileName is the test's name for file names: a subtest's slash becomes a dash.
func (b *browser) fileName() string { return strings.ReplaceAll(b.t.Name(), "/", "-") }

func (b *browser) consoleMessages() []chromedp.ConsoleMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]chromedp.ConsoleMessage(nil), b.console...)
}

// consoleErrors returns the console errors (a failed request among them, such as a 404
// for /favicon.ico), uncaught exceptions and CSP violations.
func (b *browser) consoleErrors() []string {
	var out []string
	for _, m := range b.consoleMessages() {
		if m.Type == chromedp.ConsoleError || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
			out = append(out, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
		}
	}
	return out
}

// typeInto clears a text field and types v as a user would.
func typeInto(name, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Clear(formField(name)), chromedp.SendKeys(formField(name), v))
}

// fillRegistration fills step 1 of 个人注册 and ticks the agreement.
func fillRegistration(tr trainee, password2 string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		typeInto("id_number", tr.ID),
		typeInto("name", tr.Name),
		typeInto("mobile", tr.Mobile),
		typeInto("email", tr.Email),
		typeInto("password", tr.Password),
		typeInto("password2", password2),
		chromedp.Click(formField("agree")),
	)
}

// waitIDPreview waits, when the registration page has a live preview of the ID number,
// until it shows the birth date and gender of id, so that no preview request is still
// pending when the form is submitted.
func (b *browser) waitIDPreview(id string) {
	b.t.Helper()
	if !evalJS[bool](b, `document.getElementById("preview-id_number") !== null`) {
		return
	}
	birth, gender := birthAndGender(id)
	var got string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got = evalJS[string](b, `(document.getElementById("preview-id_number") || {}).textContent || ""`)
		if strings.Contains(got, birth) && strings.Contains(got, gender) {
			return
		}
	}
	b.t.Errorf("the live preview of the ID number shows %q, want the birth date %s and gender %s", strings.TrimSpace(got), birth, gender)
}

// checkIdentity asserts the birth date and gender derived from the ID number.
func (b *browser) checkIdentity(id string) {
	b.t.Helper()
	wantBirth, wantGender := birthAndGender(id)
	if got := b.text(tid("birth")); got != wantBirth {
		b.t.Errorf("birth date shown = %q, want %q (from the ID number)", got, wantBirth)
	}
	if got := b.text(tid("gender")); got != wantGender {
		b.t.Errorf("gender shown = %q, want %q (from the ID number)", got, wantGender)
	}
}

// csrfNote explains a 403 after a session change: htmx sends the CSRF token of hx-headers
// on <body>, and a boosted swap replaces the body's content but keeps its attributes, so a
// token rotated by login, registration, logout or reset does not reach htmx.
func (b *browser) csrfNote() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	tok, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
		(JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-Csrf-Token"] || ""),
		((document.querySelector('input[name="_csrf"]') || {}).value || "")]`))
	if err != nil || tok[0] == "" || tok[1] == "" || tok[0] == tok[1] {
		return ""
	}
	return "note: the CSRF token in hx-headers on <body> differs from the page's _csrf field " +
		"(the boosted swap kept the <body> attributes of the page before the session changed)\n"
}

func (b *browser) wantPath(want string) {
	b.t.Helper()
	if got := b.path(); got != want {
		b.t.Errorf("address bar path = %q, want %q", got, want)
	}
}

func (b *browser) wantFlash(contains string) {
	b.t.Helper()
	b.do("wait for the flash", chromedp.WaitVisible(tid("flash")))
	if got := b.text(tid("flash")); !strings.Contains(got, contains) {
		b.t.Errorf("flash = %q, want it to contain %q", got, contains)
	}
}

// TestBrowserRegisterConfirmResetLogin is the journey of a new trainee: register, complete
// the profile, confirm the e-mail address from the mail, log out, reset the forgotten
// password from the mail, and log in with the new password.
func TestBrowserRegisterConfirmResetLogin(t *testing.T) {
	mail := startSMTPPeer(t)
	srv := startServer(t, serverOpts{Env: []string{"SITEPRO_SMTP_URL=" + mail.URL(), "SITEPRO_SMTP_FROM=noreply@sitepro.test"}})
	b := newBrowser(t, false)
	who := makeTrainee("journey", 4242)
	who.Mobile = "13912345678"
	newPassword := "新的密码-Reset-2026"

	// 个人注册 from the start page.
	b.step("open /", tid("register-link"), chromedp.Navigate(srv.URL+"/"))
	b.step("go to 个人注册", tid("register-submit"), chromedp.Click(tid("register-link")))
	b.wantPath("/register")
	b.do("fill the registration", fillRegistration(who, who.Password))
	b.waitIDPreview(who.ID)
	b.shot("register-filled", true)
	b.step("submit the registration", tid("birth"), chromedp.Click(tid("register-submit")))
	b.wantPath("/register/profile")
	b.checkIdentity(who.ID)
	if got := b.text(chromedp.CSS("h1")); got != "完善个人资料" {
		t.Errorf("step 2 heading = %q, want 完善个人资料", got)
	}
	if got := b.text(tid("whoami")); got != who.Name {
		t.Errorf("signed in as %q after registering, want %q", got, who.Name)
	}
	b.wantFlash("注册成功")
	b.shot("profile-step", true)

	// 个人资料完善: a couple of fields, then save.
	b.do("fill the profile",
		chromedp.SetValue(formField("education"), "大学本科"),
		typeInto("school", "河南大学"),
		typeInto("major", "土木工程"),
	)
	b.shot("profile-filled", true)
	b.step("save the profile", tid("tile-profile"), chromedp.Click(tid("profile-submit")))
	b.wantPath("/")
	b.wantFlash("个人资料已保存")
	b.step("open 个人信息", tid("profile-save"), chromedp.Click(tid("tile-profile")))
	if got := b.value(formField("education")); got != "大学本科" {
		t.Errorf("saved education = %q, want 大学本科", got)
	}
	if got := b.value(formField("school")); got != "河南大学" {
		t.Errorf("saved school = %q, want 河南大学", got)
	}

	// The confirmation mail.
	m := mail.Next(t, who.Email, 15*time.Second)
	if m.Subject != "请确认您的邮箱" {
		t.Errorf("confirmation subject = %q, want 请确认您的邮箱", m.Subject)
	}
	if !strings.Contains(m.Body, who.Name) {
		t.Errorf("confirmation body does not greet %s:\n%s", who.Name, m.Body)
	}
	if m.AuthUser != "sitepro" || m.From != "noreply@sitepro.test" {
		t.Errorf("confirmation envelope: auth %q, from %q", m.AuthUser, m.From)
	}
	link := m.Link()
	if !strings.HasPrefix(link, srv.URL+"/confirm-email/") {
		t.Fatalf("confirmation link = %q, want %s/confirm-email/…\n%s", link, srv.URL, m.Body)
	}
	b.step("open the confirmation link", tid("confirm-submit"), chromedp.Navigate(link))
	b.wantPath("/confirm-email") // the token left the address bar
	if html := evalJS[string](b, `document.documentElement.outerHTML`); strings.Contains(html, strings.TrimPrefix(link, srv.URL+"/confirm-email/")) {
		t.Error("the confirmation page carries the token")
	}
	b.step("press 确认邮箱", tid("tile-profile"), chromedp.Click(tid("confirm-submit")))
	b.wantFlash("邮箱已确认")
	if n := evalJS[int](b, `document.querySelectorAll('[data-testid="email-unconfirmed"]').length`); n != 0 {
		t.Errorf("the start page still says the e-mail is unconfirmed")
	}

	// Log out, then 忘记密码.
	b.step("log out", tid("login-submit"), chromedp.Click(tid("logout")))
	b.wantPath("/login")
	b.wantFlash("已安全退出")
	b.step("go to 忘记密码", tid("forgot-submit"), chromedp.Click(tid("forgot-link")))
	b.step("request the reset", tid("forgot-sent"), typeInto("id_number", who.ID), typeInto("email", who.Email),
		chromedp.Click(tid("forgot-submit")))
	b.shot("forgot-sent", false)

	m = mail.Next(t, who.Email, 15*time.Second)
	if m.Subject != "重置您的登录密码" {
		t.Errorf("reset subject = %q, want 重置您的登录密码", m.Subject)
	}
	resetLink := m.Link()
	if !strings.HasPrefix(resetLink, srv.URL+"/reset/") {
		t.Fatalf("reset link = %q, want %s/reset/…\n%s", resetLink, srv.URL, m.Body)
	}
	b.step("open the reset link", tid("reset-submit"), chromedp.Navigate(resetLink))
	b.wantPath("/reset") // the token left the address bar
	b.step("set the new password", tid("login-submit"), typeInto("password", newPassword), typeInto("password2", newPassword),
		chromedp.Click(tid("reset-submit")))
	b.wantPath("/login")
	b.wantFlash("新密码已设置")

	// The old password no longer works; the new one does.
	b.step("log in with the old password", tid("err-form"), typeInto("login", who.ID), typeInto("password", who.Password),
		chromedp.Click(tid("login-submit")))
	b.step("log in with the new password", tid("whoami"), typeInto("login", who.ID), typeInto("password", newPassword),
		chromedp.Click(tid("login-submit")))
	b.wantPath("/")
	if got := b.text(tid("whoami")); got != who.Name {
		t.Errorf("whoami = %q, want %q", got, who.Name)
	}
	b.shot("logged-in", false)

	// The reset link is single-use.
	b.step("open the used reset link", tid("error-page"), chromedp.Navigate(resetLink))
	if got := b.text(tid("error-page")); !strings.Contains(got, "链接已失效") {
		t.Errorf("error page for a used reset link = %q, want it to say 链接已失效", got)
	}
	b.shot("reset-link-used", false)

	if n := mail.Count(); n != 2 {
		t.Errorf("the SMTP peer received %d messages, want 2 (confirmation, reset)", n)
	}
	if logs := srv.Logs(); idInLogs.MatchString(logs) || strings.Contains(logs, mail.Pass) {
		t.Errorf("server logs contain an ID number or the SMTP password:\n%s", lastChars(logs, 3000))
	}
}

// TestBrowserRegisterWithoutJavaScript registers with page scripts switched off: plain
// form posts must work, show every error next to its field and keep what was typed.
// TestBrowserRegisterCorrectedIDClearsItsError: with JavaScript, a registration refused for
// the ID number's check digit drops that error (beside the field and in the summary) as
// soon as the corrected number is recognised, together with the live preview.
func TestBrowserRegisterCorrectedIDClearsItsError(t *testing.T) {
	srv := startServer(t, serverOpts{})
	b := newBrowser(t, false)
	who := makeTrainee("fixid", 779)
	bad := who
	bad.ID = wrongCheckDigit(who.ID)
	b.step("open 个人注册", tid("register-submit"), chromedp.Navigate(srv.URL+"/register"))
	b.do("fill the registration with a wrong check digit", fillRegistration(bad, who.Password+"x"))
	b.step("submit the registration", tid("error-summary"), chromedp.Click(tid("register-submit")))
	if got := b.text(tid("err-id_number")); !strings.Contains(got, "校验码") {
		t.Fatalf("ID number error = %q, want the check-digit message", got)
	}
	b.do("correct the ID number", typeInto("id_number", who.ID))
	b.waitIDPreview(who.ID)
	b.waitFor("the stale ID number error goes", `document.getElementById("e-id_number") === null && document.getElementById("s-id_number") === null`, stepTimeout)
	if summary := b.text(tid("error-summary")); strings.Contains(summary, "校验码") || !strings.Contains(summary, "不一致") {
		t.Errorf("the summary after the correction = %q, want only the other error (passwords 不一致)", summary)
	}
}

func TestBrowserRegisterWithoutJavaScript(t *testing.T) {
	srv := startServer(t, serverOpts{})
	b := newBrowser(t, true)
	who := makeTrainee("nojs", 777)

	b.step("open /", tid("register-link"), chromedp.Navigate(srv.URL+"/"))
	if on := evalJS[bool](b, `typeof window.htmx !== "undefined"`); on {
		t.Fatalf("htmx is loaded although page scripts are switched off")
	}
	b.step("go to 个人注册", tid("register-submit"), chromedp.Click(tid("register-link")))
	b.wantPath("/register")

	// A wrong check digit and two different passwords.
	bad := who
	bad.ID = wrongCheckDigit(who.ID)
	b.do("fill the registration with mistakes", fillRegistration(bad, who.Password+"x"))
	b.step("submit the registration", tid("error-summary"), chromedp.Click(tid("register-submit")))
	b.shot("register-errors", true)
	summary := b.text(tid("error-summary"))
	if got := b.text(tid("err-id_number")); !strings.Contains(got, "校验码") {
		t.Errorf("ID number error = %q, want the check-digit message", got)
	}
	if got := b.text(tid("err-password2")); !strings.Contains(got, "不一致") {
		t.Errorf("password repeat error = %q, want 两次输入的密码不一致", got)
	}
	for _, e := range []string{"校验码", "不一致"} {
		if !strings.Contains(summary, e) {
			t.Errorf("error summary %q does not list the error containing %q", summary, e)
		}
	}
	for name, want := range map[string]string{"name": who.Name, "mobile": who.Mobile, "email": who.Email, "id_number": bad.ID} {
		if got := b.value(formField(name)); got != want {
			t.Errorf("field %s after the error = %q, want the typed %q", name, got, want)
		}
	}
	if !evalJS[bool](b, `document.getElementById("f-agree").checked`) {
		t.Errorf("the agreement is no longer ticked after the error")
	}

	// Correct the mistakes and submit again.
	b.do("correct the registration", typeInto("id_number", who.ID), typeInto("password", who.Password), typeInto("password2", who.Password))
	b.step("submit again", tid("birth"), chromedp.Click(tid("register-submit")))
	b.wantPath("/register/profile")
	b.checkIdentity(who.ID)
	b.wantFlash("注册成功")
	b.shot("profile-step", true)

	// Both posts were plain document navigations, not htmx requests.
	b.mu.Lock()
	defer b.mu.Unlock()
	posts := 0
	for _, r := range b.requests {
		if r.Method == "POST" && strings.HasSuffix(r.URL, "/register") {
			posts++
			if r.Type != network.ResourceTypeDocument {
				t.Errorf("POST /register was a %s request, want a plain form navigation (Document)", r.Type)
			}
			if r.HXRequest {
				t.Errorf("POST /register carried HX-Request although scripts are off")
			}
		}
	}
	if posts != 2 {
		t.Errorf("saw %d POST /register requests, want 2", posts)
	}
}

// TestBrowserNoHorizontalScrollNoConsoleErrors checks at 360 px that the login page, the
// registration page and the profile step fit the width, and that no page reported a
// console error or a CSP violation.
func TestBrowserNoHorizontalScrollNoConsoleErrors(t *testing.T) {
	srv := startServer(t, serverOpts{})
	b := newBrowser(t, false)
	who := makeTrainee("width", 360)

	fits := func(what string) {
		t.Helper()
		w := evalJS[int](b, `window.innerWidth`)
		sw := evalJS[int](b, `document.documentElement.scrollWidth`)
		if w != viewW {
			t.Errorf("%s: window.innerWidth = %d, want %d", what, w, viewW)
		}
		if sw > viewW {
			wide := evalJS[[]string](b, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > `+fmt.Sprint(viewW)+`).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " right=" + Math.round(e.getBoundingClientRect().right))`)
			t.Errorf("%s scrolls sideways at %d px: scrollWidth = %d; widest elements: %v", what, viewW, sw, wide)
			b.shot("too-wide-"+strings.TrimPrefix(strings.ReplaceAll(what, "/", "-"), "-"), false)
		}
	}

	b.step("open /login", tid("login-submit"), chromedp.Navigate(srv.URL+"/login"))
	fits("/login")
	b.step("open /register", tid("register-submit"), chromedp.Navigate(srv.URL+"/register"))
	fits("/register")
	b.do("open the privacy notice", chromedp.Click(chromedp.CSS("details.notice summary")))
	fits("/register with the privacy notice open")
	b.do("fill the registration", fillRegistration(who, who.Password))
	b.waitIDPreview(who.ID)
	b.step("register", tid("birth"), chromedp.Click(tid("register-submit")))
	fits("the profile step")

	time.Sleep(300 * time.Millisecond) // let late console messages arrive
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("the pages reported %d console errors or CSP violations:\n%s", len(errs), strings.Join(errs, "\n"))
	}

	// The detector works: an inline script is a CSP violation that must show up.
	before := len(b.consoleErrors())
	b.do("inject an inline script", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.createElement("script"); s.textContent = "window.__inline = 1"; document.head.appendChild(s); })()`))
	deadline := time.Now().Add(stepTimeout)
	for len(b.consoleErrors()) == before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if len(b.consoleErrors()) == before {
		t.Errorf("an inline script ran or its CSP violation was not reported; the console check would miss violations")
	}
	if evalJS[bool](b, `window.__inline === 1`) {
		t.Errorf("an injected inline script ran: the CSP does not block inline scripts")
	}
}
