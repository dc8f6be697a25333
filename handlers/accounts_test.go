package handlers

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/testkit"
)

var idNumberRe = regexp.MustCompile(`\d{17}[\dX]`)

func (e *env) assertNoIDInLogs() {
	e.t.Helper()
	if m := idNumberRe.FindString(e.logs.String()); m != "" {
		e.t.Fatalf("an ID number reached the log: %s", m)
	}
}

func TestPagesCarrySecurityHeaders(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	r := c.get("/login")
	must(t, r, 200, "登录", `name="_csrf"`)
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self';",
		"X-Content-Type-Options":  "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-store",
		"Vary": "HX-Request", "Strict-Transport-Security": "max-age=",
	} {
		if !strings.Contains(r.header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, r.header.Get(h), want)
		}
	}
	if ck := r.header.Get("Set-Cookie"); !strings.Contains(ck, "__Host-sitepro_session") || !strings.Contains(ck, "secure") || !strings.Contains(ck, "HttpOnly") {
		t.Errorf("session cookie behind https: %q", ck)
	}
	if strings.Contains(r.body, "style=") || strings.Contains(r.body, "<script>") {
		t.Error("inline style or script in a page (the CSP forbids them)")
	}
	must(t, c.do("HEAD", "/login", nil, nil), 200)
	must(t, c.get("/no-such-page"), 404, "页面不存在")
}

func TestStaticAssetsAreHashedCachedAndCompressed(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	page := c.get("/login").body
	m := regexp.MustCompile(`/static/vendor/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js`).FindString(page)
	if m == "" {
		t.Fatal("no hashed htmx URL in the page")
	}
	r := c.do("GET", m, nil, map[string]string{"Accept-Encoding": "br, gzip"})
	must(t, r, 200)
	if !strings.Contains(r.header.Get("Cache-Control"), "immutable") || r.header.Get("Content-Encoding") == "" {
		t.Fatalf("asset headers: cache %q encoding %q", r.header.Get("Cache-Control"), r.header.Get("Content-Encoding"))
	}
	must(t, c.get("/static/vendor/htmx.js"), 404)
}

func TestRegistrationErrorsKeepValues(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/register")
	f := regForm("410105199003071234", "李四")
	f.Set("password2", "something else 2")
	f.Set("email", "li@example.com")
	f.Del("agree")
	r := c.post("/register", f)
	must(t, r, 422, `data-testid="error-summary"`, `data-testid="err-id_number"`, "两次输入的密码不一致",
		"请阅读并同意", `value="李四"`, `value="li@example.com"`, `value="13812345678"`)
	long := regForm(idA, strings.Repeat("王", 10000))
	must(t, c.post("/register", long), 422, `data-testid="err-name"`)
	ctl := regForm(idA, "王\x07五")
	must(t, c.post("/register", ctl), 422, `data-testid="err-name"`)
	if n, _ := e.messages(10); len(n) != 0 {
		t.Fatal("a failed registration wrote mail")
	}
	if _, err := e.st.UserByLogin(idA, true); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("a failed registration created an account")
	}
	e.assertNoIDInLogs()
}

