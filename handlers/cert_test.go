package handlers

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/views"
)

// holderOf returns the stored trainee registered with an ID number.
func (e *env) holderOf(id string) domain.User {
	e.t.Helper()
	u, err := e.st.UserByLogin(id, true)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// addCert stores a certificate like the demo trainee's for holder.
func (e *env) addCert(holder domain.User, number string, mod func(*domain.Certificate)) domain.Certificate {
	e.t.Helper()
	c := domain.Certificate{Number: number, HolderID: holder.ID, PostCode: "101", Issuer: "河南省住房和城乡建设厅",
		IssuedOn: time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC), AgencyName: "郑州建设职业培训中心",
		Employer: "河南省第一建筑工程集团有限责任公司", Status: domain.CertValid}
	if mod != nil {
		mod(&c)
	}
	c, err := e.st.AddCertificate(c)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func legacy(c *domain.Certificate) {
	c.PostCode, c.Legacy, c.Status = "110", true, domain.CertValid // stored status not yet updated
	c.IssuedOn, c.ValidUntil = time.Date(2016, 5, 20, 0, 0, 0, 0, time.UTC), time.Date(2019, 5, 19, 0, 0, 0, 0, time.UTC)
}

func TestCertificateListShowsEveryField(t *testing.T) {
	e := newEnv(t)
	c := e.registered(idA, "王建国")
	u := e.holderOf(idA)
	cur := e.addCert(u, "412021101000123", nil)
	old := e.addCert(u, "豫建安C(2016)0012345", legacy)
	r := c.get("/certificates")
	must(t, r, 200, "证书信息", `data-testid="cert-card"`, `data-testid="cert-number">412021101000123<`,
		"豫建安C(2016)0012345", "施工员（土建施工）", "安全员", "河南省住房和城乡建设厅", "2021年9月15日",
		"长期有效", "2019年5月19日止", "郑州建设职业培训中心", "河南省第一建筑工程集团有限责任公司",
		`class="tag ok" data-testid="cert-status">有效<`, `data-testid="cert-status">失效<`,
		"/certificates/"+cur.ID, "/certificates/"+old.ID)
	if n := strings.Count(r.body, `data-testid="cert-card"`); n != 2 {
		t.Fatalf("%d cards, want 2", n)
	}
	if strings.Index(r.body, cur.Number) > strings.Index(r.body, old.Number) {
		t.Error("the newest certificate is not listed first")
	}
	if strings.Contains(r.body, cur.VerifyToken) || strings.Contains(r.body, "style=") {
		t.Error("the list leaks a verification token or has an inline style")
	}
	empty := e.registered(idB, "李四")
	must(t, empty.get("/certificates"), 200, `data-testid="cert-empty"`, "您目前没有证书记录")
	e.assertNoIDInLogs()
}

func TestCertificateDetailHasQRCodeAndIsScoped(t *testing.T) {
	e := newEnv(t)
	a := e.registered(idA, "王建国")
	b := e.registered(idB, "李四")
	ca := e.addCert(e.holderOf(idA), "412021101000123", nil)
	cb := e.addCert(e.holderOf(idB), "412021101000124", nil)

	r := a.get("/certificates/" + ca.ID)
	link := "https://sitepro.test/v/" + ca.VerifyToken
	must(t, r, 200, "证书详情", "412021101000123", "王建国", "女", "1101**********002X",
		`data-testid="cert-qr"`, `<svg class="qr"`, `viewBox="0 0 `, `<path d="M`,
		`href="`+link+`" data-testid="verify-link">`+link+`<`)
	if strings.Contains(r.body, idA) || strings.Contains(r.body, "style=") || strings.Contains(r.body, "<script>") {
		t.Fatal("the detail page shows the full ID number or has inline style/script")
	}
	if !regexp.MustCompile(`<path d="(M\d+ \d+h\d+v1h-\d+z)+" fill="#000">`).MatchString(r.body) {
		t.Fatal("the QR path is not a list of module runs")
	}

	// Another trainee's certificate looks exactly like one that does not exist.
	other := b.get("/certificates/" + ca.ID)
	none := b.get("/certificates/0123456789abcdef0123456789abcdef")
	must(t, other, 404, "没有找到这张证书")
	must(t, none, 404, "没有找到这张证书")
	if other.body != none.body || strings.Contains(other.body, ca.Number) {
		t.Fatal("another trainee's certificate is distinguishable from a missing one")
	}
	must(t, b.get("/certificates/"+cb.ID), 200, cb.Number)

	guest := e.client()
	for _, p := range []string{"/certificates", "/certificates/" + ca.ID} {
		if r := guest.get(p); r.status != 303 || r.header.Get("Location") != "/login" {
			t.Fatalf("guest %s = %d %q, want a redirect to /login", p, r.status, r.header.Get("Location"))
		}
	}
	admin := e.staff(domain.RoleAdmin, "root")
	must(t, admin.get("/certificates/"+ca.ID), 403)
	e.assertNoIDInLogs()
}

func TestPublicVerificationByToken(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王建国")
	u := e.holderOf(idA)
	cur := e.addCert(u, "412021101000123", nil)
	old := e.addCert(u, "豫建安C(2016)0012345", legacy)
	guest := e.client()

	r := guest.get("/v/" + cur.VerifyToken)
	must(t, r, 200, "证书查验结果", "✔ 证书有效", `data-testid="verify-name">王*国<`,
		`data-testid="verify-id">1101**********002X<`, "412021101000123", "施工员（土建施工）", "河南省住房和城乡建设厅",
		"2021年9月15日", "长期有效", `class="tag ok" data-testid="cert-status">有效<`,
		`data-testid="verify-time">2026-11-26 18:00（北京时间）<`)
	for _, secret := range []string{idA, "王建国", u.Mobile, u.Email, "河南省第一建筑工程集团", cur.ID} {
		if strings.Contains(r.body, secret) {
			t.Fatalf("the public page shows %q", secret)
		}
	}
	if r.header.Get("Cache-Control") != "no-store" || !strings.Contains(r.header.Get("X-Robots-Tag"), "noindex") {
		t.Fatalf("public page headers: %v", r.header)
	}
	must(t, guest.get("/v/"+old.VerifyToken), 200, "✘ 证书失效，不是有效证书", `data-testid="cert-status">失效<`, "安全员")

	for _, bad := range []string{"/v/unknown", "/v/" + cur.VerifyToken[:21], "/v/" + cur.ID, "/v/" + strings.Repeat("a", 300)} {
		r := guest.get(bad)
		must(t, r, 404, "未找到这个二维码或链接对应的证书记录", `action="/verify"`)
		if strings.Contains(r.body, "412021101000123") {
			t.Fatalf("%s reveals a certificate", bad)
		}
	}
	// A signed-in trainee sees the same public page.
	c := e.client()
	c.login(idA, pwOK)
	must(t, c.get("/v/"+cur.VerifyToken), 200, `data-testid="verify-name">王*国<`)
	e.assertNoIDInLogs()
}

func TestPublicVerificationByNumberAndName(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王建国")
	e.addCert(e.holderOf(idA), "豫建安C(2016)0012345", legacy)
	e.addCert(e.holderOf(idA), "412021101000123", nil)
	guest := e.client()
	must(t, guest.get("/verify"), 200, "证书查验", `name="number"`, `name="name"`, `name="_csrf"`)

	found := guest.post("/verify", url.Values{"number": {" 412021101000123 "}, "name": {"王建国"}})
	must(t, found, 200, `data-testid="verify-result"`, "✔ 证书有效", "王*国", "1101**********002X")
	if strings.Contains(found.body, idA) || strings.Contains(found.body, "王建国") {
		t.Fatal("the lookup result shows the full name or ID number")
	}
	must(t, guest.post("/verify", url.Values{"number": {"豫建安c（2016）0012345"}, "name": {"王建国"}}), 200, "证书失效")

	// A wrong name and an unknown number get the very same answer.
	wrongName := guest.post("/verify", url.Values{"number": {"412021101000123"}, "name": {"王建军"}})
	unknown := guest.post("/verify", url.Values{"number": {"412021101000999"}, "name": {"王建军"}})
	must(t, wrongName, 404, views.VerifyNone)
	must(t, unknown, 404, views.VerifyNone)
	if strings.ReplaceAll(wrongName.body, "412021101000123", "412021101000999") != unknown.body {
		t.Fatal("a wrong name and an unknown number are answered differently")
	}
	for _, bad := range []url.Values{
		{"number": {"412021101000123"}, "name": {"王"}},
		{"number": {"412021101000123"}, "name": {"王 建国"}, "id_number": {idA}},
		{"number": {idA}, "name": {"王建国"}}, // there is no lookup by ID number
	} {
		r := guest.post("/verify", bad)
		must(t, r, 404, views.VerifyNone)
		if strings.Contains(r.body, "verify-result") {
			t.Fatalf("lookup %v found something", bad)
		}
	}
	must(t, guest.post("/verify", url.Values{"number": {""}, "name": {""}}), 422, `data-testid="err-number"`, `data-testid="err-name"`)
	e.assertNoIDInLogs()
}

func TestPublicVerificationIsThrottled(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王建国")
	cert := e.addCert(e.holderOf(idA), "412021101000123", nil)
	guest := e.client()
	guest.get("/verify")
	// Successful checks never count: a site inspector may scan a whole crew.
	for range 40 {
		must(t, guest.get("/v/"+cert.VerifyToken), 200)
	}
	for i := range limitVerifyIP.Free + 1 {
		if i%2 == 0 {
			must(t, guest.post("/verify", url.Values{"number": {"412021101000123"}, "name": {"李四"}}), 404)
		} else {
			must(t, guest.get("/v/guess"), 404)
		}
	}
	right := url.Values{"number": {"412021101000123"}, "name": {"王建国"}}
	must(t, guest.post("/verify", right), 429, "查询过于频繁", "1 秒", `value="412021101000123"`)
	must(t, guest.get("/v/"+cert.VerifyToken), 429, "查询过于频繁")
	e.clock.Add(2 * time.Second)
	must(t, guest.post("/verify", right), 200, "✔ 证书有效")
	must(t, guest.post("/verify", url.Values{"number": {"x"}, "name": {"李四"}}), 404)
	must(t, guest.get("/v/"+cert.VerifyToken), 429, "2 秒") // the delay doubles
}

func TestCertificatePagesEscapeStoredText(t *testing.T) {
	e := newEnv(t)
	c := e.registered(idA, "王建国")
	cert := e.addCert(e.holderOf(idA), "412021101000123", func(c *domain.Certificate) {
		c.Employer = "<script>alert(1)</script>"
		c.AgencyName = `"><img src=x onerror=alert(3)>`
		c.Issuer = "<script>alert(2)</script>"
	})
	list := c.get("/certificates")
	detail := c.get("/certificates/" + cert.ID)
	public := e.client().get("/v/" + cert.VerifyToken)
	for name, r := range map[string]resp{"list": list, "detail": detail, "public": public} {
		must(t, r, 200, "&lt;script&gt;alert(2)&lt;/script&gt;")
		if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
			t.Fatalf("%s page renders stored markup unescaped", name)
		}
	}
	for _, r := range []resp{list, detail} {
		must(t, r, 200, "&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(3)&gt;")
	}
	if strings.Contains(public.body, "alert(1)") {
		t.Fatal("the public page shows the holder's employer")
	}
}
