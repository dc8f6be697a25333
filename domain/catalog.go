package domain

import "slices"

// Post is one entry of the catalog of positions (岗位) and specialties (专业) a
// certificate can be issued for. Code is the national post code printed on certificates,
// Slug a stable internal identifier for URLs and storage. Only enabled posts can be chosen
// for new applications; disabled ones remain for legacy certificates.
type Post struct {
	Code      string
	Slug      string
	Position  string
	Specialty string // empty for positions without specialties
	Enabled   bool
	// ImportOnly marks a legacy post (安全员): its certificates are imported and kept,
	// but it is never offered for new applications and cannot be enabled.
	ImportOnly bool `json:",omitempty"`
	// Added marks an entry the province added to the catalog (settings), not a national one.
	Added bool `json:",omitempty"`
}

// Label returns the name shown to users, with the specialty in full-width parentheses
// when there is one: "施工员（土建施工）" or "材料员".
func (p Post) Label() string {
	if p.Specialty == "" {
		return p.Position
	}
	return p.Position + "（" + p.Specialty + "）"
}

// DefaultPosts returns the catalog to seed: the 13 combinations of the national scheme,
// all enabled, followed by the legacy 安全员 (code 110), disabled. The result is a fresh
// slice the caller may modify.
func DefaultPosts() []Post { return slices.Clone(defaultPosts) }

// DefaultPostLabel is the label of a post of the national catalog by its code, "" for
// another code; pages name posts on every render, so this is a lookup, not a rebuild.
func DefaultPostLabel(code string) string { return defaultPostLabels[code] }

var defaultPostLabels = func() map[string]string {
	m := make(map[string]string, len(defaultPosts))
	for _, p := range defaultPosts {
		m[p.Code] = p.Label()
	}
	return m
}()

var defaultPosts = []Post{
	{Code: "101", Slug: "shigong-tujian", Position: "施工员", Specialty: "土建施工", Enabled: true},
	{Code: "102", Slug: "shigong-zhuangshi", Position: "施工员", Specialty: "装饰装修", Enabled: true},
	{Code: "103", Slug: "shigong-shebei", Position: "施工员", Specialty: "设备安装", Enabled: true},
	{Code: "104", Slug: "shigong-shizheng", Position: "施工员", Specialty: "市政工程", Enabled: true},
	{Code: "106", Slug: "zhiliang-tujian", Position: "质量员", Specialty: "土建施工", Enabled: true},
	{Code: "107", Slug: "zhiliang-zhuangshi", Position: "质量员", Specialty: "装饰装修", Enabled: true},
	{Code: "108", Slug: "zhiliang-shebei", Position: "质量员", Specialty: "设备安装", Enabled: true},
	{Code: "109", Slug: "zhiliang-shizheng", Position: "质量员", Specialty: "市政工程", Enabled: true},
	{Code: "111", Slug: "cailiao", Position: "材料员", Enabled: true},
	{Code: "112", Slug: "jixie", Position: "机械员", Enabled: true},
	{Code: "113", Slug: "laowu", Position: "劳务员", Enabled: true},
	{Code: "114", Slug: "ziliao", Position: "资料员", Enabled: true},
	{Code: "115", Slug: "biaozhun", Position: "标准员", Enabled: true},
	{Code: "110", Slug: "anquan", Position: "安全员", Enabled: false, ImportOnly: true},
}

// City is a prefecture-level city of Henan (or 济源示范区) with its GB/T 2260 code.
type City struct {
	Code string
	Name string
}

var cities = []City{
	{"410100", "郑州市"},
	{"410200", "开封市"},
	{"410300", "洛阳市"},
	{"410400", "平顶山市"},
	{"410500", "安阳市"},
	{"410600", "鹤壁市"},
	{"410700", "新乡市"},
	{"410800", "焦作市"},
	{"410900", "濮阳市"},
	{"411000", "许昌市"},
	{"411100", "漯河市"},
	{"411200", "三门峡市"},
	{"411300", "南阳市"},
	{"411400", "商丘市"},
	{"411500", "信阳市"},
	{"411600", "周口市"},
	{"411700", "驻马店市"},
	{"419001", "济源示范区"},
}

// Cities returns the 18 cities an employer can be registered in, in code order. The
// result is a fresh slice the caller may modify.
func Cities() []City {
	return append([]City(nil), cities...)
}

// CityByCode looks a city up by its GB/T 2260 code.
func CityByCode(code string) (City, bool) {
	for _, c := range cities {
		if c.Code == code {
			return c, true
		}
	}
	return City{}, false
}

var educations = []string{
	"博士研究生", "硕士研究生", "大学本科", "大学专科", "中等专科",
	"职业高中", "技工学校", "普通高中", "初中", "其他",
}

// Educations returns the levels of education (学历) a trainee can choose, highest first.
// The result is a fresh slice the caller may modify.
func Educations() []string {
	return append([]string(nil), educations...)
}

// ValidEducation reports whether s is exactly one of Educations().
func ValidEducation(s string) bool {
	for _, e := range educations {
		if e == s {
			return true
		}
	}
	return false
}

// Employment is the answer of step 1 of the new-certificate application (就业状态).
type Employment string

// Employment statuses. The codes are stored; the labels are the manual's words.
const (
	EmploymentEmployed   Employment = "employed"
	EmploymentUnemployed Employment = "unemployed"
	EmploymentStudent    Employment = "student"
	EmploymentOther      Employment = "other"
)

var employments = vocab[Employment]{
	{EmploymentEmployed, "在职（有工作单位）"}, {EmploymentUnemployed, "待业"},
	{EmploymentStudent, "在校学生或应届毕业生"}, {EmploymentOther, "其他"},
}

// Label is the answer as the form and the application show it.
func (e Employment) Label() string { return employments.label(e) }

// Employments lists the choices of step 1 in the manual's order.
func Employments() []Employment { return employments.codes() }

// ParseEmployment reads the answer of step 1 as the form posts it: the label, or the code.
func ParseEmployment(s string) (Employment, bool) { return employments.parse(s) }

// UnmarshalText reads a stored answer: a code, or the Chinese label that records written
// before the codes hold (see vocab.decode).
func (e *Employment) UnmarshalText(b []byte) error {
	*e = employments.decode(b)
	return nil
}

// EmploymentStatuses returns the labels of the choices of step 1, in order. The result
// is a fresh slice the caller may modify.
func EmploymentStatuses() []string {
	out := make([]string, 0, len(employments))
	for _, e := range employments {
		out = append(out, e.label)
	}
	return out
}