func TestRegistrationSignsInAndSendsConfirmation(t *testing.T) {
	e := newEnv(t)
	c := e.registered(idA, "王芳")
	r := c.get("/register/profile")
	must(t, r, 200, "完善个人资料", "1949年12月31日", "女", "1101**********002X")
	if strings.Contains(r.body, idA) {
		t.Fatal("the full ID number is shown on the profile step")
	}
	msgs, _ := e.messages(10)
	if len(msgs) != 1 || msgs[0].Subject != "请确认您的邮箱" || !strings.Contains(msgs[0].Body, "https://sitepro.test/confirm-email/") {
		t.Fatalf("confirmation mail = %+v", msgs)
	}
	// Step 2 with a bad credit code keeps all values; then a valid save.
	pf := url.Values{"education": {"大学本科"}, "school": {"郑州大学"}, "major": {"土木工程"}, "graduation": {"2012-07"},
		"employer": {"某建筑公司"}, "credit_code": {"91350100M000100Y44"}, "work_start": {"2012-08"}, "address": {"郑州市"}}
	must(t, c.post("/register/profile", pf), 422, `data-testid="err-credit_code"`, `value="郑州大学"`, `selected`)
	pf.Set("credit_code", "91350100M000100Y43")
	must(t, c.post("/register/profile", pf), 303)
	u, _ := e.st.UserByLogin(idA, true)
	if u.Profile.School != "郑州大学" || u.Profile.CreditCode != "91350100M000100Y43" {
		t.Fatalf("profile not stored: %+v", u.Profile)
	}
	// Confirm the e-mail through the link (which moves the token into the session), the
	// token-free page and its POST.
	link := msgs[0].Body[strings.Index(msgs[0].Body, "/confirm-email/"):]
	link = strings.TrimSpace(link[:strings.Index(link, "\n")])
	must(t, c.get(link), 303)
	must(t, c.get("/confirm-email"), 200, "确认邮箱", `data-testid="confirm-address">`+u.Email+`<`)
	must(t, c.post("/confirm-email", url.Values{}), 303)
	if u, _ := e.st.User(u.ID); !u.EmailConfirmed {
		t.Fatal("email not confirmed")
	}
	must(t, c.get(link), 303)
	must(t, c.get("/confirm-email"), 422, "链接已失效") // said before the button, not after
	must(t, c.post("/confirm-email", url.Values{}), 422, "链接已失效")
	e.assertNoIDInLogs()
}

func TestDuplicateIDNumber(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王芳")
	c := e.client()
	c.get("/register")
	r := c.post("/register", regForm(idA, "赵六"))
	must(t, r, 409, "该身份证号已注册", "0371-", `value="赵六"`)
	if strings.Contains(r.body, "王芳") {
		t.Fatal("the duplicate page reveals the existing holder")
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/register")
	f := regForm(idA, "王芳")
	// A missing or stale token: the form comes back with what was typed and a fresh token,
	// and nothing is written.
	must(t, c.do("POST", "/register", f, nil), 403, "页面停留时间过长", `value="王芳"`, `value="a@example.com"`)
	f.Set("_csrf", "stale-token")
	must(t, c.do("POST", "/register", f, nil), 403, "页面停留时间过长")
	if _, err := e.st.UserByLogin(idA, true); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("a registration without a valid token was written")
	}
	must(t, c.do("POST", "/profile", url.Values{"school": {"x"}}, nil), 403, "页面已过期")
	f.Del("_csrf")
	must(t, c.do("POST", "/register", f, map[string]string{"X-Csrf-Token": c.csrf}), 303)
}

func TestHtmxSuccessUsesHXLocation(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/register")
	f := regForm(idA, "王芳")
	f.Set("_csrf", c.csrf)
	r := c.do("POST", "/register", f, map[string]string{"HX-Request": "true"})
	if r.status != 200 || r.header.Get("HX-Location") != "/register/profile" {
		t.Fatalf("htmx success: %d HX-Location=%q", r.status, r.header.Get("HX-Location"))
	}
}

func TestLoginSameAnswerAndThrottle(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王芳")
	c := e.client()
	wrong := c.login(idA, "wrong password")
	unknown := c.login(idB, "wrong password")
	must(t, wrong, 401, "身份证号（用户名）或密码不正确")
	must(t, unknown, 401, "身份证号（用户名）或密码不正确")
	for range 5 { // five free failures, then a delay that doubles
		c.login(idA, "wrong password")
	}
	must(t, c.login(idA, pwOK), 429, "尝试次数过多")
	e.clock.Add(2 * time.Second)
	must(t, c.login(strings.ToLower(idA), pwOK), 303)
	must(t, c.get("/"), 200, `data-testid="whoami"`, "王芳")
	audit, _ := e.st.AuditLog(store.AuditFilter{Action: "登录"}, 10)
	if len(audit) != 1 || strings.Contains(audit[0].Actor, idA) {
		t.Fatalf("login audit = %+v", audit)
	}
	e.assertNoIDInLogs()
}

