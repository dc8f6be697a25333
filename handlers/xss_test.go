package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
)

// xss is typed into every free-text field a trainee controls. Names, ID numbers, mobiles
// and e-mails are validated to a shape that cannot carry markup, so they are not listed.
const xss = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`

// TestXSSRoundTrip puts markup into every user-editable text field and then reads every
// page, fragment, queue row, print view and mail that shows those fields (SECURITY.md 14).
func TestXSSRoundTrip(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	c := e.registered(idA, "王芳")
	c.get("/profile")
	must(t, c.post("/profile", url.Values{"mobile": {"13912345678"}, "school": {xss}, "major": {xss},
		"employer": {xss}, "credit_code": {"91350100M000100Y43"}, "address": {xss}, "education": {"大学本科"}}), 303)
	app := startWizard(t, c)
	base := "/apply/" + app + "/"
	for _, st := range []struct {
		step string
		v    url.Values
	}{
		{"employment", url.Values{"employment": {"在职（有工作单位）"}}},
		{"city", url.Values{"city": {"410100"}}},
		{"agency", url.Values{"agency": {ag.ID}, "phone": {"13812345678"}, "education": {"大学本科"}, "school": {xss},
			"major": {xss}, "employer": {xss}, "credit_code": {"91350100M000100Y43"}, "address": {xss}}},
		{"post", url.Values{"post": {"101"}}},
		{"resume", url.Values{"resume.0.from": {"2012-08"}, "resume.0.employer": {xss}, "resume.0.role": {"<svg onload=x>"}, "achievements": {xss}}},
		{"pledge", url.Values{"signature": {"王芳"}, "agree": {"1"}}},
	} {
		must(t, c.post(base+st.step, st.v), 303)
	}
	img := colourJPEG(t, 800, 600, false)
	for _, st := range []string{"id-front", "id-back", "diploma"} {
		must(t, c.upload(base+st, "file", "a.jpg", img), 303)
	}
	pages := map[string]resp{"check": c.get(base + "check")}
	c.get(base + "check")
	must(t, c.post(base+"submit", url.Values{"confirm": {"1"}}), 303)
	rev := e.reviewer(ag.ID, "rev")
	rev.get("/review")
	must(t, rev.post("/review/apps/"+app+"/return", url.Values{"reasons": {domain.ReturnReasonsList[0]}, "note": {xss}}), 303)
	for name, path := range map[string]string{"profile": "/profile", "my data": "/profile/data", "records": "/apply",
		"detail": base[:len(base)-1], "print form": base + "print/form", "print pledge": base + "print/pledge",
		"resume step": base + "resume", "agency step": base + "agency"} {
		pages[name] = c.get(path)
	}
	pages["queue rows"] = rev.do("GET", "/review/apps/rows?status=all", nil, map[string]string{"HX-Request": "true"})
	pages["review detail"] = rev.get("/review/apps/" + app)
	for name, r := range pages {
		if r.status != 200 {
			t.Errorf("%s: status %d", name, r.status)
			continue
		}
		if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") || strings.Contains(r.body, "<svg onload") {
			t.Errorf("%s renders user input as markup", name)
		}
	}
	for _, name := range []string{"profile", "check", "detail", "print form", "review detail"} {
		if !strings.Contains(pages[name].body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the typed text (escaped)", name)
		}
	}
	csv := rev.get("/review/apps/export.csv?status=all")
	if csv.status != 200 {
		t.Fatalf("export: %d", csv.status)
	}
	msgs, _ := e.messages(50)
	for _, m := range msgs {
		if strings.ContainsAny(m.Subject, "<>\r\n") {
			t.Errorf("mail subject carries user markup or line breaks: %q", m.Subject)
		}
	}
}
