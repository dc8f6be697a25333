package handlers

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"sitepro/domain"
	"sitepro/testkit/chromium"
)

// TestAdminSettingsInChromiumAt360: the settings page on a phone does not scroll
// sideways, and a wrong pass mark typed there comes back with its message and the value.
func TestAdminSettingsInChromiumAt360(t *testing.T) {
	e, base := servedEnv(t)
	e.staff(domain.RoleAdmin, "admin")
	ctx := chromium.Launch(t, 360, 740)
	tid := func(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		runIn(t, ctx, what, chromedp.Steps(actions...))
	}
	run("emulate a phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	run("log in", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#f-login")),
		chromedp.SendKeys(chromedp.CSS("#f-login"), "admin"), chromedp.SendKeys(chromedp.CSS("#f-password"), pwOK),
		chromedp.Click(tid("login-submit")), chromedp.WaitVisible(tid("whoami")))
	run("open settings", chromedp.Navigate(base+"/admin/settings"), chromedp.WaitVisible(tid("settings-posts")))
	if !runIn(t, ctx, "width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)) {
		t.Error("the settings page scrolls sideways at 360 px")
	}
	dir := os.Getenv("SITEPRO_SCREENSHOTS")
	if dir != "" {
		writeArtifact(t, dir, "admin-settings-360.png", runIn(t, ctx, "screenshot", chromedp.FullScreenshot(80)))
	}
	run("type a wrong pass mark", chromedp.SetValue(chromedp.CSS("#f-pass_basic"), "120"), chromedp.Click(tid("save-exam")),
		chromedp.WaitVisible(tid("err-pass_basic")))
	if v := runIn(t, ctx, "kept", chromedp.Evaluate[string](`document.getElementById("f-pass_basic").value`)); v != "120" {
		t.Errorf("the typed value was not kept: %q", v)
	}
	if !runIn(t, ctx, "width after error", chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)) {
		t.Error("the page with errors scrolls sideways at 360 px")
	}
	if es, _, _ := e.st.ExamSettings(); es != domain.DefaultExamSettings() {
		t.Errorf("a wrong mark was stored: %+v", es)
	}
}
