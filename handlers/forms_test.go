package handlers

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sitepro/domain"
)

var firstSubmit = regexp.MustCompile(`(?s)data-testid="step-form".*?(<button type="submit"[^>]*>)`)

// TestEnterSavesTheStep: pressing Enter submits a form with its first submit button, so
// that button must be a plain "save, next" and never a row's 删除这一段 (which silently
// dropped the first résumé entry) or a certificate's pick button.
func TestEnterSavesTheStep(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	c := e.registered(idA, "王芳")
	app := startWizard(t, c)
	base := "/apply/" + app + "/"
	must(t, c.post(base+"employment", url.Values{"employment": {"待业"}}), 303)
	must(t, c.post(base+"city", url.Values{"city": {"410100"}}), 303)
	must(t, c.post(base+"agency", url.Values{"agency": {ag.ID}, "phone": {"13812345678"}, "education": {"大学本科"}}), 303)
	must(t, c.post(base+"post", url.Values{"post": {"111"}}), 303)
	page := c.get(base + "resume")
	m := firstSubmit.FindStringSubmatch(page.body)
	if m == nil || strings.Contains(m[1], "name=") {
		t.Fatalf("the first submit button of the step form is %q; Enter would press it", m)
	}
	// A row error is listed in the error summary, not only next to the field.
	r := c.post(base+"resume", url.Values{"resume.0.from": {"2017-08"}, "resume.0.to": {"2016-01"},
		"resume.0.employer": {"某公司"}, "resume.0.role": {"施工员"}})
	must(t, r, 422)
	summary := r.body[strings.Index(r.body, `data-testid="error-summary"`):]
	summary = summary[:strings.Index(summary, "</div>")]
	if !strings.Contains(summary, "结束时间") {
		t.Fatalf("the error summary does not list the résumé row's error: %s", summary)
	}
}

// TestForgotMatchesEmailWhateverTheCase: phones capitalise the first letter; the reset
// must still reach the registered address.
func TestForgotMatchesEmailWhateverTheCase(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王芳") // registered as a@example.com
	c := e.client()
	c.get("/forgot")
	must(t, c.post("/forgot", url.Values{"id_number": {idA}, "email": {"A@Example.COM"}}), 200, `data-testid="forgot-sent"`)
	if countMail(e, "password_reset") != 1 {
		t.Fatal("no reset mail for the same address typed with capitals")
	}
}
