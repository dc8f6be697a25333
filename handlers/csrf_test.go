package handlers

import (
	"net/url"
	"testing"

	"sitepro/domain"
)

// signedIn reports whether the client's session is still signed in.
func signedIn(c *client) bool { return c.get("/password").status == 200 }

// TestCSRFTokenOnlyFromHeaderOrBody: the token counts in the X-Csrf-Token header or the
// form body, never in the query string (SECURITY.md 12).
func TestCSRFTokenOnlyFromHeaderOrBody(t *testing.T) {
	e := newEnv(t)
	c := e.registered(idA, "王芳")
	c.get("/")
	// Query string only: refused, nothing changes.
	r := c.do("POST", "/logout?_csrf="+url.QueryEscape(c.csrf), url.Values{}, nil)
	must(t, r, 403, "页面已过期")
	if !signedIn(c) {
		t.Fatal("a CSRF token in the query string was accepted: the logout went through")
	}
	r = c.do("POST", "/apply/agree?_csrf="+url.QueryEscape(c.csrf), nil, nil)
	must(t, r, 403)
	if u := mustTrainee(t, e, idA); u.NoticeVersion != "" {
		t.Fatal("a CSRF token in the query string was accepted: the notice was agreed")
	}
	// A wrong body token with the right one in the query string: refused too.
	must(t, c.do("POST", "/apply/agree?_csrf="+url.QueryEscape(c.csrf), url.Values{"_csrf": {"wrong"}}, nil), 403)
	// The header alone, and the body field alone, are each enough.
	must(t, c.do("POST", "/apply/agree", nil, map[string]string{"X-Csrf-Token": c.csrf}), 303)
	if u := mustTrainee(t, e, idA); u.NoticeVersion != domain.NoticeVersion {
		t.Fatalf("the header token was not accepted: notice %q", u.NoticeVersion)
	}
	c.get("/")
	must(t, c.do("POST", "/logout", url.Values{"_csrf": {c.csrf}}, nil), 303)
	if signedIn(c) {
		t.Fatal("the body token was not accepted: still signed in")
	}
}

// TestCrossSiteSubmissionRefused: an unsafe request whose Origin (or, without one, its
// Referer) is another site is refused with a clear page even with a valid token; our own
// origin and requests with neither header pass.
func TestCrossSiteSubmissionRefused(t *testing.T) {
	e := newEnv(t) // origin https://sitepro.test
	c := e.registered(idA, "王芳")
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Origin": "null"},
		{"Origin": "http://sitepro.test"},               // another scheme
		{"Origin": "https://sitepro.test:8443"},         // another port
		{"Origin": "https://sitepro.test.evil.example"}, // a look-alike host
		{"Referer": "https://evil.example/page"},
		{"Origin": "https://evil.example", "Referer": "https://sitepro.test/profile"},
	} {
		c.get("/")
		r := c.do("POST", "/logout", url.Values{"_csrf": {c.csrf}}, h)
		must(t, r, 403, "来自其他网站", "https://sitepro.test")
		if !signedIn(c) {
			t.Fatalf("cross-site logout with %v went through", h)
		}
	}
	// A cross-site sign-in is refused as well (login CSRF).
	guest := e.client()
	guest.get("/login")
	must(t, guest.do("POST", "/login", url.Values{"_csrf": {guest.csrf}, "login": {idA}, "password": {pwOK}},
		map[string]string{"Origin": "https://evil.example"}), 403, "来自其他网站")
	// Our own origin, with or without the default port, and our own Referer pass.
	for _, h := range []map[string]string{
		{"Origin": "https://sitepro.test"},
		{"Origin": "https://SITEPRO.test:443"},
		{"Referer": "https://sitepro.test/apply"},
	} {
		c.get("/")
		must(t, c.do("POST", "/apply/agree", url.Values{"_csrf": {c.csrf}}, h), 303)
	}
	// Same origin does not replace the token.
	must(t, c.do("POST", "/logout", url.Values{}, map[string]string{"Origin": "https://sitepro.test"}), 403, "页面已过期")
	c.get("/")
	must(t, c.do("POST", "/logout", url.Values{"_csrf": {c.csrf}}, map[string]string{"Origin": "https://sitepro.test"}), 303)
	if signedIn(c) {
		t.Fatal("a same-origin logout with its token did not sign out")
	}
}

// A server configured for a loopback address accepts its other loopback names (someone
// opened http://localhost:8080 instead of 127.0.0.1:8080), but nothing else.
func TestSameOriginLoopbackAliases(t *testing.T) {
	const ours = "http://127.0.0.1:8080"
	for raw, want := range map[string]bool{
		"http://localhost:8080":         true,
		"http://[::1]:8080/login":       true,
		"http://127.0.0.1:8080":         true,
		"http://localhost:8081":         false, // another port is another server
		"https://localhost:8080":        false,
		"http://localhost.evil.example": false,
		"http://evil.example:8080":      false,
	} {
		if got := sameOrigin(raw, ours); got != want {
			t.Errorf("sameOrigin(%q, %q) = %v, want %v", raw, ours, got, want)
		}
	}
	if sameOrigin("http://localhost", "http://sitepro.test") {
		t.Error("a loopback name matched a public origin")
	}
}
