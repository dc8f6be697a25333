package handlers

import (
	"bufio"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/store"
)

// activationPath is the path of the newest activation link mailed to addr, as the mail
// worker renders it (the link is built from the configured origin).
func activationPath(t *testing.T, e *env, addr string) string {
	t.Helper()
	msgs, err := e.messages(100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind != string(domain.NotifyStaffActivation) || m.To != addr {
			continue
		}
		i := strings.Index(m.Body, e.origin+"/activate/")
		if i < 0 {
			t.Fatalf("activation link not built from the configured origin: %q", m.Body)
		}
		return strings.Fields(m.Body[i+len(e.origin):])[0]
	}
	t.Fatalf("no activation mail to %s", addr)
	return ""
}

// activateWith follows an activation link on a fresh browser and sets the password.
func activateWith(t *testing.T, e *env, path, pw string) *client {
	t.Helper()
	c := e.client()
	r := c.get(path)
	if r.status != 303 || r.header.Get("Location") != "/activate" {
		t.Fatalf("activation link: %d %q", r.status, r.header.Get("Location"))
	}
	page := c.get("/activate")
	must(t, page, 200, "激活账号", `action="/activate"`)
	if strings.Contains(page.body, strings.TrimPrefix(path, "/activate/")) {
		t.Fatal("the activation page carries the token")
	}
	must(t, c.post("/activate", url.Values{"password": {pw}, "password2": {pw}}), 303)
	return c
}

func staffValues(role, username, name, email, agency string) url.Values {
	return url.Values{"role": {role}, "username": {username}, "name": {name}, "email": {email}, "agency": {agency}}
}

