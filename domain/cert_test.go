package domain

import (
	"strings"
	"testing"
	"time"
)

func TestPostLabel(t *testing.T) {
	for _, tc := range []struct{ code, want string }{
		{"101", "施工员（土建施工）"},
		{"109", "质量员（市政工程）"},
		{"114", "资料员"},
		{"110", "安全员"}, // legacy, disabled for new applications but still on old certificates
		{"105", "岗位代码 105"},
		{"", "未登记岗位"},
	} {
		if got := PostLabel(tc.code); got != tc.want {
			t.Errorf("PostLabel(%q) = %q, want %q", tc.code, got, tc.want)
		}
	}
	if p, ok := PostByCode("110"); !ok || p.Enabled {
		t.Errorf("PostByCode(110) = %+v, %v; want the disabled legacy post", p, ok)
	}
}

func TestValidity(t *testing.T) {
	for _, tc := range []struct {
		until time.Time
		want  string
	}{
		{time.Time{}, "长期有效"},
		{time.Date(2019, 5, 19, 0, 0, 0, 0, time.UTC), "2019年5月19日止"},
	} {
		if got := (Certificate{ValidUntil: tc.until}).Validity(); got != tc.want {
			t.Errorf("Validity(%v) = %q, want %q", tc.until, got, tc.want)
		}
	}
}

func TestEffectiveStatus(t *testing.T) {
	day := func(y, m, d, h int) time.Time { return time.Date(y, time.Month(m), d, h, 0, 0, 0, time.UTC) }
	until := day(2019, 5, 19, 0)
	for _, tc := range []struct {
		name   string
		status CertificateStatus
		until  time.Time
		now    time.Time
		want   CertificateStatus
	}{
		{"no expiry stays valid", CertValid, time.Time{}, day(2040, 1, 1, 0), CertValid},
		{"valid before expiry", CertValid, until, day(2019, 5, 18, 12), CertValid},
		{"valid on the expiry day", CertValid, until, day(2019, 5, 19, 23), CertValid},
		{"expired the day after", CertValid, until, day(2019, 5, 20, 0), CertExpired},
		{"CE not met before expiry", CertCENotMet, until, day(2018, 1, 1, 0), CertCENotMet},
		{"CE not met after expiry", CertCENotMet, until, day(2020, 1, 1, 0), CertExpired},
		{"cancelled stays cancelled", CertCancelled, until, day(2020, 1, 1, 0), CertCancelled},
		{"revoked stays revoked", CertRevoked, until, day(2020, 1, 1, 0), CertRevoked},
		{"revoked without expiry", CertRevoked, time.Time{}, day(2020, 1, 1, 0), CertRevoked},
		{"stored expired stays expired", CertExpired, time.Time{}, day(2020, 1, 1, 0), CertExpired},
		{"empty status is valid", "", time.Time{}, day(2020, 1, 1, 0), CertValid},
	} {
		c := Certificate{Status: tc.status, ValidUntil: tc.until}
		if got := c.EffectiveStatus(tc.now); got != tc.want {
			t.Errorf("%s: EffectiveStatus = %q, want %q", tc.name, got, tc.want)
		}
	}
	if !CertValid.Valid() || CertCENotMet.Valid() || CertExpired.Valid() || CertRevoked.Valid() {
		t.Error("only 有效 is a valid status")
	}
}

