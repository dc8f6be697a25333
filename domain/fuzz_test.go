package domain

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// checkInvalid fails unless err is a *Error with CodeInvalid and a message.
func checkInvalid(t *testing.T, err error) {
	t.Helper()
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeInvalid || de.Message == "" {
		t.Fatalf("error %#v is not an invalid *Error with a message", err)
	}
}

// revealed counts the characters of masked that are not '*'.
func revealed(masked string) int {
	return utf8.RuneCountInString(strings.ReplaceAll(masked, "*", ""))
}

// refIDCheck is an independent implementation of the GB 11643 check character.
func refIDCheck(v string) byte {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(v[i]-'0') * w[i]
	}
	return "10X98765432"[sum%11]
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "440524188001010014", "410105199003071234",
		"41010519900307123X", "410105199002301232", "410105209901011235", "", " ", "x",
		"１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X\n", "1101051949123100\u00002X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if n := revealed(MaskID(raw)); n > 8 {
			t.Fatalf("MaskID(%q) reveals %d characters", raw, n)
		}
		id, err := ParseIDNumber(raw, testNow)
		if err != nil {
			checkInvalid(t, err)
			if id != (IDNumber{}) {
				t.Fatalf("error with a non-zero result %+v", id)
			}
			return
		}
		v := id.Value
		if len(v) != 18 || !allDigits(v[:17]) {
			t.Fatalf("Value %q is not 17 digits and a check character", v)
		}
		if refIDCheck(v) != v[17] {
			t.Fatalf("check digit of %q does not recompute", v)
		}
		if again, err := ParseIDNumber(v, testNow); err != nil || again != id {
			t.Fatalf("re-parse of %q = %+v, %v; want %+v", v, again, err, id)
		}
		if id.Birth.Format("20060102") != v[6:14] || id.Birth.After(testNow) || id.Birth.Year() < idMinBirthYear {
			t.Fatalf("birth %v of %q", id.Birth, v)
		}
		if (id.Gender == GenderMale) != ((v[16]-'0')%2 == 1) {
			t.Fatalf("gender %q of %q", id.Gender, v)
		}
		if id.Age(testNow) < 0 {
			t.Fatal("negative age")
		}
		m := MaskID(v)
		if m != v[:4]+"**********"+v[14:] {
			t.Fatalf("MaskID(%q) = %q", v, m)
		}
		// Any single-digit substitution is detected (weights are non-zero mod 11).
		for i := 0; i < 17; i++ {
			b := []byte(v)
			b[i] = '0' + (b[i]-'0'+1)%10
			if _, err := ParseIDNumber(string(b), testNow); err == nil {
				t.Fatalf("substitution at %d of %q not detected", i, v)
			}
		}
	})
}

func FuzzNormalizeMobile(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138 1234 5678", "8613812345678", "008613812345678",
		"138-1234-5678", "12812345678", "", "+86", "86", "１３８１２３４５６７８"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if n := revealed(MaskMobile(raw)); n > 7 {
			t.Fatalf("MaskMobile(%q) reveals %d characters", raw, n)
		}
		m, err := NormalizeMobile(raw)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if len(m) != 11 || m[0] != '1' || m[1] < '3' || m[1] > '9' || !allDigits(m) {
			t.Fatalf("NormalizeMobile(%q) = %q", raw, m)
		}
		if again, err := NormalizeMobile(m); err != nil || again != m {
			t.Fatalf("NormalizeMobile(%q) = %q, %v", m, again, err)
		}
		if MaskMobile(raw) != m[:3]+"****"+m[7:] {
			t.Fatalf("MaskMobile(%q) = %q", raw, MaskMobile(raw))
		}
	})
}

func FuzzNormalizeCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91350100m000100y43", "91350100M000100Y44",
		"91410100MA3X5Y6K0D", "", "9135 0100 M000 100Y 43", "ｉ"} {
		f.Add(s)
	}
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	w := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := NormalizeCreditCode(raw)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if len(c) != 18 {
			t.Fatalf("NormalizeCreditCode(%q) = %q", raw, c)
		}
		sum := 0
		for i := 0; i < 17; i++ {
			k := strings.IndexByte(alphabet, c[i])
			if k < 0 {
				t.Fatalf("%q has a character outside the alphabet", c)
			}
			sum += k * w[i]
		}
		if want := alphabet[(31-sum%31)%31]; c[17] != want {
			t.Fatalf("check character of %q should be %c", c, want)
		}
		if again, err := NormalizeCreditCode(c); err != nil || again != c {
			t.Fatalf("NormalizeCreditCode(%q) = %q, %v", c, again, err)
		}
		// Any single-character substitution is detected (31 is prime, weights non-zero).
		for i := 0; i < 18; i++ {
			b := []byte(c)
			b[i] = alphabet[(strings.IndexByte(alphabet, b[i])+1)%31]
			if _, err := NormalizeCreditCode(string(b)); err == nil {
				t.Fatalf("substitution at %d of %q not detected", i, c)
			}
		}
	})
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"张三", "阿沛·阿旺晋美", "阿沛•阿旺晋美", "王𠀀", "㐀明", "·张", "张··三",
		"张\x00三", "Zhang", strings.Repeat("阿", 31), "\u2F08三", "张\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		n, err := NormalizeName(raw)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if !utf8.ValidString(n) {
			t.Fatalf("NormalizeName(%q) = %q is not valid UTF-8", raw, n)
		}
		if c := utf8.RuneCountInString(n); c < 2 || c > 30 {
			t.Fatalf("NormalizeName(%q) = %q has %d characters", raw, n, c)
		}
		for _, r := range n {
			if r != '·' && (!unicode.Is(unicode.Han, r) || isRadical(r)) {
				t.Fatalf("NormalizeName(%q) = %q contains %U", raw, n, r)
			}
		}
		if strings.HasPrefix(n, "·") || strings.HasSuffix(n, "·") || strings.Contains(n, "··") {
			t.Fatalf("NormalizeName(%q) = %q has a misplaced dot", raw, n)
		}
		if again, err := NormalizeName(n); err != nil || again != n {
			t.Fatalf("NormalizeName(%q) = %q, %v", n, again, err)
		}
	})
}
