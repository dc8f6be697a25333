package e2e

// The browser journey of issue 13 (考试 → 成绩 → 证书) against the real server binary in
// demo mode, a real SMTP peer and Chromium: staff on a desktop (1280×800), the trainee on
// a phone (360×740). The demo's 李秀英 has a confirmed 资料员 application (post 114) and a
// photo waiting for confirmation; the reviewer confirms the photo, the admin creates a
// session, assigns, arranges and publishes it, the trainee opens her application from
// the link of the 考试安排 mail and prints the 准考证 from it, the reviewer checks her in by typing the ticket number, the
// admin imports the scores from a CSV file, confirms the results, issues the certificate,
// the trainee sees it in 证书信息 and on its verification (QR) page, and the admin revokes
// it, after which the verification page says 撤销.
//
// Dates: a session's assignment cut-off must be before its first exam day, and candidates
// can only be assigned up to the cut-off, while check-in is only open on the exam day. So
// the admin creates the session for tomorrow with today as the cut-off, assigns, and then
// moves the exam to today (cut-off yesterday) before arranging — an edit the 修改考试批次
// form allows before publishing. 专业基础知识 runs today 00:00–23:59 and 专业管理实务
// tomorrow (Beijing time), so check-in is open whenever the test runs before 23:59.

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sitepro/testkit/smtppeer"
)

// examTrainee is the demo's 李秀英: a confirmed application for post 114, photo 待确认.
const (
	examTraineeID   = "410305198511120049"
	examTraineeName = "李秀英"
	examTraineeMail = "demo1@example.com"
)

var ticketLink = regexp.MustCompile(`/apply/([^/\s]+)/print/ticket`)

// setField sets a form field's value as a date or time picker would.
func setField(name, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.getElementById(` + jsString("f-"+name) + `).value = ` + jsString(v))
}

// writeScoreCSV writes a score import in the template's five columns.
func writeScoreCSV(t *testing.T, rows [][]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scores.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"准考证号", "姓名", "专业基础知识", "专业管理实务", "缺考"})
	w.WriteAll(rows)
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		t.Fatal(err)
	}
	return path
}

// nextMailPrefixed returns the next message to `to` whose subject starts with prefix,
// skipping others.
func nextMailPrefixed(t *testing.T, p *smtppeer.Peer, to, prefix string, limit time.Duration) *smtppeer.Message {
	t.Helper()
	deadline := time.Now().Add(limit)
	var skipped []string
	for {
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("no mail %q… to %s within %v (skipped %q)", prefix, to, limit, skipped)
		}
		if m := p.Next(t, to, left); strings.HasPrefix(m.Subject, prefix) {
			return m
		} else {
			skipped = append(skipped, m.Subject)
		}
	}
}

// bodyText is the visible text of <main>.
func (b *browser) bodyText() string {
	b.t.Helper()
	return evalJS[string](b, `(document.querySelector("main") || document.body).innerText`)
}

func (b *browser) wantText(what, want string) {
	b.t.Helper()
	if got := b.bodyText(); !strings.Contains(got, want) {
		b.t.Errorf("%s: the page does not say %q\n%s", what, want, b.where())
	}
}

// clickIn clicks the element sel inside the first element matching rows whose text has who.
func clickIn(rows, who, sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(` + jsString(rows) + `)].find(r => r.textContent.includes(` + jsString(who) + `)).querySelector(` + jsString(sel) + `).click()`)
}

