package handlers

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
)

func ceSettingsForm(rev string, hours string) url.Values {
	return url.Values{"rev": {rev}, "hours_per_year": {hours}, "professional_min": {"22"}, "two_year_min": {"64"},
		"max_record_hours": {"8"}, "min_age": {"18"}, "max_age": {"65"}, "assess_from": {"2026-01-01"}}
}

// TestAdminSettings: the admin opens 目录与规则设置 from the home page and changes every
// group: invalid values come back with a message on each field and what was typed, a
// save from a stale page is refused with who changed it, each save shows in the
// section's history and in the audit log. Reviewers and trainees are refused.
func TestAdminSettings(t *testing.T) {
	e := newEnv(t)
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/"), 200, `href="/admin/settings"`, "目录与规则设置")
	must(t, admin.get("/admin/settings"), 200, `id="ce"`, `id="exam"`, `id="cert"`, `id="notice"`, `id="pledge"`, `id="posts"`,
		`name="hours_per_year" type="text" value="32"`, `value="2026-01-01"`, `value="河南省住房和城乡建设厅"`, `name="number_prefix" type="text" value="41"`,
		"当前版本：<strong>2026-11b</strong>", "网上报名即表示选择告知承诺制。", "本人取得证书后不出借、不出租、不挂证。",
		`data-testid="post-110"`, "仅导入历史证书", `data-testid="disable-111"`, "尚未修改过")

	// Continuing-education rules.
	bad := ceSettingsForm("0", "abc")
	bad.Set("min_age", "60")
	bad.Set("max_age", "50")
	bad.Set("assess_from", "2026/13/01")
	must(t, admin.post("/admin/settings/ce", bad), 422, `data-testid="error-summary"`, `data-testid="err-hours_per_year"`,
		"每年学时要求请填写整数", `data-testid="err-assess_from"`, `value="abc"`, `value="2026/13/01"`)
	bad = ceSettingsForm("0", "32")
	bad.Set("min_age", "60")
	bad.Set("max_age", "50")
	must(t, admin.post("/admin/settings/ce", bad), 422, `data-testid="err-age"`, "下限小于上限", `name="min_age" type="text" value="60"`)
	must(t, admin.post("/admin/settings/ce", ceSettingsForm("0", "40")), 303)
	if cs, _ := e.st.CESettings(); cs.HoursPerYear != 40 {
		t.Fatalf("stored rules %+v", cs)
	}
	e.clock.Add(time.Minute)
	// A second admin's page still shows revision 0.
	r := admin.post("/admin/settings/ce", ceSettingsForm("0", "36"))
	must(t, r, 409, "刚被工作人员（admin）于", `name="hours_per_year" type="text" value="36"`, `name="rev" value="1"`)
	if cs, _ := e.st.CESettings(); cs.HoursPerYear != 40 {
		t.Fatalf("a stale save won: %+v", cs)
	}
	must(t, admin.post("/admin/settings/ce", ceSettingsForm("1", "36")), 303)
	must(t, admin.post("/admin/settings/ce", ceSettingsForm("2", "36")), 422, "没有修改任何内容")
	page := admin.get("/admin/settings")
	must(t, page, 200, "每年学时：40 → 36", "每年学时：32 → 40", "工作人员（admin）")
	if strings.Index(page.body, "40 → 36") > strings.Index(page.body, "32 → 40") {
		t.Error("the history is not newest first")
	}

	// Exam pass marks.
	must(t, admin.post("/admin/settings/exam", url.Values{"rev": {"0"}, "pass_basic": {"0"}, "pass_practice": {""}}), 422,
		`data-testid="err-pass_basic"`, `data-testid="err-pass_practice"`, "请填写专业管理实务合格分数")
	must(t, admin.post("/admin/settings/exam", url.Values{"rev": {"0"}, "pass_basic": {"65"}, "pass_practice": {"60"}}), 303)
	if es, _, _ := e.st.ExamSettings(); es.PassBasic != 65 {
		t.Fatalf("stored marks %+v", es)
	}

	// 发证单位 and prefix.
	must(t, admin.post("/admin/settings/cert", url.Values{"rev": {"0"}, "issuer": {" "}, "number_prefix": {"4a"}}), 422,
		`data-testid="err-issuer"`, `data-testid="err-number_prefix"`, `value="4a"`)
	must(t, admin.post("/admin/settings/cert", url.Values{"rev": {"0"}, "issuer": {"河南省住房和城乡建设厅（证书中心）"}, "number_prefix": {"41"}}), 303)
	if cs, _, _ := e.st.CertSettings(); cs.Issuer != "河南省住房和城乡建设厅（证书中心）" {
		t.Fatalf("stored cert settings %+v", cs)
	}

	// Texts.
	must(t, admin.post("/admin/settings/text/notice", url.Values{"version": {domain.NoticeVersion}, "text": {" \n "}}), 422,
		`data-testid="err-text-notice"`, "请填写告知承诺制告知书的内容")
	notice := domain.DefaultText(domain.TextNotice).Body() + "\n\n报名信息将用于统计分析。"
	must(t, admin.post("/admin/settings/text/notice", url.Values{"version": {domain.NoticeVersion}, "text": {notice}}), 303)
	must(t, admin.post("/admin/settings/text/notice", url.Values{"version": {domain.NoticeVersion}, "text": {"别的内容"}}), 409,
		"刚被工作人员（admin）修改为版本 2026-11-26", "别的内容")
	must(t, admin.post("/admin/settings/text/bogus", url.Values{"text": {"x"}}), 404)
	must(t, admin.get("/admin/settings"), 200, "当前版本：<strong>2026-11-26</strong>", "报名信息将用于统计分析。", "版本 2026-11b → 2026-11-26")

	// Catalog.
	must(t, admin.post("/admin/settings/posts", url.Values{"code": {"11"}, "position": {""}}), 422,
		`data-testid="err-code"`, `data-testid="err-position"`, `value="11"`)
	must(t, admin.post("/admin/settings/posts", url.Values{"code": {"101"}, "position": {"测量员"}}), 422, "已是“施工员（土建施工）”的代码")
	must(t, admin.post("/admin/settings/posts", url.Values{"code": {"116"}, "position": {"测量员"}}), 303)
	must(t, admin.post("/admin/settings/posts/111/disable", url.Values{}), 303)
	must(t, admin.post("/admin/settings/posts/110/enable", url.Values{}), 422, "历史岗位")
	must(t, admin.post("/admin/settings/posts/999/enable", url.Values{}), 422, "岗位目录中没有这个岗位")
	must(t, admin.get("/admin/settings"), 200, `data-testid="post-116"`, "测量员", `data-testid="enable-111"`, "停止报名",
		"材料员（111）：停止新报名", "新增 测量员（116）")
	// The filters that list posts offer the added entry by its name.
	must(t, admin.get("/admin/stats"), 200, `<option value="116">测量员</option>`)
	must(t, admin.get("/admin/audit"), 200, "修改继续教育规则", "修改考试合格分数线", "修改发证单位和证书编号",
		"修改告知承诺制告知书", "新增岗位", "停止岗位报名")

	for _, c := range []*client{e.reviewer("ag-x", "rev"), e.registered(idA, "王芳")} {
		must(t, c.get("/admin/settings"), 403)
		must(t, c.post("/admin/settings/exam", url.Values{"rev": {"1"}, "pass_basic": {"1"}, "pass_practice": {"1"}}), 403)
		must(t, c.post("/admin/settings/posts/101/disable", url.Values{}), 403)
	}
	guest := e.client()
	guest.get("/login")
	if r := guest.get("/admin/settings"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("guest: %d %s", r.status, r.header.Get("Location"))
	}
	if es, _, _ := e.st.ExamSettings(); es.PassBasic != 65 {
		t.Fatalf("a refused request changed the marks: %+v", es)
	}
}

