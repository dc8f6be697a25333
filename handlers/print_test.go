package handlers

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sitepro/domain"
	"sitepro/testkit/chromium"
)

const printAchieve = "负责郑州某住宅小区3号楼主体施工。\n<script>alert(1)</script>"

// submittedApplication takes a signed-in trainee through the real wizard routes (the
// minimal flow of TestWizardEndToEnd) with the given résumé step and submits; it returns
// the application id.
func submittedApplication(t *testing.T, c *client, agencyID, name string, resume url.Values) string {
	t.Helper()
	id := startWizard(t, c)
	base := "/apply/" + id + "/"
	must(t, c.post(base+"employment", url.Values{"employment": {"在职（有工作单位）"}}), 303)
	must(t, c.post(base+"city", url.Values{"city": {"410100"}}), 303)
	must(t, c.post(base+"agency", url.Values{"agency": {agencyID}, "phone": {"13912345678"}, "education": {"大学本科"},
		"school": {"郑州大学"}, "major": {"土木工程"}, "graduation": {"2011-07"}, "employer": {"河南某建筑公司"},
		"credit_code": {"91350100M000100Y43"}, "work_start": {"2011-08"}, "address": {"郑州市金水区纬五路1号"}}), 303)
	must(t, c.post(base+"post", url.Values{"post": {"101"}}), 303)
	must(t, c.post(base+"resume", resume), 303)
	must(t, c.post(base+"pledge", url.Values{"signature": {name}, "agree": {"1"}}), 303)
	for _, step := range []string{"id-front", "id-back", "diploma"} {
		must(t, c.upload(base+step, "file", "scan.jpg", colourJPEG(t, 800, 600, false)), 303)
	}
	must(t, c.post(base+"submit", url.Values{"confirm": {"1"}}), 303)
	return id
}

// resumeStep is the résumé step with rows entries (the last one until now) and the
// achievements text.
func resumeStep(rows int, achieve string) url.Values {
	v := url.Values{"achievements": {achieve}}
	for i := 0; i < rows; i++ {
		k := "resume." + strconv.Itoa(i) + "."
		v.Set(k+"from", strconv.Itoa(2011+i/2)+"-0"+strconv.Itoa(1+i%2*6))
		if i < rows-1 {
			v.Set(k+"to", strconv.Itoa(2011+i/2)+"-0"+strconv.Itoa(6+i%2*3))
		}
		v.Set(k+"employer", "河南某建筑公司")
		v.Set(k+"role", "技术员")
		if rows > 1 {
			v.Set(k+"employer", "河南省第"+strconv.Itoa(i+1)+"建筑工程集团有限公司郑州分公司项目部")
			v.Set(k+"role", "项目技术负责人")
		}
	}
	return v
}

// printExam is the exam the tests schedule: papers at 09:00 and 14:00 Beijing time.
var printExam = domain.Exam{TicketNumber: "2026410100317", Venue: "郑州建设职业培训中心考点（金水区纬五路12号）", Room: "第3考场", Seat: "17",
	Subjects: []domain.ExamSubject{
		{Name: "专业基础知识", Start: time.Date(2026, 12, 12, 1, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 12, 3, 0, 0, 0, time.UTC)},
		{Name: "专业管理实务", Start: time.Date(2026, 12, 12, 6, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 12, 8, 0, 0, 0, time.UTC)}}}

// schedule has the agency confirm the application and an admin assign printExam.
func (e *env) schedule(id string) {
	e.t.Helper()
	e.staff(domain.RoleAdmin, "admin")
	admin := mustUser(e.t, e, "admin")
	now := e.clock.Now()
	exam := printExam
	for _, d := range []domain.Decision{{Kind: domain.AppConfirmDecision}, {Kind: domain.AppScheduleDecision, Exam: &exam}} {
		if _, err := e.st.DecideApplication(admin, id, d, now); err != nil {
			e.t.Fatalf("%s: %v", d.Kind.Label(), err)
		}
	}
}

// printFixture is a trainee with a photo and a submitted application with the given
// résumé step.
func printFixture(t *testing.T, e *env, resume url.Values) (c *client, id, token string) {
	t.Helper()
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州建设职业培训中心", CityCode: "410100", Address: "郑州市金水区", Phone: "0371-65550101"})
	c = e.registered(idA, "王小芳")
	c.get("/profile/photo") // the session (and its CSRF token) changed at sign-in
	must(t, c.upload("/profile/photo", "photo", "me.jpg", colourJPEG(t, 800, 1000, false)), 303)
	id = submittedApplication(t, c, ag.ID, "王小芳", resume)
	a, err := e.st.ApplicationOf(mustTrainee(t, e, idA).ID, id)
	if err != nil || a.VerifyToken == "" {
		t.Fatalf("submitted application: %v %+v", err, a)
	}
	return c, id, a.VerifyToken
}

var inlineCode = regexp.MustCompile(`<script>|<script [^>]*>[^<]|\sstyle=|\son[a-z]+=`)

