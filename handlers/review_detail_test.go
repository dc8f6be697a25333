package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
)

// TestReviewDetailFullIDNumberOnlyThere (issue 14, SECURITY.md 18): the agency's reviewer
// compares the ID number with the ID-card images on the review page, so that page shows it
// in full; the queue rows (with and without JavaScript), both exports, the addresses the
// reviewer is sent to, the admin's read-only view, the CE review page and the audit log
// keep it masked or leave it out.
func TestReviewDetailFullIDNumberOnlyThere(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	_, app := submittedApp(t, e, idA, "王芳", ag)
	rev := e.reviewer(ag.ID, "reva")
	admin := e.staff(domain.RoleAdmin, "admin")

	must(t, rev.get("/review/apps/"+app), 200, `data-testid="id-number">`+idA+"<", "请与身份证图片核对")
	for path, r := range map[string]resp{
		"/review":                     rev.get("/review"),
		"/review/apps/rows (htmx)":    hx(rev, "/review/apps/rows?status=all"),
		"/review/apps/rows":           rev.get("/review/apps/rows?status=all"),
		"/review/apps/export.csv":     rev.get("/review/apps/export.csv?status=all"),
		"/review/apps/export.xlsx":    rev.get("/review/apps/export.xlsx?status=all"),
		"/admin/apps/:id (read-only)": admin.get("/admin/apps/" + app),
	} {
		if r.status != 200 {
			t.Fatalf("%s: status %d", path, r.status)
		}
		if strings.Contains(r.body, idA) {
			t.Errorf("%s shows the full ID number", path)
		}
		if loc := r.header.Get("Location"); strings.Contains(loc, idA) {
			t.Errorf("%s sends to an address with the ID number: %s", path, loc)
		}
	}
	must(t, admin.get("/admin/apps/"+app), 200, domain.MaskID(idA))
	// A decision redirects to the queue: the number is in no address.
	r := rev.post("/review/apps/"+app+"/return", url.Values{"reasons": {domain.ReturnReasonsList[0]}})
	must(t, r, 303)
	if strings.Contains(r.header.Get("Location"), idA) {
		t.Errorf("the decision redirects to %q", r.header.Get("Location"))
	}
	entries, err := e.st.AuditLog(storeFilter(""), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range entries {
		if strings.Contains(a.Detail+a.Object, idA) {
			t.Errorf("an audit entry holds the full ID number: %+v", a)
		}
	}
	if m := idNumberRe.FindString(e.logs.String()); m != "" {
		t.Errorf("the server logged an ID number: %s", m)
	}

	// 继续教育 review shows no ID-card image, so its page keeps the number masked.
	f := newCEReviewFixture(t)
	ce := f.revA.get("/review/ce/" + f.enrolID)
	must(t, ce, 200, domain.MaskID(ceID1))
	if strings.Contains(ce.body, ceID1) {
		t.Error("the CE review page shows the full ID number")
	}
}

// TestReviewDetailDecisionBar (issue 14): on both review pages the main decision sits in
// the decision bar that the CSS keeps at the bottom of the window, with its shortcut, and
// the bar's jumps lead to forms that exist on the page; the forms keep their shortcuts too.
// An admin's read-only view has no bar.
func TestReviewDetailDecisionBar(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	_, app := submittedApp(t, e, idA, "王芳", ag)
	rev := e.reviewer(ag.ID, "reva")
	page := rev.get("/review/apps/" + app)
	must(t, page, 200, `data-testid="decide-bar"`, `id="return-form"`, `id="reject-form"`, `accesskey="r" data-testid="decide-return"`)
	bar := between(t, page.body, `data-testid="decide-bar"`, `id="return-form"`)
	for _, want := range []string{`accesskey="c" data-testid="decide-confirm"`, `href="#return-form"`, `href="#reject-form"`, "（Alt+C）"} {
		if !strings.Contains(bar, want) {
			t.Errorf("the decision bar lacks %s:\n%s", want, bar)
		}
	}
	if strings.Contains(e.staff(domain.RoleAdmin, "admin").get("/admin/apps/"+app).body, `data-testid="decide-bar"`) {
		t.Error("the admin's read-only view offers a decision")
	}

	f := newCEReviewFixture(t)
	ce := f.revA.get("/review/ce/" + f.enrolID)
	must(t, ce, 200, `data-testid="decide-bar"`, `id="return-form"`, `accesskey="r" data-testid="ce-return"`)
	bar = between(t, ce.body, `data-testid="decide-bar"`, `id="return-form"`)
	for _, want := range []string{`accesskey="c" data-testid="ce-confirm"`, `href="#return-form"`} {
		if !strings.Contains(bar, want) {
			t.Errorf("the CE decision bar lacks %s:\n%s", want, bar)
		}
	}
}

// between returns the part of s from the first from to the next to.
func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("no %s in the page", from)
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		t.Fatalf("no %s after %s", to, from)
	}
	return s[i : i+j]
}
