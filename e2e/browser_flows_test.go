package e2e

// Browser journeys of 基本信息 (photo, certificates, public verification), the 新取证 wizard
// (with and without JavaScript) and the agency reviewer's live queue, at 360×740 against
// the real server binary, a real SMTP peer and Chromium. The helpers of browser_test.go and
// harness_test.go drive the pages; this file adds the journeys and a few helpers that
// only they need.

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sitepro/demo"
	"sitepro/testkit/smtppeer"
)

// demoAgencyName is the first agency seeded by SITEPRO_DEMO=1 (sitepro/demo), whose
// reviewer is zz-reviewer.
const demoAgencyName = "郑州建设职业培训中心"

// fresh is the selector of a data-testid hook inside a <main> that browser.step has not
// marked stale, i.e. on the page that a click, an htmx swap, an upload or a navigation
// brought in. Steps whose pages share a hook (the wizard's step indicator) wait for it.
func fresh(id string) chromedp.CSS {
	return chromedp.CSS(`main:not([data-e2e-stale]) [data-testid="` + id + `"]`)
}

// labelFor is the selector of the <label> of the control with the given id; tests click it
// as a thumb would.
func labelFor(forID string) chromedp.CSS { return chromedp.CSS(`label[for="` + forID + `"]`) }

// byName is the selector of a form control by its name (for names with dots, such as the
// résumé rows, which do not make valid #id selectors).
func byName(name string) chromedp.CSS { return chromedp.CSS(`[name="` + name + `"]`) }