func TestMaskName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"王建国", "王*国"},
		{"李四", "李*"},
		{"欧阳小明", "欧**明"},
		{"王", "*"},
		{"", ""},
		{" 张三 ", "张*"},
		{"阿依古丽·买买提", "阿******提"},
		{"𠀀𠀁𠀂", "𠀀*𠀂"}, // CJK extension B characters are not split
	} {
		if got := MaskName(tc.in); got != tc.want {
			t.Errorf("MaskName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeCertNumber(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"412021101000123", "412021101000123"},
		{" 4120 2110 1000 123 ", "412021101000123"},
		{"４１２０２１１０１０００１２３", "412021101000123"},
		{"豫建安c（2016）0012345", "豫建安C(2016)0012345"},
		{"豫建安C(2016)0012345", "豫建安C(2016)0012345"},
		{"", ""},
	} {
		if got := NormalizeCertNumber(tc.in); got != tc.want {
			t.Errorf("NormalizeCertNumber(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCertNumberFormat(t *testing.T) {
	n := CertNumber{Year: 2021, PostCode: "101", Seq: 123}
	if n.String() != "412021101000123" {
		t.Fatalf("String = %q", n.String())
	}
	issued := time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		number, post string
		ok           bool
	}{
		{"412021101000123", "101", true},
		{"４１２０２１１０１０００１２３", "101", true},
		{"412021110000001", "110", true},  // the legacy post code is still a known code
		{"412021101000123", "102", false}, // post code disagrees
		{"412020101000123", "101", false}, // year disagrees
		{"412021105000123", "105", false}, // no such post
		{"422021101000123", "101", false}, // not Henan
		{"41202110100012", "101", false},  // too short
		{"4120211010001234", "101", false},
		{"412021101000000", "101", false}, // sequence starts at 1
		{"41202110100012X", "101", false},
		{"411999101000123", "101", false},
		{"豫建安C(2016)0012345", "110", false}, // legacy numbers are not checked by this rule
		{"", "101", false},
	} {
		err := CheckNewCertNumber(tc.number, issued, tc.post)
		if (err == nil) != tc.ok {
			t.Errorf("CheckNewCertNumber(%q, %s) = %v, want ok=%v", tc.number, tc.post, err, tc.ok)
		}
		if err != nil && CodeOf(err) != CodeInvalid {
			t.Errorf("CheckNewCertNumber(%q): code %s", tc.number, CodeOf(err))
		}
	}
	if n, err := ParseCertNumber("412021110000001"); err != nil || n != (CertNumber{2021, "110", 1}) {
		t.Errorf("ParseCertNumber = %+v, %v", n, err)
	}
}

func TestVerifyQuery(t *testing.T) {
	if _, err := (VerifyQueryInput{}).Validate(); err == nil {
		t.Fatal("an empty query passed")
	} else if fe, ok := err.(FieldErrors); !ok || fe["number"] == "" || fe["name"] == "" {
		t.Fatalf("empty query errors = %v", err)
	}
	long := VerifyQueryInput{Number: "4120211010001234567890123456789012345678901", Name: "王建国王建国王建国王建国王建国王建国王建国王建国王建国王建国王"}
	if _, err := long.Validate(); err == nil {
		t.Fatal("an oversized query passed")
	} else if fe, ok := err.(FieldErrors); !ok || fe["number"] == "" || fe["name"] == "" {
		t.Fatalf("oversized query errors = %v", err)
	}
	q, err := VerifyQueryInput{Number: " 412021101000123 ", Name: " 王建国 "}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	c := Certificate{Number: "412021101000123"}
	for _, tc := range []struct {
		cert   Certificate
		holder string
		want   bool
	}{
		{c, "王建国", true},
		{c, "王建", false},
		{c, "王建国国", false},
		{Certificate{Number: "412021101000124"}, "王建国", false},
		{c, "", false},
	} {
		if got := q.Matches(tc.cert, tc.holder); got != tc.want {
			t.Errorf("Matches(%s, %q) = %v, want %v", tc.cert.Number, tc.holder, got, tc.want)
		}
	}
	if (VerifyQuery{}).Matches(Certificate{}, "") {
		t.Error("an empty query matched an empty certificate")
	}
}

// FuzzCertificateText checks the certificate text helpers on arbitrary input: number
// normalisation is idempotent, a parsed number formats back to its normal form, and a
// masked name keeps its length and shows at most its first and last characters.
func FuzzCertificateText(f *testing.F) {
	for _, s := range []string{"412021101000123", "豫建安c（2016）0012345", "王建国", "李四", "阿依古丽·买买提", "", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeCertNumber(s)
		if NormalizeCertNumber(n) != n {
			t.Fatalf("NormalizeCertNumber is not idempotent on %q", s)
		}
		if cn, err := ParseCertNumber(s); err == nil && cn.String() != n {
			t.Fatalf("ParseCertNumber(%q) = %v, formats as %q, want %q", s, cn, cn.String(), n)
		}
		in := []rune(strings.TrimSpace(s))
		out := []rune(MaskName(s))
		if len(out) != len(in) {
			t.Fatalf("MaskName(%q) = %q changes the length", s, string(out))
		}
		for i := 1; i < len(out)-1; i++ {
			if out[i] != '*' {
				t.Fatalf("MaskName(%q) = %q shows a middle character", s, string(out))
			}
		}
		if len(in) == 2 && out[1] != '*' {
			t.Fatalf("MaskName(%q) = %q shows a two-character name in full", s, string(out))
		}
	})
}
