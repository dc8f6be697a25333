package handlers

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/testkit"
)

// Abuse of the public account forms (issue 10, part 3 and part 4): lockout of an owner by a
// stranger, registration as an oracle, tokens in URLs, reset links that outlive a password.

// nthID returns the i-th valid ID number of a series born 1990-01-01.
func nthID(i int) string {
	return testkit.IDNumber("410105", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), i)
}

// TestStrangerCannotLockOutTrustedDevice: strangers send a wrong password for the account
// every second, from changing addresses, while its owner, on a device that signed in
// before, signs in with the right one every ten seconds. Every owner login succeeds; the
// strangers and an untrusted device of the owner stay throttled.
func TestStrangerCannotLockOutTrustedDevice(t *testing.T) {
	e := proxiedEnv(t)
	e.registered(idA, "王芳")
	owner := e.client()
	owner.ip = "198.51.100.7"
	r := owner.login(idA, pwOK)
	must(t, r, 303)
	ck := strings.Join(r.header.Values("Set-Cookie"), "\n")
	for _, want := range []string{"__Host-sitepro_device=", "HttpOnly", "SameSite=Lax", "secure", "max-age=31536000"} {
		if !strings.Contains(strings.ToLower(ck), strings.ToLower(want)) {
			t.Fatalf("device cookie lacks %q: %s", want, ck)
		}
	}
	if strings.Contains(ck, idA) || strings.Contains(ck, strings.ToLower(idA)) {
		t.Fatal("the device cookie carries the ID number")
	}
	owner.get("/")
	stranger, newDevice := e.client(), e.client()
	newDevice.ip = "198.51.100.7"
	forged := e.client()
	forged.ip = "198.51.100.7"
	v := owner.cookies["__Host-sitepro_device"]
	forged.cookies["__Host-sitepro_device"] = strings.Replace(v, ".", ".x", 1)

	const rounds = 70
	ownerOK, guesses := 0, 0
	for i := range rounds {
		for k := range 10 {
			e.clock.Add(time.Second)
			stranger.ip = fmt.Sprintf("203.0.113.%d", (i*10+k)%250)
			if stranger.login(idA, fmt.Sprintf("wrong password %d", k)).status == 401 {
				guesses++
			}
		}
		if owner.login(idA, pwOK).status == 303 {
			ownerOK++
		}
		owner.get("/") // the new session's CSRF token
	}
	t.Logf("during spraying: %d of %d owner logins on the trusted device succeeded; %d of %d stranger guesses reached the password check",
		ownerOK, rounds, guesses, 10*rounds)
	if ownerOK != rounds {
		t.Fatalf("%d of %d owner logins succeeded while strangers sprayed wrong passwords", ownerOK, rounds)
	}
	if guesses > 20 {
		t.Fatalf("the strangers got %d guesses checked", guesses)
	}
	must(t, newDevice.login(idA, pwOK), 429, "尝试次数过多", "后再试")
	must(t, forged.login(idA, pwOK), 429, "尝试次数过多")

	// The trusted device has a counter of its own: after its free failures it waits too.
	for range limitDevice.Free + 1 {
		must(t, owner.login(idA, "not my password"), 401)
	}
	must(t, owner.login(idA, pwOK), 429, "尝试次数过多")
	e.clock.Add(2 * time.Second)
	must(t, owner.login(idA, pwOK), 303)
	e.assertNoIDInLogs()
}

// TestOneAddressSprayingManyAccountsIsThrottled: the per-IP counter stays as it was — 31
// tries over many accounts, then 429 — even for a client that holds a device cookie (of
// another account); only that cookie's own account still opens from the trusted device,
// while a new device at the same address stays throttled.
func TestOneAddressSprayingManyAccountsIsThrottled(t *testing.T) {
	e := proxiedEnv(t)
	sprayer := e.client()
	sprayer.ip = "203.0.113.50"
	sprayer.get("/register")
	must(t, sprayer.post("/register", regForm(idA, "王芳")), 303) // a device cookie of its own
	sprayer.get("/")
	for i := range 31 {
		must(t, sprayer.login(nthID(i), "guess 123456"), 401)
	}
	must(t, sprayer.login(nthID(31), "guess 123456"), 429, "后再试")
	neighbour := e.client() // same address, never signed in here
	neighbour.ip = sprayer.ip
	must(t, neighbour.login(idA, pwOK), 429, "后再试")
	must(t, sprayer.login(idA, pwOK), 303) // the trusted device of idA
	other := e.client()
	other.ip = "198.51.100.1"
	must(t, other.login(nthID(32), "guess 123456"), 401)
}

