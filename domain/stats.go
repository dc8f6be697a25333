package domain

import (
	"slices"
	"sort"
	"strconv"
	"time"
)

// Statistics for the province (统计, issue 12): how many applications, enrolments and
// certificates there are by status, city, position and agency, exam pass rates, and
// learning-hour compliance per agency. The store keeps compact counters (StatsCell) and
// this file turns them into the tables the admin reads; it never sees single records.

// StatsKind is what a statistics table counts.
type StatsKind string

// The three kinds of statistics.
const (
	StatsApps  StatsKind = "apps"
	StatsCE    StatsKind = "ce"
	StatsCerts StatsKind = "certs"
)

var statsKinds = vocab[StatsKind]{{StatsApps, "新取证报名"}, {StatsCE, "继续教育报名"}, {StatsCerts, "证书"}}

// Label names the kind as the statistics page does.
func (k StatsKind) Label() string { return statsKinds.label(k) }

// StatsKinds lists the kinds in the order the page offers them.
func StatsKinds() []StatsKind { return statsKinds.codes() }

// ParseStatsKind reads a kind from a query; anything unknown is applications.
func ParseStatsKind(s string) StatsKind {
	if k, ok := statsKinds.parse(s); ok {
		return k
	}
	return StatsApps
}

// StatsDim is a dimension a table's rows are grouped by.
type StatsDim string

// The dimensions rows can be grouped by; columns are always the statuses.
const (
	DimAgency StatsDim = "agency"
	DimCity   StatsDim = "city"
	DimPost   StatsDim = "post"
)

// DimSession groups exam results by exam session; it is not offered for the counts
// table (statuses have no session), only for pass rates once sessions exist.
const DimSession StatsDim = "session"

var statsDims = vocab[StatsDim]{{DimAgency, "培训机构"}, {DimCity, "地市"}, {DimPost, "岗位（专业）"}}

// Label names the dimension as a column header.
func (d StatsDim) Label() string {
	if d == DimSession {
		return "考试场次"
	}
	return statsDims.label(d)
}

// StatsDims lists the dimensions in the order the page offers them.
func StatsDims() []StatsDim { return statsDims.codes() }

// ParseStatsDim reads a dimension from a query; anything unknown is the agency.
func ParseStatsDim(s string) StatsDim {
	if d, ok := statsDims.parse(s); ok {
		return d
	}
	return DimAgency
}

// StatsStatuses are the status codes a kind's table has as columns, in lifecycle order.
// Drafts are not counted: they have not reached an agency yet.
func StatsStatuses(k StatsKind) []string {
	switch k {
	case StatsCE:
		return []string{string(EnrolPending), string(EnrolReturned), string(EnrolConfirmed), string(EnrolLearning), string(EnrolCompleted)}
	case StatsCerts:
		return []string{string(CertValid), string(CertExpired), string(CertCancelled), string(CertRevoked)}
	}
	return []string{string(AppSubmitted), string(AppReturned), string(AppRejected), string(AppConfirmed),
		string(AppScheduled), string(AppScored), string(AppPassed), string(AppFailed), string(AppCertified)}
}

// StatsStatusLabel is the label of a status code of kind k.
func StatsStatusLabel(k StatsKind, code string) string {
	var l string
	switch k {
	case StatsCE:
		l = EnrolStatus(code).Label()
	case StatsCerts:
		l = CertificateStatus(code).Label()
	default:
		l = AppStatus(code).Label()
	}
	if l == "" {
		return code
	}
	return l
}

// StatsCell is one counter: how many records of a kind share an agency, a city, a post,
// a status and (applications only) a confirmed exam result. Session is the exam session
// the result belongs to; it stays empty until exam sessions exist.
type StatsCell struct {
	Kind    StatsKind
	Agency  string
	City    string
	Post    string
	Status  string
	Result  ExamResult
	Session string
	N       int
}

