package domain

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The history of the settings (目录与规则设置, issue 12): every change says who made it,
// when, and in words what changed, and is kept for the settings page.

// SettingsKind names one group of settings, each saved and audited on its own.
type SettingsKind string

// The groups of settings.
const (
	SettingsCE      SettingsKind = "ce"
	SettingsExam    SettingsKind = "exam"
	SettingsCert    SettingsKind = "cert"
	SettingsNotice  SettingsKind = SettingsKind(TextNotice)
	SettingsPledge  SettingsKind = SettingsKind(TextPledge)
	SettingsCatalog SettingsKind = "catalog"
)

var settingsKinds = vocab[SettingsKind]{
	{SettingsCE, "继续教育规则"}, {SettingsExam, "考试合格分数线"}, {SettingsCert, "发证单位和证书编号"},
	{SettingsNotice, "告知承诺制告知书"}, {SettingsPledge, "个人报名承诺"}, {SettingsCatalog, "岗位目录"},
}

// Label is the group's name on the settings page.
func (k SettingsKind) Label() string { return settingsKinds.label(k) }

// SettingsKinds lists the groups in the order of the settings page.
func SettingsKinds() []SettingsKind { return settingsKinds.codes() }

// SettingsChange is one entry of the history: who changed which group when, and what.
type SettingsChange struct {
	Kind    SettingsKind
	At      time.Time
	ActorID string
	Actor   string
	Detail  string
}

// changes collects "label：before → after" for the values that differ.
type changes []string

func (c *changes) diff(label, before, after string) {
	if before != after {
		*c = append(*c, label+"："+orNone(before)+" → "+orNone(after))
	}
}

func (c changes) String() string { return strings.Join(c, "；") }

// CEChanges says in words what changed in the continuing-education rules.
func CEChanges(b, a CESettings) string {
	var c changes
	n := strconv.Itoa
	c.diff("每年学时", n(b.HoursPerYear), n(a.HoursPerYear))
	c.diff("其中专业课学时", n(b.ProfessionalMin), n(a.ProfessionalMin))
	c.diff("两年学时", n(b.TwoYearMin), n(a.TwoYearMin))
	c.diff("每条记录学时上限", n(b.MaxRecordHours), n(a.MaxRecordHours))
	c.diff("最低年龄", n(b.MinAge), n(a.MinAge))
	c.diff("最高年龄", n(b.MaxAge), n(a.MaxAge))
	c.diff("开始考核日期", dayText(b.AssessFrom), dayText(a.AssessFrom))
	return c.String()
}

// ExamChanges says in words what changed in the pass marks.
func ExamChanges(b, a ExamSettings) string {
	var c changes
	c.diff("专业基础知识合格分", strconv.Itoa(b.PassBasic), strconv.Itoa(a.PassBasic))
	c.diff("专业管理实务合格分", strconv.Itoa(b.PassPractice), strconv.Itoa(a.PassPractice))
	return c.String()
}

// CertChanges says in words what changed in the certificate settings.
func CertChanges(b, a CertSettings) string {
	var c changes
	c.diff("发证单位", b.Issuer, a.Issuer)
	c.diff("证书编号前缀", b.NumberPrefix, a.NumberPrefix)
	return c.String()
}

func dayText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// certNumberPrefixLen is the length of the prefix: a certificate number has 15 digits,
// prefix + year (4) + post code (3) + sequence (6), and the prefix is the 2-digit code of
// the province (GB/T 2260), 41 for Henan.
const certNumberPrefixLen = 2

// Validate reports certificate settings that would issue unusable certificates, all at
// once: an empty issuer, or a prefix that is not a province code of two digits.
func (s CertSettings) Validate() error {
	fe := FieldErrors{}
	if strings.TrimSpace(s.Issuer) == "" {
		fe.Add("issuer", "请填写发证单位，例如 河南省住房和城乡建设厅")
	} else if _, err := CleanText(s.Issuer, "发证单位", 40, true); err != nil {
		fe.Add("issuer", MessageOf(err))
	}
	p := s.NumberPrefix
	if utf8.RuneCountInString(p) != certNumberPrefixLen || !allDigits(p) {
		fe.Add("number_prefix", "证书编号前缀应为2位数字（省级行政区划代码），河南为 41")
	} else if n, _ := strconv.Atoi(p); n < 11 || n > 82 {
		fe.Add("number_prefix", "证书编号前缀应为省级行政区划代码（11到82之间），河南为 41")
	}
	return fe.Err()
}

// Clean trims the typed certificate settings.
func (s CertSettings) Clean() CertSettings {
	return CertSettings{Issuer: strings.TrimSpace(s.Issuer), NumberPrefix: strings.TrimSpace(s.NumberPrefix)}
}
