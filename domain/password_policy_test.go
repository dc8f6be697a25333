package domain

import (
	"strings"
	"testing"
	"time"
)

func TestCheckPassword(t *testing.T) {
	id, err := ParseIDNumber("41010519900307123X", testNow)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, pw string
		id       IDNumber
		ok       bool
		msgHas   string
	}{
		{"good", "correct horse battery", id, true, ""},
		{"chinese passphrase", "我家门前有条河", IDNumber{}, false, "至少8个字符"}, // 7 runes
		{"chinese passphrase 8", "我家门前有两条河", id, true, ""},
		{"exactly 8", "k7#pQz!w", id, true, ""},
		{"empty", "", id, false, "请设置密码"},
		{"too short", "abc1234", id, false, "至少8个字符"},
		{"max", strings.Repeat("密", 128), id, true, ""},
		{"too long", strings.Repeat("密", 129), id, false, "最多128个字符"},
		{"common digits", "12345678", id, false, "太常见"},
		{"common love", "5201314520", id, false, "太常见"},
		{"common upper", "PASSWORD", id, false, "太常见"},
		{"common mixed case", "WoAiNi1314", id, false, "太常见"},
		{"common a123456789", "a123456789", IDNumber{}, false, "太常见"},
		{"common qq", "qq123456", id, false, "太常见"},
		{"common 88888888", "88888888", id, false, "太常见"},
		{"common iloveyou", "iloveyou", id, false, "太常见"},
		{"common zeros", "00000000", id, false, "太常见"},
		{"common ones", "11111111", id, false, "太常见"},
		{"id number", "41010519900307123X", id, false, "身份证号"},
		{"id number lower x", "41010519900307123x", id, false, "身份证号"},
		{"contains id", "my41010519900307123Xpw", id, false, "身份证号"},
		{"last 8 of id", "0307123X", id, false, "身份证号"},
		{"first 8 of id", "41010519", id, false, "身份证号"},
		{"id of someone else", "11010519491231002X", id, true, ""},
		{"id without id", "41010519900307123X", IDNumber{}, true, ""},
		{"birth yyyymmdd", "19900307", id, false, "身份证号"}, // also a part of the ID number
		{"birth yyyy-mm-dd", "1990-03-07", id, false, "出生日期"},
		{"birth yyyy.mm.dd", "1990.03.07", id, false, "出生日期"},
		{"birth ddmmyyyy", "07031990", id, false, "出生日期"},
		{"other date", "1990-03-08", id, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.pw, tt.id)
			if tt.ok != (err == nil) {
				t.Fatalf("CheckPassword(%q) = %v, want ok=%v", tt.pw, err, tt.ok)
			}
			if err != nil {
				if msg := invalidMessage(t, err); !strings.Contains(msg, tt.msgHas) {
					t.Errorf("message %q does not contain %q", msg, tt.msgHas)
				}
			}
		})
	}
}

func TestCommonPasswordList(t *testing.T) {
	if n := len(commonPasswords); n < 140 {
		t.Errorf("only %d common passwords", n)
	}
	seen := map[string]bool{}
	for _, p := range commonPasswords {
		l := strings.ToLower(p)
		if seen[l] {
			t.Errorf("duplicate %q", p)
		}
		seen[l] = true
		if len([]rune(p)) < PasswordMin {
			t.Errorf("%q is shorter than PasswordMin and can never match", p)
		}
	}
	for _, p := range []string{"12345678", "88888888", "5201314520", "a123456789", "qq123456", "woaini1314", "password", "iloveyou", "11111111", "00000000"} {
		if !seen[p] {
			t.Errorf("%q missing", p)
		}
	}
}

func TestBirthDateOnlyPassword(t *testing.T) {
	// A birth date form that is not a substring of the ID number is caught by the birth
	// date rule: the ID holds 19491231, not 1949-12-31.
	id, err := ParseIDNumber("11010519491231002X", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPassword("1949/12/31", id); err == nil || !strings.Contains(err.Error(), "出生日期") {
		t.Errorf("CheckPassword(birth date) = %v", err)
	}
	if err := CheckPassword("19491231", IDNumber{Birth: id.Birth}); err == nil || !strings.Contains(err.Error(), "出生日期") {
		t.Errorf("CheckPassword(yyyymmdd, birth only) = %v", err)
	}
}

func TestBirthDatePlusAFewCharacters(t *testing.T) {
	id, err := ParseIDNumber("11010519491231002X", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for pw, ok := range map[string]bool{"19491231ab": false, "a19491231!": false, "19491231 and a long tail": true} {
		if got := CheckPassword(pw, id) == nil; got != ok {
			t.Errorf("CheckPassword(%q) accepted=%v, want %v", pw, got, ok)
		}
	}
}