// StatsFilter is what the admin picked: the kind, optional status, city, post and agency,
// and the dimension rows are grouped by.
type StatsFilter struct {
	Kind                       StatsKind
	Status, City, Post, Agency string
	By                         StatsDim
}

// Match reports whether a counter is inside the filter (its kind aside).
func (f StatsFilter) Match(c StatsCell) bool {
	return (f.Status == "" || c.Status == f.Status) && (f.City == "" || c.City == f.City) &&
		(f.Post == "" || c.Post == f.Post) && (f.Agency == "" || c.Agency == f.Agency)
}

// dim is the value of a counter in dimension d.
func (c StatsCell) dim(d StatsDim) string {
	switch d {
	case DimCity:
		return c.City
	case DimPost:
		return c.Post
	case DimSession:
		return c.Session
	}
	return c.Agency
}

// StatsRow is one row of a table: the dimension's value, a count per column, the total.
type StatsRow struct {
	Key    string
	Counts []int
	Total  int
}

// StatsTable is a kind's counts with rows by one dimension and columns by status.
type StatsTable struct {
	Kind    StatsKind
	By      StatsDim
	Columns []string // status codes
	Rows    []StatsRow
	Totals  []int
	Total   int
}

// Max is the largest row total, the length of the longest bar of the chart.
func (t StatsTable) Max() int {
	m := 0
	for _, r := range t.Rows {
		m = max(m, r.Total)
	}
	return m
}

// BuildStatsTable sums the counters of the filter's kind that match it into a table, rows
// ordered by total (largest first, then by key), only rows with something in them.
func BuildStatsTable(cells []StatsCell, f StatsFilter) StatsTable {
	t := StatsTable{Kind: f.Kind, By: f.By, Columns: StatsStatuses(f.Kind)}
	if f.Status != "" {
		if !slices.Contains(t.Columns, f.Status) {
			t.Columns = nil
		} else {
			t.Columns = []string{f.Status}
		}
	}
	t.Totals = make([]int, len(t.Columns))
	rows := map[string]*StatsRow{}
	for _, c := range cells {
		col := slices.Index(t.Columns, c.Status)
		if c.Kind != f.Kind || col < 0 || !f.Match(c) || c.N == 0 {
			continue
		}
		k := c.dim(f.By)
		r := rows[k]
		if r == nil {
			r = &StatsRow{Key: k, Counts: make([]int, len(t.Columns))}
			rows[k] = r
		}
		r.Counts[col] += c.N
		r.Total += c.N
		t.Totals[col] += c.N
		t.Total += c.N
	}
	for _, r := range rows {
		t.Rows = append(t.Rows, *r)
	}
	sort.Slice(t.Rows, func(i, j int) bool {
		a, b := t.Rows[i], t.Rows[j]
		return a.Total > b.Total || (a.Total == b.Total && a.Key < b.Key)
	})
	return t
}

// WithoutEmptyColumns drops the statuses nobody in the table has, so that a table read on
// a phone (one line per cell) lists only what is there.
func (t StatsTable) WithoutEmptyColumns() StatsTable {
	keep := []int{}
	for i, n := range t.Totals {
		if n > 0 {
			keep = append(keep, i)
		}
	}
	out := t
	out.Columns, out.Totals, out.Rows = nil, nil, make([]StatsRow, len(t.Rows))
	for _, i := range keep {
		out.Columns = append(out.Columns, t.Columns[i])
		out.Totals = append(out.Totals, t.Totals[i])
	}
	for r, row := range t.Rows {
		out.Rows[r] = StatsRow{Key: row.Key, Total: row.Total}
		for _, i := range keep {
			out.Rows[r].Counts = append(out.Rows[r].Counts, row.Counts[i])
		}
	}
	return out
}

// PassRow is the exam results of one group: passed, failed and absent candidates.
type PassRow struct {
	Key                           string
	Passed, Failed, Absent, Total int
}