// TestAdminStaffCreateAndActivate: the admin creates a reviewer (all errors at once with
// values kept; a duplicate username refused with the form kept), the reviewer gets the
// activation mail, follows the link to a token-free form, sets a password (never typed by
// the admin) and logs in; the link used twice says so. The list filters by agency and
// role and shows the states.
func TestAdminStaffCreateAndActivate(t *testing.T) {
	e := newEnv(t)
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/admin/accounts/new"), 200, `data-testid="account-no-agency"`, `href="/admin/agencies/new"`)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州建设培训中心", CityCode: "410100"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳建设培训中心", CityCode: "410300", Suspended: true})
	must(t, admin.get("/"), 200, `href="/admin/accounts"`, "账号管理")
	must(t, admin.get("/admin/accounts"), 200, `data-testid="account-row"`, "admin", "管理员", "正常")
	must(t, admin.get("/admin/accounts/new"), 200, "郑州建设培训中心", "洛阳建设培训中心（已暂停）", `name="username"`)

	r := admin.post("/admin/accounts", staffValues("reviewer", "1li", "", "li@", ""))
	must(t, r, 422, `data-testid="error-summary"`, `data-testid="err-username"`, `data-testid="err-name"`, `data-testid="err-email"`,
		`data-testid="err-agency"`, `value="1li"`, `value="li@"`)

	// Markup typed into every field comes back escaped, never as markup.
	if r := admin.post("/admin/accounts", staffValues("reviewer", xss, xss, xss, xss)); r.status != 422 || strings.Contains(r.body, "<script>alert(1)") ||
		!strings.Contains(r.body, "&lt;script&gt;alert(1)") {
		t.Fatalf("markup in the account form: %d", r.status)
	}

	must(t, admin.post("/admin/accounts", staffValues("reviewer", "ZZ-Li", "李审核", "li@example.com", agA.ID)), 303)
	u := mustUser(t, e, "zz-li")
	if u.State() != domain.AccountPending || u.AgencyID != agA.ID || u.PasswordHash != "" {
		t.Fatalf("new reviewer: %+v", u)
	}
	must(t, admin.get("/admin/accounts/"+u.ID), 200, "已新增账号“zz-li”", "li@example.com", "待激活", "郑州建设培训中心",
		`data-testid="account-resend"`, `data-testid="account-move"`, `data-testid="account-disable"`)

	dup := admin.post("/admin/accounts", staffValues("admin", " zz-li ", "王管理", "wang@example.com", ""))
	must(t, dup, 422, "这个用户名已经有人使用", `value="王管理"`, `value="wang@example.com"`, `value="admin" selected`)
	if all, _ := e.st.StaffAccounts(store.StaffFilter{}); len(all) != 2 {
		t.Fatalf("a refused create left an account: %d", len(all))
	}

	list := admin.get("/admin/accounts?agency=" + agA.ID)
	must(t, list, 200, "zz-li", "李审核", "培训机构审核员", "待激活")
	if strings.Contains(list.body, ">admin<") {
		t.Error("the agency filter shows an admin")
	}
	if r := admin.get("/admin/accounts?agency=" + agB.ID); strings.Contains(r.body, "zz-li") {
		t.Error("the agency filter shows another agency's reviewer")
	}
	if r := admin.get("/admin/accounts?role=admin"); strings.Contains(r.body, "zz-li") || !strings.Contains(r.body, "admin") {
		t.Error("the role filter")
	}

	// The reviewer activates the account from the mail; the admin's outbox shows the mail
	// but never its live link.
	link := activationPath(t, e, "li@example.com")
	outbox := admin.get("/admin/outbox")
	must(t, outbox, 200, "激活您的工作人员账号", "用户名：zz-li")
	if strings.Contains(outbox.body, "/activate/") || strings.Contains(outbox.body, strings.TrimPrefix(link, "/activate/")) {
		t.Fatal("the outbox page shows a live activation link")
	}
	c := e.client()
	c.get(link)
	must(t, c.get("/activate"), 200, `data-testid="activate-username">zz-li<`)
	must(t, c.post("/activate", url.Values{"password": {"short"}, "password2": {"short"}}), 422, `data-testid="err-password"`)
	if r := c.post("/activate", url.Values{"password": {"reviewer pass 1"}, "password2": {"reviewer pass 2"}}); r.status != 422 ||
		!strings.Contains(r.body, "两次输入的密码不一致") || strings.Contains(r.body, "reviewer pass") {
		t.Fatalf("mismatch on the activation form: %d, password echoed: %v", r.status, strings.Contains(r.body, "reviewer pass"))
	}
	must(t, c.post("/activate", url.Values{"password": {"reviewer pass 1"}, "password2": {"reviewer pass 1"}}), 303)
	if got := mustUser(t, e, "zz-li"); got.State() != domain.AccountActive {
		t.Fatalf("after activation: %s", got.State())
	}
	// No auto-login; the password works at the login form.
	if r := c.get("/review"); r.status != 303 {
		t.Fatalf("activation signed the user in: %d", r.status)
	}
	rev := e.client()
	must(t, rev.login("zz-li", "reviewer pass 1"), 303)
	must(t, rev.get("/review"), 200)

	// The link used twice: a clear message and the way on, on the same and a new browser.
	for _, again := range []*client{c, e.client()} {
		must(t, again.get(link), 303)
		must(t, again.get("/activate"), 422, "激活链接已失效或已被使用", `data-testid="error-next"`, "去登录")
		again.get("/login") // a page with a form, for the CSRF token
		must(t, again.post("/activate", url.Values{"password": {"other pass 12"}, "password2": {"other pass 12"}}), 422, "激活链接已失效")
	}
	must(t, admin.get("/admin/accounts?agency="+agA.ID), 200, "正常")
	must(t, admin.get("/admin/audit"), 200, "创建账号", "激活账号", "培训机构：郑州建设培训中心")
}

