package e2e

// The browser journey of 继续教育 (issue 6) at 360×740 against the real server binary in
// demo mode, a real SMTP peer and Chromium: the demo trainee enrols their certificate
// through the four-step wizard, the reviewer of 郑州建设职业培训中心 sees the enrolment
// arrive in the open queue and confirms it, imports learning records from a CSV file (a
// file with errors first, which changes nothing), and the trainee sees the progress and
// the completed cycle. The helpers of browser_test.go, browser_flows_test.go and
// harness_test.go drive the pages.

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sitepro/demo"
)

// ceDemoIssued is the issue date of the demo certificate 412021101000123 (sitepro/demo).
var ceDemoIssued = time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC)

// ceCycle is the learning cycle of the demo certificate that runs today, computed here
// from the rule (cycle n runs from the n-th anniversary of the issue date to the day
// before the next) and not by the code under test.
type ceCycle struct {
	no         int
	start, end time.Time // inclusive calendar dates
	today      time.Time // the Beijing calendar date, as midnight UTC
}

func demoCertCycle(now time.Time) ceCycle {
	d := now.In(time.FixedZone("CST", 8*3600))
	today := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	y := today.Year()
	if today.Before(time.Date(y, ceDemoIssued.Month(), ceDemoIssued.Day(), 0, 0, 0, 0, time.UTC)) {
		y--
	}
	start := time.Date(y, ceDemoIssued.Month(), ceDemoIssued.Day(), 0, 0, 0, 0, time.UTC)
	return ceCycle{no: y - ceDemoIssued.Year(), start: start, end: start.AddDate(1, 0, -1), today: today}
}

// label is the cycle as the pages name it: 第5周期（2026年9月15日—2027年9月14日）.
func (c ceCycle) label() string {
	return fmt.Sprintf("第%d周期（%s—%s）", c.no, c.start.Format("2006年1月2日"), c.end.Format("2006年1月2日"))
}

// cePlanned is one completed course that the reviewer imports.
type cePlanned struct {
	course string
	day    time.Time
}

// ceLine is one data line of an import file.
type ceLine struct {
	cert, name, course, date string
}

// writeImportCSV writes a UTF-8 CSV file with the import header and lines, as Excel's
// "CSV UTF-8" saves it when bom is set (byte-order mark, CRLF line ends).
func writeImportCSV(t *testing.T, name string, bom bool, lines []ceLine) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if bom {
		f.WriteString("\ufeff")
	}
	w := csv.NewWriter(f)
	w.UseCRLF = bom
	w.Write([]string{"证书编号", "姓名", "课程名称", "完成日期"})
	for _, l := range lines {
		w.Write([]string{l.cert, l.name, l.course, l.date})
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return path
}