// Permille is the pass rate in tenths of a percent (0 when nobody sat the exam): integer
// arithmetic, so the table and the export show the same figure.
func (r PassRow) Permille() int {
	if r.Total == 0 {
		return 0
	}
	return (r.Passed*1000 + r.Total/2) / r.Total
}

// PassRates groups the confirmed exam results of the applications inside the filter
// (its status aside: a result outlives the status change to 已发证) by dimension d,
// largest group first. Exam sessions are a dimension of their own once they exist
// (StatsCell.Session); until then every result belongs to the empty session.
func PassRates(cells []StatsCell, f StatsFilter, d StatsDim) []PassRow {
	f.Status = ""
	rows := map[string]*PassRow{}
	for _, c := range cells {
		if c.Kind != StatsApps || c.Result == "" || !f.Match(c) || c.N == 0 {
			continue
		}
		k := c.dim(d)
		r := rows[k]
		if r == nil {
			r = &PassRow{Key: k}
			rows[k] = r
		}
		switch c.Result {
		case ResultPass:
			r.Passed += c.N
		case ResultFail:
			r.Failed += c.N
		case ResultAbsent:
			r.Absent += c.N
		}
		r.Total += c.N
	}
	out := make([]PassRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Total > out[j].Total || (out[i].Total == out[j].Total && out[i].Key < out[j].Key)
	})
	return out
}

// HasSessions reports whether any result belongs to an exam session, so the page can say
// that pass rates are per application result until sessions exist.
func HasSessions(cells []StatsCell) bool {
	return slices.ContainsFunc(cells, func(c StatsCell) bool { return c.Session != "" })
}

// CycleHours is the learning of one confirmed enrolment in its cycle, as the compliance
// statistics read it: the agency, the post, the cycle and the hours recorded in it.
type CycleHours struct {
	Agency, Post        string
	Cycle               Cycle
	Total, Professional HalfHours
}

// Met reports whether the hours reach the yearly and the professional minimum of s, the
// same test as CycleProgress.Met.
func (h CycleHours) Met(s CESettings) bool {
	return h.Total >= WholeHours(s.HoursPerYear) && h.Professional >= WholeHours(s.ProfessionalMin)
}

// ComplianceRow is the learning-hour compliance of one agency: of the enrolled
// certificates whose current cycle is running, how many have reached the hours.
type ComplianceRow struct {
	Agency        string
	Enrolled, Met int
}

// Permille is the share that met the hours, in tenths of a percent.
func (r ComplianceRow) Permille() int {
	if r.Enrolled == 0 {
		return 0
	}
	return (r.Met*1000 + r.Enrolled/2) / r.Enrolled
}

// ComplianceByAgency counts, per agency, the enrolments whose cycle contains today (Beijing
// time) and those of them whose hours meet s; keep filters by agency and post (the
// city filter is applied by the caller, which knows each agency's city).
func ComplianceByAgency(hours []CycleHours, s CESettings, keep func(agency, post string) bool, now time.Time) []ComplianceRow {
	today := ChinaDay(now)
	rows := map[string]*ComplianceRow{}
	for _, h := range hours {
		if !h.Cycle.Contains(today) || !keep(h.Agency, h.Post) {
			continue
		}
		r := rows[h.Agency]
		if r == nil {
			r = &ComplianceRow{Agency: h.Agency}
			rows[h.Agency] = r
		}
		r.Enrolled++
		if h.Met(s) {
			r.Met++
		}
	}
	out := make([]ComplianceRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Enrolled > out[j].Enrolled || (out[i].Enrolled == out[j].Enrolled && out[i].Agency < out[j].Agency)
	})
	return out
}

// FormatPermille writes a rate in tenths of a percent as people read it: "87.5%".
func FormatPermille(p int) string {
	return strconv.Itoa(p/10) + "." + strconv.Itoa(p%10) + "%"
}
