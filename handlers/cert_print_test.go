package handlers

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sitepro/domain"
	"sitepro/testkit/chromium"
)

// TestCertificatePrintInChromium opens the holder's certificate print-out in a real
// browser at 360 px (no sideways scrolling) and at desktop width, prints it to A4 PDF
// (one page), and lays it out as print media at the width of A4's content box (180 mm
// with the 15 mm margins of print.css) to check that the frame, the QR code and the
// photo stay a pixel inside it, where Chromium would clip them on paper. With
// SITEPRO_SCREENSHOTS set it keeps the PDF and the screenshots there.
func TestCertificatePrintInChromium(t *testing.T) {
	e, base := servedEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州市建设职业技能培训中心（河南省住房和城乡建设厅指定培训机构）", CityCode: "410100"})
	c, a := decidedApp(t, e, idA, "欧阳娜娜·买买提", ag, 80)
	c.get("/profile/photo")
	must(t, c.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
	admin := domain.User{ID: "adm", Role: domain.RoleAdmin, Name: "管理员", Username: "admin"}
	_, cert, err := e.st.IssueCertificate(admin, a.ID, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
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
	run("open the print-out", chromedp.Navigate(base+"/certificates/"+cert.ID+"/print"), chromedp.WaitVisible(tid("cert-sheet")))
	runIn(t, ctx, "photo", chromedp.Poll[bool](`Array.from(document.images).length == 1 && Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)`,
		chromedp.WithPollingTimeout(10*time.Second)))
	dir := os.Getenv("SITEPRO_SCREENSHOTS")
	shot := func(name string) {
		if dir != "" {
			writeArtifact(t, dir, name, runIn(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100)))
		}
	}
	if !runIn(t, ctx, "width at 360", chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)) {
		t.Error("the certificate scrolls sideways at 360 px")
	}
	shot("cert-print-360.png")
	run("desktop", chromedp.EmulateViewport(1280, 900))
	if !runIn(t, ctx, "width at desktop", chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)) {
		t.Error("the certificate scrolls sideways at 1280 px")
	}
	shot("cert-print-desktop.png")

	res := runIn(t, ctx, "print", func(ctx context.Context, _ *chromedp.Target) (page.PrintToPDFResult, error) {
		return chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69})
	})
	if n := pdfPages(res.Data); n != 1 {
		t.Errorf("%d A4 pages, want 1", n)
	}
	if dir != "" {
		writeArtifact(t, dir, "cert-print.pdf", res.Data)
	}

	// A4's content box is 210 − 2 × 15 mm = 180 mm ≈ 680 CSS px wide.
	run("A4's content width", chromedp.EmulateViewport(680, 1009))
	runIn(t, ctx, "print media", func(ctx context.Context, _ *chromedp.Target) (cdp.Empty, error) {
		return chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
	})
	inside := runIn(t, ctx, "inside", chromedp.Evaluate[bool](`(() => {
		const w = document.documentElement.clientWidth;
		return ['.cert-frame', '.cert-frame .qr', '.cert-frame .photo-box', '.cert-frame table'].every(s => {
			const r = document.querySelector(s).getBoundingClientRect();
			return r.left >= 1 && r.right <= w - 1;
		}) && document.documentElement.scrollWidth <= w;
	})()`))
	if !inside {
		t.Error("part of the certificate reaches the edge of A4's content box (Chromium clips it on paper)")
	}
	shot("cert-print-a4.png")

	// The admin's pages at 360 px: the list stacks its rows, the certificate page and its
	// form fit.
	decidedApp(t, e, idB, "李四", ag, 80)
	hash, _ := hasher.Hash(t.Context(), pwOK)
	if _, err := e.st.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: "admin", Name: "管理员", PasswordHash: hash}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	run("media back to screen", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	runIn(t, ctx, "screen media", func(ctx context.Context, _ *chromedp.Target) (cdp.Empty, error) {
		return chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
	})
	run("log out", chromedp.Navigate(base+"/"), chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS("#f-login")))
	run("admin logs in", chromedp.SendKeys(chromedp.CSS("#f-login"), "admin"), chromedp.SendKeys(chromedp.CSS("#f-password"), pwOK),
		chromedp.Click(tid("login-submit")), chromedp.WaitVisible(tid("tile-cert-issue")))
	for _, pg := range []struct{ path, ready, name string }{
		{"/admin/certificates/issue", "issue-row", "cert-issue-360.png"},
		{"/admin/certificates/" + cert.ID, "cert-withdraw", "cert-admin-360.png"},
		{"/admin/certificates", "lookup-submit", "cert-lookup-360.png"},
	} {
		run("open "+pg.path, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(tid(pg.ready)))
		if !runIn(t, ctx, "width of "+pg.path, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)) {
			t.Errorf("%s scrolls sideways at 360 px", pg.path)
		}
		shot(pg.name)
	}
	e.assertNoIDInLogs()
}
