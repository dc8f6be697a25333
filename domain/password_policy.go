package domain

import (
	"strings"
	"unicode/utf8"
)

// Password length limits, counted in characters (runes). Any characters are allowed and
// there are no composition rules: length and not being guessable are what matter.
const (
	PasswordMin = 8
	PasswordMax = 128
)

// commonPasswords are among the most used passwords in Chinese and international leaks.
// Only entries of at least PasswordMin characters are listed, as shorter ones are
// rejected by length anyway. Compared case-insensitively.
var commonPasswords = []string{
	// digits
	"12345678", "123456789", "1234567890", "0123456789", "12345678910",
	"87654321", "987654321", "9876543210", "11111111", "111111111", "1111111111",
	"00000000", "000000000", "0000000000", "88888888", "888888888", "8888888888",
	"66666666", "666666666", "99999999", "999999999", "22222222", "33333333",
	"55555555", "77777777", "12341234", "11223344", "11112222", "12344321",
	"123123123", "123321123", "12121212", "13131313", "11110000", "00001111",
	"111222333", "123456123", "123456123456", "147258369", "147852369", "123654789",
	"321654987", "741852963", "963852741", "789456123", "159753159", "159357258",
	"258369147", "31415926", "314159265", "3.1415926", "168168168", "518518518",
	"20082008", "20102010", "19491001", "12369874", "14789632", "11235813",
	// love and luck
	"5201314520", "1314520520", "52013145", "520131400", "5201314521", "13145200",
	"52105210", "520520520", "1314521521", "woaini1314", "woaini520", "woaini123",
	"woaini1314520", "woaiwojia", "iloveyou", "iloveyou1", "iloveyou520", "woainima",
	"qq5201314", "5201314a", "a5201314", "wodemima", "mima1234", "mimamima",
	// letters and digits
	"a123456789", "a12345678", "a1234567", "aa123456", "abc12345", "abc123456",
	"abcd1234", "abcd12345", "1234abcd", "123456abc", "123456789a", "1234567a",
	"12345678a", "123456aa", "qq123456", "qq123456789", "123456qq", "q1234567",
	"qwe12345", "qwe123456", "123qweasd", "1q2w3e4r", "1q2w3e4r5t", "q1w2e3r4",
	"1qaz2wsx", "1qaz2wsx3edc", "zaq12wsx", "qaz123456", "qazwsxedc", "qweasdzxc",
	"1qazxsw2", "1a2b3c4d", "a1b2c3d4", "asd123456", "asdf1234", "zxc123456",
	"wang123456", "li123456", "zhang123", "liu123456", "chen123456", "admin123",
	"admin888", "admin1234", "root1234", "test1234", "password", "password1",
	"password123", "passw0rd", "p@ssw0rd", "p@ssword", "pass1234",
	// keyboard and words
	"qwertyui", "qwertyuiop", "qwerty123", "qwer1234", "1234qwer", "asdfghjk",
	"asdfghjkl", "zxcvbnm1", "zxcvbnm123", "aaaaaaaa", "qqqqqqqq", "abcdefgh",
	"abcdefg1", "sunshine", "princess", "football", "baseball", "welcome1",
	"superman", "trustno1", "starwars", "whatever", "changeme", "letmein1",
	"computer", "internet", "michael1", "jennifer", "dearbook", "woshishui",
	"zhongguo", "china123", "beijing1", "henan123", "zhengzhou",
}

var commonPasswordSet = func() map[string]bool {
	m := make(map[string]bool, len(commonPasswords))
	for _, p := range commonPasswords {
		m[strings.ToLower(p)] = true
	}
	return m
}()

// CheckPassword applies the password policy: PasswordMin to PasswordMax characters, not a
// common password, not the user's ID number or part of it, and not their birth date. id
// may be zero-valued, e.g. when the ID number itself was invalid; then only the generic
// checks apply. Errors are *Error with CodeInvalid.
func CheckPassword(pw string, id IDNumber) error {
	n := utf8.RuneCountInString(pw)
	if n == 0 {
		return Err(CodeInvalid, "请设置密码，至少8个字符")
	}
	if n < PasswordMin {
		return Err(CodeInvalid, "密码至少8个字符；可以用一句好记的话，不要求包含字母或符号")
	}
	if n > PasswordMax {
		return Err(CodeInvalid, "密码最多128个字符，请缩短一些")
	}
	lower := strings.ToLower(pw)
	if commonPasswordSet[lower] {
		return Err(CodeInvalid, "这个密码太常见，很容易被猜到，请换一个别人想不到的密码")
	}
	if id.Value != "" {
		upper := strings.ToUpper(pw)
		if strings.Contains(upper, id.Value) || (len(upper) >= PasswordMin && strings.Contains(id.Value, upper)) {
			return Err(CodeInvalid, "密码不能使用身份证号或其中的一段，请换一个")
		}
	}
	if !id.Birth.IsZero() {
		for _, layout := range []string{"20060102", "060102", "2006-01-02", "2006.01.02", "2006/01/02", "02012006", "01022006"} {
			b := id.Birth.Format(layout)
			// The full date guessed plus a couple of characters is as weak as the date.
			if pw == b || (len(b) >= 8 && strings.Contains(pw, b) && len([]rune(pw)) < len(b)+4) {
				return Err(CodeInvalid, "密码不能使用出生日期，请换一个")
			}
		}
	}
	return nil
}