// TestRegistrationTakenAnswerIsThrottledPerIP: a class registering from one agency address
// is not slowed down, but "该身份证号已注册" answers are counted per address: after the
// allowance every registration from that address waits (whatever number is typed, so the
// wait tells nothing), other addresses are unaffected, and the wait ends.
func TestRegistrationTakenAnswerIsThrottledPerIP(t *testing.T) {
	e := proxiedEnv(t)
	const agencyIP = "198.51.100.20"
	for i := range 12 { // a class registers from one address
		c := e.client()
		c.ip = agencyIP
		c.get("/register")
		must(t, c.post("/register", regForm(nthID(i), "学员")), 303)
	}
	probe := e.client()
	probe.ip = agencyIP
	probe.get("/register")
	for range limitTakenIP.Free + 1 {
		must(t, probe.post("/register", regForm(nthID(0), "赵六")), 409, "该身份证号已注册")
	}
	r := probe.post("/register", regForm(nthID(1), "赵六"))
	must(t, r, 429, "尝试次数过多", "后再试", `value="赵六"`)
	if strings.Contains(r.body, "该身份证号已注册") {
		t.Fatal("the throttled answer still says whether the number is registered")
	}
	must(t, probe.post("/register", regForm(nthID(100), "新学员")), 429, "后再试")
	if _, err := e.st.UserByLogin(nthID(100), true); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("a throttled registration was written")
	}
	elsewhere := e.client()
	elsewhere.ip = "203.0.113.77"
	elsewhere.get("/register")
	must(t, elsewhere.post("/register", regForm(nthID(0), "赵六")), 409, "该身份证号已注册")
	e.clock.Add(2 * time.Second)
	must(t, probe.post("/register", regForm(nthID(100), "新学员")), 303)
}

// TestConfirmationLinkLeavesTheAddressBar: the link of the confirmation mail redirects to a
// token-free address; neither that address nor the page carries the token, and the usual
// headers (Referrer-Policy, no-store) are on both responses.
func TestConfirmationLinkLeavesTheAddressBar(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王芳")
	msgs, _ := e.messages(1)
	i := strings.Index(msgs[0].Body, "/confirm-email/")
	link := strings.Fields(msgs[0].Body[i:])[0]
	raw := strings.TrimPrefix(link, "/confirm-email/")
	guest := e.client() // e.g. the mail opened on another device
	r := guest.get(link)
	if r.status != 303 || r.header.Get("Location") != "/confirm-email" {
		t.Fatalf("confirmation link: %d → %q, want 303 to /confirm-email", r.status, r.header.Get("Location"))
	}
	page := guest.get("/confirm-email")
	must(t, page, 200, "确认电子邮箱", `data-testid="confirm-submit"`)
	for _, x := range []resp{r, page} {
		if x.header.Get("Referrer-Policy") != "same-origin" || x.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("headers: Referrer-Policy %q, Cache-Control %q", x.header.Get("Referrer-Policy"), x.header.Get("Cache-Control"))
		}
	}
	if strings.Contains(page.body, raw) || strings.Contains(page.body, `name="token"`) {
		t.Fatal("the confirmation page carries the token")
	}
	must(t, guest.post("/confirm-email", url.Values{}), 303)
	if u, _ := e.st.UserByLogin(idA, true); !u.EmailConfirmed {
		t.Fatal("e-mail not confirmed")
	}
	must(t, e.client().get("/confirm-email"), 422, "链接已失效")
	must(t, guest.post("/confirm-email", url.Values{"token": {raw}}), 422, "链接已失效")
}

// newResetLink asks for a reset of idA and returns the path of the link in the new mail.
func newResetLink(t *testing.T, e *env) string {
	t.Helper()
	e.clock.Add(time.Second) // the outbox orders by time
	c := e.client()
	c.get("/forgot")
	must(t, c.post("/forgot", url.Values{"id_number": {idA}, "email": {"a@example.com"}}), 200, `data-testid="forgot-sent"`)
	msgs, _ := e.messages(1)
	i := strings.Index(msgs[0].Body, "/reset/")
	if msgs[0].Kind != "password_reset" || i < 0 {
		t.Fatalf("newest mail is not a reset: %+v", msgs[0])
	}
	return strings.Fields(msgs[0].Body[i:])[0]
}

// mustDeadLink opens a reset link in a fresh browser and expects the usual invalid page.
func mustDeadLink(t *testing.T, e *env, link string) {
	t.Helper()
	c := e.client()
	must(t, c.get(link), 303)
	must(t, c.get("/reset"), 422, "链接已失效", `href="/forgot"`)
}

// TestResetLinksDieWhenThePasswordChanges: a password changed on 修改密码, or reset with
// another link, ends every reset link sent before.
func TestResetLinksDieWhenThePasswordChanges(t *testing.T) {
	e := newEnv(t)
	owner := e.registered(idA, "王芳")
	early := newResetLink(t, e)
	owner.get("/password")
	must(t, owner.post("/password", url.Values{"current": {pwOK}, "password": {"new password 9"}, "password2": {"new password 9"}}), 303)
	mustDeadLink(t, e, early)

	first, second := newResetLink(t, e), newResetLink(t, e)
	c := e.client()
	must(t, c.get(first), 303)
	must(t, c.get("/reset"), 200, "设置新密码")
	must(t, c.post("/reset", url.Values{"password": {"fresh password 7"}, "password2": {"fresh password 7"}}), 303)
	mustDeadLink(t, e, second)
	mustDeadLink(t, e, first)
	must(t, e.client().login(idA, "fresh password 7"), 303)
}
