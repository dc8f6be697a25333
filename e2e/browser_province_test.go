package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserProvinceFromAnEmptyDataDirectory is issue 12's journey: a province starts on
// an EMPTY data directory with only `create-admin`. The admin (desktop width) creates an
// agency and its reviewer; the reviewer activates the account from the e-mail delivered to
// a real SMTP peer and logs in (phone width); the admin imports a legacy certificate; a
// trainee registers (phone width), finds the imported certificate in 证书信息 and enrols in
// 继续教育 at the new agency; the reviewer confirms the enrolment.
func TestBrowserProvinceFromAnEmptyDataDirectory(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	const adminPass = "province admin passphrase"
	if out, err := runCLI(t, adminPass+"\n", "create-admin", "-data", data, "-username", "shengting", "-name", "省厅管理员"); err != nil {
		t.Fatalf("create-admin: %v %s", err, out)
	}
	mail := startSMTPPeer(t)
	srv := startServer(t, serverOpts{Data: data, Env: []string{"SITEPRO_SMTP_URL=" + mail.URL(), "SITEPRO_SMTP_FROM=noreply@sitepro.test"}})

	const (
		agencyName   = "郑州市建设职业技能培训学校"
		creditCode   = "91410100MA3X00001B"
		reviewer     = "zz-wangli"
		reviewerMail = "wangli@example.com"
		reviewerPass = "reviewer own passphrase"
		certNumber   = "豫建安C(2019)0012345"
	)
	holder := trainee{ID: makeID(time.Date(1986, 4, 12, 0, 0, 0, 0, time.UTC), 137), Name: "赵建华", Mobile: "13912345678",
		Email: "zhaojh@example.com", Password: "trainee passphrase 1"}

	// ---- The admin, on a desktop, sets the province up. ----
	adm := newBrowser(t, false)
	adm.do("desktop width", chromedp.EmulateViewport(1280, 800))
	adm.login(srv, "shengting", adminPass)
	adm.step("open 管理员工作台", tid("admin-counts"), chromedp.Click(tid("tile-admin")))
	adm.wantPath("/admin")
	adm.shot("admin-home-empty", true)
	adm.step("open 培训机构管理", tid("agency-new"), chromedp.Click(tid("admin-link-agencies")))
	adm.step("新增培训机构", tid("agency-form"), chromedp.Click(tid("agency-new")))
	adm.do("fill the agency",
		typeInto("name", agencyName),
		chromedp.SetValue(formField("city"), "410100"),
		typeInto("address", "郑州市金水区文化路 88 号"),
		typeInto("phone", "0371-65550188"),
		typeInto("credit_code", creditCode),
		typeInto("contact", "李老师"),
	)
	adm.shot("agency-form", true)
	adm.step("save the agency", tid("agency-row"), chromedp.Click(tid("agency-save")))
	adm.wantFlash("已新增培训机构")
	if list := adm.text(tid("agency-row")); !strings.Contains(list, agencyName) || !strings.Contains(list, "在用") {
		t.Fatalf("the agency list row = %q, want %s 在用", list, agencyName)
	}

	adm.step("open 账号管理", tid("account-new"), chromedp.Navigate(srv.URL+"/admin"), chromedp.WaitVisible(tid("admin-link-accounts")), chromedp.Click(tid("admin-link-accounts")))
	adm.step("新增账号", tid("account-form"), chromedp.Click(tid("account-new")))
	agencyID := evalJS[string](adm, `([...document.getElementById("f-agency").options].find(o => o.text.includes(`+jsString(agencyName)+`)) || {value: ""}).value`)
	if agencyID == "" {
		t.Fatalf("the account form does not offer %s", agencyName)
	}
	adm.do("fill the reviewer",
		chromedp.SetValue(formField("role"), "reviewer"),
		chromedp.SetValue(formField("agency"), agencyID),
		typeInto("username", reviewer),
		typeInto("name", "王丽"),
		typeInto("email", reviewerMail),
	)
	adm.step("create the reviewer", tid("account-facts"), chromedp.Click(tid("account-save")))
	if state := adm.text(tid("account-state")); !strings.Contains(state, "待激活") {
		t.Errorf("the new account's state = %q, want 待激活", state)
	}
	adm.shot("account-created", true)

	// ---- The reviewer activates the account from the mail and logs in, on a phone. ----
	m := nextMailWithSubject(t, mail, reviewerMail, "激活您的工作人员账号", 30*time.Second)
	link := m.Link()
	if !strings.HasPrefix(link, srv.URL+"/activate/") || !strings.Contains(m.Body, reviewer) || !strings.Contains(m.Body, agencyName) {
		t.Fatalf("the activation mail (link %q):\n%s", link, m.Body)
	}
	rev := newBrowser(t, false)
	rev.step("open the activation link", tid("activate-submit"), chromedp.Navigate(link))
	if p := rev.path(); p != "/activate" {
		t.Errorf("after following the link the page is %q, want the token-free /activate", p)
	}
	if got := rev.text(tid("activate-username")); got != reviewer {
		t.Errorf("the activation page names %q, want %s", got, reviewer)
	}
	rev.noSideScroll("激活账号")
	rev.step("set the password", tid("login-submit"), typeInto("password", reviewerPass), typeInto("password2", reviewerPass),
		chromedp.Click(tid("activate-submit")))
	// The link a second time: a clear refusal (the provoked 422 is not a console error).
	rev.step("the link again", tid("error-page"), chromedp.Navigate(link))
	if got := rev.text(chromedp.CSS("main")); !strings.Contains(got, "登录") {
		t.Errorf("a used activation link says %q, want it to point to 登录", got)
	}
	rev.login(srv, reviewer, reviewerPass)
	if got := rev.text(tid("whoami")); got != "王丽" {
		t.Errorf("the reviewer is shown as %q, want 王丽", got)
	}

	// ---- The admin imports the province's existing certificate. ----
	csv := filepath.Join(t.TempDir(), "历史证书.csv")
	lines := "证书编号,姓名,身份证号,岗位/专业,发证单位,发证日期,有效期,培训机构,工作单位\n" +
		certNumber + "," + holder.Name + "," + holder.ID + ",101,河南省住房和城乡建设厅,2023-05-10,2029-05-09," + agencyName + ",河南省第五建筑安装工程有限公司\n"
	if err := os.WriteFile(csv, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	adm.step("open 历史证书导入", tid("legacy-form"), chromedp.Navigate(srv.URL+"/admin"), chromedp.WaitVisible(tid("admin-link-import")), chromedp.Click(tid("admin-link-import")))
	adm.step("upload the file", tid("legacy-state"), chromedp.SetUploadFiles(tid("legacy-file"), []string{csv}), chromedp.Click(tid("legacy-submit")))
	job := adm.path()
	for deadline := time.Now().Add(30 * time.Second); !evalJS[bool](adm, `document.querySelector('[data-testid="legacy-ok"]') !== null`); {
		if evalJS[bool](adm, `document.querySelector('[data-testid="legacy-errors"]') !== null`) || time.Now().After(deadline) {
			t.Fatalf("the import did not finish with 导入成功:\n%s", adm.where())
		}
		adm.step("look at the import again", tid("legacy-state"), chromedp.Navigate(srv.URL+job))
	}
	if got := adm.text(tid("legacy-added")); got != "1" {
		t.Errorf("certificates added = %q, want 1", got)
	}
	adm.shot("legacy-done", true)

	// ---- A trainee registers and finds the certificate, then enrols. ----
	tr := newBrowser(t, false)
	dlg := tr.acceptDialogs()
	tr.registerTrainee(srv, holder)
	tr.step("open 证书信息", tid("cert-card"), chromedp.Navigate(srv.URL+"/certificates"))
	if card := tr.text(tid("cert-card")); !strings.Contains(card, certNumber) || !strings.Contains(card, "有效") {
		t.Fatalf("证书信息 shows %q, want the imported %s, 有效", card, certNumber)
	}
	tr.noSideScroll("证书信息")
	tr.shot("certificates", true)

	tr.step("open 继续教育", tid("ce-new"), chromedp.Navigate(srv.URL+"/ce"))
	tr.step("培训报名", fresh("step-indicator"), chromedp.Click(tid("ce-new")))
	tr.ceWantStep(1)
	path := tr.path()
	id := strings.TrimSuffix(strings.TrimPrefix(path, "/ce/"), "/cert")
	tr.step("step 1 证书编号", fresh("step-indicator"), typeInto("cert", certNumber), chromedp.Click(tid("step-submit")))
	tr.ceWantStep(2)
	tr.step("step 2 岗位和专业", fresh("step-indicator"), chromedp.Click(labelFor("f-confirm-box")), chromedp.Click(tid("step-submit")))
	tr.ceWantStep(3)
	tr.do("choose 郑州市", chromedp.SetValue(formField("city"), "410100"))
	tr.step("显示该市的培训机构", fresh("step-indicator"), chromedp.Click(tid("city-show")))
	agencies := evalJS[[]string](tr, `[...document.querySelectorAll('#f-agency label')].map(l => l.textContent.trim())`)
	if len(agencies) != 1 || !strings.Contains(agencies[0], agencyName) {
		t.Fatalf("agencies offered for 郑州市 = %q, want only the new %s", agencies, agencyName)
	}
	tr.step("step 3 培训机构", fresh("step-indicator"), chromedp.Click(labelFor("f-agency-0")), chromedp.Click(tid("step-submit")))
	tr.ceWantStep(4)
	tr.do("fill the résumé",
		chromedp.SetValue(byName("resume.0.from"), "2010-07"),
		chromedp.SendKeys(byName("resume.0.employer"), "河南省第五建筑安装工程有限公司"),
		chromedp.SendKeys(byName("resume.0.role"), "施工员"),
	)
	tr.step("step 4 工作简历", fresh("check-list"), chromedp.Click(tid("step-submit")))
	tr.wantPath("/ce/" + id + "/check")
	tr.do("tick the confirmation", chromedp.Click(labelFor("f-confirm")))
	tr.step("确认报名", fresh("ce-submitted"), chromedp.Click(tid("ce-submit")))
	if len(dlg.messages()) != 1 {
		t.Errorf("confirmation dialogs = %q, want one", dlg.messages())
	}
	number := tr.text(tid("done-number"))
	tr.shot("ce-done", true)

	// ---- The admin sees it waiting, and finds the trainee by the full ID number. ----
	adm.step("back to 管理员工作台", tid("admin-counts"), chromedp.Navigate(srv.URL+"/admin"))
	if rows := adm.text(tid("waiting-row")); !strings.Contains(rows, number) || !strings.Contains(rows, agencyName) {
		t.Errorf("the longest-waiting list = %q, want %s at %s", rows, number, agencyName)
	}
	adm.step("跨机构查询 by ID number", tid("search-row"), typeInto("q", holder.ID),
		chromedp.Click(chromedp.CSS(`[data-testid="admin-home-search"] button[type="submit"]`)))
	found := adm.text(chromedp.CSS("main"))
	if !strings.Contains(found, holder.Name) || !strings.Contains(found, certNumber) || strings.Contains(found, holder.ID) {
		t.Errorf("the search by ID number should list %s and %s with the ID number masked:\n%s", holder.Name, certNumber, lastChars(found, 1500))
	}
	if strings.Contains(adm.path(), holder.ID[6:14]) {
		t.Errorf("the ID number reached the URL: %s", adm.path())
	}
	adm.shot("admin-search", true)

	// ---- The reviewer confirms it. ----
	rev.step("open the 继续教育 queue", fresh("ce-tab-queue"), chromedp.Navigate(srv.URL+"/review/ce"))
	if h := rev.text(chromedp.CSS("main h1")); !strings.Contains(h, agencyName) {
		t.Errorf("the reviewer's queue heading = %q, want it to name %s", h, agencyName)
	}
	rev.waitFor("the enrolment in the queue", ceQueueHas(number), stepTimeout)
	rev.step("open the enrolment", fresh("ce-decide"), chromedp.Click(chromedp.CSS(`[data-testid="ce-queue-row"] a[href="/review/ce/`+id+`"]`)))
	if facts := rev.text(chromedp.CSS("main")); !strings.Contains(facts, holder.Name) || !strings.Contains(facts, certNumber) || strings.Contains(facts, holder.ID) {
		t.Errorf("the review page should show the name and the certificate and only a masked ID number:\n%s", lastChars(facts, 1500))
	}
	rev.step("确认", fresh("live"), chromedp.Click(tid("ce-confirm")))
	rev.wantFlash("确认继续教育报名")
	tr.step("reload 报名记录", fresh("ce-card"), chromedp.Navigate(srv.URL+"/ce"))
	if got := tr.ceCardStatus(number); got != "已确认" {
		t.Errorf("status of %s after the reviewer's confirmation = %q, want 已确认", number, got)
	}
	nextMailWithSubject(t, mail, holder.Email, "继续教育报名审核结果：已确认", 15*time.Second)
	for _, b := range []*browser{adm, rev, tr} {
		if errs := withoutProvoked422(b.consoleErrors(), srv.URL+"/activate"); len(errs) > 0 {
			t.Errorf("console errors: %q", errs)
		}
	}
	checkLogs(t, srv, holder.ID, adminPass, reviewerPass, holder.Password)
}
