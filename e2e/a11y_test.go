package e2e

// The accessibility gate (issue 14): every distinct page a browser journey visits is
// checked at 360 px, as it is reached, by axe-core (vendored in testdata/axe, never fetched)
// for the WCAG 2.0/2.1/2.2 A and AA rules, and by testdata/a11y_targets.js for touch
// targets (WCAG 2.5.8 at 24 px and the project's 44 px, both with 2.5.8's spacing and inline
// exceptions). browser.step calls checkA11y after each step has settled; a page is checked
// once per test binary run, keyed by its path pattern (ids replaced by :id), whether page
// scripts run, and whether it shows an error summary. Each violation is a test error that
// names the page, the rule and the element's selector; the journey goes on, so one run
// lists them all.
//
// With $SITEPRO_A11Y_LOG set, every checked page is appended to that file as one JSON line
// (the source of testdata/axe/REPORT.md).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// axeTags are the rule sets of WCAG 2.2 level A and AA in axe-core.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

var (
	axeSource = sync.OnceValues(func() (string, error) {
		b, err := os.ReadFile("testdata/axe/axe.min.js")
		return string(b), err
	})
	targetsSource = sync.OnceValues(func() (string, error) {
		b, err := os.ReadFile("testdata/a11y_targets.js")
		return string(b), err
	})
	a11yChecked sync.Map // page key → the test that checked it
	a11yLogMu   sync.Mutex

	gateMu    sync.Mutex
	gateSpans [][2]time.Time // when the gate ran, so that measured latencies can leave it out
)

// gateTimeSince is how long the gate ran, in any browser, since t: a latency measured
// across a step (a row arriving in another tab after a submit) leaves it out.
func gateTimeSince(t time.Time) time.Duration {
	gateMu.Lock()
	defer gateMu.Unlock()
	var d time.Duration
	for _, s := range gateSpans {
		start := s[0]
		if start.Before(t) {
			start = t
		}
		if s[1].After(start) {
			d += s[1].Sub(start)
		}
	}
	return d
}

// a11yViolation is one failed rule on one page, with the elements that fail it.
type a11yViolation struct {
	Rule    string   `json:"rule"`
	Impact  string   `json:"impact,omitempty"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// idSegment is a path segment that names one record: a hex id, a token, a number.
var idSegment = regexp.MustCompile(`^(?:[0-9]+|[0-9a-fA-F]{16,}|[A-Za-z0-9_-]{20,})$`)

// pagePattern is a path with its record ids replaced by :id.
func pagePattern(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if idSegment.MatchString(s) {
			segs[i] = ":id"
		}
	}
	return strings.Join(segs, "/")
}

// checkA11y checks the current page once (see the file comment). step names the step that
// brought the page, for the failure message.
func (b *browser) checkA11y(step string) {
	b.t.Helper()
	state := evalJS[[]any](b, `[location.pathname,
		document.querySelector('main [data-testid="error-summary"], main [data-testid="error-page"]') !== null]`)
	path, _ := state[0].(string)
	key := pagePattern(path)
	if b.noJS {
		key += " (no JavaScript)"
	}
	if state[1] == true {
		key += " (with errors)"
	}
	if _, done := a11yChecked.LoadOrStore(key, b.t.Name()); done {
		return
	}
	start := time.Now()
	defer func() {
		gateMu.Lock()
		gateSpans = append(gateSpans, [2]time.Time{start, time.Now()})
		gateMu.Unlock()
	}()
	if b.noJS {
		// axe-core waits on timers, which do not fire while page scripts are off: switch
		// them on for the check only. The page's own scripts did not run at load, and
		// turning execution on does not run them now.
		b.scripts(true)
		defer b.scripts(false)
	}
	violations := b.axe(key)
	violations = append(violations, b.targetSizes(key)...)
	for _, v := range violations {
		b.t.Errorf("accessibility: page %s (after %q): %s (%s): %s", key, step, v.Rule, v.Help, strings.Join(v.Targets, "; "))
	}
	b.logA11y(key, path, violations)
}

// scripts switches the page scripts of the tab on or off.
func (b *browser) scripts(on bool) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		b.t.Fatalf("switch page scripts on=%v: %v", on, err)
	}
}

// axe runs axe-core on the page and returns its violations.
func (b *browser) axe(key string) []a11yViolation {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatalf("read the vendored axe-core: %v", err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second) // a long page on a busy machine
	defer cancel()
	// Runtime.evaluate is not subject to the page's CSP, and runs with page scripts off.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`typeof window.axe === "object" || (function(){`+src+`
}).call(window)`)); err != nil {
		b.t.Fatalf("load axe-core into %s: %v", key, err)
	}
	tags, _ := json.Marshal(axeTags)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`},
		resultTypes: ["violations"]}).then(r => r.violations.map(v => ({rule: v.id, impact: v.impact || "", help: v.help,
		targets: v.nodes.map(n => n.target.join(" ") + (n.any.concat(n.all, n.none)[0] ? " — " + n.any.concat(n.all, n.none)[0].message : ""))})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe-core on %s: %v", key, err)
	}
	var out []a11yViolation
	if err := json.Unmarshal(raw, &out); err != nil {
		b.t.Fatalf("axe-core result on %s: %v", key, err)
	}
	return out
}

