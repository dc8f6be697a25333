package handlers

import (
	"regexp"
	"strings"
	"testing"
)

var (
	appJSRe  = regexp.MustCompile(`src="(/static/app\.[0-9a-f]+\.js)"`)
	appCSSRe = regexp.MustCompile(`href="(/static/app\.[0-9a-f]+\.css)"`)
)

// mustHideCityButtonWithScript: the 显示该市的培训机构 button (class city-show) is in the
// page for those without JavaScript; the page's own script marks <html> with class "js"
// and the page's stylesheet hides the button then, since a change of the city lists the
// agencies by itself.
func mustHideCityButtonWithScript(t *testing.T, c *client, page resp) {
	t.Helper()
	js, css := appJSRe.FindStringSubmatch(page.body), appCSSRe.FindStringSubmatch(page.body)
	if js == nil || css == nil {
		t.Fatal("the step page does not load app.js and app.css")
	}
	if r := c.get(js[1]); r.status != 200 || !strings.Contains(r.body, `document.documentElement.classList.add("js")`) {
		t.Errorf("app.js (%d) does not mark the page as scripted", r.status)
	}
	if r := c.get(css[1]); r.status != 200 || !strings.Contains(r.body, ".js .city-show { display: none; }") {
		t.Errorf("app.css (%d) does not hide the city button when the script runs", r.status)
	}
}
