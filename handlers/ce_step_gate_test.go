package handlers

import (
	"net/url"
	"testing"

	"sitepro/domain"
)

// TestCEStepPOSTIsGatedInItsTransaction: a 继续教育 step save does not load the
// enrolment before its transaction (as 新取证's, TestStepPOSTIsGatedInItsTransaction), so
// the store gates it. Saving a step whose earlier steps are not done goes to the first
// unfinished step and saves nothing (a résumé row added there too); an unknown step is
// not found; a submitted enrolment goes to its detail page, unchanged; someone else's
// draft is not found.
func TestCEStepPOSTIsGatedInItsTransaction(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州建设职业培训中心", CityCode: "410100"})
	c := e.registered(ceID1, "王建国")
	other := e.registered(ceID2, "李秀英")
	u := e.holderOf(ceID1)
	e.addCert(u, "412021101000123", nil)
	e.addCert(u, "412021101000124", nil)
	e.addCert(e.holderOf(ceID2), "412021101000999", nil)
	id := ceStart(t, c)
	base := "/ce/" + id + "/"

	for _, v := range []url.Values{{"confirm": {"1"}}, {"resume.0.from": {"2012-08"}, "resume.0.employer": {"某公司"}, "resume.0.role": {"施工员"}, "op": {"add"}}} {
		step := "post"
		if v.Has("op") {
			step = "resume"
		}
		r := c.post(base+step, v)
		if r.status != 303 || r.header.Get("Location") != base+"cert" {
			t.Fatalf("%s saved before step 1: %d %q, want 303 to the cert step", step, r.status, r.header.Get("Location"))
		}
		must(t, c.get(base+"cert"), 200, "请先完成第 1 步：证书编号。")
	}
	if d, err := e.st.EnrolmentOf(u.ID, id); err != nil || d.PostConfirmed || len(d.Typed) != 0 {
		t.Fatalf("the refused steps changed the draft: %+v %v", d, err)
	}
	must(t, c.post(base+"nope", url.Values{"x": {"1"}}), 404)
	// The steps in order still save and go on.
	r := c.post(base+"cert", url.Values{"pick": {"412021101000123"}})
	if r.status != 303 || r.header.Get("Location") != base+"post" {
		t.Fatalf("step 1: %d %q", r.status, r.header.Get("Location"))
	}
	// Someone else's draft, by its id: not found, whatever the step (known or not).
	other.get("/ce") // a page with the form token
	must(t, other.post(base+"post", url.Values{"confirm": {"1"}}), 404)
	must(t, other.post(base+"nope", url.Values{"x": {"1"}}), 404)

	// A submitted enrolment: its step goes to the detail page, unchanged.
	sub := ceEnrol(t, c, "412021101000123", ag) // resumes the draft above
	r = c.post("/ce/"+sub+"/agency", url.Values{"city": {"410300"}, "op": {"city"}})
	if r.status != 303 || r.header.Get("Location") != "/ce/"+sub {
		t.Fatalf("a submitted enrolment's step saved: %d %q, want 303 to its detail page", r.status, r.header.Get("Location"))
	}
	must(t, c.get("/ce/"+sub), 200, "这份继续教育报名已提交，不能再修改。")
	if d, _ := e.st.EnrolmentOf(u.ID, sub); d.Status != domain.EnrolPending || d.CityCode != "410100" {
		t.Fatalf("the submitted enrolment changed: %+v", d)
	}
	e.assertNoIDInLogs()
}