// TestAdminStaffDisableMoveResend: moving a reviewer changes their access at once (the old
// agency's item is 404 on the next request), disabling ends their session at once and
// refuses their login with a clear message, re-enabling lets them in again; a resend kills
// the earlier link; a disabled account's link says it is disabled; the last active admin
// cannot disable their account, and with a second admin they can (and are signed out).
func TestAdminStaffDisableMoveResend(t *testing.T) {
	e := newEnv(t)
	admin := e.staff(domain.RoleAdmin, "admin")
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	_, appID := submittedApp(t, e, idA, "王芳", agA)
	admin.get("/admin/accounts/new")
	must(t, admin.post("/admin/accounts", staffValues("reviewer", "zz-li", "李审核", "li@example.com", agA.ID)), 303)
	u := mustUser(t, e, "zz-li")
	activateWith(t, e, activationPath(t, e, "li@example.com"), "reviewer pass 1")
	rev := e.client()
	must(t, rev.login("zz-li", "reviewer pass 1"), 303)
	must(t, rev.get("/review/apps/"+appID), 200)

	// Move: bad agency refused with the form; then to B, effective on the next request.
	must(t, admin.post("/admin/accounts/"+u.ID+"/move", url.Values{"agency": {"nope"}}), 422, `data-testid="err-agency"`, "请从列表中选择培训机构")
	must(t, admin.post("/admin/accounts/"+u.ID+"/move", url.Values{"agency": {agB.ID}}), 303)
	must(t, admin.get("/admin/accounts/"+u.ID), 200, "已将审核员“zz-li”调整到“洛阳中心”")
	must(t, rev.get("/review/apps/"+appID), 404)
	if r := rev.get("/review/apps/rows"); r.status != 200 || strings.Contains(r.body, appID) {
		t.Fatalf("the old agency's queue after the move: %d", r.status)
	}
	must(t, admin.post("/admin/accounts/"+mustUser(t, e, "admin").ID+"/move", url.Values{"agency": {agB.ID}}), 409, "管理员不需要调整")

	// Disable: the session ends at once, login says why, re-enable lets them in again.
	must(t, admin.post("/admin/accounts/"+u.ID+"/disable", url.Values{}), 303)
	must(t, admin.get("/admin/accounts/"+u.ID), 200, "已停用账号“zz-li”", "已停用", `data-testid="account-enable"`)
	if r := rev.get("/review"); r.status != 303 || r.header.Get("Location") != "/login" {
		t.Fatalf("a disabled reviewer's session survived: %d %q", r.status, r.header.Get("Location"))
	}
	again := e.client()
	must(t, again.login("zz-li", "reviewer pass 1"), 403, "这个账号已被停用")
	must(t, again.login("zz-li", "wrong password 1"), 401, "身份证号（用户名）或密码不正确")
	must(t, admin.post("/admin/accounts/"+u.ID+"/disable", url.Values{}), 303) // a double-click changes nothing
	must(t, admin.post("/admin/accounts/"+u.ID+"/enable", url.Values{}), 303)
	must(t, admin.get("/admin/accounts/"+u.ID), 200, "已恢复账号“zz-li”，本人可以用原来的密码登录")
	must(t, again.login("zz-li", "reviewer pass 1"), 303)

	// A second admin: resend kills the first link; disabled, its link says so.
	must(t, admin.post("/admin/accounts", staffValues("admin", "boss2", "王管理", "wang@example.com", "")), 303)
	boss2 := mustUser(t, e, "boss2")
	first := activationPath(t, e, "wang@example.com")
	e.clock.Add(time.Minute)
	must(t, admin.post("/admin/accounts/"+boss2.ID+"/resend", url.Values{}), 303)
	second := activationPath(t, e, "wang@example.com")
	if first == second {
		t.Fatal("resend sent the same link")
	}
	old := e.client()
	old.get(first)
	must(t, old.get("/activate"), 422, "激活链接已失效或已被使用")
	must(t, admin.post("/admin/accounts/"+boss2.ID+"/disable", url.Values{}), 303)
	dis := e.client()
	dis.get(second)
	must(t, dis.get("/activate"), 403, "这个账号已被停用")
	must(t, admin.post("/admin/accounts/"+boss2.ID+"/resend", url.Values{}), 409, "这个账号已停用")
	must(t, admin.post("/admin/accounts/"+boss2.ID+"/enable", url.Values{}), 303)
	must(t, admin.get("/admin/accounts/"+boss2.ID), 200, "请重新发送激活邮件", "待激活")

	// The last active admin: refused with a clear message, nothing changed.
	me := mustUser(t, e, "admin")
	must(t, admin.get("/admin/accounts/"+me.ID), 200, `data-testid="account-self"`)
	must(t, admin.post("/admin/accounts/"+me.ID+"/disable", url.Values{}), 409, "不能停用最后一个正常使用的管理员账号")
	if got := mustUser(t, e, "admin"); got.Disabled {
		t.Fatal("the last admin was disabled")
	}
	e.clock.Add(time.Minute)
	must(t, admin.post("/admin/accounts/"+boss2.ID+"/resend", url.Values{}), 303)
	activateWith(t, e, activationPath(t, e, "wang@example.com"), "second admin 12")
	b2 := e.client()
	must(t, b2.login("boss2", "second admin 12"), 303)
	// Now the first admin may step down; their own session ends with it.
	r := admin.post("/admin/accounts/"+me.ID+"/disable", url.Values{})
	if r.status != 303 || r.header.Get("Location") != "/login" {
		t.Fatalf("self-disable: %d %q", r.status, r.header.Get("Location"))
	}
	if r := admin.get("/admin/accounts"); r.status != 303 {
		t.Fatalf("the disabled admin is still signed in: %d", r.status)
	}
	b2.get("/admin/accounts/" + boss2.ID)
	must(t, b2.post("/admin/accounts/"+boss2.ID+"/disable", url.Values{}), 409, "不能停用最后一个")
	must(t, b2.get("/admin/audit"), 200, "停用账号", "恢复账号", "调整审核员所属机构", "培训机构：郑州中心 → 洛阳中心", "重发激活邮件",
		"状态：正常 → 已停用")
}