// mustPrintable checks what every print-out carries: its own standalone shell with the
// print stylesheet and script, the QR code of the public check with its address, and no
// inline script or style (strict CSP).
func mustPrintable(t *testing.T, r resp, token string, contains ...string) {
	t.Helper()
	must(t, r, 200, append([]string{`data-testid="print-sheet"`, `data-testid="cert-qr"`, "/static/print.",
		`data-print`, "请使用浏览器菜单中的“打印”", `href="/apply/`, "https://sitepro.test/d/" + token}, contains...)...)
	if strings.Contains(r.body, `class="top"`) || strings.Contains(r.body, `class="foot"`) {
		t.Error("a print page carries the site header or footer")
	}
	if m := inlineCode.FindString(r.body); m != "" {
		t.Errorf("inline code on a print page: %q", m)
	}
}

func TestPrintPagesOfOwnApplication(t *testing.T) {
	e := newEnv(t)
	c, id, token := printFixture(t, e, resumeStep(1, printAchieve))
	base := "/apply/" + id + "/print/"
	form := c.get(base + "form")
	mustPrintable(t, form, token, "培训报名表", "XQ", "已提交，待机构确认", idA, "王小芳", "女", "1949年12月31日",
		"13912345678", "郑州市金水区纬五路1号", "在职（有工作单位）", "郑州市", "郑州建设职业培训中心", "0371-65550101",
		"施工员（土建施工）", "大学本科", "郑州大学", "土木工程", "2011年7月", "河南某建筑公司", "91350100M000100Y43",
		"2011年1月", "技术员", "至今", "负责郑州某住宅小区3号楼主体施工。", "&lt;script&gt;alert(1)&lt;/script&gt;",
		`src="/photos/`, "申请人签名", "2026年11月26日")
	if strings.Contains(form.body, "<script>alert") {
		t.Fatal("the achievements text reached the page unescaped")
	}
	mustPrintable(t, c.get(base+"pledge"), token, "个人报名承诺书", idA, "王小芳", domain.PledgeVersion,
		"本人取得证书后不出借、不出租、不挂证。", "承诺人（签名）")
	// No ticket before an exam is scheduled; no unknown documents.
	must(t, c.get(base+"ticket"), 409, "考试安排后才能打印准考证", `href="/apply/`+id+`"`)
	must(t, c.get(base+"certificate"), 404)

	e.schedule(id)
	ticket := c.get(base + "ticket")
	mustPrintable(t, ticket, token, "考试准考证", "2026410100317", "王小芳", "1101**********002X", "施工员（土建施工）",
		"郑州建设职业培训中心", "专业基础知识", "专业管理实务", "2026年12月12日（星期六）", "09:00—11:00", "14:00—16:00",
		"郑州建设职业培训中心考点（金水区纬五路12号）", "第3考场", "17", "考生须知", `src="/photos/`)
	if strings.Contains(ticket.body, idA) {
		t.Fatal("the admission ticket shows the full ID number")
	}
	if strings.Contains(ticket.body, `data-testid="ticket-no-photo"`) {
		t.Error("the ticket of a trainee with a photo says the photo is missing")
	}
	must(t, c.get("/apply/"+id), 200, `data-testid="print-ticket"`)

	// Another trainee finds none of the three, nor the draft's print-outs.
	other := e.registered(idB, "李四")
	for _, doc := range []string{"form", "pledge", "ticket"} {
		r := other.get(base + doc)
		must(t, r, 404)
		if strings.Contains(r.body, "王小芳") || strings.Contains(r.body, idA) {
			t.Fatalf("%s of another trainee leaks data", doc)
		}
	}
	draft := startWizard(t, other)
	must(t, other.get("/apply/"+draft+"/print/form"), 409, "提交报名后才能打印")
	e.assertNoIDInLogs()
}

func TestPublicCheckOfPrintOut(t *testing.T) {
	e := newEnv(t)
	c, id, token := printFixture(t, e, resumeStep(1, printAchieve))
	e.schedule(id)
	guest := e.client()
	r := guest.get("/d/" + token)
	must(t, r, 200, `data-testid="doc-verify"`, "XQ", "王*芳", "1101**********002X", "施工员（土建施工）",
		"郑州建设职业培训中心", "已安排考试", "2026410100317", "2026年12月12日", "郑州建设职业培训中心考点")
	for _, secret := range []string{idA, "王小芳", "13912345678", "13812345678", "a@example.com", "纬五路1号", "91350100M000100Y43", "/photos/"} {
		if strings.Contains(r.body, secret) {
			t.Errorf("the public check shows %q", secret)
		}
	}
	if got := r.header.Get("X-Robots-Tag"); !strings.Contains(got, "noindex") {
		t.Errorf("X-Robots-Tag %q", got)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q", got)
	}
	// The holder's own session changes nothing: the public page stays masked.
	if r := c.get("/d/" + token); strings.Contains(r.body, idA) {
		t.Error("the public check shows the full ID number to the holder")
	}
	// Unknown tokens get one neutral page; repeated misses from one IP are slowed down.
	must(t, guest.get("/d/"+strings.Repeat("x", 22)), 404, `data-testid="doc-verify-unknown"`, "未找到")
	must(t, guest.get("/d/"+strings.Repeat("y", 500)), 404, `data-testid="doc-verify-unknown"`)
	for i := 0; i < limitVerifyIP.Free; i++ {
		guest.get("/d/unknown" + strings.Repeat("z", i))
	}
	must(t, guest.get("/d/"+token), 429, "查询过于频繁")
	e.assertNoIDInLogs()
}