// TestSettingsReachTrainees: what the admin saves is what trainees see. The post step
// offers the enabled and added posts only; the pledge step shows the pledge in force
// while the print-out of an earlier application keeps the text its trainee signed; a
// trainee who agreed to an older notice is asked again before a new application; an
// application whose post was disabled still shows its name.
func TestSettingsReachTrainees(t *testing.T) {
	e := newEnv(t)
	c, signed, _ := printFixture(t, e, resumeStep(1, printAchieve)) // agreed 2026-11b, signed 2026-11 for 101
	admin := e.staff(domain.RoleAdmin, "admin")
	admin.get("/admin/settings") // the session (and its CSRF token) changed at sign-in

	must(t, admin.post("/admin/settings/posts", url.Values{"code": {"116"}, "position": {"测量员"}, "specialty": {"工程测量"}}), 303)
	must(t, admin.post("/admin/settings/posts/101/disable", url.Values{}), 303)
	pledge := "本人承诺所填信息真实。\n本人同意核验。"
	must(t, admin.post("/admin/settings/text/pledge", url.Values{"version": {domain.PledgeVersion}, "text": {pledge}}), 303)

	// The earlier application: its post's name and the pledge it signed.
	must(t, c.get("/apply/"+signed), 200, "施工员（土建施工）")
	r := c.get("/apply/" + signed + "/print/pledge")
	must(t, r, 200, "本人取得证书后不出借、不出租、不挂证。", domain.PledgeVersion)
	if strings.Contains(r.body, "本人同意核验。") {
		t.Error("the print-out shows a pledge the trainee did not sign")
	}

	// A new application: the notice is still the one agreed, so no re-ask yet.
	must(t, c.get("/apply"), 200, `data-testid="apply-new"`)
	r = c.post("/apply/new", url.Values{})
	must(t, r, 303)
	id := appURL.FindStringSubmatch(r.header.Get("Location"))[1]
	base := "/apply/" + id + "/"
	ag, _ := e.st.AgenciesOf("410100")
	must(t, c.post(base+"employment", url.Values{"employment": {"待业"}}), 303)
	must(t, c.post(base+"city", url.Values{"city": {"410100"}}), 303)
	must(t, c.post(base+"agency", url.Values{"agency": {ag[0].ID}, "phone": {"13912345678"}, "education": {"大学本科"}}), 303)
	step := c.get(base + "post")
	must(t, step, 200, `value="116"`, "测量员（工程测量）", `value="111"`)
	if strings.Contains(step.body, `value="101"`) || strings.Contains(step.body, `value="110"`) {
		t.Error("the post step offers a disabled post")
	}
	must(t, c.post(base+"post", url.Values{"post": {"101"}}), 422, "请选择报考的岗位")
	must(t, c.post(base+"post", url.Values{"post": {"116"}}), 303)
	must(t, c.post(base+"resume", url.Values{}), 303)
	step = c.get(base + "pledge")
	must(t, step, 200, "本人同意核验。", "承诺书版本：2026-11-26")
	must(t, c.post(base+"pledge", url.Values{"signature": {"王小芳"}, "agree": {"1"}}), 303)
	if a, _ := e.st.ApplicationOf(mustTrainee(t, e, idA).ID, id); a.PledgeVersion != "2026-11-26" || a.PostCode != "116" {
		t.Fatalf("signed %q for %q", a.PledgeVersion, a.PostCode)
	}
	for _, st := range []string{"id-front", "id-back", "diploma"} {
		must(t, c.upload(base+st, "file", "scan.jpg", colourJPEG(t, 800, 600, false)), 303)
	}
	must(t, c.get(base+"check"), 200, "测量员（工程测量）")

	// A new notice: asked again, and an agreement to the text the page showed before the
	// change is not taken.
	notice := domain.DefaultText(domain.TextNotice).Body() + "\n\n新增条款。"
	must(t, admin.post("/admin/settings/text/notice", url.Values{"version": {domain.NoticeVersion}, "text": {notice}}), 303)
	list := c.get("/apply") // the records stay in view, with the way to the new notice
	must(t, list, 200, `data-testid="notice-renew"`, `href="/apply?notice=1"`, `data-testid="app-card"`)
	if strings.Contains(list.body, `data-testid="apply-new"`) {
		t.Error("the start button is offered under an older notice")
	}
	must(t, c.get("/apply?notice=1"), 200, `data-testid="notice-renewed"`, "新增条款。", `name="version" value="2026-11-26"`)
	if r := c.post("/apply/new", url.Values{}); r.status != 303 || r.header.Get("Location") != "/apply" {
		t.Fatalf("a new application under an older notice: %d %s", r.status, r.header.Get("Location"))
	}
	must(t, c.post("/apply/agree", url.Values{"version": {domain.NoticeVersion}}), 409, `data-testid="notice-changed"`)
	if u := mustTrainee(t, e, idA); u.NoticeVersion != domain.NoticeVersion {
		t.Fatalf("agreed to %q", u.NoticeVersion)
	}
	must(t, c.post("/apply/agree", url.Values{"version": {"2026-11-26"}}), 303)
	if u := mustTrainee(t, e, idA); u.NoticeVersion != "2026-11-26" {
		t.Fatalf("agreed to %q", u.NoticeVersion)
	}
	must(t, c.get("/apply"), 200, `data-testid="apply-new"`)
}