// TestAdminStaffForbidden: reviewers and trainees get 403 on every /admin/accounts page
// and action, guests are sent to login, and nothing changes; a trainee's ID is not an
// account here (404 for the admin).
func TestAdminStaffForbidden(t *testing.T) {
	e := newEnv(t)
	admin := e.staff(domain.RoleAdmin, "admin")
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	rev := e.reviewer(ag.ID, "rev")
	trainee := e.registered(idA, "王芳")
	target := mustUser(t, e, "rev")
	for _, c := range []*client{rev, trainee} {
		for _, p := range []string{"/admin/accounts", "/admin/accounts/new", "/admin/accounts/" + target.ID} {
			must(t, c.get(p), 403, "您没有权限访问这个页面")
		}
		for _, p := range []string{"/admin/accounts", "/admin/accounts/" + target.ID + "/disable", "/admin/accounts/" + target.ID + "/move",
			"/admin/accounts/" + target.ID + "/resend", "/admin/accounts/" + target.ID + "/enable", "/admin/accounts/" + target.ID + "/role"} {
			must(t, c.post(p, staffValues("admin", "sneaky", "王管理", "x@example.com", ag.ID)), 403)
		}
	}
	guest := e.client()
	guest.get("/login")
	if r := guest.get("/admin/accounts"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("guest: %d %s", r.status, r.header.Get("Location"))
	}
	if got := mustUser(t, e, "rev"); got.Disabled {
		t.Error("a refused request disabled the account")
	}
	if _, err := e.st.UserByLogin("sneaky", false); domain.CodeOf(err) != domain.CodeNotFound {
		t.Error("a refused request created an account")
	}
	must(t, admin.get("/admin/accounts/"+mustTrainee(t, e, idA).ID), 404)
}

