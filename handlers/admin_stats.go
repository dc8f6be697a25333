package handlers

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/export"
	"sitepro/store"
	"sitepro/views"
)

// 统计 (issue 12): counts by status × city × post × agency, exam pass rates and
// learning-hour compliance, as a page and as an Excel export with the same filter.

func (s *Server) statsRoutes() []Route {
	get := fiber.MethodGet
	return []Route{
		{get, "/admin/stats", Admin, s.statsPage},
		{get, "/admin/stats/export.xlsx", Admin, s.exportStats},
	}
}

// statsFilter reads the filter from the query; anything unknown means "all" (and the
// default kind and grouping), so a hand-edited URL never fails.
func statsFilter(c *fiber.Ctx) domain.StatsFilter {
	f := domain.StatsFilter{Kind: domain.ParseStatsKind(c.Query("kind")), By: domain.ParseStatsDim(c.Query("by")),
		Status: c.Query("status"), City: c.Query("city"), Post: c.Query("post"), Agency: c.Query("agency")}
	if !slices.Contains(domain.StatsStatuses(f.Kind), f.Status) {
		f.Status = ""
	}
	if _, ok := domain.CityByCode(f.City); !ok {
		f.City = ""
	}
	if _, ok := domain.PostByCode(f.Post); !ok {
		f.Post = ""
	}
	if len(f.Agency) > 64 {
		f.Agency = ""
	}
	return f
}

// statsQuery writes the filter back as a query string (defaults left out), for the
// export link and the form's values.
func statsQuery(f domain.StatsFilter) url.Values {
	q := url.Values{}
	if f.Kind != domain.StatsApps {
		q.Set("kind", string(f.Kind))
	}
	if f.By != domain.DimAgency {
		q.Set("by", string(f.By))
	}
	for k, v := range map[string]string{"status": f.Status, "city": f.City, "post": f.Post, "agency": f.Agency} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// statsModel builds the page from the store's data: all rules are the domain's.
func statsModel(f domain.StatsFilter, d store.StatsData, now time.Time) views.StatsModel {
	q := statsQuery(f)
	values := map[string]string{}
	for k := range q {
		values[k] = q.Get(k)
	}
	exportURL := "/admin/stats/export.xlsx"
	if len(q) > 0 {
		exportURL += "?" + q.Encode()
	}
	city := map[string]string{}
	for _, a := range d.Agencies {
		city[a.ID] = a.CityCode
	}
	keep := func(agency, post string) bool {
		return (f.Agency == "" || agency == f.Agency) && (f.Post == "" || post == f.Post) && (f.City == "" || city[agency] == f.City)
	}
	return views.StatsModel{Filter: f, Form: views.Form{Values: values}, Table: domain.BuildStatsTable(d.Cells, f).WithoutEmptyColumns(),
		PassByAgency: domain.PassRates(d.Cells, f, domain.DimAgency), PassByPost: domain.PassRates(d.Cells, f, domain.DimPost),
		PassBySess: domain.PassRates(d.Cells, f, domain.DimSession),
		Sessions:   domain.HasSessions(d.Cells), Compliance: domain.ComplianceByAgency(d.Hours, d.Settings, keep, now),
		Settings: d.Settings, Agencies: d.Agencies, ExportURL: exportURL}
}

func (s *Server) statsPage(c *fiber.Ctx) error {
	f := statsFilter(c)
	now := s.d.Now()
	d, err := s.d.Store.Stats(*currentUser(c), now)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AdminStats(s.page(c, "统计"), statsModel(f, d, now)))
}

// exportStats writes what the page shows with the same filter as an Excel workbook, a
// sheet per table; the store audits the export in the same transaction as its read.
func (s *Server) exportStats(c *fiber.Ctx) error {
	f := statsFilter(c)
	now := s.d.Now()
	d, err := s.d.Store.ExportStats(*currentUser(c), store.StatsExport{What: statsWhat(f), At: now})
	if err != nil {
		return err
	}
	m := statsModel(f, d, now)
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="sitepro-stats-`+now.In(chinaTZ).Format("20060102-1504")+`.xlsx"`)
	return export.WriteWorkbook(c.Response().BodyWriter(), statsSheets(m))
}

// statsWhat says in words what an export holds, for its audit entry.
func statsWhat(f domain.StatsFilter) string {
	parts := []string{f.Kind.Label(), "按" + f.By.Label()}
	if f.Status != "" {
		parts = append(parts, "状态："+domain.StatsStatusLabel(f.Kind, f.Status))
	}
	if c, ok := domain.CityByCode(f.City); ok {
		parts = append(parts, "地市："+c.Name)
	}
	if f.Post != "" {
		parts = append(parts, "岗位："+views.PostLabel(f.Post))
	}
	if f.Agency != "" {
		parts = append(parts, "培训机构："+f.Agency)
	}
	return strings.Join(parts, "，")
}

// statsSheets are the page's tables as workbook sheets: counts, pass rates by agency and
// by post, and compliance.
func statsSheets(m views.StatsModel) []export.Sheet {
	label := func(d domain.StatsDim, k string) string { return views.StatsLabel(m.Agencies, d, k) }
	counts := export.Table{Header: []string{m.Filter.By.Label()}}
	for _, col := range m.Table.Columns {
		counts.Header = append(counts.Header, domain.StatsStatusLabel(m.Filter.Kind, col))
	}
	counts.Header = append(counts.Header, "合计")
	row := func(name string, ns []int, total int) []string {
		out := []string{name}
		for _, n := range ns {
			out = append(out, strconv.Itoa(n))
		}
		return append(out, strconv.Itoa(total))
	}
	for _, r := range m.Table.Rows {
		counts.Rows = append(counts.Rows, row(label(m.Filter.By, r.Key), r.Counts, r.Total))
	}
	counts.Rows = append(counts.Rows, row("合计", m.Table.Totals, m.Table.Total))
	pass := func(d domain.StatsDim, rows []domain.PassRow) export.Table {
		t := export.Table{Header: []string{d.Label(), "合格", "不合格", "缺考", "合计", "通过率"}}
		for _, r := range rows {
			t.Rows = append(t.Rows, []string{label(d, r.Key), strconv.Itoa(r.Passed), strconv.Itoa(r.Failed),
				strconv.Itoa(r.Absent), strconv.Itoa(r.Total), domain.FormatPermille(r.Permille())})
		}
		return t
	}
	ce := export.Table{Header: []string{"培训机构", "在学证书", "已达标", "达标率"}}
	for _, r := range m.Compliance {
		ce.Rows = append(ce.Rows, []string{label(domain.DimAgency, r.Agency), strconv.Itoa(r.Enrolled), strconv.Itoa(r.Met),
			domain.FormatPermille(r.Permille())})
	}
	sheets := []export.Sheet{
		{Name: m.Filter.Kind.Label() + "数量", Table: counts},
		{Name: "通过率（按培训机构）", Table: pass(domain.DimAgency, m.PassByAgency)},
		{Name: "通过率（按岗位）", Table: pass(domain.DimPost, m.PassByPost)},
		{Name: "学时达标率", Table: ce},
	}
	if m.Sessions {
		sheets = append(sheets, export.Sheet{Name: "通过率（按考试场次）", Table: pass(domain.DimSession, m.PassBySess)})
	}
	return sheets
}