func TestSessionRotatesOnLoginAndEndsOnLogout(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王芳")
	c := e.client()
	c.get("/login")
	before := c.cookies["__Host-sitepro_session"]
	c.login(idA, pwOK)
	after := c.cookies["__Host-sitepro_session"]
	if before == "" || after == "" || before == after {
		t.Fatalf("session id not rotated at login: %q → %q", before, after)
	}
	c.get("/")
	must(t, c.post("/logout", url.Values{}), 303)
	r := c.get("/profile")
	if r.status != 303 || r.header.Get("Location") != "/login" {
		t.Fatalf("after logout /profile = %d %s", r.status, r.header.Get("Location"))
	}
	// Replaying the old cookie must not work either.
	old := e.client()
	old.cookies["__Host-sitepro_session"] = after
	if r := old.get("/profile"); r.status != 303 {
		t.Fatalf("old session cookie still valid: %d", r.status)
	}
}

func TestPasswordChangeEndsAllSessions(t *testing.T) {
	e := newEnv(t)
	phone := e.registered(idA, "王芳")
	desk := e.client()
	desk.login(idA, pwOK)
	must(t, desk.get("/profile"), 200)
	phone.get("/password")
	must(t, phone.post("/password", url.Values{"current": {"bad"}, "password": {"new password 9"}, "password2": {"new password 9"}}), 422, "当前密码不正确")
	must(t, phone.post("/password", url.Values{"current": {pwOK}, "password": {"12345678"}, "password2": {"12345678"}}), 422, `data-testid="err-password"`)
	must(t, phone.post("/password", url.Values{"current": {pwOK}, "password": {"new password 9"}, "password2": {"new password 9"}}), 303)
	if r := desk.get("/profile"); r.status != 303 {
		t.Fatalf("other device still signed in: %d", r.status)
	}
	c := e.client()
	must(t, c.login(idA, pwOK), 401)
	must(t, c.login(idA, "new password 9"), 303)
}

func TestForgotAndReset(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王芳")
	other := e.client()
	other.login(idA, pwOK)
	c := e.client()
	c.get("/forgot")
	known := c.post("/forgot", url.Values{"id_number": {idA}, "email": {"a@example.com"}})
	unknown := c.post("/forgot", url.Values{"id_number": {idB}, "email": {"a@example.com"}})
	mismatch := c.post("/forgot", url.Values{"id_number": {idA}, "email": {"b@example.com"}})
	must(t, known, 200, `data-testid="forgot-sent"`)
	if known.body != strings.Replace(unknown.body, idB, idA, -1) && !sameShape(known.body, unknown.body) || !sameShape(known.body, mismatch.body) {
		t.Fatal("the reset answer differs between known and unknown accounts")
	}
	msgs, _ := e.messages(10)
	var reset domain.Message
	for _, m := range msgs {
		if m.Kind == "password_reset" {
			if reset.ID != "" {
				t.Fatal("more than one reset mail")
			}
			reset = m
		}
	}
	i := strings.Index(reset.Body, "https://sitepro.test/reset/")
	if i < 0 {
		t.Fatalf("reset link not built from the configured origin: %q", reset.Body)
	}
	path := strings.Fields(reset.Body[i+len("https://sitepro.test"):])[0]
	r := c.get(path)
	if r.status != 303 || r.header.Get("Location") != "/reset" {
		t.Fatalf("token link: %d → %q, want a redirect to the token-free form", r.status, r.header.Get("Location"))
	}
	must(t, c.get("/reset"), 200, "设置新密码", "王芳")
	must(t, c.post("/reset", url.Values{"password": {"fresh password 7"}, "password2": {"fresh password 8"}}), 422, "两次输入的密码不一致")
	must(t, c.post("/reset", url.Values{"password": {"fresh password 7"}, "password2": {"fresh password 7"}}), 303)
	if r := c.get("/"); strings.Contains(r.body, `data-testid="whoami"`) {
		t.Fatal("reset signed the user in")
	}
	if r := other.get("/profile"); r.status != 303 {
		t.Fatal("a session from before the reset survived")
	}
	replay := e.client()
	replay.get(path)
	must(t, replay.get("/reset"), 422, "链接已失效", `data-testid="error-next"`, `href="/forgot"`)
	must(t, e.client().login(idA, "fresh password 7"), 303)
	e.assertNoIDInLogs()
}

