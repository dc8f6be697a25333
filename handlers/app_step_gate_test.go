package handlers

import (
	"net/url"
	"testing"

	"sitepro/domain"
)

// TestStepPOSTIsGatedInItsTransaction: a step save no longer loads the application before
// its transaction (issue 15), so the store gates it. Saving a step whose earlier steps are
// not done goes to the first unfinished step and saves nothing; an unknown step is not
// found; a submitted application goes to its detail page, unchanged; someone else's
// application is not found.
func TestStepPOSTIsGatedInItsTransaction(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州建设职业培训中心", CityCode: "410100"})
	c := e.registered(idA, "王芳")
	id := startWizard(t, c)
	base := "/apply/" + id + "/"

	r := c.post(base+"pledge", url.Values{"signature": {"王芳"}, "agree": {"1"}})
	if r.status != 303 || r.header.Get("Location") != base+"employment" {
		t.Fatalf("a later step saved first: %d %q, want 303 to the employment step", r.status, r.header.Get("Location"))
	}
	u, err := e.st.UserByLogin(idA, true)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := e.st.ApplicationOf(u.ID, id); err != nil || a.PledgeName != "" || a.Done(domain.StepPledge) {
		t.Fatalf("the refused step changed the draft: %q %v", a.PledgeName, err)
	}
	must(t, c.post(base+"nope", url.Values{"x": {"1"}}), 404)

	other, otherApp := submittedApp(t, e, idB, "李四", ag)
	r = other.post("/apply/"+otherApp+"/employment", url.Values{"employment": {"在职（有工作单位）"}})
	if r.status != 303 || r.header.Get("Location") != "/apply/"+otherApp {
		t.Fatalf("a submitted application's step saved: %d %q, want 303 to its detail page", r.status, r.header.Get("Location"))
	}
	must(t, other.get("/apply/"+otherApp), 200, "这份报名已提交，不能再修改。")
	// Someone else's draft, by its id: not found, whatever the step.
	must(t, other.post(base+"employment", url.Values{"employment": {"待业"}}), 404)
}
