package domain

import (
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxInputBytes bounds how much of a single-line value is looked at before it is rejected
// as too long, so that a huge request field costs no more than a short one.
const maxInputBytes = 4096

// NormalizeMobile validates a mainland mobile number and returns its 11 digits. Spaces,
// dashes and a leading +86, 0086 or 86 are removed; full-width digits are accepted.
func NormalizeMobile(raw string) (string, error) {
	if len(raw) > 64 {
		return "", Err(CodeInvalid, "请输入11位手机号，以1开头")
	}
	var b strings.Builder
	for _, r := range raw {
		switch {
		case unicode.IsSpace(r), r == '-', r == '－':
			continue
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r == '＋':
			r = '+'
		}
		b.WriteRune(r)
	}
	v := b.String()
	if v == "" {
		return "", Err(CodeInvalid, "请输入手机号")
	}
	switch {
	case strings.HasPrefix(v, "+86"):
		v = v[3:]
	case strings.HasPrefix(v, "0086"):
		v = v[4:]
	case len(v) == 13 && strings.HasPrefix(v, "86"):
		v = v[2:]
	}
	if len(v) != 11 || v[0] != '1' || v[1] < '3' || v[1] > '9' || !allDigits(v) {
		return "", Err(CodeInvalid, "请输入11位手机号，以1开头，例如13812345678")
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// creditAlphabet is the GB 32100-2015 code alphabet (no I, O, S, V, Z); a character's
// index is its numeric value.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditCheckChar computes the check character for the first 17 characters of v, which
// must all be in creditAlphabet.
func creditCheckChar(v string) byte {
	sum := 0
	for i, w := range creditWeights {
		sum += strings.IndexByte(creditAlphabet, v[i]) * w
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditAlphabet[c]
}

// NormalizeCreditCode validates a unified social credit code (GB 32100-2015): 18
// characters from the code alphabet with a correct check character. White space is
// removed, letters are upper-cased and full-width characters are accepted.
func NormalizeCreditCode(raw string) (string, error) {
	if len(raw) > 128 {
		return "", Err(CodeInvalid, "统一社会信用代码应为18位数字或大写字母，请对照营业执照填写")
	}
	var b strings.Builder
	for _, r := range raw {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= '！' && r <= '～': // full-width ASCII forms
			r -= '！' - '!'
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	v := b.String()
	if v == "" {
		return "", Err(CodeInvalid, "请输入统一社会信用代码")
	}
	if len(v) != 18 {
		return "", Err(CodeInvalid, "统一社会信用代码应为18位数字或大写字母，请对照营业执照填写")
	}
	for i := 0; i < len(v); i++ {
		if strings.IndexByte(creditAlphabet, v[i]) < 0 {
			return "", Err(CodeInvalid, "统一社会信用代码中不会出现字母I、O、S、V、Z和符号，请对照营业执照核对")
		}
	}
	if creditCheckChar(v) != v[17] {
		return "", Err(CodeInvalid, "统一社会信用代码有误（最后一位校验码对不上），请对照营业执照逐位核对")
	}
	return v, nil
}

// nameDots are the characters people type for the middle dot of minority names; all are
// stored as U+00B7 '·'.
var nameDots = map[rune]bool{'·': true, '•': true, '．': true, '・': true, '･': true, '‧': true}

// isRadical reports whether r is a CJK or Kangxi radical: these belong to unicode.Han
// but are look-alikes of real characters, usually pasted from a PDF.
func isRadical(r rune) bool { return r >= 0x2E80 && r <= 0x2FDF }

// NormalizeName validates a person's name as written on the ID card: 2 to 30 Chinese
// characters (including all CJK extensions) and, for minority names, the middle dot '·'
// between parts. Look-alike dots ('•', '．', '・') are normalised to '·'.
func NormalizeName(raw string) (string, error) {
	const tooLong = "姓名最多30个字，请只填写身份证上的姓名"
	if len(raw) > maxInputBytes {
		return "", Err(CodeInvalid, tooLong)
	}
	v := strings.TrimSpace(raw)
	if v == "" {
		return "", Err(CodeInvalid, "请输入姓名，与身份证上的一致")
	}
	n := utf8.RuneCountInString(v)
	if n > 30 {
		return "", Err(CodeInvalid, tooLong)
	}
	if n < 2 {
		return "", Err(CodeInvalid, "姓名至少2个字，请输入身份证上的完整姓名")
	}
	out := make([]rune, 0, n)
	for _, r := range v {
		switch {
		case nameDots[r]:
			r = '·'
		case r == utf8.RuneError:
			return "", Err(CodeInvalid, "姓名中有无法识别的字符，请重新输入")
		case unicode.IsSpace(r):
			return "", Err(CodeInvalid, "姓名中间不要输入空格；少数民族姓名请用“·”分隔")
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return "", Err(CodeInvalid, "姓名中有不可见的控制字符，请删除后重新输入")
		case isRadical(r):
			return "", Err(CodeInvalid, "姓名中有部首符号（常见于从PDF复制的文字），请用输入法重新输入")
		case !unicode.Is(unicode.Han, r):
			return "", Err(CodeInvalid, "姓名只能包含汉字；少数民族姓名中间可以用“·”分隔")
		}
		out = append(out, r)
	}
	if out[0] == '·' || out[len(out)-1] == '·' {
		return "", Err(CodeInvalid, "“·”只能放在姓名中间，不能在开头或结尾")
	}
	for i := 1; i < len(out); i++ {
		if out[i] == '·' && out[i-1] == '·' {
			return "", Err(CodeInvalid, "姓名中不能连续输入两个“·”")
		}
	}
	return string(out), nil
}

// NormalizeEmail validates a bare e-mail address (no display name, no comments) of at most
// 254 bytes whose domain contains a dot, and returns it with the domain in lower case.
func NormalizeEmail(raw string) (string, error) {
	const bad = "请输入正确的电子邮箱，例如 zhangsan@example.com"
	if len(raw) > maxInputBytes {
		return "", Err(CodeInvalid, "电子邮箱太长，最多254个字符")
	}
	v := strings.TrimSpace(raw)
	if v == "" {
		return "", Err(CodeInvalid, "请输入电子邮箱，用于接收通知和找回密码")
	}
	if len(v) > 254 {
		return "", Err(CodeInvalid, "电子邮箱太长，最多254个字符")
	}
	for _, r := range v {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			return "", Err(CodeInvalid, "电子邮箱中不能有空格、换行或不可见字符")
		}
	}
	v = strings.ReplaceAll(v, "＠", "@")
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Name != "" || addr.Address != v {
		return "", Err(CodeInvalid, bad)
	}
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || at > 64 {
		return "", Err(CodeInvalid, bad)
	}
	local, domain := v[:at], v[at+1:]
	if strings.ContainsAny(domain, "[]") || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", Err(CodeInvalid, bad)
	}
	return local + "@" + strings.ToLower(domain), nil
}

// isUnsafeChar reports characters that may not appear in stored text: control characters,
// invalid UTF-8 and the invisible bidirectional and zero-width controls that can make text
// display differently from what it is.
func isUnsafeChar(r rune) bool {
	switch {
	case r == utf8.RuneError, unicode.IsControl(r):
		return true
	case r == 0x061C, r == 0x200E, r == 0x200F, r == 0xFEFF,
		r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200B:
		return true
	}
	return false
}

// CleanText validates one line of free text for the field labelled field: it trims white
// space, rejects control characters (a newline included) and more than maxRunes
// characters. An empty value is an error only when required.
func CleanText(raw string, field string, maxRunes int, required bool) (string, error) {
	if len(raw) > maxRunes*4+maxInputBytes {
		return "", tooLongErr(field, maxRunes)
	}
	v := strings.TrimSpace(raw)
	if v == "" {
		if required {
			return "", Err(CodeInvalid, "请填写"+field)
		}
		return "", nil
	}
	if utf8.RuneCountInString(v) > maxRunes {
		return "", tooLongErr(field, maxRunes)
	}
	for _, r := range v {
		if r == '\n' || r == '\r' {
			return "", Err(CodeInvalid, field+"只能填写一行，请删除其中的换行")
		}
		if isUnsafeChar(r) {
			return "", Err(CodeInvalid, field+"中有不可见的控制字符，请删除后重新填写")
		}
	}
	return v, nil
}

func tooLongErr(field string, maxRunes int) error {
	return Err(CodeInvalid, field+"最多"+strconv.Itoa(maxRunes)+"个字，请精简后再提交")
}

// CleanMultiline is CleanText for free text of several lines, such as a résumé: line
// breaks are kept (CR LF and CR become LF), tabs become spaces, trailing spaces of each
// line are removed, and the value is optional.
func CleanMultiline(raw string, field string, maxRunes int) (string, error) {
	if len(raw) > maxRunes*4+maxInputBytes {
		return "", tooLongErr(field, maxRunes)
	}
	v := strings.ReplaceAll(raw, "\r\n", "\n")
	v = strings.ReplaceAll(v, "\r", "\n")
	v = strings.ReplaceAll(v, "\t", " ")
	lines := strings.Split(v, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	v = strings.TrimSpace(strings.Join(lines, "\n"))
	if utf8.RuneCountInString(v) > maxRunes {
		return "", tooLongErr(field, maxRunes)
	}
	for _, r := range v {
		if r != '\n' && isUnsafeChar(r) {
			return "", Err(CodeInvalid, field+"中有不可见的控制字符，请删除后重新填写")
		}
	}
	return v, nil
}

// ParseMonth reads a year and month written as "2006-01", "2006-1", "2006.01", "2006/01"
// or "2006年1月" (also "200601") and returns the first day of that month in UTC. Months after now's month
// and, when notBefore is not zero, months before notBefore's month are rejected.
func ParseMonth(raw string, field string, now time.Time, notBefore time.Time) (time.Time, error) {
	example := "，例如 2015-07"
	if len(raw) > 64 {
		return time.Time{}, Err(CodeInvalid, field+"格式不正确，请按“年-月”填写"+example)
	}
	var b strings.Builder
	for _, r := range raw {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= '０' && r <= '９', r == '－', r == '．', r == '／':
			r -= '０' - '0' // full-width forms sit at a fixed offset from ASCII
		}
		b.WriteRune(r)
	}
	v := b.String()
	if v == "" {
		return time.Time{}, Err(CodeInvalid, "请填写"+field+example)
	}
	var ys, ms string
	if y, rest, ok := strings.Cut(v, "年"); ok {
		ys, ms = y, strings.TrimSuffix(rest, "月")
	} else if i := strings.IndexAny(v, "-./"); i >= 0 {
		ys, ms = v[:i], v[i+1:]
	} else if len(v) == 6 {
		ys, ms = v[:4], v[4:]
	}
	if len(ys) != 4 || len(ms) < 1 || len(ms) > 2 || !allDigits(ys) || !allDigits(ms) {
		return time.Time{}, Err(CodeInvalid, field+"格式不正确，请按“年-月”填写"+example)
	}
	year, month := atoi(ys), atoi(ms)
	if month < 1 || month > 12 {
		return time.Time{}, Err(CodeInvalid, field+"的月份应在1到12之间"+example)
	}
	if year < 1900 {
		return time.Time{}, Err(CodeInvalid, field+"的年份不正确，请检查"+example)
	}
	t := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	if monthIndex(t) > monthIndex(now) {
		return time.Time{}, Err(CodeInvalid, field+"不能晚于本月，请检查年份和月份")
	}
	if !notBefore.IsZero() && monthIndex(t) < monthIndex(notBefore) {
		return time.Time{}, Err(CodeInvalid, field+"不能早于"+strconv.Itoa(notBefore.Year())+"年"+
			strconv.Itoa(int(notBefore.Month()))+"月，请检查年份")
	}
	return t, nil
}

// monthIndex numbers calendar months so that they can be compared, using t's own
// location for the calendar.
func monthIndex(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }
