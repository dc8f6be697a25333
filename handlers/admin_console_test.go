package handlers

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/store"
)

// adminConsoleWorld: at agency A 王建国's continuing-education enrolment (pending) and
// 王芳's application (submitted first) and her photo waiting for review; three days later 李四's application at B; one mail
// given up. The admin is signed in.
type adminConsoleWorld struct {
	*ceFixture
	admin        *client
	appA, appB   domain.Application
	wangFang     domain.User
	wangJianguo  domain.User
	cert         domain.Certificate
	failedMailTo string
}

func newAdminConsoleWorld(t *testing.T) *adminConsoleWorld {
	t.Helper()
	f := newCEReviewFixture(t)
	w := &adminConsoleWorld{ceFixture: f, wangJianguo: f.u}
	e := f.e
	fang, _ := submittedApp(t, e, idA, "王芳", f.agA)
	must(t, fang.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
	e.clock.Add(3 * 24 * time.Hour)
	submittedApp(t, e, idB, "李四", f.agB)
	w.wangFang = e.holderOf(idA)
	apps, err := e.st.ApplicationsOf(w.wangFang.ID)
	if err != nil || len(apps) != 1 {
		t.Fatalf("王芳's applications: %v %v", apps, err)
	}
	w.appA = apps[0]
	apps, _ = e.st.ApplicationsOf(e.holderOf(idB).ID)
	w.appB = apps[0]
	certs, _ := e.st.CertificatesOf(f.u.ID)
	w.cert = certs[0]
	msgs, err := e.st.DueMessages(e.clock.Now(), 1)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("no mail to fail: %v", err)
	}
	w.failedMailTo = msgs[0].To
	if err := e.st.MarkFailed(msgs[0].ID, e.clock.Now(), "550 5.1.1 邮箱不存在", time.Time{}); err != nil {
		t.Fatal(err)
	}
	w.admin = e.staff(domain.RoleAdmin, "admin")
	return w
}

// TestAdminHome: the admin's start page leads to the console; the console counts what is
// in progress per state and agency, lists the oldest waiting items with their agency and
// age, shows the mail given up, and links every admin page by its name.
func TestAdminHome(t *testing.T) {
	w := newAdminConsoleWorld(t)
	must(t, w.admin.get("/"), 200, `href="/admin"`, `data-testid="tile-admin"`)
	r := w.admin.get("/admin")
	must(t, r, 200, "已提交，待机构确认：2", "待确认：1", `data-testid="agency-load"`, "郑州中心", "洛阳中心",
		`data-testid="photos-waiting">1<`, `data-testid="outbox-given-up"`, "550 5.1.1 邮箱不存在", w.failedMailTo, `data-testid="storage-free"`)
	for _, l := range []string{"跨机构查询", "培训机构管理", "账号管理", "目录与规则设置", "历史证书导入", "统计", "邮件发件箱", "审计日志", "数据备份",
		`href="/admin/agencies"`, `href="/admin/accounts"`, `href="/admin/settings"`, `href="/admin/certificates/import"`,
		`href="/admin/stats"`, `href="/admin/certificates/issue"`, `href="/admin/outbox"`, `href="/admin/audit"`, `href="/admin/backup"`, `href="/admin/search"`} {
		if !strings.Contains(r.body, l) {
			t.Errorf("admin home lacks %q", l)
		}
	}
	// The oldest application first, with its agency and how long it has waited.
	oldest := section(r.body, `data-testid="oldest-apps"`)
	if i, j := strings.Index(oldest, w.appA.Number), strings.Index(oldest, w.appB.Number); i < 0 || j < 0 || i > j {
		t.Fatalf("oldest applications not oldest first: %s", oldest)
	}
	if !strings.Contains(oldest, `href="/admin/apps/`+w.appA.ID+`"`) || !strings.Contains(oldest, "郑州中心") || !strings.Contains(oldest, ">3 天<") {
		t.Errorf("oldest row lacks link, agency or age: %s", oldest)
	}
	if ce := section(r.body, `data-testid="oldest-ce"`); !strings.Contains(ce, `href="/admin/ce/`+f(w).enrolID+`"`) || !strings.Contains(ce, "王建国") {
		t.Errorf("oldest enrolments: %s", ce)
	}
	// Agency A: one application and one enrolment waiting.
	for _, row := range strings.Split(section(r.body, `data-testid="admin-agency-loads"`), `data-testid="agency-load"`)[1:] {
		if strings.Contains(row, "郑州中心") && (!strings.Contains(row, "待确认 <strong>1</strong>") || !strings.Contains(row, `data-testid="load-photos">1<`)) {
			t.Errorf("agency A's enrolments not counted: %s", row)
		}
		if strings.Contains(row, "洛阳中心") && (!strings.Contains(row, "已提交，待机构确认 <strong>1</strong>") || !strings.Contains(row, `data-testid="load-ce">—`)) {
			t.Errorf("agency B's application not counted: %s", row)
		}
	}
}

