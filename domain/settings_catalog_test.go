package domain

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCatalogOverrides(t *testing.T) {
	var o CatalogOverrides
	cat := o.Catalog()
	if len(cat.Posts) != 14 || len(cat.Enabled()) != 13 || slices.Contains(cat.EnabledCodes(), "110") {
		t.Fatalf("default catalog: %d posts, enabled %v", len(cat.Posts), cat.EnabledCodes())
	}
	if err := o.SetEnabled(cat, "110", true); CodeOf(err) != CodeInvalid || !strings.Contains(MessageOf(err), "历史岗位") {
		t.Fatalf("enabling 安全员: %v", err)
	}
	if err := o.SetEnabled(cat, "000", false); CodeOf(err) != CodeNotFound {
		t.Fatalf("unknown code: %v", err)
	}
	if err := o.SetEnabled(cat, "111", false); err != nil {
		t.Fatal(err)
	}
	cat = o.Catalog()
	if p, _ := cat.ByCode("111"); p.Enabled || cat.Label("111") != "材料员" {
		t.Fatalf("disabled 111: %+v", p)
	}
	if err := o.SetEnabled(cat, "111", true); err != nil || !slices.Contains(o.Catalog().EnabledCodes(), "111") || len(o.Disabled) != 0 {
		t.Fatalf("enabled again: %v, %+v", err, o)
	}
	// Whatever the overrides say, the legacy post stays import-only.
	if p, _ := (CatalogOverrides{Disabled: []string{"101"}}).Catalog().ByCode("110"); p.Enabled {
		t.Fatal("安全员 enabled")
	}
}

func TestCatalogAddPost(t *testing.T) {
	var o CatalogOverrides
	cases := []struct {
		in    PostInput
		field string
	}{
		{PostInput{Code: "12", Position: "测量员"}, "code"},
		{PostInput{Code: "1a6", Position: "测量员"}, "code"},
		{PostInput{Code: "101", Position: "测量员"}, "code"},
		{PostInput{Code: "110", Position: "测量员"}, "code"},
		{PostInput{Code: "116", Position: " "}, "position"},
		{PostInput{Code: "116", Position: strings.Repeat("长", 21)}, "position"},
		{PostInput{Code: "116", Position: "施工员", Specialty: "土建施工"}, "position"},
		{PostInput{Code: "116", Position: "测量员", Specialty: "a\nb"}, "specialty"},
	}
	for _, tc := range cases {
		_, err := o.AddPost(o.Catalog(), tc.in)
		if fe, ok := err.(FieldErrors); !ok || fe[tc.field] == "" {
			t.Errorf("%+v: %v, want an error on %s", tc.in, err, tc.field)
		}
	}
	if len(o.Added) != 0 {
		t.Fatalf("a refused entry was added: %+v", o.Added)
	}
	p, err := o.AddPost(o.Catalog(), PostInput{Code: " 116 ", Position: " 测量员 ", Specialty: "工程测量"})
	if err != nil || p.Code != "116" || p.Label() != "测量员（工程测量）" || !p.Enabled || !p.Added {
		t.Fatalf("added %+v, %v", p, err)
	}
	cat := o.Catalog()
	if !slices.Contains(cat.EnabledCodes(), "116") || cat.Label("116") != "测量员（工程测量）" {
		t.Fatalf("catalog %v", cat.EnabledCodes())
	}
	if err := o.SetEnabled(cat, "116", false); err != nil || slices.Contains(o.Catalog().EnabledCodes(), "116") {
		t.Fatalf("disabling an added post: %v", err)
	}
	if _, err := o.AddPost(o.Catalog(), PostInput{Code: "116", Position: "其他"}); err == nil {
		t.Fatal("a disabled added code was taken again")
	}
	// Agencies that never configured their posts train the posts enabled now.
	if got := (CEPosts{}).Resolve(o.Catalog()); got.Trains("116") || !got.Trains("101") {
		t.Fatalf("resolved %+v", got)
	}
	if got := (CEPosts{Codes: []string{"116"}, Configured: true}).Resolve(o.Catalog()); !got.Trains("116") {
		t.Fatalf("a configured list was changed: %+v", got)
	}
}