// TestAgencyFormUsesCatalog: the agency form ticks from the catalog in force: an added
// post can be trained, a post stopped for new applications is not offered for 新取证
// (still for 继续教育 of existing certificates), and the save accepts the added post.
func TestAgencyFormUsesCatalog(t *testing.T) {
	e := newEnv(t)
	admin := e.staff(domain.RoleAdmin, "admin")
	admin.get("/admin/settings")
	must(t, admin.post("/admin/settings/posts", url.Values{"code": {"116"}, "position": {"测量员"}}), 303)
	must(t, admin.post("/admin/settings/posts/111/disable", url.Values{}), 303)
	form := admin.get("/admin/agencies/new")
	must(t, form, 200, `name="app_posts" value="116" checked`, `name="ce_posts" value="116"`, `name="ce_posts" value="111"`, "测量员")
	if strings.Contains(form.body, `name="app_posts" value="111"`) {
		t.Error("a post stopped for new applications is offered for 新取证")
	}
	v := agencyValues("洛阳建设培训中心", "91350100M000100Y43")
	v["app_posts"] = []string{"116"}
	v["ce_posts"] = []string{"116", "111"}
	must(t, admin.post("/admin/agencies", v), 303)
	ags, _ := e.st.AgenciesOf("410300")
	if len(ags) != 1 {
		t.Fatalf("agencies %+v", ags)
	}
	p, _ := e.st.AgencyProfile(ags[0].ID)
	if !p.AppPosts.Trains("116") || !p.CEPosts.Trains("111") || p.AppPosts.Trains("111") {
		t.Fatalf("stored posts %+v / %+v", p.AppPosts, p.CEPosts)
	}
	if choices, _ := e.st.AppPostChoices(ags[0].ID); len(choices) != 1 || choices[0].Code != "116" {
		t.Fatalf("step 4 offers %+v", choices)
	}
	v["app_posts"] = []string{"111"}
	must(t, admin.post("/admin/agencies", v), 422, `data-testid="err-app_posts"`)
}