// targetSizes runs the touch-target check and returns one violation per rule.
func (b *browser) targetSizes(key string) []a11yViolation {
	b.t.Helper()
	src, err := targetsSource()
	if err != nil {
		b.t.Fatalf("read the target check: %v", err)
	}
	var fails []struct{ Rule, Selector, Text, Size, Near string }
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](src))
	if err != nil {
		b.t.Fatalf("touch-target check on %s: %v", key, err)
	}
	if err := json.Unmarshal(raw, &fails); err != nil {
		b.t.Fatalf("touch-target check on %s: %v", key, err)
	}
	help := map[string]string{
		"target-size-24": "WCAG 2.5.8: a target is at least 24×24 CSS px or has 24 px spacing",
		"target-size-44": "a target is at least 44×44 CSS px or has 44 px spacing (UX.md)",
	}
	var out []a11yViolation
	for _, rule := range []string{"target-size-24", "target-size-44"} {
		v := a11yViolation{Rule: rule, Help: help[rule]}
		for _, f := range fails {
			if f.Rule == rule {
				v.Targets = append(v.Targets, fmt.Sprintf("%s %q %s, too close to %s", f.Selector, f.Text, f.Size, f.Near))
			}
		}
		if len(v.Targets) > 0 {
			out = append(out, v)
		}
	}
	return out
}

// logA11y appends the page's result to $SITEPRO_A11Y_LOG when it is set.
func (b *browser) logA11y(key, path string, violations []a11yViolation) {
	file := os.Getenv("SITEPRO_A11Y_LOG")
	if file == "" {
		return
	}
	line, _ := json.Marshal(struct {
		Test       string          `json:"test"`
		Page       string          `json:"page"`
		Path       string          `json:"path"`
		Violations []a11yViolation `json:"violations"`
	}{b.t.Name(), key, path, violations})
	a11yLogMu.Lock()
	defer a11yLogMu.Unlock()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		b.t.Errorf("SITEPRO_A11Y_LOG: %v", err)
		return
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		b.t.Errorf("SITEPRO_A11Y_LOG: %v", err)
	}
}

// TestA11yGateFindsViolations: the gate is not vacuous. On a page made to break the rules,
// axe-core reports the low contrast and the unlabelled field, and the target check reports
// exactly the undersized targets that sit too close to another target: two adjacent 16 px
// buttons (2.5.8 at 24 px), a 30 px button beside another button and a lone 21 px link under
// a link in a sentence, 6 px away (44 px); not the link inside a sentence, not a 48 px button, not a
// checkbox whose label makes the target tall, not a small link far from everything.
func TestA11yGateFindsViolations(t *testing.T) {
	b := newBrowser(t, false)
	page := `<!doctype html><html lang="zh-CN"><head><title>检查</title></head><body><main>
<h1>检查</h1>
<p style="color:#bbb">对比度不够的文字</p>
<p><label for="ok">有标签</label><input id="ok"> <input id="bare"></p>
<div><button id="tiny1" style="width:16px;height:16px;padding:0;margin:0">1</button><button id="tiny2" style="width:16px;height:16px;padding:0;margin:0">2</button></div>
<div style="margin-top:60px"><button id="mid" style="width:30px;height:30px;padding:0">3</button><button id="big" style="width:48px;height:48px;margin-left:4px">4</button></div>
<p style="margin:60px 0 0;font-size:14px;line-height:1.5">请拨打 <a id="inline" href="#i">0371-12345678</a> 联系我们。</p>
<p style="margin:6px 0 0;font-size:14px;line-height:1.5"><a id="lone" href="#l">证书真伪查询</a></p>
<label style="display:flex;min-height:48px;margin-top:60px"><input type="checkbox" id="box">同意</label>
<p style="margin-top:80px"><a id="far" href="#f" style="font-size:12px">远处的小链接</a></p>
</main></body></html>`
	b.do("open the test page", chromedp.Navigate("data:text/html;charset=utf-8,"+url.PathEscape(page)))
	found := map[string]string{}
	for _, v := range append(b.axe("test page"), b.targetSizes("test page")...) {
		found[v.Rule] = strings.Join(v.Targets, "\n")
	}
	for rule, want := range map[string][]string{
		"color-contrast": {"p:nth-child(2)"},
		"label":          {"#bare"},
		"target-size-24": {"#tiny1", "#tiny2"},
		"target-size-44": {"#mid", "#lone"},
	} {
		for _, w := range want {
			if !strings.Contains(found[rule], w) {
				t.Errorf("%s does not report %s; it reports:\n%s", rule, w, found[rule])
			}
		}
	}
	for _, quiet := range []string{"#ok", "#inline", "#big", "#box", "#far"} {
		for rule, got := range found {
			for _, line := range strings.Split(got, "\n") {
				if strings.HasPrefix(line, quiet+" ") {
					t.Errorf("%s reports %s, which passes:\n%s", rule, quiet, line)
				}
			}
		}
	}
	if strings.Count(found["target-size-44"], "\n")+1 != 2 || strings.Count(found["target-size-24"], "\n")+1 != 2 {
		t.Errorf("target findings, want exactly #tiny1 #tiny2 at 24 px and #mid #lone at 44 px:\n24: %s\n44: %s", found["target-size-24"], found["target-size-44"])
	}
}
