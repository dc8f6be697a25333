package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// testNow is the fixed "current time" of the tests: 15 June 2024, 10:00 in Beijing.
var testNow = time.Date(2024, 6, 15, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// invalidMessage asserts that err is a *Error with CodeInvalid and returns its message.
func invalidMessage(t *testing.T, err error) string {
	t.Helper()
	var de *Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not *Error", err, err)
	}
	if de.Code != CodeInvalid {
		t.Fatalf("code = %q, want %q", de.Code, CodeInvalid)
	}
	if de.Message == "" {
		t.Fatal("empty message")
	}
	return de.Message
}

func TestParseIDNumberValid(t *testing.T) {
	tests := []struct {
		raw    string
		value  string
		birth  string
		gender Gender
	}{
		{"11010519491231002X", "11010519491231002X", "1949-12-31", GenderFemale},
		{"11010519491231002x", "11010519491231002X", "1949-12-31", GenderFemale},
		{"  11010519491231002x \t", "11010519491231002X", "1949-12-31", GenderFemale},
		{"110105 19491231 002X", "11010519491231002X", "1949-12-31", GenderFemale},
		{"１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", "1949-12-31", GenderFemale},
		{"440524188001010014", "440524188001010014", "1880-01-01", GenderMale},
		{"41010519900307123X", "41010519900307123X", "1990-03-07", GenderMale},
		{"410105200002291236", "410105200002291236", "2000-02-29", GenderMale},
		{"410105190001010010", "410105190001010010", "1900-01-01", GenderMale},
		{"410105202406150025", "410105202406150025", "2024-06-15", GenderFemale}, // born today
		{"410105199003070026", "410105199003070026", "1990-03-07", GenderFemale},
	}
	for _, tt := range tests {
		id, err := ParseIDNumber(tt.raw, testNow)
		if err != nil {
			t.Errorf("ParseIDNumber(%q): %v", tt.raw, err)
			continue
		}
		if id.Value != tt.value || id.Birth.Format("2006-01-02") != tt.birth || id.Gender != tt.gender {
			t.Errorf("ParseIDNumber(%q) = %+v, want %s %s %s", tt.raw, id, tt.value, tt.birth, tt.gender)
		}
		if id.Birth.Location() != time.UTC || id.Birth.Hour() != 0 {
			t.Errorf("birth %v is not midnight UTC", id.Birth)
		}
	}
}

func TestParseIDNumberInvalid(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"empty", "", msgIDEmpty},
		{"spaces only", "   \u3000", msgIDEmpty},
		{"too short", "11010519491231002", msgIDFormat},
		{"too long", "11010519491231002X1", msgIDFormat},
		{"15 digits", "110105491231002", msgIDFormat},
		{"letter inside", "1101051949123100AX", msgIDFormat},
		{"X not last", "1101051949123100X2", msgIDFormat},
		{"wrong last letter", "11010519491231002Y", msgIDFormat},
		{"huge", strings.Repeat("1", 100000), msgIDFormat},
		{"check digit", "410105199003071234", msgIDCheckSum},
		{"check digit X", "11010519491231002Y0"[:17] + "1", msgIDCheckSum},
		{"30 February", "410105199002301232", msgIDDate},
		{"29 February common year", "410105199002291230", msgIDDate},
		{"month 13", "410105199013011230", msgIDDate},
		{"day 00", "410105199003001230", msgIDDate},
		{"future", "410105209901011235", msgIDFuture},
		{"tomorrow", "410105202406160025", msgIDFuture},
		{"1799", "410105179912311239", msgIDTooOld},
		{"year 0990", "410105099012311233", msgIDTooOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIDNumber(tt.raw, testNow)
			if err == nil {
				t.Fatalf("ParseIDNumber(%q) succeeded", tt.raw)
			}
			if msg := invalidMessage(t, err); msg != tt.want {
				t.Errorf("message = %q, want %q", msg, tt.want)
			}
		})
	}
	// All kinds of mistake have distinct messages.
	seen := map[string]bool{}
	for _, m := range []string{msgIDEmpty, msgIDFormat, msgIDDate, msgIDFuture, msgIDTooOld, msgIDCheckSum} {
		if seen[m] {
			t.Errorf("duplicate message %q", m)
		}
		seen[m] = true
	}
}

func TestIDNumberAge(t *testing.T) {
	id, err := ParseIDNumber("410105200002291236", testNow)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		now  time.Time
		want int
	}{
		{time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), 0},
		{time.Date(2014, 2, 28, 0, 0, 0, 0, time.UTC), 13},
		{time.Date(2014, 3, 1, 0, 0, 0, 0, time.UTC), 14},
		{time.Date(2016, 2, 29, 0, 0, 0, 0, time.UTC), 16},
		{time.Date(2024, 6, 15, 0, 0, 0, 0, time.UTC), 24},
		{time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), 0},
	}
	for _, tt := range tests {
		if got := id.Age(tt.now); got != tt.want {
			t.Errorf("Age(%s) = %d, want %d", tt.now.Format("2006-01-02"), got, tt.want)
		}
	}
	if (IDNumber{}).Age(testNow) != 0 {
		t.Error("zero IDNumber has an age")
	}
}

func TestMaskID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"41010519900307123X", "4101**********123X"},
		{"11010519491231002X", "1101**********002X"},
		{"", "******************"},
		{"4101", "******************"},
		{"110105491231002", "******************"},
		{"11010519491231002X1", "******************"},
		{"张三张三张三张三张三张三张三张三张三", "******************"},
		{"41010519900307123Y", "******************"},
		{"4101051990030712XX", "******************"},
		{"41010519900307123x", "4101**********123x"},
	}
	for _, tt := range tests {
		if got := MaskID(tt.in); got != tt.want {
			t.Errorf("MaskID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskMobile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+86 138-1234-5678", "138****5678"},
		{"", "***********"},
		{"12345", "***********"},
		{"23812345678", "***********"},
	}
	for _, tt := range tests {
		if got := MaskMobile(tt.in); got != tt.want {
			t.Errorf("MaskMobile(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
