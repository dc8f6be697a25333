package domain

import (
	"strings"
	"time"
	"unicode"
)

// Gender is derived from the ID number (the 17th digit); it is never asked for.
type Gender string

// The two genders an ID number can encode.
const (
	GenderMale   Gender = "男"
	GenderFemale Gender = "女"
)

// IDNumber is a validated 18-digit resident ID number (GB 11643-1999) with the birth date
// and gender it encodes. Value is normalised: ASCII digits and an upper-case X.
type IDNumber struct {
	Value  string
	Birth  time.Time // midnight UTC of the birth date
	Gender Gender
}

// IsZero reports whether id holds no ID number, e.g. when parsing failed.
func (id IDNumber) IsZero() bool { return id.Value == "" }

// User-facing messages for ID number errors, one per kind of mistake.
const (
	msgIDEmpty    = "请输入身份证号"
	msgIDFormat   = "请输入18位身份证号，最后一位可以是X"
	msgIDDate     = "身份证号中的出生日期（第7到14位）不正确，请对照身份证核对"
	msgIDFuture   = "身份证号中的出生日期（第7到14位）晚于今天，请对照身份证核对"
	msgIDTooOld   = "身份证号中的出生年份（第7到10位）不正确，请对照身份证核对"
	msgIDCheckSum = "身份证号有误（最后一位校验码对不上），请对照身份证逐位核对"
)

// idMinBirthYear is the earliest birth year accepted. It rejects typos such as 0990 while
// keeping the GB 11643 example 440524188001010014 (born 1880) valid, which DOMAIN.md lists
// as a test vector.
const idMinBirthYear = 1800

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// idCheckDigit computes the GB 11643 check character for the first 17 digits of v.
// v must hold at least 17 ASCII digits.
func idCheckDigit(v string) byte {
	sum := 0
	for i, w := range idWeights {
		sum += int(v[i]-'0') * w
	}
	return idCheckChars[sum%11]
}

// normalizeIDInput removes all white space, maps full-width digits and X (as typed with a
// Chinese input method) to ASCII and upper-cases x. Other characters are kept so that the
// format check can reject them. Overlong input is cut short without scanning it all.
func normalizeIDInput(raw string) string {
	if len(raw) > 256 {
		raw = raw[:256]
	}
	var b strings.Builder
	b.Grow(18)
	for _, r := range raw {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r == 'x' || r == 'Ｘ' || r == 'ｘ':
			r = 'X'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ParseIDNumber validates an 18-digit ID number: format, a real birth date that is
// neither in the future (relative to now's calendar date) nor before 1800, and the
// GB 11643 check digit. It trims white space and accepts a lower-case x. Errors are
// *Error with CodeInvalid and a message that says which part to check.
func ParseIDNumber(raw string, now time.Time) (IDNumber, error) {
	v := normalizeIDInput(raw)
	if v == "" {
		return IDNumber{}, Err(CodeInvalid, msgIDEmpty)
	}
	if len(v) != 18 {
		return IDNumber{}, Err(CodeInvalid, msgIDFormat)
	}
	for i := 0; i < 17; i++ {
		if v[i] < '0' || v[i] > '9' {
			return IDNumber{}, Err(CodeInvalid, msgIDFormat)
		}
	}
	if c := v[17]; (c < '0' || c > '9') && c != 'X' {
		return IDNumber{}, Err(CodeInvalid, msgIDFormat)
	}

	year := atoi(v[6:10])
	month := atoi(v[10:12])
	day := atoi(v[12:14])
	if year < idMinBirthYear {
		return IDNumber{}, Err(CodeInvalid, msgIDTooOld)
	}
	birth := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || birth.Year() != year || int(birth.Month()) != month || birth.Day() != day {
		return IDNumber{}, Err(CodeInvalid, msgIDDate)
	}
	ny, nm, nd := now.Date()
	if birth.After(time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)) {
		return IDNumber{}, Err(CodeInvalid, msgIDFuture)
	}
	if idCheckDigit(v) != v[17] {
		return IDNumber{}, Err(CodeInvalid, msgIDCheckSum)
	}

	g := GenderFemale
	if (v[16]-'0')%2 == 1 {
		g = GenderMale
	}
	return IDNumber{Value: v, Birth: birth, Gender: g}, nil
}

// atoi converts a string of ASCII digits; callers have checked the digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Age returns the completed years of life on now's calendar date. Someone born on
// 29 February becomes a year older on 1 March in common years.
func (id IDNumber) Age(now time.Time) int {
	if id.Birth.IsZero() {
		return 0
	}
	ny, nm, nd := now.Date()
	by, bm, bd := id.Birth.Date()
	age := ny - by
	if nm < bm || (nm == bm && nd < bd) {
		age--
	}
	if age < 0 {
		return 0
	}
	return age
}

// MaskID hides an ID number for display: the first 4 and last 4 characters stay visible,
// e.g. "4101**********123X". Any value that is not 18 digits (the last may be X) is shown
// as 18 stars, so a malformed value never reveals more, nor its length.
func MaskID(v string) string {
	const stars = "******************"
	if len(v) != 18 || !allDigits(v[:17]) || !(v[17] >= '0' && v[17] <= '9' || v[17] == 'X' || v[17] == 'x') {
		return stars
	}
	return v[:4] + stars[:10] + v[14:]
}

// MaskMobile hides a mobile number for display as "138****5678". Input that is not a
// valid mobile number is shown as 11 stars.
func MaskMobile(v string) string {
	m, err := NormalizeMobile(v)
	if err != nil {
		return "***********"
	}
	return m[:3] + "****" + m[7:]
}
