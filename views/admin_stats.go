package views

import (
	"strconv"
	"strings"

	"sitepro/domain"
)

// StatsModel is the 统计 page: the admin's filter, the counts table, pass rates and
// learning-hour compliance, all built by the domain from the store's counters.
type StatsModel struct {
	Filter       domain.StatsFilter
	Form         Form // the filter as typed: kind, by, status, city, post, agency
	Table        domain.StatsTable
	PassByAgency []domain.PassRow
	PassByPost   []domain.PassRow
	PassBySess   []domain.PassRow // by exam session, once results carry one
	Sessions     bool             // results carry exam sessions
	Compliance   []domain.ComplianceRow
	Settings     domain.CESettings
	Agencies     []domain.Agency
	ExportURL    string
}

// chartRows is how many rows a chart shows at most; the table below it has them all.
const chartRows = 20

// Bar is one bar of a chart: its label, its length in thousandths of the longest
// possible bar, and the figure written after it.
type Bar struct {
	Label string
	Per   int // 0‥1000
	Text  string
}

// StatsLabel names a row key of dimension d: an agency by its name (a certificate's
// agency the system does not know by the name on the certificate), a city or a post by
// its label.
func StatsLabel(agencies []domain.Agency, d domain.StatsDim, k string) string {
	switch d {
	case domain.DimSession:
		if k == "" {
			return "未安排场次"
		}
		return k
	case domain.DimCity:
		if k == "" {
			return "未知地市"
		}
		return cityName(k)
	case domain.DimPost:
		return PostLabel(k)
	}
	if name, ok := strings.CutPrefix(k, "name:"); ok {
		return name + "（证书所记机构）"
	}
	for _, a := range agencies {
		if a.ID == k {
			return a.Name
		}
	}
	if k == "" {
		return "未选择机构"
	}
	return "已删除的机构"
}

func (m StatsModel) label(d domain.StatsDim, k string) string { return StatsLabel(m.Agencies, d, k) }

// countBars are the bars of the counts table: each row's total against the largest.
func (m StatsModel) countBars() []Bar {
	top := m.Table.Max()
	var out []Bar
	for _, r := range m.Table.Rows {
		if len(out) == chartRows {
			break
		}
		out = append(out, Bar{Label: m.label(m.Table.By, r.Key), Per: r.Total * 1000 / max(top, 1), Text: strconv.Itoa(r.Total)})
	}
	return out
}

// passBars are the bars of a pass-rate table: each group's rate.
func (m StatsModel) passBars(d domain.StatsDim, rows []domain.PassRow) []Bar {
	var out []Bar
	for _, r := range rows {
		if len(out) == chartRows {
			break
		}
		out = append(out, Bar{Label: m.label(d, r.Key), Per: r.Permille(), Text: domain.FormatPermille(r.Permille())})
	}
	return out
}

// complianceBars are the bars of the compliance table: each agency's share.
func (m StatsModel) complianceBars() []Bar {
	var out []Bar
	for _, r := range m.Compliance {
		if len(out) == chartRows {
			break
		}
		out = append(out, Bar{Label: m.label(domain.DimAgency, r.Agency), Per: r.Permille(), Text: domain.FormatPermille(r.Permille())})
	}
	return out
}

// Chart geometry, in the SVG's own units (it scales to the width it is given): each bar
// has its label above it; the bar may take barSpace, leaving room for its figure.
const (
	chartWidth = 260
	barSpace   = 190
	rowHeight  = 40
)

func chartHeight(n int) string { return strconv.Itoa(n*rowHeight + 4) }
func viewBox(n int) string     { return "0 0 " + strconv.Itoa(chartWidth) + " " + chartHeight(n) }
func labelY(i int) string      { return strconv.Itoa(i*rowHeight + 14) }
func barY(i int) string        { return strconv.Itoa(i*rowHeight + 20) }
func textY(i int) string       { return strconv.Itoa(i*rowHeight + 32) }
func barW(b Bar) int           { return max(b.Per*barSpace/1000, 1) }
func barWidth(b Bar) string    { return strconv.Itoa(barW(b)) }
func textX(b Bar) string       { return strconv.Itoa(barW(b) + 4) }

// statsStatusOptions are the statuses of the chosen kind.
func statsStatusOptions(k domain.StatsKind) []Option {
	var out []Option
	for _, s := range domain.StatsStatuses(k) {
		out = append(out, Option{Value: s, Label: domain.StatsStatusLabel(k, s)})
	}
	return out
}

// kindOptions are the kinds but the default (applications), which is the empty choice.
func kindOptions() []Option {
	var out []Option
	for _, k := range domain.StatsKinds()[1:] {
		out = append(out, Option{Value: string(k), Label: k.Label()})
	}
	return out
}

// dimOptions are the dimensions but the default (agency), which is the empty choice.
func dimOptions() []Option {
	var out []Option
	for _, d := range domain.StatsDims()[1:] {
		out = append(out, Option{Value: string(d), Label: d.Label()})
	}
	return out
}

func agencyOptions(ags []domain.Agency) []Option {
	var out []Option
	for _, a := range ags {
		out = append(out, Option{Value: a.ID, Label: a.Name + "（" + cityName(a.CityCode) + "）"})
	}
	return out
}

// hours writes a number of whole hours of the settings.
func hours(n int) string { return strconv.Itoa(n) }