// TestBrowserExamToCertificate is issue 13's journey from a confirmed application to a
// revoked certificate.
func TestBrowserExamToCertificate(t *testing.T) {
	began := time.Now()
	mail := startSMTPPeer(t)
	srv := startServer(t, serverOpts{Env: []string{"SITEPRO_DEMO=1", "SITEPRO_SMTP_URL=" + mail.URL(), "SITEPRO_SMTP_FROM=noreply@sitepro.test"}})
	bj := time.Now().In(time.FixedZone("CST", 8*3600))
	if bj.Hour() == 23 && bj.Minute() >= 59 {
		t.Fatalf("it is %s in Beijing: check-in for today's 专业基础知识 (until 23:59) cannot be tested now; run again after midnight", bj.Format("15:04"))
	}
	today, tomorrow, yesterday := bj.Format("2006-01-02"), bj.AddDate(0, 0, 1).Format("2006-01-02"), bj.AddDate(0, 0, -1).Format("2006-01-02")

	// ---- The reviewer (desktop) confirms 李秀英's photo: the ticket carries it. ----
	rev := newBrowser(t, false)
	rev.do("desktop", chromedp.EmulateViewport(1280, 800))
	rev.login(srv, "zz-reviewer", "Demo-review-2026")
	rev.step("open 照片确认", tid("tab-photos"), chromedp.Navigate(srv.URL+"/review/photos"))
	rev.waitFor("the photo rows load", `[...document.querySelectorAll('[data-testid="photo-row"]')].some(r => r.textContent.includes(`+jsString(examTraineeName)+`))`, stepTimeout)
	rev.step("confirm 李秀英's photo", fresh("flash"), clickIn(`[data-testid="photo-row"]`, examTraineeName, `[data-testid="photo-confirm"]`))
	rev.wantFlash("照片已确认")

	// ---- The admin (desktop) creates the session, assigns, arranges and publishes. ----
	adm := newBrowser(t, false)
	adm.do("desktop", chromedp.EmulateViewport(1280, 800))
	admDlg := adm.acceptDialogs()
	adm.login(srv, "admin", "Demo-admin-2026")
	adm.step("open 考试管理", tid("exam-new"), chromedp.Click(tid("tile-exams")))
	adm.step("新建考试批次", tid("exam-form"), chromedp.Click(tid("exam-new")))
	adm.do("fill the session",
		typeInto("name", "e2e资料员考试"),
		chromedp.Click(chromedp.CSS(`#posts-114`)),
		setField("basic_date", tomorrow), setField("basic_start", "09:00"), setField("basic_end", "11:00"),
		setField("practice_date", tomorrow), setField("practice_start", "14:00"), setField("practice_end", "16:30"),
		setField("cutoff", today),
		chromedp.SendKeys(byName("venue.0.name"), "郑州考点"), chromedp.SendKeys(byName("venue.0.address"), "郑州市金水区纬五路12号"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-venue.0.rooms").value = "第1考场 30"`),
	)
	adm.step("save the session", tid("exam-steps"), chromedp.Click(tid("exam-save")))
	sid := strings.TrimPrefix(adm.path(), "/admin/exams/")
	if strings.Contains(sid, "/") || sid == "" {
		t.Fatalf("after saving, the admin is at %q, want /admin/exams/<id>", adm.path())
	}
	if got := adm.text(tid("exam-state")); got != "编排中" {
		t.Errorf("new session state = %q, want 编排中", got)
	}
	adm.step("安排考生", tid("exam-preview-count"), chromedp.Click(tid("exam-assign")))
	if got := adm.text(tid("exam-preview-count")); got != "1" {
		t.Errorf("assign preview counts %q candidates, want 1 (李秀英's confirmed 资料员 application)", got)
	}
	adm.shot("exam-assign", true)
	adm.step("加入考生", tid("exam-steps"), chromedp.Click(tid("exam-assign-confirm")))
	if got := adm.text(tid("exam-counts")); !strings.HasPrefix(got, "1 人") {
		t.Errorf("session counts = %q, want 1 candidate", got)
	}

	adm.step("修改考试批次", tid("exam-form"), chromedp.Click(tid("exam-edit")))
	adm.do("move the exam to today",
		setField("basic_date", today), setField("basic_start", "00:00"), setField("basic_end", "23:59"),
		setField("practice_date", tomorrow), setField("practice_start", "09:00"), setField("practice_end", "11:00"),
		setField("cutoff", yesterday))
	adm.step("save the change", tid("exam-steps"), chromedp.Click(tid("exam-save")))
	adm.step("考场编排", tid("exam-publish"), chromedp.Click(tid("exam-arrange")))
	ticket := adm.text(tid("exam-ticket"))
	if !regexp.MustCompile(`^\d{8,}$`).MatchString(ticket) {
		t.Errorf("the arranged candidate's ticket number is %q, want digits", ticket)
	}
	adm.shot("exam-arranged", true)
	adm.step("发布考试安排", tid("exam-scores-link"), chromedp.Click(tid("exam-publish")))
	if got := adm.text(tid("exam-state")); got != "已发布" {
		t.Errorf("published session state = %q, want 已发布", got)
	}

	// The trainee gets the 考试安排 mail with the link of the 准考证.
	m := nextMailPrefixed(t, mail, examTraineeMail, "考试安排：", 20*time.Second)
	appNumber := strings.TrimPrefix(m.Subject, "考试安排：")
	sm := ticketLink.FindStringSubmatch(m.Body)
	if sm == nil {
		t.Fatalf("the 考试安排 mail has no 准考证 link:\n%s", m.Body)
	}
	appID := sm[1]
	for _, want := range []string{ticket, "郑州考点", "专业基础知识"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("the 考试安排 mail does not say %q:\n%s", want, m.Body)
		}
	}

	// ---- The trainee (phone) sees 已安排考试 and prints the 准考证. ----
	tr := newBrowser(t, false)
	tr.login(srv, examTraineeID, "Demo-trainee-2026")
	tr.step("open the application", chromedp.CSS("main h1"), chromedp.Navigate(srv.URL+"/apply/"+appID))
	tr.wantText("the application", "已安排考试")
	tr.noSideScroll("the application page")
	tr.shot("application-scheduled", true)
	tr.step("打印准考证", tid("ticket-number"), chromedp.Click(chromedp.CSS(`main a[href$="/print/ticket"]`)))
	tr.wantPath("/apply/" + appID + "/print/ticket")
	if got := tr.text(tid("ticket-number")); !strings.Contains(got, ticket) {
		t.Errorf("准考证 shows ticket %q, want %s", got, ticket)
	}
	tr.wantText("the 准考证", examTraineeName)
	tr.wantText("the 准考证", "郑州考点")
	if strings.Contains(tr.bodyText(), examTraineeID) {
		t.Errorf("the 准考证 shows the whole ID number; it must be masked")
	}
	tr.waitFor("the photo on the 准考证 loads", `(i => i && i.complete && i.naturalWidth > 0)(document.querySelector('[data-testid="photo-box"] img'))`, stepTimeout)
	tr.noSideScroll("准考证")
	tr.shot("ticket", true)

	// ---- The reviewer checks her in as invigilator by typing the ticket number. ----
	rev.step("open 考场签到", tid("ticket-form"), chromedp.Navigate(srv.URL+"/exam-day/"+sid))
	rev.step("查找考生", tid("checkin-candidate"), typeInto("ticket", ticket), chromedp.Click(tid("ticket-lookup")))
	if got := rev.text(tid("checkin-name")); got != examTraineeName {
		t.Errorf("check-in shows %q, want %s", got, examTraineeName)
	}
	const basicButton = `[...document.querySelectorAll('[data-testid="checkin-submit"]')].find(b => b.textContent.trim() === "签到：专业基础知识")`
	rev.step("签到：专业基础知识", tid("checkin-done"), chromedp.Evaluate[chromedp.Void](basicButton+`.click()`))
	states := func() []string {
		return evalJS[[]string](rev, `[...document.querySelectorAll('[data-testid="checkin-state"]')].map(d => d.textContent.trim())`)
	}
	if got := states(); len(got) != 2 || !strings.HasPrefix(got[0], "已签到") || !strings.HasPrefix(got[1], "未签到") {
		t.Errorf("after check-in the subjects' states are %q, want 已签到 for 专业基础知识 and 未签到 for 专业管理实务", got)
	}
	// Typing the ticket again shows her as checked in, without a second check-in button.
	rev.step("查找考生 again", fresh("checkin-candidate"), typeInto("ticket", ticket), chromedp.Click(tid("ticket-lookup")))
	if got := states(); len(got) == 0 || !strings.HasPrefix(got[0], "已签到") {
		t.Errorf("looked up again, the states are %q, want 已签到 first", got)
	}
	if evalJS[bool](rev, `!!(`+basicButton+`)`) {
		t.Errorf("looked up again after check-in, the page still offers 签到：专业基础知识")
	}
	rev.shot("checked-in", true)
	// The trainee's application page says it too.
	tr.step("the application after check-in", tid("exam-checkin"), chromedp.Navigate(srv.URL+"/apply/"+appID))
	if got := tr.text(tid("exam-checkin")); !strings.Contains(got, "专业基础知识：已签到") || !strings.Contains(got, "专业管理实务：未签到") {
		t.Errorf("the trainee's 考场签到 reads %q, want 专业基础知识 已签到 and 专业管理实务 未签到", got)
	}
	tr.noSideScroll("the application after check-in")

	// ---- The admin imports the scores, confirms the results and issues the certificate. ----
	importURL := srv.URL + "/admin/exams/" + sid + "/scores/import"
	adm.step("成绩导入", tid("score-import-file"), chromedp.Navigate(importURL))
	// A file with errors first: every line's error is shown and nothing is imported.
	bad := writeScoreCSV(t, [][]string{{ticket, examTraineeName, "78.55", "66", ""}, {"2026410100039999", "王五", "70", "70", ""}})
	adm.step("import a file with errors", tid("score-import-errors"),
		chromedp.SetUploadFiles(tid("score-import-file"), []string{bad}), chromedp.Click(tid("score-import-submit")))
	lines := evalJS[[]string](adm, `[...document.querySelectorAll('[data-testid="score-import-line"]')].map(r => r.textContent.trim())`)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "第 2 行") || !strings.Contains(lines[0], "一位小数") || !strings.HasPrefix(lines[1], "第 3 行") {
		t.Errorf("the import report lists %q, want line 2 (78.55: one decimal at most) and line 3 (unknown ticket)", lines)
	}
	adm.wantText("the import report", "没有导入任何成绩")
	adm.shot("scores-import-errors", true)
	scores := writeScoreCSV(t, [][]string{{ticket, examTraineeName, "78.5", "66", ""}})
	adm.step("import the scores", tid("score-import-ok"),
		chromedp.SetUploadFiles(tid("score-import-file"), []string{scores}), chromedp.Click(tid("score-import-submit")))
	adm.shot("scores-imported", true)
	adm.step("成绩确认", tid("results-confirm-button"), chromedp.Navigate(srv.URL+"/admin/exams/"+sid+"/results"))
	adm.step("确认本批次成绩", fresh("flash"), chromedp.Click(tid("results-confirm-button")))
	adm.wantFlash("成绩已确认")
	if got := adm.text(tid("exam-state")); got != "已结束" {
		t.Errorf("after confirming results the session is %q, want 已结束", got)
	}
	adm.shot("results-confirmed", true)

	tr.step("the application after the results", chromedp.CSS("main h1"), chromedp.Navigate(srv.URL+"/apply/"+appID))
	tr.wantText("the application", "考试合格")
	tr.wantText("the application", "78.5")
	tr.noSideScroll("the application page with the result")
	if m := nextMailWithSubject(t, mail, examTraineeMail, "考试成绩："+appNumber, 20*time.Second); !strings.Contains(m.Body, "78.5") || !strings.Contains(m.Body, "合格") {
		t.Errorf("the 考试成绩 mail does not give the score 78.5 and 合格:\n%s", m.Body)
	}
	adm.step("证书发放", tid("issue-table"), chromedp.Navigate(srv.URL+"/admin/certificates/issue?exam="+sid))
	adm.step("发证", fresh("flash"), clickIn(`[data-testid="issue-row"]`, examTraineeName, `[data-testid="issue-one"]`))
	flash := adm.text(tid("flash"))
	number := regexp.MustCompile(`41\d{4}114\d{6}`).FindString(flash)
	if number == "" {
		t.Fatalf("after 发证 the flash says %q, want the new certificate number (41 + year + 114 + 6 digits)", flash)
	}
	if n := evalJS[int](adm, `document.querySelectorAll('[data-testid="issue-row"]').length`); n != 0 {
		t.Errorf("the session's 证书发放 list still has %d rows after issuing", n)
	}
	nextMailWithSubject(t, mail, examTraineeMail, "证书已发放："+number, 20*time.Second)
	adm.step("证书管理", tid("lookup-submit"), chromedp.Navigate(srv.URL+"/admin/certificates"))
	adm.step("find the certificate", tid("cert-withdraw"), typeInto("number", number), chromedp.Click(tid("lookup-submit")))
	certPath := adm.path()
	adm.wantText("the certificate", examTraineeName)
	adm.shot("cert-issued", true)

	// ---- The trainee sees it in 证书信息 and on its QR page. ----
	tr.step("the application after issuing", chromedp.CSS("main h1"), chromedp.Navigate(srv.URL+"/apply/"+appID))
	tr.wantText("the application", "已发证")
	tr.step("home", tid("tile-certificates"), chromedp.Navigate(srv.URL+"/"))
	tr.step("证书信息", tid("cert-card"), chromedp.Click(tid("tile-certificates")))
	tr.noSideScroll("证书信息")
	card := `[...document.querySelectorAll('[data-testid="cert-card"]')].find(c => c.textContent.includes(` + jsString(number) + `))`
	if !evalJS[bool](tr, `!!(`+card+`)`) {
		t.Fatalf("证书信息 has no card of certificate %s\n%s", number, tr.where())
	}
	tr.shot("certificates", true)
	tr.step("查看详情和查验二维码", tid("cert-qr"), chromedp.Evaluate[chromedp.Void](`(`+card+`).querySelector('[data-testid="cert-open"]').click()`))
	tr.noSideScroll("the certificate page")
	verify := evalJS[string](tr, `document.querySelector('[data-testid="verify-link"]').href`)
	tr.shot("certificate-qr", true)
	tr.step("open the verification page", tid("verify-result"), chromedp.Navigate(verify))
	if got := tr.text(tid("cert-status")); got != "有效" {
		t.Errorf("verification page status = %q, want 有效", got)
	}
	if got := tr.text(tid("cert-number")); got != number {
		t.Errorf("verification page number = %q, want %s", got, number)
	}
	if strings.Contains(tr.bodyText(), examTraineeID) {
		t.Errorf("the public verification page shows the whole ID number")
	}
	tr.noSideScroll("the verification page")

	// ---- The admin revokes it; the verification page says 撤销. ----
	adm.step("back to the certificate", tid("cert-withdraw"), chromedp.Navigate(srv.URL+certPath))
	adm.do("choose 撤销", chromedp.SetValue(formField("kind"), "revoke"), chromedp.SendKeys(formField("reason"), "个人承诺不实，经核查以欺骗手段取得。"))
	adm.step("确认操作", tid("cert-withdrawn"), chromedp.Click(tid("withdraw-submit")))
	adm.shot("cert-revoked", true)
	if m := nextMailPrefixed(t, mail, examTraineeMail, "证书已", 20*time.Second); !strings.Contains(m.Subject, "撤销") || !strings.Contains(m.Body, "个人承诺不实") {
		t.Errorf("the holder's mail after revoking is %q, want 撤销 with the reason:\n%s", m.Subject, m.Body)
	}
	tr.step("reload the verification page", tid("verify-result"), chromedp.Navigate(verify))
	if got := tr.text(tid("cert-status")); !strings.Contains(got, "撤销") {
		t.Errorf("after revoking, the verification page status = %q, want 撤销", got)
	}
	tr.shot("verify-revoked", true)
	tr.step("证书信息 after revoking", tid("cert-card"), chromedp.Navigate(srv.URL+"/certificates"))
	if got := evalJS[string](tr, `(`+card+`).querySelector('[data-testid="cert-status"]').textContent.trim()`); !strings.Contains(got, "撤销") {
		t.Errorf("证书信息 shows the revoked certificate as %q, want 撤销", got)
	}
	tr.noSideScroll("证书信息 after revoking")

	if d := admDlg.messages(); len(d) > 0 {
		t.Logf("confirm dialogs the admin accepted: %q", d)
	}
	for _, bb := range []*browser{rev, adm, tr} {
		if errs := withoutProvoked422(bb.consoleErrors(), importURL); len(errs) > 0 {
			t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
		}
	}
	checkLogs(t, srv, mail.Pass)
	t.Logf("journey took %v, of which the accessibility gate %v", time.Since(began).Round(time.Millisecond), gateTimeSince(began).Round(time.Millisecond))
}