func f(w *adminConsoleWorld) *ceFixture { return w.ceFixture }

// section is the part of body from the element marked by marker to the next section.
func section(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		return rest[:j]
	}
	return rest
}

// TestAdminSearch: by name start, by application, enrolment and certificate number, and
// by a full ID number sent in a POST body: results show ID numbers masked, the number is
// in no URL and no log line, the search is audited; an empty box or a wrong ID number is
// a clear message with the value kept; a GET with ?q= searches nothing.
func TestAdminSearch(t *testing.T) {
	w := newAdminConsoleWorld(t)
	a := w.admin
	must(t, a.get("/admin/search"), 200, `method="post" action="/admin/search"`)

	r := a.post("/admin/search", url.Values{"q": {"王"}})
	must(t, r, 200, `data-testid="search-trainees"`, "王芳", "王建国", domain.MaskID(idA), domain.MaskID(ceID1),
		`href="/admin/apps/`+w.appA.ID+`"`, `href="/admin/ce/`+w.enrolID+`"`, `href="/admin/certificates/`+w.cert.ID+`"`)
	if strings.Contains(r.body, idA) || strings.Contains(r.body, ceID1) || strings.Contains(r.body, "李四") {
		t.Error("a name search shows a full ID number or someone else")
	}
	must(t, a.post("/admin/search", url.Values{"q": {strings.ToLower(w.appB.Number)}}), 200, `data-testid="search-apps"`, "李四", "洛阳中心", domain.MaskID(idB))
	e, _ := w.e.st.EnrolmentsOf(w.u.ID)
	must(t, a.post("/admin/search", url.Values{"q": {e[0].Number}}), 200, `data-testid="search-ce"`, `href="/admin/ce/`+w.enrolID+`"`)
	must(t, a.post("/admin/search", url.Values{"q": {w.cert.Number}}), 200, `data-testid="search-certs"`, "王建国")
	must(t, a.post("/admin/search", url.Values{"q": {"赵"}}), 200, `data-testid="admin-search-empty"`)

	before := len(w.e.logs.String())
	r = a.post("/admin/search", url.Values{"q": {idB}})
	must(t, r, 200, `data-testid="search-trainees"`, "李四", domain.MaskID(idB), `href="/admin/apps/`+w.appB.ID+`"`)
	if strings.Contains(r.body, idB) || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the result page shows the full ID number or may be cached (%q)", r.header.Get("Cache-Control"))
	}
	if logs := w.e.logs.String(); strings.Contains(logs, idB) || !strings.Contains(logs[before:], `"method":"POST","route":"/admin/search"`) {
		t.Errorf("access log: %s", logs[before:])
	}
	audit, _ := w.e.st.AuditLog(store.AuditFilter{Action: domain.AuditAdminIDSearch}, 5)
	if len(audit) != 1 || audit[0].Detail != domain.MaskID(idB)+"（找到）" || audit[0].Actor == "" {
		t.Fatalf("ID search audit: %+v", audit)
	}

	must(t, a.post("/admin/search", url.Values{"q": {"  "}}), 422, `data-testid="err-q"`, "请输入要查找的")
	bad := idB[:17] + "9"
	must(t, a.post("/admin/search", url.Values{"q": {bad}}), 422, "身份证号不正确", `value="`+bad+`"`)
	if r := a.get("/admin/search?q=" + url.QueryEscape("王")); strings.Contains(r.body, `data-testid="search-row"`) {
		t.Error("a GET with ?q= searched")
	}
}