// noSideScroll asserts that the current page fits the 360 px phone width.
func (b *browser) noSideScroll(what string) {
	b.t.Helper()
	if w := evalJS[int](b, `window.innerWidth`); w != viewW {
		b.t.Errorf("%s: window.innerWidth = %d, want %d", what, w, viewW)
	}
	if sw := evalJS[int](b, `document.documentElement.scrollWidth`); sw > viewW {
		wide := evalJS[[]string](b, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > `+strconv.Itoa(viewW)+`).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " right=" + Math.round(e.getBoundingClientRect().right))`)
		b.t.Errorf("%s scrolls sideways at %d px: scrollWidth = %d; widest elements: %v", what, viewW, sw, wide)
		b.shot("too-wide", false)
	}
}

// ceWantStep asserts that the page brought in last is step n of the enrolment wizard.
func (b *browser) ceWantStep(n int) {
	b.t.Helper()
	if got, want := b.text(fresh("step-indicator")), fmt.Sprintf("第 %d 步，共 4 步", n); got != want {
		b.t.Fatalf("step indicator = %q, want %q\n%s", got, want, b.where())
	}
}

// ceCard is the JavaScript expression of the 报名记录 card with the enrolment number.
func ceCard(number string) string {
	return `[...document.querySelectorAll('[data-testid="ce-card"]')].find(c => c.querySelector('[data-testid="ce-number"]').textContent.trim() === ` + jsString(number) + `)`
}

// ceCardStatus returns the status on the card of the enrolment, or "" without a card.
func (b *browser) ceCardStatus(number string) string {
	b.t.Helper()
	return evalJS[string](b, `(c => c ? c.querySelector('[data-testid="ce-status"]').textContent.trim() : "")(`+ceCard(number)+`)`)
}

// ceQueueHas is the JavaScript condition that the open CE queue lists the number.
func ceQueueHas(number string) string {
	return `[...document.querySelectorAll('[data-testid="ce-queue-row"]')].some(r => r.textContent.includes(` + jsString(number) + `))`
}

// ceCurrentCycle is the JavaScript expression of the newest (current) cycle of the demo
// certificate on 学习记录.
const ceCurrentCycle = `[...document.querySelectorAll('[data-testid="ce-cert"]')].find(s => s.textContent.includes("412021101000123")).querySelector('[data-testid="ce-cycle"]')`

// ceTableRows returns the cell texts of the rows matching sel inside the element expr.
func ceTableRows(b *browser, expr, sel string) [][]string {
	b.t.Helper()
	return evalJS[[][]string](b, `[...(`+expr+`).querySelectorAll(`+jsString(sel)+`)].map(r => [...r.cells].map(c => c.textContent.trim()))`)
}

// withoutProvoked422 drops from the console errors the ones of the answers this journey
// provokes on purpose: a form shown again with its errors answers 422 Unprocessable
// Entity, and Chromium logs "Failed to load resource" for every 4xx response. Only 422s
// of the given addresses are dropped; anything else still counts.
func withoutProvoked422(errs []string, urls ...string) []string {
	var out []string
	for _, e := range errs {
		provoked := strings.Contains(e, "Failed to load resource: the server responded with a status of 422") &&
			slices.ContainsFunc(urls, func(u string) bool { return strings.Contains(e, "("+u+":") })
		if !provoked {
			out = append(out, e)
		}
	}
	return out
}

// TestBrowserContinuingEducation: the demo trainee enrols their certificate in the current
// cycle (a mistyped number first), the reviewer's open queue shows the enrolment without
// a reload and the reviewer confirms it, imports a CSV with errors (nothing recorded,
// every line's error shown) and then a valid one that completes the cycle; the trainee
// sees 待确认, 已确认, the progress, and the cycle complete with 已完成.
func TestBrowserContinuingEducation(t *testing.T) {
	began := time.Now()
	mail := startSMTPPeer(t)
	srv := startServer(t, serverOpts{Env: []string{"SITEPRO_DEMO=1", "SITEPRO_SMTP_URL=" + mail.URL(), "SITEPRO_SMTP_FROM=noreply@sitepro.test"}})
	cyc := demoCertCycle(time.Now())
	deadline := cyc.end.Format("2006年1月2日")
	t.Logf("current cycle of %s: %s", demo.CertNumber, cyc.label())

	// ---- The reviewer opens the continuing-education queue and keeps it open. ----
	rev := newBrowser(t, false)
	rev.login(srv, "zz-reviewer", demo.ReviewerPass)
	rev.step("open 审核工作台", tid("tab-ce"), chromedp.Click(tid("tile-review")))
	rev.step("open the 继续教育 tab", tid("ce-tab-queue"), chromedp.Click(tid("tab-ce")))
	rev.wantPath("/review/ce")
	if h := rev.text(chromedp.CSS("main h1")); !strings.Contains(h, demoAgencyName) {
		t.Errorf("CE queue heading = %q, want it to name %s", h, demoAgencyName)
	}
	rev.waitFor("the CE queue rows load", `document.querySelector('[data-testid="rows"] [data-testid="rows-total"]') !== null`, stepTimeout)
	if w := evalJS[int](rev, `document.documentElement.scrollWidth`); w > viewW {
		t.Logf("note: the reviewer's CE queue scrolls sideways at %d px (scrollWidth %d)", viewW, w)
	}
	mark := rev.markQueue()

	// ---- The trainee enrols. ----
	tr := newBrowser(t, false)
	dlg := tr.acceptDialogs()
	tr.login(srv, demo.TraineeID, demo.TraineePass)
	tr.step("open 继续教育", tid("ce-new"), chromedp.Click(tid("tile-ce")))
	tr.wantPath("/ce")
	tr.noSideScroll("继续教育 /ce")
	if n := evalJS[int](tr, `document.querySelectorAll('[data-testid="ce-card"]').length`); n != 1 {
		t.Errorf("报名记录 lists %d enrolments before the journey, want 1 (the seeded completed previous cycle)", n)
	}
	tr.shot("ce-home", true)
	tr.step("培训报名", fresh("step-indicator"), chromedp.Click(tid("ce-new")))
	tr.ceWantStep(1)
	path := tr.path()
	if !strings.HasPrefix(path, "/ce/") || !strings.HasSuffix(path, "/cert") {
		t.Fatalf("step 1 is at %q, want /ce/…/cert", path)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(path, "/ce/"), "/cert")
	tr.noSideScroll("step 1 证书编号")
	// Step 1: the trainee's certificates are offered; the expired legacy one cannot be
	// picked.
	if !evalJS[bool](tr, `document.querySelector('[data-testid="cert-pick"][value="412021101000123"]') !== null`) {
		t.Errorf("step 1 does not offer %s to pick", demo.CertNumber)
	}
	if n := evalJS[int](tr, `document.querySelectorAll('[data-testid="cert-not-enrollable"]').length`); n != 1 {
		t.Errorf("step 1 marks %d certificates as not enrollable, want 1 (the expired legacy certificate)", n)
	}
	// A mistyped number: a clear message, and what was typed stays in the field.
	const mistyped = "412021101000132"
	tr.step("step 1 with a mistyped number", fresh("err-cert"), typeInto("cert", mistyped), chromedp.Click(tid("step-submit")))
	tr.ceWantStep(1)
	if got := tr.text(fresh("err-cert")); !strings.Contains(got, "未找到您名下的这个证书编号") {
		t.Errorf("error for a mistyped certificate number = %q, want 未找到您名下的这个证书编号…", got)
	}
	if got := tr.text(fresh("error-summary")); !strings.Contains(got, "未找到您名下的这个证书编号") {
		t.Errorf("the error summary = %q, want it to list the certificate number's error", got)
	}
	if got := tr.value(formField("cert")); got != mistyped {
		t.Errorf("the certificate number field after the error = %q, want the typed %q", got, mistyped)
	}
	tr.noSideScroll("step 1 with the error")
	tr.shot("step-1-error", true)
	tr.step("step 1 证书编号", fresh("step-indicator"), typeInto("cert", demo.CertNumber), chromedp.Click(tid("step-submit")))
	tr.ceWantStep(2)

	// Step 2: the post comes from the certificate and is confirmed.
	post := tr.text(tid("ce-post"))
	for _, want := range []string{demo.CertNumber, "施工员", "土建施工", cyc.label()} {
		if !strings.Contains(post, want) {
			t.Errorf("step 2 does not show %q:\n%s", want, post)
		}
	}
	tr.noSideScroll("step 2 岗位和专业")
	tr.step("step 2 岗位和专业", fresh("step-indicator"), chromedp.Click(labelFor("f-confirm-box")), chromedp.Click(tid("step-submit")))
	tr.ceWantStep(3)

	// Step 3: 郑州市, then its agency.
	// With JavaScript, choosing the city lists its agencies at once (the 显示该市的培训机构
	// button does it without JavaScript).
	tr.step("choose 郑州市: its agencies are listed", fresh("step-indicator"), chromedp.SetValue(formField("city"), "410100"))
	tr.ceWantStep(3)
	if got := evalJS[string](tr, `(s => s.options[s.selectedIndex].text)(document.getElementById("f-city"))`); got != "郑州市" {
		t.Fatalf("the chosen city reads %q, want 郑州市", got)
	}
	agencies := evalJS[[]string](tr, `[...document.querySelectorAll('#f-agency label')].map(l => l.textContent.trim())`)
	if len(agencies) != 1 || !strings.Contains(agencies[0], demoAgencyName) {
		t.Fatalf("agencies offered for 郑州市 = %q, want only %s", agencies, demoAgencyName)
	}
	tr.noSideScroll("step 3 省辖市和培训机构")
	tr.shot("step-3", true)
	tr.step("step 3 培训机构", fresh("step-indicator"), chromedp.Click(labelFor("f-agency-0")), chromedp.Click(tid("step-submit")))
	tr.ceWantStep(4)

	// Step 4: the résumé is prefilled from the last application.
	for name, want := range map[string]string{"resume.0.from": "2011-08", "resume.0.employer": "河南省第一建筑工程集团有限责任公司", "resume.0.role": "技术员"} {
		if got := tr.value(byName(name)); got != want {
			t.Errorf("step 4 %s prefilled with %q, want %q", name, got, want)
		}
	}
	tr.noSideScroll("step 4 工作简历")
	tr.step("step 4 工作简历", fresh("check-list"), chromedp.Click(tid("step-submit")))
	tr.wantPath("/ce/" + id + "/check")

	// 确认报名.
	check := tr.text(tid("check-list"))
	for _, want := range []string{demo.CertNumber, cyc.label(), "施工员（土建施工）", "郑州市", demoAgencyName, "河南省第一建筑工程集团有限责任公司", "技术员"} {
		if !strings.Contains(check, want) {
			t.Errorf("确认报名 does not show %q:\n%s", want, check)
		}
	}
	tr.noSideScroll("确认报名")
	tr.shot("check", true)
	tr.do("tick the confirmation", chromedp.Click(labelFor("f-confirm")))
	asked := len(dlg.messages())
	clicked := time.Now()
	tr.step("确认报名", fresh("ce-submitted"), chromedp.Click(tid("ce-submit")))
	if msgs := dlg.messages()[asked:]; len(msgs) != 1 || !strings.Contains(msgs[0], "确定报名吗") {
		t.Errorf("confirmation dialogs = %q, want one asking 确定报名吗", msgs)
	}
	tr.wantPath("/ce/" + id + "/done")
	number := tr.text(tid("done-number"))
	if !strings.HasPrefix(number, "JX") || len(number) != len("JX2026010100001") {
		t.Errorf("enrolment number = %q, want JX + date + sequence", number)
	}
	if done := tr.text(tid("ce-submitted")); !strings.Contains(done, "报名成功") || !strings.Contains(done, cyc.label()) {
		t.Errorf("the success page says %q, want 报名成功 and %s", done, cyc.label())
	}
	tr.noSideScroll("报名成功")
	tr.shot("done", true)

	// The reviewer's open queue shows it without a reload (the accessibility gate's time on
	// the pages in between does not count).
	for !evalJS[bool](rev, ceQueueHas(number)) {
		if time.Since(clicked)-gateTimeSince(clicked) > 5*time.Second {
			t.Fatalf("the reviewer's open CE queue did not show %s within 5s of 确认报名\n%s", number, rev.where())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("the enrolment appeared in the open queue %v after 确认报名", (time.Since(clicked) - gateTimeSince(clicked)).Round(time.Millisecond))
	if !evalJS[bool](rev, `window.__e2eSameTab === true`) || rev.documentLoads() != mark.loads {
		t.Errorf("the reviewer's CE queue was reloaded; the row must arrive without a reload")
	}
	rev.shot("queue-live-row", true)

	// 报名记录 shows 待确认, and the trainee got the acknowledgement.
	tr.step("查看报名记录", fresh("ce-card"), chromedp.Click(chromedp.CSS(`main a.button[href="/ce"]`)))
	if got := tr.ceCardStatus(number); got != "待确认" {
		t.Errorf("status of %s in 报名记录 = %q, want 待确认", number, got)
	}
	if got := evalJS[string](tr, ceCard(number)+`.querySelector('[data-testid="ce-cycle"]').textContent.trim()`); got != cyc.label() {
		t.Errorf("cycle of %s in 报名记录 = %q, want %s", number, got, cyc.label())
	}
	tr.noSideScroll("报名记录 (待确认)")
	m := nextMailWithSubject(t, mail, demo.TraineeMail, "继续教育报名已提交："+number, 15*time.Second)
	if !strings.Contains(m.Body, demo.CertNumber) || !strings.Contains(m.Body, demoAgencyName) {
		t.Errorf("the submit mail does not name the certificate and the agency:\n%s", m.Body)
	}

	// ---- The reviewer confirms. ----
	rev.step("open the enrolment", fresh("ce-decide"), chromedp.Click(chromedp.CSS(`[data-testid="ce-queue-row"] a[href="/review/ce/`+id+`"]`)))
	if got := rev.text(tid("ce-status")); got != "待确认" {
		t.Errorf("status on the review page = %q, want 待确认", got)
	}
	if facts := rev.text(chromedp.CSS("main")); !strings.Contains(facts, demo.TraineeName) || !strings.Contains(facts, demo.CertNumber) || strings.Contains(facts, demo.TraineeID) {
		t.Errorf("the review page should show the name and certificate and only a masked ID number:\n%s", lastChars(facts, 1500))
	}
	rev.step("确认", fresh("live"), chromedp.Click(tid("ce-confirm")))
	rev.wantPath("/review/ce")
	rev.wantFlash("确认继续教育报名")
	rev.waitFor("the confirmed enrolment leaves the queue of pending ones",
		`document.querySelector('[data-testid="rows"] [data-testid="rows-total"]') !== null && !`+ceQueueHas(number), stepTimeout)

	// The trainee sees 已确认 and the cycle's progress, still at zero.
	tr.step("reload 报名记录", fresh("ce-card"), chromedp.Navigate(srv.URL+"/ce"))
	if got := tr.ceCardStatus(number); got != "已确认" {
		t.Errorf("status of %s in 报名记录 after the confirmation = %q, want 已确认", number, got)
	}
	nextMailWithSubject(t, mail, demo.TraineeMail, "继续教育报名审核结果：已确认", 15*time.Second)
	tr.step("open 学习记录", fresh("ce-rules"), chromedp.Click(tid("ce-learning")))
	tr.wantPath("/ce/learning")
	if got := tr.text(tid("ce-rules")); !strings.Contains(got, "不少于 32 学时") || !strings.Contains(got, "专业课不少于") || !strings.Contains(got, "22 学时") {
		t.Errorf("the rules on 学习记录 = %q, want 32 hours a year with 22 professional", got)
	}
	cur := evalJS[string](tr, ceCurrentCycle+`.innerText`)
	for _, want := range []string{cyc.label(), "当前周期", demoAgencyName + "（已确认）", "总学时 0 / 32", "专业课学时 0 / 22",
		"还需 32 学时（其中专业课至少 22 学时），请在 " + deadline + " 前完成。", "本周期还没有学习记录"} {
		if !strings.Contains(cur, want) {
			t.Errorf("the current cycle on 学习记录 before any learning does not show %q:\n%s", want, cur)
		}
	}
	tr.noSideScroll("学习记录 before the import")
	tr.shot("learning-before", true)

	// ---- The reviewer imports learning records. ----
	// The catalog of the agency is the seeded one (demo_ce.go); the import names its courses.
	rev.step("open 课程目录", fresh("ce-courses"), chromedp.Click(tid("ce-tab-courses")))
	catalog := ceTableRows(rev, "document", `[data-testid="ce-course"]`)
	hours := map[string]float64{}
	category := map[string]string{}
	for _, c := range demo.Courses {
		i := slices.IndexFunc(catalog, func(r []string) bool { return len(r) == 3 && r[0] == c.Title })
		if i < 0 || catalog[i][1] != c.Category || catalog[i][2] != c.Hours {
			t.Fatalf("课程目录 does not list %s (%s, %s 学时): %q", c.Title, c.Category, c.Hours, catalog)
		}
		hours[c.Title], _ = strconv.ParseFloat(c.Hours, 64)
		category[c.Title] = c.Category
	}
	// Two days of the current cycle up to today; one course appears on both.
	d0 := cyc.today
	d1 := d0.AddDate(0, 0, -1)
	techn, safety, green, law := demo.Courses[0].Title, demo.Courses[1].Title, demo.Courses[2].Title, demo.Courses[3].Title
	plan := []cePlanned{{techn, d1}, {techn, d0}, {safety, d0}, {green, d1}, {law, d1}, {law, d0}}
	if d1.Before(cyc.start) {
		// The cycle started today: one day only, so no course can be recorded twice.
		// The reviewer adds two more professional courses to the catalog first.
		plan = plan[:0]
		for _, c := range []string{techn, safety, law} {
			plan = append(plan, cePlanned{c, d0})
		}
		for i := range 2 {
			title := fmt.Sprintf("施工现场新规范解读（%d）", i+1)
			rev.step("添加课程 "+title, fresh("ce-courses"), typeInto("title", title), chromedp.Click(labelFor("f-category-1")),
				typeInto("hours", "8"), chromedp.Click(tid("ce-course-add")))
			rev.wantFlash("课程已添加")
			hours[title], category[title] = 8, "专业"
			plan = append(plan, cePlanned{title, d0})
		}
	}
	var total, professional float64
	var valid []ceLine
	var wantRecords [][]string
	for _, p := range plan {
		total += hours[p.course]
		if category[p.course] == "专业" {
			professional += hours[p.course]
		}
		day := p.day.Format("2006-01-02")
		valid = append(valid, ceLine{demo.CertNumber, demo.TraineeName, p.course, day})
		wantRecords = append(wantRecords, []string{p.course, category[p.course], strconv.FormatFloat(hours[p.course], 'f', -1, 64), day})
	}
	if total < 32 || professional < 22 {
		t.Fatalf("the planned import has %v hours (%v professional), want at least 32 (22): did the seeded catalog change?", total, professional)
	}
	fmtHours := func(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }
	t.Logf("valid import: %d lines, %s hours, %s professional", len(valid), fmtHours(total), fmtHours(professional))

	// A file with errors: an unknown course, an impossible date, a wrong name. Nothing is
	// recorded, not even its valid first line, and every line's error is listed.
	const unknownCourse, wrongName = "建筑施工技术与质量管理", "王建军"
	badDate := fmt.Sprintf("%d-02-30", d0.Year())
	bad := writeImportCSV(t, "学习记录-有错误.csv", false, []ceLine{
		valid[0],
		{demo.CertNumber, demo.TraineeName, unknownCourse, d0.Format("2006-01-02")},
		{demo.CertNumber, demo.TraineeName, safety, badDate},
		{demo.CertNumber, wrongName, law, d0.Format("2006-01-02")},
	})
	rev.step("open 导入学习记录", fresh("ce-import-form"), chromedp.Click(tid("ce-tab-import")))
	rev.wantPath("/review/ce/import")
	rev.step("import the file with errors", fresh("ce-import-errors"),
		chromedp.SetUploadFiles(tid("ce-import-file"), []string{bad}), chromedp.Click(tid("ce-import-submit")))
	if got := rev.text(chromedp.CSS(`[data-testid="ce-import-errors"] h2`)); got != "文件有 3 处错误，没有导入任何记录" {
		t.Errorf("import report heading = %q, want 文件有 3 处错误，没有导入任何记录", got)
	}
	report := ceTableRows(rev, "document", `[data-testid="ce-import-line"]`)
	wantReport := [][2]string{
		{"第 3 行", "课程“" + unknownCourse + "”不在本机构的课程目录中"},
		{"第 4 行", "完成日期不是真实的日期"},
		{"第 5 行", "姓名“" + wrongName + "”与该证书的持证人不一致"},
	}
	if len(report) != len(wantReport) {
		t.Errorf("the import report lists %d lines, want %d: %q", len(report), len(wantReport), report)
	}
	for i, w := range wantReport {
		if i < len(report) && (len(report[i]) != 2 || report[i][0] != w[0] || !strings.Contains(report[i][1], w[1])) {
			t.Errorf("import report line %d = %q, want %s: …%s…", i+1, report[i], w[0], w[1])
		}
	}
	if n := evalJS[int](rev, `document.querySelectorAll('[data-testid="ce-import-ok"]').length`); n != 0 {
		t.Errorf("the import with errors also reports success")
	}
	rev.shot("import-errors", true)
	rev.step("open the enrolment after the failed import", fresh("ce-learning"), chromedp.Navigate(srv.URL+"/review/ce/"+id))
	if got := rev.text(tid("ce-status")); got != "已确认" {
		t.Errorf("status after the failed import = %q, want 已确认 (nothing recorded)", got)
	}
	if n := evalJS[int](rev, `document.querySelectorAll('[data-testid="ce-record"]').length`); n != 0 {
		t.Errorf("the failed import recorded %d courses, want none", n)
	}
	if got := rev.text(tid("ce-missing")); !strings.HasPrefix(got, "还需 32 学时") {
		t.Errorf("progress after the failed import = %q, want 还需 32 学时…", got)
	}

	// The corrected file reaches the yearly hours.
	good := writeImportCSV(t, "学习记录.csv", true, valid)
	rev.step("open 导入学习记录 again", fresh("ce-import-form"), chromedp.Navigate(srv.URL+"/review/ce/import"))
	rev.step("import the valid file", fresh("ce-import-ok"),
		chromedp.SetUploadFiles(tid("ce-import-file"), []string{good}), chromedp.Click(tid("ce-import-submit")))
	ok := rev.text(tid("ce-import-ok"))
	if !strings.Contains(ok, fmt.Sprintf("已导入 %d 条学习记录", len(valid))) || !strings.Contains(ok, number) {
		t.Errorf("import result = %q, want 已导入 %d 条学习记录 naming %s as complete", ok, len(valid), number)
	}
	rev.shot("import-ok", true)
	rev.step("open the enrolment after the import", fresh("ce-learning"), chromedp.Navigate(srv.URL+"/review/ce/"+id))
	if got := rev.text(tid("ce-status")); got != "已完成" {
		t.Errorf("status after the import = %q, want 已完成", got)
	}
	if n := evalJS[int](rev, `document.querySelectorAll('[data-testid="ce-record"]').length`); n != len(valid) {
		t.Errorf("the review page lists %d records, want %d", n, len(valid))
	}

	// ---- The trainee sees the completed cycle. ----
	tr.step("open 报名记录", fresh("ce-card"), chromedp.Navigate(srv.URL+"/ce"))
	if got := tr.ceCardStatus(number); got != "已完成" {
		t.Errorf("status of %s in 报名记录 after the import = %q, want 已完成", number, got)
	}
	tr.noSideScroll("报名记录 (已完成)")
	tr.shot("records-completed", true)
	tr.step("open the enrolment", fresh("timeline"), chromedp.Click(chromedp.CSS(`a[data-testid="ce-open"][href="/ce/`+id+`"]`)))
	if got := tr.text(tid("ce-status")); got != "已完成" {
		t.Errorf("status on the enrolment page = %q, want 已完成", got)
	}
	if tl := tr.text(tid("timeline")); !strings.Contains(tl, "机构确认") || !strings.Contains(tl, "学时已达标") {
		t.Errorf("the timeline does not show the confirmation and the completion:\n%s", tl)
	}
	if n := evalJS[int](tr, `document.querySelectorAll('[data-testid="delete"]').length`); n != 0 {
		t.Errorf("a completed enrolment still offers deletion")
	}
	tr.noSideScroll("the enrolment page")
	tr.step("查看学习记录", fresh("ce-rules"), chromedp.Click(tid("learning-link")))
	tr.wantPath("/ce/learning")
	cur = evalJS[string](tr, ceCurrentCycle+`.innerText`)
	for _, want := range []string{cyc.label(), demoAgencyName + "（已完成）", "总学时 " + fmtHours(total) + " / 32",
		"专业课学时 " + fmtHours(professional) + " / 22", "本周期学时已达标。"} {
		if !strings.Contains(cur, want) {
			t.Errorf("the current cycle on 学习记录 after the import does not show %q:\n%s", want, cur)
		}
	}
	if full := evalJS[bool](tr, `(p => p.value === p.max)(`+ceCurrentCycle+`.querySelector('[data-testid="ce-progress-total"]'))`); !full {
		t.Errorf("the total progress bar of the completed cycle is not full")
	}
	records := ceTableRows(tr, ceCurrentCycle, `[data-testid="ce-record"]`)
	sortRows := func(rs [][]string) {
		slices.SortFunc(rs, func(a, b []string) int { return strings.Compare(strings.Join(a, "|"), strings.Join(b, "|")) })
	}
	sortRows(records)
	sortRows(wantRecords)
	if !slices.EqualFunc(records, wantRecords, slices.Equal[[]string]) {
		t.Errorf("the records of the current cycle (course, category, hours, date) = %q, want %q", records, wantRecords)
	}
	if got := evalJS[string](tr, `[...document.querySelectorAll('[data-testid="ce-cert"]')].find(s => s.textContent.includes("412021101000123")).querySelector('[data-testid="ce-cert-status"]').textContent.trim()`); got != "有效" {
		t.Errorf("the certificate's status on 学习记录 = %q, want 有效", got)
	}
	tr.noSideScroll("学习记录 after the import")
	tr.shot("learning-completed", true)

	// The trainee is told that the cycle is complete.
	m = nextMailWithSubject(t, mail, demo.TraineeMail, "继续教育学时已达标："+cyc.label(), 15*time.Second)
	if !strings.Contains(m.Body, "共 "+fmtHours(total)+" 学时") || !strings.Contains(m.Body, "专业课 "+fmtHours(professional)+" 学时") {
		t.Errorf("the completion mail does not state %s hours with %s professional:\n%s", fmtHours(total), fmtHours(professional), m.Body)
	}

	time.Sleep(200 * time.Millisecond) // let late console messages arrive
	provoked := []string{srv.URL + "/ce/" + id + "/cert", srv.URL + "/review/ce/import"}
	for _, bb := range []*browser{tr, rev} {
		if errs := withoutProvoked422(bb.consoleErrors(), provoked...); len(errs) > 0 {
			t.Errorf("console errors or CSP violations:\n%s", strings.Join(errs, "\n"))
		}
	}
	checkLogs(t, srv, mail.Pass)
	t.Logf("journey took %v, of which the accessibility gate %v", time.Since(began).Round(100*time.Millisecond), gateTimeSince(began).Round(100*time.Millisecond))
}