// colourJPEG writes a w×h colourful JPEG (gradients, a few shapes and mild noise, so that
// it compresses like a photo and not like a flat test card) to a new file in a temporary
// directory of the test and returns its path.
func colourJPEG(t *testing.T, w, h, seed int) string {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	rnd := uint32(seed*2654435761 + 1)
	next := func() uint32 { // xorshift32: fast and deterministic
		rnd ^= rnd << 13
		rnd ^= rnd >> 17
		rnd ^= rnd << 5
		return rnd
	}
	clamp := func(v int) uint8 { return uint8(max(0, min(255, v))) }
	cx, cy, r := w*(2+seed%3)/6, h/2, min(w, h)/4
	for y := 0; y < h; y++ {
		row := m.Pix[y*m.Stride:]
		for x := 0; x < w; x++ {
			red := 40 + 200*x/w
			green := 60 + 160*y/h
			blue := 200 - 150*x/w + 30*((x/97+y/89+seed)%3)
			if dx, dy := x-cx, y-cy; dx*dx+dy*dy < r*r {
				red, green, blue = 230, 120+seed*20%100, 60
			}
			n := int(next()%25) - 12
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = clamp(red+n), clamp(green+n), clamp(blue-n), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatalf("encode a %d×%d JPEG: %v", w, h, err)
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("colour-%dx%d-%d.jpg", w, h, seed))
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return path
}

// waitFor polls a JavaScript condition until it is true; it ends the test with the page
// when limit passes first.
func (b *browser) waitFor(what, cond string, limit time.Duration) {
	b.t.Helper()
	start := time.Now()
	for !evalJS[bool](b, cond) {
		if time.Since(start) > limit {
			b.t.Fatalf("%s: not within %v\n%s", what, limit, b.where())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// login signs in on /login and waits for the start page.
func (b *browser) login(srv *serverProc, login, password string) {
	b.t.Helper()
	b.step("open /login", tid("login-submit"), chromedp.Navigate(srv.URL+"/login"))
	b.step("log in as "+login, tid("whoami"), typeInto("login", login), typeInto("password", password),
		chromedp.Click(tid("login-submit")))
	b.wantPath("/")
}

// logout presses 退出 and waits for the login page.
func (b *browser) logout() {
	b.t.Helper()
	b.step("log out", tid("login-submit"), chromedp.Click(tid("logout")))
	b.wantFlash("已安全退出")
}

// registerTrainee registers who through 个人注册 and fills the education part of
// 完善个人资料, which the wizard later prefills; it ends on the start page.
func (b *browser) registerTrainee(srv *serverProc, who trainee) {
	b.t.Helper()
	b.step("open /register", tid("register-submit"), chromedp.Navigate(srv.URL+"/register"))
	b.do("fill the registration", fillRegistration(who, who.Password))
	if evalJS[bool](b, `typeof window.htmx !== "undefined"`) {
		b.waitIDPreview(who.ID) // the live preview needs scripts
	}
	b.step("register", tid("birth"), chromedp.Click(tid("register-submit")))
	b.checkIdentity(who.ID)
	b.do("fill the profile",
		chromedp.SetValue(formField("education"), "大学本科"),
		typeInto("school", "河南大学"),
		typeInto("major", "土木工程"),
	)
	b.step("save the profile", tid("tile-apply"), chromedp.Click(tid("profile-submit")))
	b.wantFlash("个人资料已保存")
}

// dialogs records the messages of the JavaScript dialogs (htmx's hx-confirm) that
// acceptDialogs accepted; without JavaScript no dialog opens.
type dialogs struct {
	mu   sync.Mutex
	seen []string
}

// dialogRecorders holds the one recorder of each browser.
var dialogRecorders sync.Map // *browser → *dialogs

// acceptDialogs accepts every JavaScript dialog of the tab from now on and returns the
// browser's recorder.
func (b *browser) acceptDialogs() *dialogs {
	if d, ok := dialogRecorders.Load(b); ok {
		return d.(*dialogs)
	}
	d := &dialogs{}
	dialogRecorders.Store(b, d)
	b.t.Cleanup(func() { dialogRecorders.Delete(b) })
	opening := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range opening {
			if err != nil {
				return
			}
			d.mu.Lock()
			d.seen = append(d.seen, ev.Message)
			d.mu.Unlock()
			// The click that opened the dialog waits for it, so answer from here.
			_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return d
}

func (d *dialogs) messages() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.seen...)
}

// logsWithoutDemoBanner returns the server output without the banner that demo mode
// prints at start (it lists the demo logins, ID numbers included, on purpose: they are
// public demo accounts). Everything else the server writes is still checked.
func logsWithoutDemoBanner(logs string) string {
	var out []string
	in := false
	for _, line := range strings.Split(logs, "\n") {
		switch {
		case strings.Contains(line, "演示模式 DEMO MODE"):
			in = true
			continue
		case in && strings.HasPrefix(strings.TrimSpace(line), "====="):
			in = false
			continue
		case in:
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// checkLogs asserts that the server wrote no ID number outside the demo banner.
func checkLogs(t *testing.T, srv *serverProc, secrets ...string) {
	t.Helper()
	logs := logsWithoutDemoBanner(srv.Logs())
	if m := idInLogs.FindString(logs); m != "" {
		t.Errorf("server logs contain an ID number (%q) outside the demo banner", strings.TrimSpace(m))
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("server logs contain the secret %q", s)
		}
	}
}

// ---- 1. 基本信息: photo, certificates, public verification (issue 3) ----

// TestBrowserPhotoAndCertificates: a trainee uploads a 4000×3000 phone photo, which the
// browser reduces before upload, and sees the preview, 待确认 and the 358×441 portrait;
// the demo trainee opens 证书信息 and a certificate's QR link, which a logged-out browser
// opens as the public verification page with masked personal data.
func TestBrowserPhotoAndCertificates(t *testing.T) {
	t.Run("photo", func(t *testing.T) {
		srv := startServer(t, serverOpts{})
		b := newBrowser(t, false)
		who := makeTrainee("photo", 3001)
		photo := colourJPEG(t, 4000, 3000, 1)
		st, err := os.Stat(photo)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("generated photo: 4000×3000, %d KB", st.Size()/1024)

		b.registerTrainee(srv, who)
		b.step("open 个人信息", tid("photo-link"), chromedp.Click(tid("tile-profile")))
		if got := b.text(tid("profile-photo-state")); got != "未上传" {
			t.Errorf("photo state on 个人信息 = %q, want 未上传", got)
		}
		b.step("open 个人照片", tid("photo-input"), chromedp.Click(tid("photo-link")))
		b.wantPath("/profile/photo")
		if got := b.text(tid("photo-state")); got != "未上传" {
			t.Errorf("photo state before the upload = %q, want 未上传", got)
		}

		// Record what the page shows while it works, and the upload request on the wire.
		uploads := b.watchUploads("/profile/photo")
		evalJS[chromedp.Void](b, `(() => {
			const form = document.querySelector('[data-testid="photo-form"]');
			const status = form.querySelector("[data-upload-status]");
			const preview = form.querySelector('[data-testid="photo-preview"]');
			const rec = window.__e2e = {status: [], preview: null, progress: false};
			new MutationObserver(() => {
				const s = status.textContent.trim();
				if (s && rec.status[rec.status.length - 1] !== s) rec.status.push(s);
				if (!form.querySelector("[data-progress]").hidden) rec.progress = true;
			}).observe(form, {subtree: true, childList: true, characterData: true, attributes: true});
			preview.addEventListener("load", () => {
				const r = preview.getBoundingClientRect();
				rec.preview = {shown: !preview.hidden && preview.checkVisibility(), w: r.width, h: r.height,
					nw: preview.naturalWidth, nh: preview.naturalHeight, blob: preview.src.startsWith("blob:")};
			});
		})()`)
		b.step("choose the photo", fresh("photo-current"), chromedp.SetUploadFiles(tid("photo-input"), []string{photo}))
		b.wantPath("/profile/photo")
		b.wantFlash("照片已上传")
		if got := b.text(tid("photo-state")); got != "待确认" {
			t.Errorf("photo state after the upload = %q, want 待确认", got)
		}
		b.waitFor("the stored photo loads", `(() => { const i = document.querySelector('[data-testid="photo-current"]'); return i.complete && i.naturalWidth > 0; })()`, stepTimeout)
		if wh := evalJS[[]int](b, `(() => { const i = document.querySelector('[data-testid="photo-current"]'); return [i.naturalWidth, i.naturalHeight]; })()`); wh[0] != 358 || wh[1] != 441 {
			t.Errorf("stored photo is %d×%d, want 358×441", wh[0], wh[1])
		}
		b.shot("photo-uploaded", true)

		rec := evalJS[uploadRecord](b, `window.__e2e`)
		switch pv := rec.Preview; {
		case pv == nil:
			t.Errorf("the preview of the chosen photo never loaded")
		case !pv.Shown || pv.W < 100 || pv.H < 50 || !pv.Blob:
			t.Errorf("the preview was not shown from the chosen file: %+v", *pv)
		case pv.NW != 4000 || pv.NH != 3000:
			t.Errorf("the preview shows a %d×%d image, want the chosen 4000×3000 photo", pv.NW, pv.NH)
		default:
			t.Logf("preview: %+v", *pv)
		}
		if !rec.Progress {
			t.Errorf("the progress bar was never shown during the upload")
		}
		var shownKB int
		for _, s := range rec.Status {
			if k := strings.Index(s, "正在上传（"); k >= 0 {
				shownKB, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(strings.SplitN(s[k+len("正在上传（"):], "KB", 2)[0]), " "))
			}
		}
		if shownKB == 0 || shownKB >= 1536 {
			t.Errorf("upload status texts %q: want 正在上传（N KB） with N < 1536", rec.Status)
		}
		ups := uploads()
		for deadline := time.Now().Add(stepTimeout); (len(ups) != 1 || ups[0].Length == 0) && time.Now().Before(deadline); ups = uploads() {
			time.Sleep(20 * time.Millisecond) // DevTools events arrive on their own goroutines
		}
		if len(ups) != 1 {
			t.Fatalf("saw %d POST /profile/photo requests, want 1: %+v", len(ups), ups)
		}
		if ups[0].Type != network.ResourceTypeXHR {
			t.Errorf("the photo went up as a %s request, want XHR (the script's upload)", ups[0].Type)
		}
		if n := ups[0].Length; n <= 0 || n >= 1536*1024 || n >= st.Size() {
			t.Errorf("the upload request body is %d bytes, want less than 1.5 MB and less than the %d-byte original", n, st.Size())
		}
		t.Logf("upload: original %d KB, sent %d KB (shown as %d KB), status texts %q", st.Size()/1024, ups[0].Length/1024, shownKB, rec.Status)

		// 个人信息 shows the new state too.
		b.step("back to 个人信息", tid("profile-photo-state"), chromedp.Navigate(srv.URL+"/profile"))
		if got := b.text(tid("profile-photo-state")); got != "待确认" {
			t.Errorf("photo state on 个人信息 = %q, want 待确认", got)
		}
		if errs := b.consoleErrors(); len(errs) > 0 {
			t.Errorf("console errors or CSP violations:\n%s", strings.Join(errs, "\n"))
		}
		checkLogs(t, srv)
	})

	t.Run("photo-without-javascript", func(t *testing.T) {
		// Without scripts the same form is a plain upload of the original file; the
		// server reduces it.
		srv := startServer(t, serverOpts{})
		b := newBrowser(t, true)
		who := makeTrainee("photo", 3002)
		b.registerTrainee(srv, who)
		b.step("open 个人照片", tid("photo-input"), chromedp.Navigate(srv.URL+"/profile/photo"))
		b.step("upload the photo", fresh("photo-current"),
			chromedp.SetUploadFiles(tid("photo-input"), []string{colourJPEG(t, 4000, 3000, 2)}),
			chromedp.Click(chromedp.CSS(`[data-testid="photo-form"] [data-upload-button]`)))
		b.wantPath("/profile/photo")
		if got := b.text(tid("photo-state")); got != "待确认" {
			t.Errorf("photo state after the upload = %q, want 待确认", got)
		}
		b.waitFor("the stored photo loads", `(() => { const i = document.querySelector('[data-testid="photo-current"]'); return i.complete && i.naturalWidth > 0; })()`, stepTimeout)
		if wh := evalJS[[]int](b, `(() => { const i = document.querySelector('[data-testid="photo-current"]'); return [i.naturalWidth, i.naturalHeight]; })()`); wh[0] != 358 || wh[1] != 441 {
			t.Errorf("stored photo is %d×%d, want 358×441", wh[0], wh[1])
		}
		checkLogs(t, srv)
	})

	t.Run("certificates", func(t *testing.T) {
		// Trainees registered through the UI hold no certificates; the demo trainee does.
		srv := startServer(t, serverOpts{Env: []string{"SITEPRO_DEMO=1"}})
		b := newBrowser(t, false)
		b.login(srv, demo.TraineeID, demo.TraineePass)
		b.step("open 证书信息", tid("cert-card"), chromedp.Click(tid("tile-certificates")))
		b.wantPath("/certificates")
		numbers := evalJS[[]string](b, `[...document.querySelectorAll('[data-testid="cert-card"] [data-testid="cert-number"]')].map(e => e.textContent.trim())`)
		if len(numbers) < 2 || !slices.Contains(numbers, demo.CertNumber) {
			t.Fatalf("certificate cards show the numbers %q, want at least 2 with %s", numbers, demo.CertNumber)
		}
		fits := evalJS[bool](b, `document.documentElement.scrollWidth <= window.innerWidth`)
		if !fits {
			t.Errorf("证书信息 scrolls sideways at %d px", viewW)
		}
		b.shot("certificates", true)
		// The card of the valid certificate: its facts as the manual lists them.
		card := `[...document.querySelectorAll('[data-testid="cert-card"]')].find(c => c.querySelector('[data-testid="cert-number"]').textContent.trim() === ` + jsString(demo.CertNumber) + `)`
		facts := evalJS[string](b, card+`.innerText`)
		for _, want := range []string{"施工员（土建施工）", "河南省住房和城乡建设厅", "2021年9月15日", "长期有效", demoAgencyName, "河南省第一建筑工程集团有限责任公司"} {
			if !strings.Contains(facts, want) {
				t.Errorf("the card of %s does not show %q:\n%s", demo.CertNumber, want, facts)
			}
		}
		if got := evalJS[string](b, card+`.querySelector('[data-testid="cert-status"]').textContent.trim()`); got != "有效" {
			t.Errorf("the card of %s says %q, want 有效", demo.CertNumber, got)
		}
		href := evalJS[string](b, card+`.querySelector('[data-testid="cert-open"]').getAttribute("href")`)
		if !strings.HasPrefix(href, "/certificates/") {
			t.Fatalf("the card of %s links to %q, want /certificates/…", demo.CertNumber, href)
		}
		b.step("open the certificate", tid("verify-link"), chromedp.Click(chromedp.CSS(`a[data-testid="cert-open"][href="`+href+`"]`)))
		if got := b.text(tid("cert-number")); got != demo.CertNumber {
			t.Errorf("certificate detail shows number %q, want %s", got, demo.CertNumber)
		}
		if !evalJS[bool](b, `(() => { const q = document.querySelector('svg[data-testid="cert-qr"] path'); return !!q && q.getAttribute("d").length > 100; })()`) {
			t.Errorf("the certificate detail has no QR code")
		}
		link := evalJS[string](b, `document.querySelector('[data-testid="verify-link"]').href`)
		if !strings.HasPrefix(link, srv.URL+"/v/") {
			t.Fatalf("verify link = %q, want %s/v/…", link, srv.URL)
		}
		b.shot("certificate-detail", true)

		// A stranger (another browser, not logged in) opens the QR link.
		pub := newBrowser(t, false)
		pub.step("open the QR link", tid("verify-result"), chromedp.Navigate(link))
		if n := evalJS[int](pub, `document.querySelectorAll('[data-testid="whoami"]').length`); n != 0 {
			t.Errorf("the public verification page shows a signed-in user")
		}
		if got := pub.text(tid("cert-number")); got != demo.CertNumber {
			t.Errorf("verification shows number %q, want %s", got, demo.CertNumber)
		}
		if got := pub.text(tid("cert-status")); got != "有效" {
			t.Errorf("verification status = %q, want 有效", got)
		}
		if got := pub.text(tid("verify-verdict")); !strings.Contains(got, "证书有效") {
			t.Errorf("verdict = %q, want 证书有效", got)
		}
		name, id := pub.text(tid("verify-name")), pub.text(tid("verify-id"))
		if name == demo.TraineeName || !strings.Contains(name, "*") || !strings.HasPrefix(name, "王") {
			t.Errorf("holder name shown = %q, want the masked 王…", name)
		}
		if id == demo.TraineeID || !strings.Contains(id, "*") || !strings.HasPrefix(id, demo.TraineeID[:3]) {
			t.Errorf("ID number shown = %q, want it masked", id)
		}
		t.Logf("public verification shows %s / %s", name, id)
		html := evalJS[string](pub, `document.documentElement.outerHTML`)
		for _, secret := range []string{demo.TraineeID, demo.TraineeName, demo.TraineeID[6:14]} {
			if strings.Contains(html, secret) {
				t.Errorf("the public verification page contains %q", secret)
			}
		}
		pub.shot("public-verification", true)
		for _, bb := range []*browser{b, pub} {
			if errs := bb.consoleErrors(); len(errs) > 0 {
				t.Errorf("console errors or CSP violations:\n%s", strings.Join(errs, "\n"))
			}
		}
		checkLogs(t, srv) // the demo banner with the demo ID numbers is excluded
	})
}

// uploadRecord is what the page showed while it reduced and uploaded a photo, as the
// observer of TestBrowserPhotoAndCertificates records it in window.__e2e.
type uploadRecord struct {
	Status   []string `json:"status"` // the texts of [data-upload-status], in order
	Progress bool     `json:"progress"`
	Preview  *struct {
		Shown bool    `json:"shown"`
		W     float64 `json:"w"`
		H     float64 `json:"h"`
		NW    int     `json:"nw"`
		NH    int     `json:"nh"`
		Blob  bool    `json:"blob"`
	} `json:"preview"`
}

// seenUpload is one upload request as DevTools saw it.
type seenUpload struct {
	Type   network.ResourceType
	Length int64 // body bytes: Content-Length as sent, or the size of the post data
}

// watchUploads records the POST requests to path from now on.
func (b *browser) watchUploads(path string) func() []seenUpload {
	var mu sync.Mutex
	var order []network.RequestID
	byID := map[network.RequestID]*seenUpload{}
	sent := chromedp.Events(b.ctx, network.RequestWillBeSent)
	extra := chromedp.Events(b.ctx, network.RequestWillBeSentExtraInfo)
	go func() {
		for ev, err := range sent {
			if err != nil {
				return
			}
			if ev.Request.Method != "POST" || !strings.HasSuffix(strings.SplitN(ev.Request.URL, "?", 2)[0], path) {
				continue
			}
			mu.Lock()
			u := byID[ev.RequestID]
			if u == nil {
				u = &seenUpload{}
				byID[ev.RequestID] = u
				order = append(order, ev.RequestID)
			}
			u.Type = ev.Type
			if u.Length == 0 {
				for _, e := range ev.Request.PostDataEntries {
					u.Length += int64(len(e.Bytes))
				}
			}
			mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range extra {
			if err != nil {
				return
			}
			for k, v := range ev.Headers {
				if strings.EqualFold(k, "Content-Length") {
					n, _ := strconv.ParseInt(fmt.Sprint(v), 10, 64)
					mu.Lock()
					u := byID[ev.RequestID]
					if u == nil {
						u = &seenUpload{}
						byID[ev.RequestID] = u
						order = append(order, ev.RequestID)
					}
					u.Length = n
					mu.Unlock()
				}
			}
		}
	}()
	return func() []seenUpload {
		mu.Lock()
		defer mu.Unlock()
		var out []seenUpload
		for _, id := range order {
			if u := byID[id]; u.Type != "" {
				out = append(out, *u)
			}
		}
		return out
	}
}

// ---- 2. 新取证: the wizard, records and print-out (issue 4) ----

// wizardPlan says how a trainee goes through the wizard.
type wizardPlan struct {
	who          trainee
	noJS         bool // page scripts off: plain forms, uploads with the form's button
	resumeAfter  int  // log out and in again after this step (1–9), then resume; 0: no break
	changeOnPost bool // on 核对信息, change the post through its 修改 link
	docs         []string
}

// submittedApp is what the success page says.
type submittedApp struct {
	ID, Number, Post string
	Clicked          time.Time // when 提交并打印表格 was pressed
}

// wantStep asserts that the page brought in last is step n of the wizard.
func (b *browser) wantStep(n int) {
	b.t.Helper()
	if got, want := b.text(fresh("step-indicator")), fmt.Sprintf("第 %d 步，共 9 步", n); got != want {
		b.t.Fatalf("step indicator = %q, want %q\n%s", got, want, b.where())
	}
}

// wizardStep runs the actions of step n (a click, an upload) and waits for step n+1, or
// for 核对信息 after the last step.
func (b *browser) wizardStep(n int, name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	want := fresh("step-indicator")
	if n == 9 {
		want = fresh("check-list")
	}
	b.step(fmt.Sprintf("step %d %s", n, name), want, actions...)
	if n < 9 {
		b.wantStep(n + 1)
	}
}

// upload chooses a file on the document step: with JavaScript the choice alone starts the
// upload (reduced in the browser) and the step comes back with the picture; without it
// the form's own button sends it.
func (p wizardPlan) upload(file string) chromedp.Action[chromedp.Void] {
	choose := chromedp.SetUploadFiles(tid("doc-input"), []string{file})
	if p.noJS {
		return chromedp.Steps(choose, chromedp.Click(tid("step-submit")))
	}
	return choose
}

// wantPictureShown waits until the picture of the document step has loaded (its load
// event, not a timer) and asserts that it is an image the browser could decode.
func (b *browser) wantPictureShown() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Promise(done => {
		const img = document.querySelector('main:not([data-e2e-stale]) [data-testid="doc-current"]');
		if (!img) { done(-1); return; }
		if (img.complete) { done(img.naturalWidth); return; }
		img.addEventListener("load", () => done(img.naturalWidth));
		img.addEventListener("error", () => done(0));
	})`, chromedp.EvalAwaitPromise))
	if err != nil || w <= 0 {
		b.t.Fatalf("the uploaded picture is not shown on the step (natural width %d, %v)\n%s", w, err, b.where())
	}
}

// applyThroughWizard goes from the start page through 新取证报名 and the nine steps to
// 核对信息 and submits; it returns the application as the success page shows it.
func (b *browser) applyThroughWizard(srv *serverProc, p wizardPlan) submittedApp {
	b.t.Helper()
	t := b.t
	var dlg *dialogs
	if !p.noJS {
		dlg = b.acceptDialogs()
	}
	b.step("open 新取证报名", tid("notice-agree"), chromedp.Click(tid("tile-apply")))
	b.wantPath("/apply")
	b.step("agree to the notice", tid("apply-new"), chromedp.Click(tid("notice-agree")))
	if n := evalJS[int](b, `document.querySelectorAll('[data-testid="app-card"]').length`); n != 0 {
		t.Errorf("a new trainee has %d application cards, want none", n)
	}
	b.step("start a new application", fresh("step-indicator"), chromedp.Click(tid("apply-new")))
	b.wantStep(1)

	breakAfter := func(n int) {
		if p.resumeAfter != n {
			return
		}
		b.logout()
		b.login(srv, p.who.ID, p.who.Password)
		b.step("open 新取证报名 again", tid("app-card"), chromedp.Click(tid("tile-apply")))
		if got := b.text(tid("app-status")); got != "草稿（未提交）" {
			t.Errorf("the draft's status in 报名记录 = %q, want 草稿（未提交）", got)
		}
		b.step("continue the draft", fresh("step-indicator"), chromedp.Click(tid("apply-new")))
		b.wantStep(n + 1)
		b.shot(fmt.Sprintf("resumed-at-step-%d", n+1), true)
	}

	b.wizardStep(1, "就业状态: 在职", chromedp.Click(labelFor("f-employment-0")), chromedp.Click(tid("step-submit")))
	breakAfter(1)
	b.wizardStep(2, "所在地市: 郑州市", chromedp.Click(labelFor("f-city-0")), chromedp.Click(tid("step-submit")))
	breakAfter(2)

	// Step 3: the agencies of 郑州市 and the necessary information, prefilled from the
	// profile and the registration.
	agencies := evalJS[[]string](b, `[...document.querySelectorAll('#f-agency label')].map(l => l.textContent.trim())`)
	if len(agencies) != 1 || !strings.Contains(agencies[0], demoAgencyName) || !strings.Contains(agencies[0], "电话") {
		t.Errorf("agencies offered for 郑州市 = %q, want only %s with address and phone", agencies, demoAgencyName)
	}
	for field, want := range map[string]string{"phone": p.who.Mobile, "school": "河南大学", "major": "土木工程", "education": "大学本科"} {
		if got := b.value(formField(field)); got != want {
			t.Errorf("step 3 field %s prefilled with %q, want %q", field, got, want)
		}
	}
	b.shot("step-3", false)
	b.wizardStep(3, "培训机构和必要信息", chromedp.Click(labelFor("f-agency-0")),
		chromedp.SetValue(formField("education"), "大学专科"),
		chromedp.SetValue(formField("graduation"), "2012-07"),
		typeInto("employer", "河南省第一建筑工程集团有限责任公司"),
		typeInto("credit_code", "91350100M000100Y43"),
		chromedp.Click(tid("step-submit")))
	breakAfter(3)
	b.wizardStep(4, "专业及岗位: 施工员（土建施工）", chromedp.Click(labelFor("f-post-0")), chromedp.Click(tid("step-submit")))
	breakAfter(4)
	// The employer typed in step 3 is already suggested as the first résumé entry.
	if got := b.value(byName("resume.0.employer")); got != "河南省第一建筑工程集团有限责任公司" {
		t.Errorf("the first résumé entry's employer = %q, want the step-3 employer suggested", got)
	}
	b.wizardStep(5, "工作简历", chromedp.SetValue(byName("resume.0.from"), "2012-08"),
		chromedp.SendKeys(byName("resume.0.role"), "施工技术员"),
		chromedp.SendKeys(formField("achievements"), "参与郑州市住宅项目的施工管理。"),
		chromedp.Click(tid("step-submit")))
	breakAfter(5)
	// 上一步 shows the saved answers again.
	b.step("上一步 from step 6", fresh("step-indicator"), chromedp.Click(tid("step-back")))
	b.wantStep(5)
	for name, want := range map[string]string{"resume.0.from": "2012-08", "resume.0.employer": "河南省第一建筑工程集团有限责任公司", "resume.0.role": "施工技术员"} {
		if got := b.value(byName(name)); got != want {
			t.Errorf("after 上一步, %s = %q, want the saved %q", name, got, want)
		}
	}
	b.wizardStep(5, "工作简历 unchanged", chromedp.Click(tid("step-submit")))
	b.wizardStep(6, "个人报名承诺", chromedp.Click(labelFor("f-agree-box")), typeInto("signature", p.who.Name),
		chromedp.Click(tid("step-submit")))
	breakAfter(6)
	for i, title := range []string{"身份证正面", "身份证反面", "学历证书"} {
		n := 7 + i
		if got := b.text(chromedp.CSS("main h1")); got != title {
			t.Errorf("step %d heading = %q, want %s", n, got, title)
		}
		// The upload comes back to the step with the picture as it was kept, to be
		// checked before going on.
		b.step(fmt.Sprintf("step %d %s: upload", n, title), fresh("doc-current"), p.upload(p.docs[i]))
		b.wantStep(n)
		b.wantFlash(title + "已上传")
		b.wantPictureShown()
		if n == 7 {
			b.shot("document-uploaded", true)
		}
		b.wizardStep(n, title+": 确定，下一步", chromedp.Click(tid("step-next")))
		breakAfter(n)
	}

	// 核对信息.
	b.wantPathSuffix("/check")
	check := b.text(tid("check-list"))
	for _, want := range []string{"在职（有工作单位）", "郑州市", demoAgencyName, "大学专科 · 河南大学 · 土木工程", "施工员（土建施工）", "施工技术员", "已签名：" + p.who.Name} {
		if !strings.Contains(check, want) {
			t.Errorf("核对信息 does not show %q:\n%s", want, check)
		}
	}
	post := "施工员（土建施工）"
	if p.changeOnPost {
		b.step("修改 专业及岗位", fresh("step-indicator"), chromedp.Click(chromedp.CSS(`[data-testid="check-list"] a[href$="/post?back=check"]`)))
		b.wantStep(4)
		if !evalJS[bool](b, `document.getElementById("f-post-0").checked`) {
			t.Errorf("the saved post is not selected when changing it")
		}
		if got := b.text(tid("step-submit")); got != "保存并返回核对" {
			t.Errorf("the button of a step opened from 核对信息 says %q, want 保存并返回核对", got)
		}
		b.step("choose 施工员（装饰装修）", fresh("check-list"), chromedp.Click(labelFor("f-post-1")), chromedp.Click(tid("step-submit")))
		b.wantPathSuffix("/check")
		post = "施工员（装饰装修）"
		if check := b.text(tid("check-list")); !strings.Contains(check, post) || strings.Contains(check, "施工员（土建施工）") {
			t.Errorf("核对信息 after the change does not show %s instead of 施工员（土建施工）:\n%s", post, check)
		}
	}
	b.shot("check", true)
	b.do("tick the confirmation", chromedp.Click(labelFor("f-confirm")))
	asked := 0
	if dlg != nil {
		asked = len(dlg.messages())
	}
	clicked := time.Now()
	b.step("提交并打印表格", fresh("submitted"), chromedp.Click(tid("submit-app")))
	if dlg != nil {
		if msgs := dlg.messages()[asked:]; len(msgs) != 1 || !strings.Contains(msgs[0], "确定提交报名吗") {
			t.Errorf("confirmation dialogs = %q, want one asking 确定提交报名吗", msgs)
		}
	}
	app := submittedApp{Number: b.text(tid("done-number")), Post: post, Clicked: clicked}
	path := b.path()
	if !strings.HasPrefix(path, "/apply/") || !strings.HasSuffix(path, "/done") {
		t.Fatalf("the success page is at %q, want /apply/…/done", path)
	}
	app.ID = strings.TrimSuffix(strings.TrimPrefix(path, "/apply/"), "/done")
	if !strings.HasPrefix(app.Number, "XQ") || len(app.Number) != len("XQ2026010100001") {
		t.Errorf("application number = %q, want XQ + date + sequence", app.Number)
	}
	b.shot("submitted", true)
	return app
}

func (b *browser) wantPathSuffix(suffix string) {
	b.t.Helper()
	if got := b.path(); !strings.HasSuffix(got, suffix) {
		b.t.Errorf("address bar path = %q, want …%s", got, suffix)
	}
}

// checkPrintForm opens 打印报名表 from the success page and checks the sheet.
func (b *browser) checkPrintForm(srv *serverProc, app submittedApp) {
	b.t.Helper()
	t := b.t
	b.step("打印报名表", tid("print-sheet"), chromedp.Click(tid("done-print")))
	b.wantPath("/apply/" + app.ID + "/print/form")
	if got := b.text(tid("doc-number")); got != app.Number {
		t.Errorf("the printed form shows number %q, want %s", got, app.Number)
	}
	if !evalJS[bool](b, `(() => { const q = document.querySelector('[data-testid="print-sheet"] svg[data-testid="cert-qr"] path'); return !!q && q.getAttribute("d").length > 100; })()`) {
		t.Errorf("the printed form has no QR code")
	}
	if got := b.text(tid("verify-url")); !strings.HasPrefix(got, srv.URL+"/d/") {
		t.Errorf("the printed form's verification address = %q, want %s/d/…", got, srv.URL)
	}
	if sheet := b.text(tid("print-sheet")); !strings.Contains(sheet, app.Post) || !strings.Contains(sheet, demoAgencyName) {
		t.Errorf("the printed form does not show the post %s and the agency:\n%s", app.Post, lastChars(sheet, 1500))
	}
	b.shot("print-form", true)
}

// TestBrowserWizard: a new trainee goes through the 新取证 wizard with generated images,
// logs out in the middle and resumes, changes an answer from 核对信息, submits and prints
// the form; then another trainee does the same with JavaScript switched off.
func TestBrowserWizard(t *testing.T) {
	// Agencies exist only as demo data; the trainees are new and registered in the UI.
	srv := startServer(t, serverOpts{Env: []string{"SITEPRO_DEMO=1"}})
	docs := []string{colourJPEG(t, 1600, 1000, 7), colourJPEG(t, 1600, 1000, 8), colourJPEG(t, 1200, 1600, 9)}

	t.Run("javascript", func(t *testing.T) {
		b := newBrowser(t, false)
		who := makeTrainee("wizard", 4001)
		b.registerTrainee(srv, who)
		app := b.applyThroughWizard(srv, wizardPlan{who: who, resumeAfter: 7, changeOnPost: true, docs: docs})
		b.checkPrintForm(srv, app)
		if errs := b.consoleErrors(); len(errs) > 0 {
			t.Errorf("console errors or CSP violations:\n%s", strings.Join(errs, "\n"))
		}
		// The uploads were the script's (XHR), the other steps htmx requests.
		b.mu.Lock()
		uploads, steps := 0, 0
		for _, r := range b.requests {
			if r.Method != "POST" || !strings.Contains(r.URL, "/apply/"+app.ID+"/") {
				continue
			}
			switch slug := strings.SplitN(r.URL[strings.LastIndex(r.URL, "/")+1:], "?", 2)[0]; slug {
			case "id-front", "id-back", "diploma":
				uploads++
				if r.Type != network.ResourceTypeXHR {
					t.Errorf("upload %s was a %s request, want XHR", r.URL, r.Type)
				}
			default:
				steps++
				if !r.HXRequest {
					t.Errorf("POST %s was not an htmx request", r.URL)
				}
			}
		}
		b.mu.Unlock()
		if uploads != 3 || steps < 8 { // 6 steps, the change of the post, submit
			t.Errorf("saw %d uploads and %d other POSTs of the application, want 3 and at least 8", uploads, steps)
		}
	})

	t.Run("no-javascript", func(t *testing.T) {
		b := newBrowser(t, true)
		who := makeTrainee("wizard", 4002)
		b.registerTrainee(srv, who)
		if on := evalJS[bool](b, `typeof window.htmx !== "undefined"`); on {
			t.Fatalf("htmx is loaded although page scripts are switched off")
		}
		app := b.applyThroughWizard(srv, wizardPlan{who: who, noJS: true, docs: docs})
		b.checkPrintForm(srv, app)
		b.mu.Lock()
		posts := 0
		for _, r := range b.requests {
			if r.Method == "POST" && strings.Contains(r.URL, "/apply/") {
				posts++
				if r.Type != network.ResourceTypeDocument || r.HXRequest {
					t.Errorf("POST %s was a %s request (HX-Request %v), want a plain form navigation", r.URL, r.Type, r.HXRequest)
				}
			}
		}
		b.mu.Unlock()
		if posts < 11 { // agree, start, 9 steps, submit
			t.Errorf("saw %d POSTs under /apply/, want at least 11", posts)
		}
	})
	checkLogs(t, srv)
}

// ---- 3. The reviewer's live queue (issue 5) ----

// queueHas is the JavaScript condition that the open queue lists the application number.
func queueHas(number string) string {
	return `[...document.querySelectorAll('[data-testid="queue-row"]')].some(r => r.textContent.includes(` + jsString(number) + `))`
}

// documentLoads counts the page loads (not htmx or SSE requests) the tab has made.
func (b *browser) documentLoads() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, r := range b.requests {
		if r.Type == network.ResourceTypeDocument {
			n++
		}
	}
	return n
}

// liveMark is the state of the reviewer's open queue before the trainee acts.
type liveMark struct {
	loads   int      // page loads of the tab so far
	numbers []string // application numbers listed
}

// markQueue notes the open queue's state and marks the window, so that a reload (which
// would lose the mark) is noticed.
func (b *browser) markQueue() liveMark {
	b.t.Helper()
	evalJS[chromedp.Void](b, `window.__e2eSameTab = true`)
	loads := b.documentLoads()
	if loads == 0 {
		b.t.Fatal("no page load of this tab was recorded, so a reload could not be noticed")
	}
	return liveMark{loads: loads,
		numbers: evalJS[[]string](b, `[...document.querySelectorAll('[data-testid="row-link"]')].map(a => a.textContent.trim())`)}
}

// waitLiveRow waits until the open queue lists number, which it did not list at the mark,
// without a reload of the page; since is when the trainee pressed submit. The time the
// accessibility gate spent on the pages in between does not count.
func (b *browser) waitLiveRow(m liveMark, number string, since time.Time, limit time.Duration) time.Duration {
	b.t.Helper()
	if slices.Contains(m.numbers, number) {
		b.t.Fatalf("the queue already listed %s before the trainee submitted", number)
	}
	for !evalJS[bool](b, queueHas(number)) {
		if time.Since(since)-gateTimeSince(since) > limit {
			b.t.Fatalf("the reviewer's open queue did not show %s within %v of the submit\n%s", number, limit, b.where())
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(since) - gateTimeSince(since)
	if !evalJS[bool](b, `window.__e2eSameTab === true`) || b.documentLoads() != m.loads {
		b.t.Errorf("the reviewer's page was reloaded; the row must arrive without a reload")
	}
	return took
}

// TestBrowserReviewerLiveQueue: the reviewer of 郑州建设职业培训中心 keeps the queue open
// while a new trainee submits; the row appears without reload, the reviewer returns it with
// a reason, the trainee sees the reason and gets the mail, resubmits, and the reviewer
// confirms.
func TestBrowserReviewerLiveQueue(t *testing.T) {
	mail := startSMTPPeer(t)
	srv := startServer(t, serverOpts{Env: []string{"SITEPRO_DEMO=1", "SITEPRO_SMTP_URL=" + mail.URL(), "SITEPRO_SMTP_FROM=noreply@sitepro.test"}})
	docs := []string{colourJPEG(t, 1600, 1000, 11), colourJPEG(t, 1600, 1000, 12), colourJPEG(t, 1200, 1600, 13)}
	const note = "身份证正面反光，请在光线均匀处重新拍摄后上传。"
	reason := "身份证图片不清晰或不完整" // the first of domain.ReturnReasonsList

	// The reviewer opens the queue and keeps it open.
	rev := newBrowser(t, false)
	revDialogs := rev.acceptDialogs()
	rev.login(srv, "zz-reviewer", demo.ReviewerPass)
	rev.step("open 审核工作台", tid("rows-total"), chromedp.Click(tid("tile-review")))
	rev.wantPath("/review")
	if h := rev.text(chromedp.CSS("main h1")); !strings.Contains(h, demoAgencyName) {
		t.Errorf("console heading = %q, want it to name %s", h, demoAgencyName)
	}
	rev.shot("queue-before", false)
	if w := evalJS[int](rev, `document.documentElement.scrollWidth`); w > viewW {
		// Reviewers mostly work at desks, but the console must still reflow on a phone.
		t.Errorf("the reviewer console scrolls sideways at %d px (scrollWidth %d)", viewW, w)
	}
	mark := rev.markQueue()

	// A new trainee registers and submits to 郑州建设职业培训中心.
	tr := newBrowser(t, false)
	who := makeTrainee("live", 5001)
	tr.registerTrainee(srv, who)
	app := tr.applyThroughWizard(srv, wizardPlan{who: who, docs: docs})
	took := rev.waitLiveRow(mark, app.Number, app.Clicked, 5*time.Second)
	t.Logf("the new row appeared in the open queue %v after the submit", took.Round(time.Millisecond))
	rev.shot("queue-live-row", true)

	// The reviewer returns it with a reason and a note.
	open := chromedp.CSS(`[data-testid="queue-row"] a[href="/review/apps/` + app.ID + `"]`)
	rev.step("open the new application", fresh("decide"), chromedp.Click(open))
	if msgs := revDialogs.messages(); len(msgs) > 0 {
		// The row links sit inside the bulk-confirm form; its hx-confirm must not be
		// inherited by them (hx-disinherit), so opening an application asks nothing.
		t.Errorf("opening a queue row asked %q", msgs)
	}
	if got := rev.text(tid("app-status")); got != "已提交，待机构确认" {
		t.Errorf("status on the review page = %q, want 已提交，待机构确认", got)
	}
	if n := evalJS[int](rev, `document.querySelectorAll('[data-testid="documents"] img').length`); n != 3 {
		t.Errorf("the review page shows %d document images, want 3 (ID front, back, diploma; no photo yet)", n)
	}
	rev.do("tick a reason and write a note", chromedp.Click(labelFor("r-0")), chromedp.SendKeys(formField("note"), note))
	if got := rev.text(labelFor("r-0")); got != reason {
		t.Errorf("the first return reason reads %q, want %s", got, reason)
	}
	// The phone is masked; 显示完整号码 swaps in the full number and keeps what was typed.
	if got := rev.text(tid("phone-masked")); !strings.Contains(got, "****") {
		t.Errorf("the review page shows the phone as %q, want it masked", got)
	}
	rev.step("显示完整号码", tid("phone-full"), chromedp.Click(tid("reveal-phone")))
	if got := rev.text(tid("phone-full")); len(got) != 11 || strings.Contains(got, "*") {
		t.Errorf("the revealed phone reads %q", got)
	}
	if got := evalJS[string](rev, `document.querySelector("#f-note").value`); got != note {
		t.Errorf("revealing the phone lost the typed note: %q", got)
	}
	rev.wantPath("/review/apps/" + app.ID)
	rev.shot("return-filled", true)
	rev.step("退回修改", fresh("live"), chromedp.Click(tid("decide-return")))
	rev.wantPath("/review")
	rev.wantFlash("退回报名")
	rev.waitFor("the returned application leaves the queue", `document.querySelector('[data-testid="rows-total"]') !== null && !`+queueHas(app.Number), stepTimeout)
	mark = rev.markQueue()

	// The trainee sees the reason in 报名记录 …
	tr.step("open 新取证报名", tid("app-card"), chromedp.Navigate(srv.URL+"/apply"))
	if got := tr.text(tid("app-status")); got != "已退回，待修改" {
		t.Errorf("status in 报名记录 = %q, want 已退回，待修改", got)
	}
	tr.step("open the application", tid("return-reason"), chromedp.Click(tid("app-open")))
	if got := tr.text(tid("return-reason")); !strings.Contains(got, reason) || !strings.Contains(got, note) {
		t.Errorf("the return reason shown = %q, want %q and the note %q", got, reason, note)
	}
	tr.shot("returned", true)

	// … and by mail.
	m := nextMailWithSubject(t, mail, who.Email, "报名审核结果：已退回，待修改", 15*time.Second)
	for _, want := range []string{app.Number, reason, note, who.Name, srv.URL + "/apply/" + app.ID} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("the return mail does not contain %q:\n%s", want, m.Body)
		}
	}

	// The trainee replaces the ID front from 核对信息 and resubmits; the reviewer's queue
	// (back on /review after the decision) shows it again without reload.
	tr.step("核对信息并提交", fresh("check-list"), chromedp.Click(tid("go-check")))
	tr.step("修改 身份证正面", fresh("doc-input"), chromedp.Click(chromedp.CSS(`[data-testid="check-list"] a[href$="/id-front?back=check"]`)))
	tr.step("upload a new ID front", fresh("doc-current"), chromedp.SetUploadFiles(tid("doc-input"), []string{colourJPEG(t, 1600, 1000, 14)}))
	tr.wantPictureShown()
	tr.step("确定，返回核对", fresh("check-list"), chromedp.Click(tid("step-next")))
	tr.wantPathSuffix("/check")
	dlg := tr.acceptDialogs()
	asked := len(dlg.messages())
	tr.do("tick the confirmation", chromedp.Click(labelFor("f-confirm")))
	clicked := time.Now()
	tr.step("提交并打印表格 again", fresh("submitted"), chromedp.Click(tid("submit-app")))
	if got := tr.text(tid("done-number")); got != app.Number {
		t.Errorf("the resubmitted application has number %q, want the same %s", got, app.Number)
	}
	if len(dlg.messages()) != asked+1 {
		t.Errorf("confirmation dialogs before resubmitting: %q, want one", dlg.messages()[asked:])
	}
	took = rev.waitLiveRow(mark, app.Number, clicked, 5*time.Second)
	t.Logf("the resubmitted row appeared in the open queue %v after the submit", took.Round(time.Millisecond))

	// The reviewer confirms it.
	rev.step("open the resubmitted application", fresh("decide"), chromedp.Click(open))
	if tl := rev.text(chromedp.CSS("ol.timeline")); !strings.Contains(tl, "修改后重新提交") {
		t.Errorf("the timeline on the review page does not show the resubmission:\n%s", tl)
	}
	rev.step("确认", fresh("live"), chromedp.Click(tid("decide-confirm")))
	rev.wantFlash("确认报名")

	// The trainee's page shows 机构已确认, and the mail says so.
	tr.step("open the application", tid("timeline"), chromedp.Navigate(srv.URL+"/apply/"+app.ID))
	if got := tr.text(tid("app-status")); got != "机构已确认" {
		t.Errorf("status after the confirmation = %q, want 机构已确认", got)
	}
	if n := evalJS[int](tr, `document.querySelectorAll('[data-testid="return-reason"], [data-testid="go-check"], [data-testid="delete"]').length`); n != 0 {
		t.Errorf("a confirmed application still offers the return reason, editing or deletion")
	}
	tr.shot("confirmed", true)
	nextMailWithSubject(t, mail, who.Email, "报名审核结果：机构已确认", 15*time.Second)

	for _, bb := range []*browser{rev, tr} {
		if errs := bb.consoleErrors(); len(errs) > 0 {
			t.Errorf("console errors or CSP violations:\n%s", strings.Join(errs, "\n"))
		}
	}
	checkLogs(t, srv, mail.Pass)
}

// nextMailWithSubject returns the next message to `to` with the subject, skipping others
// (the address confirmation, the submit acknowledgement).
func nextMailWithSubject(t *testing.T, p *smtppeer.Peer, to, subject string, limit time.Duration) *smtppeer.Message {
	t.Helper()
	deadline := time.Now().Add(limit)
	var skipped []string
	for {
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("no mail %q to %s within %v (skipped %q)", subject, to, limit, skipped)
		}
		m := p.Next(t, to, left)
		if m.Subject == subject {
			return m
		}
		skipped = append(skipped, m.Subject)
	}
}

// TestBrowserHiddenTabParksItsStream checks that a reviewer tab that is hidden gives its
// SSE connection back (browsers allow six per site over HTTP/1.1, so many open tabs would
// otherwise stall), and that showing it again reconnects and refreshes the rows.
func TestBrowserHiddenTabParksItsStream(t *testing.T) {
	srv := startServer(t, serverOpts{Env: []string{"SITEPRO_DEMO=1"}})
	rev := newBrowser(t, false)
	rev.login(srv, "zz-reviewer", demo.ReviewerPass)
	rev.step("open 审核工作台", tid("rows-total"), chromedp.Navigate(srv.URL+"/review"))
	setHidden := func(hidden bool) {
		js := `Object.defineProperty(document, "hidden", {configurable: true, get: () => ` + strconv.FormatBool(hidden) + `});
			document.dispatchEvent(new Event("visibilitychange")); true`
		evalJS[bool](rev, js)
	}
	// Mark the rows shown now; after the tab is shown again they must be replaced by
	// freshly fetched ones.
	evalJS[bool](rev, `document.querySelector('[data-testid="rows-total"]').setAttribute("data-old", "1"); true`)
	setHidden(true)
	rev.waitFor("the live element parked", `document.querySelector("[sse-connect]") === null`, 2*time.Second)
	setHidden(false)
	rev.waitFor("the live element back", `document.querySelector("[sse-connect]") !== null`, 2*time.Second)
	rev.waitFor("rows fetched again", `!!document.querySelector('[data-testid="rows-total"]:not([data-old])')`, 5*time.Second)
	if errs := rev.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	srv.stop(t)
}

// TestBrowserBulkSelectionSurvivesLiveRefresh: the reviewer ticks 全选 in the open queue; a
// live refresh of the rows (the doorbell that a new submission rings) keeps the ticks, and
// unticking one row leaves 全选 half-ticked.
func TestBrowserBulkSelectionSurvivesLiveRefresh(t *testing.T) {
	srv := startServer(t, serverOpts{Env: []string{"SITEPRO_DEMO=1"}})
	rev := newBrowser(t, false)
	rev.login(srv, "zz-reviewer", demo.ReviewerPass)
	rev.step("open 审核工作台", tid("rows-total"), chromedp.Navigate(srv.URL+"/review"))
	boxes := `document.querySelectorAll('#rows input[name="ids"]')`
	n := evalJS[int](rev, boxes+`.length`)
	if n == 0 {
		t.Fatal("the demo queue of 郑州建设职业培训中心 has no pending application to select")
	}
	if evalJS[bool](rev, `document.querySelector('[data-testid="select-all"]').closest("[data-select-all-wrap]").hidden`) {
		t.Fatal("全选 is hidden although the page has rows to select")
	}
	rev.do("tick 全选", chromedp.Click(labelFor("f-select-all")))
	if got := evalJS[int](rev, `[...`+boxes+`].filter(b => b.checked).length`); got != n {
		t.Fatalf("全选 ticked %d of %d rows", got, n)
	}
	// Ring the doorbell as the SSE event does; the rows are fetched and replaced.
	evalJS[bool](rev, `document.querySelector('[data-testid="rows-total"]').setAttribute("data-old", "1"); htmx.trigger("#rows", "sse:apps"); true`)
	rev.waitFor("the rows refreshed", `!!document.querySelector('[data-testid="rows-total"]:not([data-old])')`, 5*time.Second)
	if got := evalJS[int](rev, `[...`+boxes+`].filter(b => b.checked).length`); got != n {
		t.Errorf("after the live refresh %d of %d rows are still ticked, want all", got, n)
	}
	if !evalJS[bool](rev, `document.querySelector('[data-testid="select-all"]').checked`) {
		t.Error("全选 lost its tick in the refresh")
	}
	if n > 1 {
		rev.do("untick one row", chromedp.Click(chromedp.CSS(`#rows input[name="ids"]`)))
		if !evalJS[bool](rev, `(() => { const a = document.querySelector('[data-testid="select-all"]'); return !a.checked && a.indeterminate; })()`) {
			t.Error("with one row unticked, 全选 is not shown as partly selected")
		}
	}
	if errs := rev.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// TestBrowserPageSwapsLandWhereTheUserMustLook: after a boosted form submission the new page
// starts at its top (a trainee on a phone must see the next step's title and first
// question, or the saved message); after an error the error summary is on screen; after
// 添加一段工作经历 the new, empty entry is on screen.
func TestBrowserPageSwapsLandWhereTheUserMustLook(t *testing.T) {
	srv := startServer(t, serverOpts{Env: []string{"SITEPRO_DEMO=1"}})
	b := newBrowser(t, false)
	b.registerTrainee(srv, makeTrainee("scroll", 6001))
	inView := func(sel string) bool {
		return evalJS[bool](b, `(() => { const e = document.querySelector(`+jsString(sel)+`); if (!e) return false;
			const r = e.getBoundingClientRect(); return r.top > -2 && r.top < window.innerHeight; })()`)
	}
	toBottom := func() { evalJS[bool](b, `window.scrollTo(0, document.body.scrollHeight); true`) }
	// until waits for a state the page reaches by itself after a swap (htmx's settle, then
	// the focus and scroll app.js applies): it polls cond until it holds or stepTimeout
	// passes, and reports whether it held. No fixed pause, so a slow machine only waits
	// longer.
	until := func(cond func() bool) bool {
		for deadline := time.Now().Add(stepTimeout); ; time.Sleep(20 * time.Millisecond) {
			if cond() {
				return true
			}
			if time.Now().After(deadline) {
				return false
			}
		}
	}

	// 个人信息: an invalid mobile number, saved from the bottom of a long page.
	b.step("open 个人信息", tid("profile-save"), chromedp.Navigate(srv.URL+"/profile"))
	b.do("type a wrong mobile number", typeInto("mobile", "12345"))
	toBottom()
	b.step("保存 with an error", fresh("error-summary"), chromedp.Click(tid("profile-save")))
	if !until(func() bool { return inView(`[data-testid="error-summary"]`) }) {
		t.Errorf("after a failed 保存 the error summary is off screen (scrollY %d, its top %s)", evalJS[int](b, `Math.round(window.scrollY)`),
			evalJS[string](b, `[...document.querySelectorAll('[data-testid="error-summary"]')].map(e => Math.round(e.getBoundingClientRect().top)).join(",")`))
	}
	b.do("correct it", typeInto("mobile", "13912345678"))
	toBottom()
	b.step("保存", fresh("flash"), chromedp.Click(tid("profile-save")))
	if !until(func() bool { return inView(`[data-testid="flash"]`) }) {
		t.Errorf("after 保存 the saved message is off screen (scrollY %d)", evalJS[int](b, `Math.round(window.scrollY)`))
	}

	// The wizard: a new application, step 1 submitted from the bottom of the page.
	b.step("open 新取证报名", tid("notice-agree"), chromedp.Navigate(srv.URL+"/apply"))
	b.step("agree to the notice", tid("apply-new"), chromedp.Click(tid("notice-agree")))
	b.step("start a new application", fresh("step-indicator"), chromedp.Click(tid("apply-new")))
	b.do("choose 在职", chromedp.Click(labelFor("f-employment-0")))
	toBottom()
	b.step("确定，下一步", fresh("step-indicator"), chromedp.Click(tid("step-submit")))
	if !until(func() bool { return evalJS[int](b, `Math.round(window.scrollY)`) == 0 && inView("main h1") }) {
		t.Errorf("the next step opened scrolled to %d px; want its top with the title on screen", evalJS[int](b, `Math.round(window.scrollY)`))
	}
	b.wizardStep(2, "所在地市: 郑州市", chromedp.Click(labelFor("f-city-0")), chromedp.Click(tid("step-submit")))
	b.wizardStep(3, "培训机构", chromedp.Click(labelFor("f-agency-0")), typeInto("employer", "河南某建筑公司"),
		typeInto("credit_code", "91350100M000100Y43"), chromedp.Click(tid("step-submit")))
	b.wizardStep(4, "专业及岗位", chromedp.Click(labelFor("f-post-0")), chromedp.Click(tid("step-submit")))
	// 工作简历: 添加一段 lands on the new, empty entry with the cursor in it.
	b.step("添加一段工作经历", fresh("step-indicator"), chromedp.Click(tid("resume-add")))
	if n := evalJS[int](b, `document.querySelectorAll('[data-testid="resume-row"]').length`); n != 2 {
		t.Fatalf("after 添加 there are %d entries, want 2", n)
	}
	if !until(func() bool {
		return inView(`[data-testid="resume-row"]:last-of-type`) && evalJS[bool](b, `document.activeElement && document.activeElement.name === "resume.1.from"`)
	}) {
		t.Errorf("after 添加 the new entry is not on screen with the cursor in it (scrollY %d, focus %s)",
			evalJS[int](b, `Math.round(window.scrollY)`), evalJS[string](b, `document.activeElement ? document.activeElement.name || document.activeElement.tagName : ""`))
	}
}