func TestSettingsTexts(t *testing.T) {
	if n := DefaultText(TextNotice); n.Version != NoticeVersion || !n.Builtin() || len(n.Paragraphs) != 4 {
		t.Fatalf("notice %+v", n)
	}
	if p := DefaultText(TextPledge); p.Version != PledgeVersion || len(p.Paragraphs) != 5 {
		t.Fatalf("pledge %+v", p)
	}
	got, err := ParseText(TextPledge, "  第一条。\r\n\r\n\t第二条。  \n")
	if err != nil || !slices.Equal(got, []string{"第一条。", "第二条。"}) {
		t.Fatalf("parsed %q, %v", got, err)
	}
	for _, raw := range []string{"", " \n\n ", strings.Repeat("段\n", 31), strings.Repeat("长", 501), "有\u0007控制字符"} {
		if _, err := ParseText(TextNotice, raw); err == nil {
			t.Errorf("%.20q accepted", raw)
		} else if fe, ok := err.(FieldErrors); !ok || fe["text"] == "" {
			t.Errorf("%.20q: %v, want a message on text", raw, err)
		}
	}
	day := time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC) // 2026-12-05 in China
	for prev, want := range map[string]string{NoticeVersion: "2026-12-05", "2026-12-05": "2026-12-05.2",
		"2026-12-05.2": "2026-12-05.3", "2026-12-04.7": "2026-12-05"} {
		if got := NextTextVersion(prev, day); got != want {
			t.Errorf("after %s: %s, want %s", prev, got, want)
		}
	}
	if k, ok := TextKindOf("pledge"); !ok || k != TextPledge {
		t.Fatal("pledge kind")
	}
	if _, ok := TextKindOf("个人报名承诺"); ok {
		t.Fatal("a label taken as a URL kind")
	}
}

func TestNoticeGateComparesTheVersionInForce(t *testing.T) {
	u := User{NoticeVersion: NoticeVersion}
	if err := CheckNotice(u, NoticeVersion); err != nil {
		t.Fatal(err)
	}
	if err := CheckNotice(u, "2026-12-05"); CodeOf(err) != CodeForbidden {
		t.Fatalf("older agreement let through: %v", err)
	}
	var a Application
	if err := a.SetPledge("王芳", "王芳", "2026-12-05", true, time.Now()); err != nil || a.PledgeVersion != "2026-12-05" {
		t.Fatalf("pledge version %q, %v", a.PledgeVersion, err)
	}
}

func TestSettingsValidationAndChanges(t *testing.T) {
	cases := []struct {
		s     CertSettings
		field string
	}{
		{CertSettings{Issuer: "", NumberPrefix: "41"}, "issuer"},
		{CertSettings{Issuer: strings.Repeat("厅", 41), NumberPrefix: "41"}, "issuer"},
		{CertSettings{Issuer: "河南省住房和城乡建设厅", NumberPrefix: "4"}, "number_prefix"},
		{CertSettings{Issuer: "河南省住房和城乡建设厅", NumberPrefix: "410"}, "number_prefix"},
		{CertSettings{Issuer: "河南省住房和城乡建设厅", NumberPrefix: "4a"}, "number_prefix"},
		{CertSettings{Issuer: "河南省住房和城乡建设厅", NumberPrefix: "99"}, "number_prefix"},
	}
	for _, tc := range cases {
		if fe, ok := tc.s.Validate().(FieldErrors); !ok || fe[tc.field] == "" {
			t.Errorf("%+v: want an error on %s", tc.s, tc.field)
		}
	}
	if err := DefaultCertSettings().Validate(); err != nil {
		t.Fatal(err)
	}
	if got := CertChanges(DefaultCertSettings(), CertSettings{Issuer: "甲", NumberPrefix: "41"}); got != "发证单位：河南省住房和城乡建设厅 → 甲" {
		t.Fatalf("cert changes %q", got)
	}
	b, a := DefaultCESettings(), DefaultCESettings()
	a.HoursPerYear, a.AssessFrom = 40, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := CEChanges(b, a); got != "每年学时：32 → 40；开始考核日期：2026-01-01 → 2027-01-01" {
		t.Fatalf("CE changes %q", got)
	}
	if got := ExamChanges(DefaultExamSettings(), DefaultExamSettings()); got != "" {
		t.Fatalf("no change described as %q", got)
	}
	for _, k := range SettingsKinds() {
		if k.Label() == string(k) {
			t.Errorf("kind %s has no label", k)
		}
	}
	for _, a := range []AuditAction{AuditSettingsCE, AuditSettingsExam, AuditSettingsCert, AuditSettingsNotice,
		AuditSettingsPledge, AuditCatalogEnable, AuditCatalogDisable, AuditCatalogAdd} {
		if !a.Known() || a.Label() == string(a) {
			t.Errorf("audit action %s is not in the vocabulary", a)
		}
	}
}
