package handlers

import (
	"net/url"
	"strings"
	"testing"
)

// TestQueuesShowRowsWithoutJavaScript: the application, photo and CE queue pages come with
// their first page of rows inside the live container (same testids, same rows URL for
// htmx, refreshed by the doorbell), so a reviewer without JavaScript sees the rows with
// the tabs and filters instead of "正在加载…"; the rows URL still answers htmx alone.
func TestQueuesShowRowsWithoutJavaScript(t *testing.T) {
	f := newCEReviewFixture(t)
	e := f.e
	submittedApp(t, e, idA, "王芳", f.agA)
	tr := e.client()
	tr.login(idA, pwOK)
	tr.get("/profile/photo")
	must(t, tr.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)

	noLoading := func(r resp, what string) {
		t.Helper()
		if strings.Contains(r.body, "正在加载") || strings.Contains(r.body, "查看列表") {
			t.Errorf("%s still shows the loading placeholder", what)
		}
		if strings.Contains(r.body, `hx-trigger="load`) {
			t.Errorf("%s fetches its rows again on load although they came with the page", what)
		}
	}
	r := f.revA.get("/review")
	must(t, r, 200, `data-testid="tab-apps"`, `action="/review"`, `id="rows"`, `data-testid="rows"`, `hx-get="/review/apps/rows?"`,
		`hx-trigger="sse:apps"`, `data-testid="queue-row"`, "王芳", "共 1 条", `data-testid="bulk-confirm"`)
	noLoading(r, "the application queue")
	r = f.revA.get("/review?status=all&q=" + url.QueryEscape("王芳"))
	must(t, r, 200, `data-testid="queue-row"`, `hx-get="/review/apps/rows?q=`)

	r = f.revA.get("/review/photos")
	must(t, r, 200, `data-testid="tab-photos"`, `hx-trigger="sse:photos"`, `data-testid="photo-row"`, "王芳", `data-testid="photo-confirm"`)
	noLoading(r, "the photo queue")

	r = f.revA.get("/review/ce")
	must(t, r, 200, `data-testid="tab-ce"`, `action="/review/ce"`, `hx-trigger="sse:ce"`, `data-testid="ce-queue-row"`, "王建国", "412021101000123")
	noLoading(r, "the CE queue")

	// Another agency's reviewer sees none of it on the pages either.
	for _, p := range []string{"/review", "/review/photos", "/review/ce?status=all"} {
		if r := f.revB.get(p); r.status != 200 || strings.Contains(r.body, "王芳") || strings.Contains(r.body, "王建国") {
			t.Errorf("%s of agency B: %d, leaks agency A's rows", p, r.status)
		}
	}
	if r := hx(f.revA, "/review/apps/rows"); strings.Contains(r.body, "<html") || !strings.Contains(r.body, "王芳") {
		t.Fatal("the htmx rows request no longer answers the rows alone")
	}
}