// sameShape compares two pages ignoring CSRF tokens and typed values.
func sameShape(a, b string) bool {
	strip := regexp.MustCompile(`value="[^"]*"|"X-Csrf-Token":"[^"]*"|&#34;X-Csrf-Token&#34;:&#34;[^&]*&#34;`)
	return strip.ReplaceAllString(a, "") == strip.ReplaceAllString(b, "")
}

func TestRoleGuards(t *testing.T) {
	e := newEnv(t)
	trainee := e.registered(idA, "王芳")
	admin := e.staff(domain.RoleAdmin, "admin")
	reviewer := e.staff(domain.RoleReviewer, "rev")
	guest := e.client()
	for _, path := range []string{"/admin/outbox", "/admin/audit", "/admin/backup"} {
		must(t, trainee.get(path), 403, "没有权限")
		must(t, reviewer.get(path), 403)
		if r := guest.get(path); r.status != 303 {
			t.Errorf("guest %s: %d", path, r.status)
		}
		must(t, admin.get(path), 200)
	}
	must(t, admin.get("/admin/outbox"), 200, "请确认您的邮箱")
	must(t, admin.get("/profile"), 403)
	must(t, trainee.get("/profile"), 200, "个人信息", "1101**********002X")
	r := admin.post("/admin/backup", url.Values{})
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "sitepro-") || len(r.body) < 100 {
		t.Fatalf("backup download: %d %q %d bytes", r.status, r.header.Get("Content-Disposition"), len(r.body))
	}
	must(t, admin.get("/admin/audit?action=下载备份"), 200, "下载备份")
}

func TestProfileEscapesMarkup(t *testing.T) {
	e := newEnv(t)
	c := e.registered(idA, "王芳")
	c.get("/profile")
	xss := `<script>alert(1)</script>"><img src=x>`
	must(t, c.post("/profile", url.Values{"mobile": {"13912345678"}, "school": {xss}, "major": {"土木"}}), 303)
	r := c.get("/profile")
	if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x>") {
		t.Fatal("user input rendered as markup")
	}
	must(t, r, 200, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	must(t, e.client().get("/healthz"), fiber.StatusOK, "ok")
}

func TestIDPreviewDerivesBirthAndGender(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/register")
	r := c.post("/register/id-preview", url.Values{"id_number": {"440524188001010014"}})
	must(t, r, 200, "1880年1月1日", "男")
	if strings.Count(r.body, "440524188001010014") > 0 {
		t.Fatal("the preview repeats the ID number")
	}
	bad := c.post("/register/id-preview", url.Values{"id_number": {"410105199003071234"}})
	must(t, bad, 200, `data-testid="id-preview"`)
	if !strings.Contains(bad.body, "请") {
		t.Fatalf("a wrong check digit gets no hint: %s", bad.body)
	}
	if r := c.post("/register/id-preview", url.Values{"id_number": {"4101"}}); strings.Contains(r.body, "请") {
		t.Fatal("a half-typed number already shows an error")
	}
	// A child's number gets the age message at once, as the form would on submit.
	child := testkit.IDNumber("410105", e.clock.Now().AddDate(-11, 0, 0), 456)
	young := c.post("/register/id-preview", url.Values{"id_number": {child}})
	must(t, young, 200, "未满16周岁")
}

// TestFirstLoadIsLight keeps the first visit (the login page and everything it links)
// under the 100 KB transfer budget of UX.md, compressed as a browser would receive it.
func TestFirstLoadIsLight(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	enc := map[string]string{"Accept-Encoding": "br, gzip"}
	total := len(c.do("GET", "/login", nil, enc).body) // compressed, as transferred
	page := c.get("/login")                            // plain, to read the links
	assets := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page.body, -1)
	if len(assets) < 4 {
		t.Fatalf("only %d assets linked", len(assets))
	}
	for _, m := range assets {
		r := c.do("GET", m[1], nil, enc)
		if r.status != 200 {
			t.Fatalf("%s: %d", m[1], r.status)
		}
		total += len(r.body)
	}
	t.Logf("first load: %d bytes transferred", total)
	if total > 100<<10 {
		t.Fatalf("first load transfers %d bytes, over the 100 KB budget", total)
	}
}
