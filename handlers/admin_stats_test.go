package handlers

import (
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sitepro/domain"
)

// TestAdminStats: with one application passed at agency A (郑州) and one waiting at
// agency B (洛阳), the admin finds 统计 on the home page, reads the counts as a chart and a
// table, narrows them with the GET filter, sees the pass rate (and that there are no exam
// sessions yet), and exports the same filter as Excel with the right numbers, audited.
// Other roles are refused.
func TestAdminStats(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	_, passed := submittedApp(t, e, idA, "王芳", agA)
	submittedApp(t, e, idB, "李雷", agB)
	admin := e.staff(domain.RoleAdmin, "admin")
	adminUser := mustUser(t, e, "admin")
	exam := printExam
	for _, d := range []domain.Decision{{Kind: domain.AppConfirmDecision}, {Kind: domain.AppScheduleDecision, Exam: &exam},
		{Kind: domain.AppScoresDecision, Scores: &domain.Scores{Basic: domain.Points(80), Practice: domain.Points(75)}},
		{Kind: domain.AppResultDecision, PassMarks: domain.DefaultExamSettings()}} {
		if _, err := e.st.DecideApplication(adminUser, passed, d, e.clock.Now()); err != nil {
			t.Fatalf("%s: %v", d.Kind, err)
		}
	}

	must(t, admin.get("/"), 200, `href="/admin/stats"`, `data-testid="tile-stats"`)
	page := admin.get("/admin/stats")
	must(t, page, 200, `data-testid="stats-filter"`, `<svg`, `data-testid="stats-chart"`, `class="chart-bar"`,
		`data-testid="stats-table"`, "郑州中心", "洛阳中心", `data-testid="stats-total">2<`, "考试合格",
		`data-testid="stats-no-sessions"`, `data-testid="stats-pass-table"`, "100.0%", `data-testid="stats-compliance-empty"`,
		`href="/admin/stats/export.xlsx"`)
	if strings.Contains(page.body, "style=") || strings.Contains(page.body, "<script>") {
		t.Error("the statistics page has an inline style or script (strict CSP)")
	}
	byCity := admin.get("/admin/stats?by=city&status=submitted")
	must(t, byCity, 200, "洛阳市", `data-testid="stats-total">1<`, `href="/admin/stats/export.xlsx?by=city&amp;status=submitted"`)
	if strings.Contains(byCity.body, `<strong>郑州市</strong>`) {
		t.Error("the status filter kept a row without submitted applications")
	}
	must(t, admin.get("/admin/stats?kind=certs&status=bogus&city=999999&post=x&agency="+agB.ID), 200, `data-testid="stats-empty"`)
	must(t, admin.get("/admin/stats?kind=ce"), 200, "继续教育报名数量", `data-testid="stats-empty"`)

	x := admin.get("/admin/stats/export.xlsx?by=city")
	if x.status != 200 || !strings.Contains(x.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %s", x.status, x.header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("新取证报名数量")
	if len(rows) != 4 || rows[0][0] != "地市" || rows[0][len(rows[0])-1] != "合计" {
		t.Fatalf("counts sheet: %v", rows)
	}
	col := func(label string) int { return slices.Index(rows[0], label) }
	want := map[string][2]string{"郑州市": {"1", "0"}, "洛阳市": {"1", "1"}, "合计": {"2", "1"}}
	for _, r := range rows[1:] {
		w, ok := want[r[0]]
		if !ok || r[len(r)-1] != w[0] || r[col(domain.AppSubmitted.Label())] != w[1] {
			t.Errorf("counts row %v, want total %s and submitted %s", r, w[0], w[1])
		}
	}
	pass, _ := f.GetRows("通过率（按培训机构）")
	if len(pass) != 2 || pass[1][0] != "郑州中心" || pass[1][1] != "1" || pass[1][5] != "100.0%" {
		t.Fatalf("pass sheet: %v", pass)
	}
	if log, _ := e.st.AuditLog(storeFilter(domain.AuditStatsExport), 10); len(log) != 1 || !strings.Contains(log[0].Detail, "按地市") {
		t.Fatalf("export audited: %+v", log)
	}

	for _, c := range []*client{e.reviewer(agA.ID, "rev"), e.registered("410102199003071230", "张伟")} {
		must(t, c.get("/admin/stats"), 403)
		must(t, c.get("/admin/stats/export.xlsx"), 403)
	}
	guest := e.client()
	guest.get("/login")
	if r := guest.get("/admin/stats"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("guest: %d %s", r.status, r.header.Get("Location"))
	}
	if log, _ := e.st.AuditLog(storeFilter(domain.AuditStatsExport), 10); len(log) != 1 {
		t.Fatalf("a refused export was audited: %d", len(log))
	}
}
