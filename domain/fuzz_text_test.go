package domain

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for the remaining validators the public reaches through a form: e-mail,
// free text (one line and several), year-month dates, the password policy, and a
// reviewer's return decision (DESIGN.md §8: every parser the public can reach).

// storedTextOK reports whether s may be stored as text: valid UTF-8 with no character
// that isUnsafeChar refuses, apart from the newlines allowed when multiline.
func storedTextOK(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if isUnsafeChar(r) {
			return false
		}
	}
	return true
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"zhangsan@example.com", " A@Example.COM ", "a＠b.cn", "a@b", "@b.cn", "a@b.cn\r\nBcc: x@y.cn",
		"\"a b\"@c.cn", "王@例子.中国", "a@[127.0.0.1]", "", "a@b.cn\x00", strings.Repeat("a", 65) + "@b.cn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		e, err := NormalizeEmail(raw)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if len(e) > 254 || strings.Count(e, "@") < 1 || !storedTextOK(e, false) || strings.ContainsAny(e, " \t\r\n") {
			t.Fatalf("NormalizeEmail(%q) = %q", raw, e)
		}
		if again, err := NormalizeEmail(e); err != nil || again != e {
			t.Fatalf("NormalizeEmail(%q) = %q, %v; not idempotent", e, again, err)
		}
	})
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"郑州市建设工程有限公司", "  两端空格  ", "a\nb", "a\x00b", "a\u202eb", "\xff", "\u200b", "",
		strings.Repeat("字", 41)} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, required bool) {
		v, err := CleanText(raw, "单位名称", 40, required)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if v != strings.TrimSpace(v) || utf8.RuneCountInString(v) > 40 || !storedTextOK(v, false) || (required && v == "") {
			t.Fatalf("CleanText(%q) = %q", raw, v)
		}
		if again, err := CleanText(v, "单位名称", 40, required); err != nil || again != v {
			t.Fatalf("CleanText(%q) = %q, %v; not idempotent", v, again, err)
		}
	})
}

func FuzzCleanMultiline(f *testing.F) {
	for _, s := range []string{"第一行\r\n第二行", "a\rb", "tab\there", "a\x00b", "a\u2066b", "\xc3", "  \n  ", strings.Repeat("字", 501)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := CleanMultiline(raw, "补充说明", 500)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if strings.ContainsAny(v, "\r\t") || v != strings.TrimSpace(v) || utf8.RuneCountInString(v) > 500 || !storedTextOK(v, true) {
			t.Fatalf("CleanMultiline(%q) = %q", raw, v)
		}
		if again, err := CleanMultiline(v, "补充说明", 500); err != nil || again != v {
			t.Fatalf("CleanMultiline(%q) = %q, %v; not idempotent", v, again, err)
		}
	})
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2015-07", "2015-7", "2015.07", "2015/07", "2015年7月", "201507", "２０１５－０７", "2015-13",
		"1899-12", "2099-01", "", "-", "2015年", "2015--07"} {
		f.Add(s)
	}
	notBefore := time.Date(1990, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		m, err := ParseMonth(raw, "参加工作时间", testNow, notBefore)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if m.Day() != 1 || m.Hour() != 0 || m.Location() != time.UTC || monthIndex(m) > monthIndex(testNow) || monthIndex(m) < monthIndex(notBefore) {
			t.Fatalf("ParseMonth(%q) = %v", raw, m)
		}
		if again, err := ParseMonth(m.Format("2006-01"), "参加工作时间", testNow, notBefore); err != nil || !again.Equal(m) {
			t.Fatalf("ParseMonth(%q) = %v, %v; want %v", m.Format("2006-01"), again, err, m)
		}
	})
}

func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"correct horse 1", "12345678", "password", "11010519491231002X", "19491231", "1949-12-31ab",
		"短", strings.Repeat("长", 129), "\x00\x00\x00\x00\x00\x00\x00\x00", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"} {
		f.Add(s)
	}
	id, err := ParseIDNumber("11010519491231002X", testNow)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		for _, who := range []IDNumber{id, {}} {
			if err := CheckPassword(pw, who); err != nil {
				checkInvalid(t, err)
				continue
			}
			if n := utf8.RuneCountInString(pw); n < PasswordMin || n > PasswordMax {
				t.Fatalf("CheckPassword accepted %q of %d characters", pw, n)
			}
			if who.Value != "" && strings.Contains(strings.ToUpper(pw), who.Value) {
				t.Fatalf("CheckPassword accepted %q containing the ID number", pw)
			}
		}
	})
}

// FuzzReturnDecision feeds a reviewer's return form (two posted reasons and a note) to
// the domain: either it is refused as a field error, or what is stored is a subset of
// the fixed list and a clean note.
func FuzzReturnDecision(f *testing.F) {
	f.Add(ReturnReasonsList[0], "", "请重新拍摄")
	f.Add("随便写", ReturnReasonsList[1], "")
	f.Add("", "", "说明\x00")
	f.Add(ReturnReasonsList[2], ReturnReasonsList[2], "a\u202eb\r\nc")
	f.Fuzz(func(t *testing.T, r1, r2, note string) {
		var picked []string
		for _, r := range []string{r1, r2} {
			if r != "" {
				picked = append(picked, r)
			}
		}
		a, err := Application{Status: AppSubmitted}.Return("审核员", picked, note, testNow)
		if err != nil {
			if _, ok := err.(FieldErrors); !ok {
				t.Fatalf("Return error %T %v is not a field error", err, err)
			}
			return
		}
		if a.Status != AppReturned || (len(a.ReturnReasons) == 0 && a.ReturnNote == "") {
			t.Fatalf("returned with nothing to tell the trainee: %+v", a)
		}
		for _, r := range a.ReturnReasons {
			found := false
			for _, l := range ReturnReasonsList {
				found = found || l == r
			}
			if !found {
				t.Fatalf("stored reason %q is not in the list", r)
			}
		}
		if !storedTextOK(a.ReturnNote, true) || utf8.RuneCountInString(a.ReturnNote) > 500 {
			t.Fatalf("stored note %q", a.ReturnNote)
		}
	})
}