// TestAdminStaffRoleChange: a reviewer made an admin is signed out at once and signs in
// as an admin; a demotion without an agency is refused with the form; an admin may demote
// themselves while another admin remains (and is signed out), but the last active admin
// cannot be demoted.
func TestAdminStaffRoleChange(t *testing.T) {
	e := newEnv(t)
	admin := e.staff(domain.RoleAdmin, "admin")
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	admin.get("/admin/accounts/new")
	must(t, admin.post("/admin/accounts", staffValues("reviewer", "zz-li", "李审核", "li@example.com", ag.ID)), 303)
	li := mustUser(t, e, "zz-li")
	activateWith(t, e, activationPath(t, e, "li@example.com"), "reviewer pass 1")
	rev := e.client()
	must(t, rev.login("zz-li", "reviewer pass 1"), 303)
	must(t, rev.get("/admin/accounts"), 403)

	must(t, admin.get("/admin/accounts/"+li.ID), 200, `data-testid="account-role"`, `<option value="admin" selected>`)
	must(t, admin.post("/admin/accounts/"+li.ID+"/role", url.Values{"role": {"admin"}}), 303)
	must(t, admin.get("/admin/accounts/"+li.ID), 200, "已将账号“zz-li”改为管理员")
	if r := rev.get("/review"); r.status != 303 || r.header.Get("Location") != "/login" {
		t.Fatalf("the session survived a role change: %d", r.status)
	}
	li2 := e.client()
	must(t, li2.login("zz-li", "reviewer pass 1"), 303)
	must(t, li2.get("/admin/accounts"), 200)
	if got := mustUser(t, e, "zz-li"); got.Role != domain.RoleAdmin || got.AgencyID != "" {
		t.Fatalf("after promotion: %+v", got)
	}

	me := mustUser(t, e, "admin")
	must(t, admin.post("/admin/accounts/"+me.ID+"/role", url.Values{"role": {"reviewer"}}), 422, `data-testid="err-role_agency"`, "请选择他所属的培训机构")
	r := admin.post("/admin/accounts/"+me.ID+"/role", url.Values{"role": {"reviewer"}, "role_agency": {ag.ID}})
	if r.status != 303 || r.header.Get("Location") != "/login" {
		t.Fatalf("self-demotion: %d %q", r.status, r.header.Get("Location"))
	}
	li2.get("/admin/accounts/" + li.ID)
	must(t, li2.post("/admin/accounts/"+li.ID+"/role", url.Values{"role": {"reviewer"}, "role_agency": {ag.ID}}), 409, "不能把最后一个正常使用的管理员改为审核员")
	must(t, li2.get("/admin/audit?action=account.role"), 200, "修改账号类型", "账号类型：培训机构审核员 → 管理员", "账号类型：管理员 → 培训机构审核员")
}

// TestAdminStaffEndsOpenStreams: a reviewer's open live-queue stream ends within a
// heartbeat when the account is disabled, and when the reviewer is moved to another
// agency (it would otherwise ring for the old agency's queue).
func TestAdminStaffEndsOpenStreams(t *testing.T) {
	e, base := servedEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	admin := mustStaffUser(t, e)
	for i, change := range []func(id string) error{
		func(id string) error { _, err := e.st.SetStaffDisabled(admin, id, true, e.clock.Now()); return err },
		func(id string) error { _, err := e.st.MoveReviewer(admin, id, agB.ID, e.clock.Now()); return err },
	} {
		name := []string{"rev-disabled", "rev-moved"}[i]
		rev := e.reviewer(agA.ID, name)
		res := openStream(t, base, rev)
		if res.StatusCode != 200 {
			t.Fatalf("stream: %d", res.StatusCode)
		}
		first, _ := bufio.NewReader(res.Body).ReadString('\n')
		if !strings.HasPrefix(first, "retry:") {
			t.Fatalf("stream head: %q", first)
		}
		if err := change(mustUser(t, e, name).ID); err != nil {
			t.Fatal(err)
		}
		ended := make(chan error, 1)
		go func() { _, err := io.Copy(io.Discard, res.Body); ended <- err }()
		select {
		case <-ended:
		case <-time.After(5 * time.Second): // heartbeats are 200 ms here
			t.Fatal("the stream outlived the change")
		}
		res.Body.Close()
	}
}

// mustStaffUser is an admin account to act as in store calls.
func mustStaffUser(t *testing.T, e *env) domain.User {
	t.Helper()
	u, err := e.st.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: "boss", Name: "省厅管理员", PasswordHash: "h"}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return u
}
