package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
)

func agencyValues(name, code string) url.Values {
	return url.Values{"name": {name}, "city": {"410300"}, "address": {"洛阳市涧西区"}, "phone": {"0379-64550101"},
		"credit_code": {code}, "contact": {"王老师"}, "app_posts": {"101", "111"}, "ce_posts": {"111"}}
}

// TestAdminAgencies: the admin creates an agency (all errors at once with values kept,
// then saved), finds it in the city filter, edits it (a duplicate credit code refused),
// suspends it (gone from the wizards' lists, audited) and re-enables it. The home page
// links to it; other roles are refused.
func TestAdminAgencies(t *testing.T) {
	e := newEnv(t)
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/"), 200, `href="/admin/agencies"`, "培训机构管理")
	must(t, admin.get("/admin/agencies/new"), 200, `name="app_posts" value="101" checked`, `name="ce_posts" value="110"`)

	bad := agencyValues("", "91350100M000100Y44")
	bad.Set("phone", "电话")
	r := admin.post("/admin/agencies", bad)
	must(t, r, 422, `data-testid="error-summary"`, `data-testid="err-name"`, `data-testid="err-phone"`, `data-testid="err-credit_code"`,
		`value="91350100M000100Y44"`, `value="洛阳市涧西区"`, `name="app_posts" value="111" checked`)
	if strings.Contains(r.body, `name="ce_posts" value="101" checked`) {
		t.Error("an unticked post came back ticked")
	}

	must(t, admin.post("/admin/agencies", agencyValues("洛阳建设培训中心", "91350100m000100y43")), 303)
	ags, _ := e.st.AgenciesOf("410300")
	if len(ags) != 1 || ags[0].CreditCode != "91350100M000100Y43" || ags[0].Contact != "王老师" {
		t.Fatalf("stored: %+v", ags)
	}
	id := ags[0].ID
	list := admin.get("/admin/agencies?city=410300")
	must(t, list, 200, `data-testid="agency-row"`, "洛阳建设培训中心", "0379-64550101", "在用", `href="/admin/agencies/`+id+`"`)
	if r := admin.get("/admin/agencies?city=410100"); strings.Contains(r.body, "洛阳建设培训中心") {
		t.Error("the city filter shows another city's agency")
	}
	must(t, admin.post("/admin/agencies", agencyValues("另一家", "91350100M000100Y43")), 422, "已经属于“洛阳建设培训中心”")

	edit := agencyValues("洛阳建设培训中心", "91350100M000100Y43")
	edit.Set("phone", "0379-64550102")
	must(t, admin.get("/admin/agencies/"+id), 200, `value="0379-64550101"`, `data-testid="agency-suspend"`, `name="rev" value="1"`)
	// Another admin saves first: this form, opened at revision 1, is refused with what
	// changed, keeps what was typed, and a second save is a conscious overwrite.
	other := agencyValues("洛阳建设培训中心", "91350100M000100Y43")
	other.Set("contact", "赵主任")
	other.Set("rev", "1")
	admin2 := e.staff(domain.RoleAdmin, "admin2")
	must(t, admin2.get("/admin/agencies/"+id), 200)
	must(t, admin2.post("/admin/agencies/"+id, other), 303)
	edit.Set("rev", "1")
	must(t, admin.post("/admin/agencies/"+id, edit), 409, `data-testid="agency-stale"`, "admin2", "联系人：赵主任 → 王老师",
		`value="0379-64550102"`, `name="rev" value="2"`)
	if p, _ := e.st.AgencyProfile(id); p.Phone != "0379-64550101" {
		t.Errorf("the stale edit was saved: %+v", p)
	}
	edit.Set("rev", "2")
	must(t, admin.post("/admin/agencies/"+id, edit), 303)
	if p, _ := e.st.AgencyProfile(id); p.Phone != "0379-64550102" || p.CEPosts.Trains("101") || !p.AppPosts.Trains("111") {
		t.Errorf("after edit: %+v", p)
	}

	ce := domain.AgencyFor{City: "410300", CE: true, Post: "111"}
	must(t, admin.post("/admin/agencies/"+id+"/suspend", url.Values{}), 303)
	if got, _ := e.st.EligibleAgencies(ce); len(got) != 0 {
		t.Errorf("suspended agency still offered: %+v", got)
	}
	must(t, admin.get("/admin/agencies?city=410300"), 200, "已暂停")
	must(t, admin.get("/admin/agencies/"+id), 200, `data-testid="agency-resume"`)
	must(t, admin.post("/admin/agencies/"+id+"/resume", url.Values{}), 303)
	if got, _ := e.st.EligibleAgencies(ce); len(got) != 1 {
		t.Errorf("re-enabled agency not offered: %+v", got)
	}
	must(t, admin.get("/admin/audit"), 200, "新增培训机构", "修改培训机构", "电话：0379-64550101 → 0379-64550102", "暂停培训机构", "恢复培训机构")

	for _, c := range []*client{e.reviewer(id, "rev"), e.registered(idA, "王芳")} {
		must(t, c.get("/admin/agencies"), 403)
		must(t, c.post("/admin/agencies/"+id+"/suspend", url.Values{}), 403)
	}
	guest := e.client()
	guest.get("/login")
	if r := guest.get("/admin/agencies"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("guest: %d %s", r.status, r.header.Get("Location"))
	}
	if got, _ := e.st.Agency(id); got.Suspended {
		t.Error("a refused request changed the agency")
	}
}

// TestSuspendedAgencyShownToItsTrainees: after the admin suspends an agency, the trainee
// whose enrolment it has reads on the enrolment's page that it stays with it, and gets a
// mail saying the same; a new enrolment cannot choose it.
func TestSuspendedAgencyShownToItsTrainees(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州建设职业培训中心", CityCode: "410100", Address: "郑州市金水区", Phone: "0371-65550101"})
	c := e.registered(ceID1, "王建国")
	e.addCert(e.holderOf(ceID1), "412021101000123", nil)
	id := ceEnrol(t, c, "412021101000123", ag)
	if r := c.get("/ce/" + id); strings.Contains(r.body, `data-testid="agency-suspended"`) {
		t.Fatal("suspension note before any suspension")
	}
	admin := e.staff(domain.RoleAdmin, "admin")
	admin.get("/admin/agencies/" + ag.ID)
	must(t, admin.post("/admin/agencies/"+ag.ID+"/suspend", url.Values{}), 303)
	must(t, c.get("/ce/"+id), 200, `data-testid="agency-suspended"`, "已暂停接受新的报名", "仍由它继续办理", "0371-65550101")
	if n := countMail(e, string(domain.NotifyCEAgencySuspended)); n != 1 {
		t.Fatalf("suspension mails: %d", n)
	}
	must(t, admin.get("/admin/audit"), 200, "已通知 1 份办理中报名的学员")
}