// TestAdminReadOnlyDetails: the admin opens any application, enrolment, trainee and
// certificate read-only (the reviewer's views without their forms); an ID image opened
// from there is served and audit-logged as for reviewers.
func TestAdminReadOnlyDetails(t *testing.T) {
	w := newAdminConsoleWorld(t)
	a := w.admin
	r := a.get("/admin/apps/" + w.appA.ID)
	must(t, r, 200, `data-testid="read-only"`, "王芳", "郑州中心", domain.MaskID(idA), `src="/documents/`+w.appA.IDFront+`"`)
	for _, forbidden := range []string{`data-testid="decide"`, "/confirm", "/return", "/reject", `data-testid="reveal-phone"`, idA} {
		if strings.Contains(r.body, forbidden) {
			t.Errorf("read-only application shows %q", forbidden)
		}
	}
	img := a.get("/documents/" + w.appA.IDFront)
	must(t, img, 200)
	if img.header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("document: %s", img.header.Get("Content-Type"))
	}
	views, _ := w.e.st.AuditLog(store.AuditFilter{Action: domain.AuditDocumentView, Actor: "admin"}, 5)
	if len(views) != 1 || views[0].Object != w.appA.ID {
		t.Fatalf("audit of the admin's document view: %+v", views)
	}

	r = a.get("/admin/ce/" + w.enrolID)
	must(t, r, 200, `data-testid="read-only"`, "王建国", "郑州中心", domain.MaskID(ceID1))
	for _, forbidden := range []string{`data-testid="ce-decide"`, "/confirm", "/records", ceID1} {
		if strings.Contains(r.body, forbidden) {
			t.Errorf("read-only enrolment shows %q", forbidden)
		}
	}
	r = a.get("/admin/trainees/" + w.wangJianguo.ID)
	must(t, r, 200, "王建国", domain.MaskID(ceID1), `href="/admin/ce/`+w.enrolID+`"`, `href="/admin/certificates/`+w.cert.ID+`"`)
	if strings.Contains(r.body, ceID1) || strings.Contains(r.body, "<form method=\"post\" action=\"/admin/trainees") {
		t.Error("the trainee page shows the full ID number or a form")
	}
	must(t, a.get("/admin/certificates/"+w.cert.ID), 200, w.cert.Number, domain.MaskID(ceID1)) // the 证书发放 page
	must(t, a.get("/admin/apps/nonexistent"), 404)
	staff := mustUser(t, w.e, "admin")
	must(t, a.get("/admin/trainees/"+staff.ID), 404)

	// Reviewers and trainees are refused every console page; guests go to the login.
	// (Signed in now: the sessions of the world's set-up expired while its clock moved.)
	for _, c := range []*client{w.e.reviewer(w.agA.ID, "reva-now"), w.e.registered(ceID2, "赵六")} {
		for _, p := range []string{"/admin", "/admin/search", "/admin/apps/" + w.appA.ID, "/admin/ce/" + w.enrolID,
			"/admin/trainees/" + w.wangJianguo.ID} {
			must(t, c.get(p), 403)
		}
		must(t, c.post("/admin/search", url.Values{"q": {"王"}}), 403)
	}
	guest := w.e.client()
	guest.get("/login")
	if r := guest.get("/admin"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("guest: %d %s", r.status, r.header.Get("Location"))
	}
}