// pdfPages counts the page objects of a PDF ("/Type /Page", not "/Type /Pages").
func pdfPages(pdf []byte) int {
	return len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
}

// TestPrintOutsInChromium prints the admission ticket, the pledge and a full form to A4
// PDF in a real browser and counts the pages; with SITEPRO_SCREENSHOTS set it also keeps
// the PDFs and 360 px wide screenshots of the pages there.
func TestPrintOutsInChromium(t *testing.T) {
	e, base := servedEnv(t)
	// A full form: twenty résumé entries with long employer names and 1000 characters
	// of achievements in paragraphs still print on two pages.
	achieve := strings.Repeat(strings.Repeat("负责住宅楼主体结构施工技术管理，", 12)+"\n", 5)
	_, id, _ := printFixture(t, e, resumeStep(20, achieve[:len(achieve)-1]))
	e.schedule(id)
	ctx := chromium.Launch(t, 360, 740)
	tid := func(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		runIn(t, ctx, what, chromedp.Steps(actions...))
	}
	run("emulate a phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	run("log in", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#f-login")),
		chromedp.SendKeys(chromedp.CSS("#f-login"), idA), chromedp.SendKeys(chromedp.CSS("#f-password"), pwOK),
		chromedp.Click(tid("login-submit")), chromedp.WaitVisible(tid("whoami")))
	dir := os.Getenv("SITEPRO_SCREENSHOTS")
	for _, tc := range []struct {
		doc      string
		maxPages int
	}{{"ticket", 1}, {"pledge", 1}, {"form", 2}} {
		run("open "+tc.doc, chromedp.Navigate(base+"/apply/"+id+"/print/"+tc.doc), chromedp.WaitVisible(tid("print-button")))
		runIn(t, ctx, "photo of "+tc.doc, chromedp.Poll[bool](`Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)`,
			chromedp.WithPollingTimeout(10*time.Second)))
		if !runIn(t, ctx, "width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)) {
			t.Errorf("%s: the page scrolls sideways at 360 px", tc.doc)
		}
		if dir != "" {
			writeArtifact(t, dir, "print-"+tc.doc+"-360.png", runIn(t, ctx, "screenshot", chromedp.FullScreenshot(100)))
		}
		res := runIn(t, ctx, "print "+tc.doc, func(ctx context.Context, _ *chromedp.Target) (page.PrintToPDFResult, error) {
			return chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69})
		})
		if n := pdfPages(res.Data); n < 1 || n > tc.maxPages {
			t.Errorf("%s: %d A4 pages, want 1 to %d", tc.doc, n, tc.maxPages)
		}
		if dir != "" {
			writeArtifact(t, dir, "print-"+tc.doc+".pdf", res.Data)
		}
		// The PDF's content, not only its page count: laid out as print media at A4's
		// content width (210 − 2 × 15 mm = 180 mm ≈ 680 CSS px), nothing of the sheet may
		// stick out at either side (a clipped photo box, time column or 考点 table).
		run("A4's content width", chromedp.EmulateViewport(680, 1009))
		runIn(t, ctx, "print media", func(ctx context.Context, _ *chromedp.Target) (cdp.Empty, error) {
			return chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		})
		out := runIn(t, ctx, "inside A4", chromedp.Evaluate[[]string](`(() => {
			const w = document.documentElement.clientWidth, out = [];
			for (const el of document.querySelectorAll("main.sheet *")) {
				const r = el.getBoundingClientRect();
				if (r.width > 0 && (r.left < -0.5 || r.right > w + 0.5)) out.push(el.tagName + "." + el.className + " " + Math.round(r.left) + "–" + Math.round(r.right));
			}
			if (document.documentElement.scrollWidth > w) out.push("scrollWidth " + document.documentElement.scrollWidth);
			return out.slice(0, 8);
		})()`))
		if len(out) > 0 {
			t.Errorf("%s: sticks out of A4's content width (680 px): %q", tc.doc, out)
		}
		runIn(t, ctx, "screen media", func(ctx context.Context, _ *chromedp.Target) (cdp.Empty, error) {
			return chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
		})
		run("back to the phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	}
	e.assertNoIDInLogs()
}

// runIn runs one browser action under a timeout and ends the test when it fails.
func runIn[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func writeArtifact(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
