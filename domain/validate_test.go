package domain

import (
	"strings"
	"testing"
	"time"
)

func TestNormalizeMobile(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"13812345678", "13812345678", true},
		{" 138 1234 5678 ", "13812345678", true},
		{"138-1234-5678", "13812345678", true},
		{"+8613812345678", "13812345678", true},
		{"+86 138 1234 5678", "13812345678", true},
		{"8613812345678", "13812345678", true},
		{"008613812345678", "13812345678", true},
		{"１３８１２３４５６７８", "13812345678", true},
		{"19912345678", "19912345678", true},
		{"", "", false},
		{"   ", "", false},
		{"12812345678", "", false},
		{"23812345678", "", false},
		{"1381234567", "", false},
		{"138123456789", "", false},
		{"1381234567a", "", false},
		{"+85213812345678", "", false},
		{"13812345678\n", "13812345678", true},
		{strings.Repeat("1", 1000), "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeMobile(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("NormalizeMobile(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil {
			invalidMessage(t, err)
		}
	}
}

func TestNormalizeCreditCode(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"91350100M000100Y43", "91350100M000100Y43", true},
		{"91350100m000100y43", "91350100M000100Y43", true},
		{" 9135 0100 M000 100Y 43 ", "91350100M000100Y43", true},
		{"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43", true},
		{"91410100MA3X5Y6K0D", "91410100MA3X5Y6K0D", true},
		{"91110000100000000R", "91110000100000000R", true},
		{"91350100M000100Y44", "", false}, // wrong check character
		{"91350100M000100Y4", "", false},  // too short
		{"91350100M000100Y430", "", false},
		{"91350100O000100Y43", "", false}, // O is not in the alphabet
		{"91350100I000100Y43", "", false},
		{"9135010-M000100Y43", "", false},
		{"", "", false},
		{strings.Repeat("9", 10000), "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeCreditCode(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("NormalizeCreditCode(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil {
			invalidMessage(t, err)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"plain", "张三", "张三", true},
		{"trimmed", "  李四\u3000", "李四", true},
		{"three", "欧阳娜娜", "欧阳娜娜", true},
		{"minority", "阿沛·阿旺晋美", "阿沛·阿旺晋美", true},
		{"bullet dot", "阿沛•阿旺晋美", "阿沛·阿旺晋美", true},
		{"full-width stop", "阿沛．阿旺晋美", "阿沛·阿旺晋美", true},
		{"katakana dot", "阿沛・阿旺晋美", "阿沛·阿旺晋美", true},
		{"extension B", "王𠀀", "王𠀀", true},
		{"extension A", "㐀明", "㐀明", true},
		{"extension G", "李\U00030000", "李\U00030000", true},
		{"compatibility ideograph", "金\uF900", "金\uF900", true},
		{"30 characters", strings.Repeat("阿", 30), strings.Repeat("阿", 30), true},
		{"31 characters", strings.Repeat("阿", 31), "", false},
		{"one character", "张", "", false},
		{"empty", "", "", false},
		{"blank", " \t ", "", false},
		{"latin", "Zhang San", "", false},
		{"mixed latin", "张San", "", false},
		{"digit", "张三1", "", false},
		{"inner space", "张 三", "", false},
		{"leading dot", "·阿旺晋美", "", false},
		{"trailing dot", "阿沛·", "", false},
		{"double dot", "阿沛··阿旺晋美", "", false},
		{"double mixed dots", "阿沛·•阿旺晋美", "", false},
		{"only dots", "··", "", false},
		{"control char", "张\x00三", "", false},
		{"newline", "张\n三", "", false},
		{"bidi override", "张\u202E三", "", false},
		{"zero width space", "张\u200B三", "", false},
		{"kangxi radical", "\u2F08三", "", false},
		{"invalid utf8", "张\xff三", "", false},
		{"emoji", "张😀", "", false},
		{"html", "<b>张三</b>", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeName(tt.in)
			if tt.ok != (err == nil) || got != tt.want {
				t.Fatalf("NormalizeName(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil {
				invalidMessage(t, err)
			}
		})
	}
}

// Long input is rejected by its length (how fast is BenchmarkNormalizeNameLong's figure;
// a timed assertion here would fail on a loaded CI machine).
func TestNormalizeNameLongInputIsRejected(t *testing.T) {
	for _, in := range []string{strings.Repeat("张", 10000), strings.Repeat("a", 10000), strings.Repeat("张", 31) + "\x00"} {
		_, err := NormalizeName(in)
		if msg := invalidMessage(t, err); !strings.Contains(msg, "最多30个字") {
			t.Errorf("message %q does not mention the length", msg)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"zhangsan@example.com", "zhangsan@example.com", true},
		{"  ZhangSan@Example.COM ", "ZhangSan@example.com", true},
		{"a.b+tag@mail.qq.com", "a.b+tag@mail.qq.com", true},
		{"zhangsan＠163.com", "zhangsan@163.com", true},
		{"", "", false},
		{"zhangsan", "", false},
		{"zhangsan@localhost", "", false},
		{"zhangsan@example.", "", false},
		{"@example.com", "", false},
		{"zhang san@example.com", "", false},
		{"张三 <zhangsan@example.com>", "", false},
		{"<zhangsan@example.com>", "", false},
		{"zhangsan@example.com (comment)", "", false},
		{"\"zhang san\"@example.com", "", false},
		{"zhangsan@example.com\r\nBcc: x@evil.com", "", false},
		{"zhangsan@exa\x00mple.com", "", false},
		{"a@b@example.com", "", false},
		{"zhangsan@[127.0.0.1]", "", false},
		{"zhangsan@example..com", "", false},
		{strings.Repeat("a", 65) + "@example.com", "", false},
		{"a@" + strings.Repeat("b", 250) + ".com", "", false},
		{strings.Repeat("a", 5000), "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil {
			invalidMessage(t, err)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		max      int
		required bool
		want     string
		ok       bool
		msgHas   string
	}{
		{"plain", " 郑州大学 ", 60, true, "郑州大学", true, ""},
		{"optional empty", "  ", 60, false, "", true, ""},
		{"required empty", "  ", 60, true, "", false, "请填写毕业院校"},
		{"at limit", strings.Repeat("学", 60), 60, true, strings.Repeat("学", 60), true, ""},
		{"over limit", strings.Repeat("学", 61), 60, true, "", false, "毕业院校最多60个字"},
		{"huge", strings.Repeat("学", 100000), 60, true, "", false, "最多60个字"},
		{"newline", "郑州\n大学", 60, true, "", false, "毕业院校"},
		{"tab", "郑州\t大学", 60, true, "", false, "毕业院校"},
		{"nul", "郑州\x00大学", 60, true, "", false, "毕业院校"},
		{"bidi", "郑州\u202E大学", 60, true, "", false, "毕业院校"},
		{"invalid utf8", "郑州\xc3大学", 60, true, "", false, "毕业院校"},
		{"html kept verbatim", "<script>", 60, true, "<script>", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CleanText(tt.in, "毕业院校", tt.max, tt.required)
			if tt.ok != (err == nil) || got != tt.want {
				t.Fatalf("CleanText(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil {
				if msg := invalidMessage(t, err); !strings.Contains(msg, tt.msgHas) {
					t.Errorf("message %q does not contain %q", msg, tt.msgHas)
				}
			}
		})
	}
}

func TestCleanMultiline(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"lines", "2010年 郑州某公司\r\n2015年 洛阳某公司  \r\n", "2010年 郑州某公司\n2015年 洛阳某公司", true},
		{"old mac", "甲\r乙", "甲\n乙", true},
		{"tab", "甲\t乙", "甲 乙", true},
		{"empty", " \n ", "", true},
		{"control", "甲\x07乙", "", false},
		{"bidi", "甲\u2066乙", "", false},
		{"too long", strings.Repeat("字", 31), "", false},
		{"at limit with newline", strings.Repeat("字", 15) + "\r\n" + strings.Repeat("字", 14), strings.Repeat("字", 15) + "\n" + strings.Repeat("字", 14), true},
		{"over limit by newline", strings.Repeat("字", 15) + "\r\n" + strings.Repeat("字", 15), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CleanMultiline(tt.in, "工作简历", 30)
			if tt.ok != (err == nil) || got != tt.want {
				t.Fatalf("CleanMultiline(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil {
				if msg := invalidMessage(t, err); !strings.Contains(msg, "工作简历") {
					t.Errorf("message %q does not name the field", msg)
				}
			}
		})
	}
}

func TestParseMonth(t *testing.T) {
	floor := time.Date(2004, 3, 7, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in        string
		notBefore time.Time
		want      string
		ok        bool
	}{
		{"2015-07", time.Time{}, "2015-07-01", true},
		{"2015-7", time.Time{}, "2015-07-01", true},
		{"2015.07", time.Time{}, "2015-07-01", true},
		{"2015/07", time.Time{}, "2015-07-01", true},
		{"2015年7月", time.Time{}, "2015-07-01", true},
		{"2015年07月", time.Time{}, "2015-07-01", true},
		{"2015年7", time.Time{}, "2015-07-01", true},
		{" ２０１５－０７ ", time.Time{}, "2015-07-01", true},
		{"２０１５-０７", time.Time{}, "2015-07-01", true},
		{"201507", time.Time{}, "2015-07-01", true},
		{"2024-06", time.Time{}, "2024-06-01", true}, // this month
		{"2024-07", time.Time{}, "", false},          // next month
		{"2030-01", time.Time{}, "", false},
		{"2015-13", time.Time{}, "", false},
		{"2015-00", time.Time{}, "", false},
		{"15-07", time.Time{}, "", false},
		{"2015-07-01", time.Time{}, "", false},
		{"2015", time.Time{}, "", false},
		{"July 2015", time.Time{}, "", false},
		{"", time.Time{}, "", false},
		{"1899-12", time.Time{}, "", false},
		{"2004-03", floor, "2004-03-01", true},
		{"2004-02", floor, "", false},
	}
	for _, tt := range tests {
		got, err := ParseMonth(tt.in, "毕业时间", testNow, tt.notBefore)
		if tt.ok != (err == nil) {
			t.Errorf("ParseMonth(%q) = %v, %v; want ok=%v", tt.in, got, err, tt.ok)
			continue
		}
		if err != nil {
			if msg := invalidMessage(t, err); !strings.Contains(msg, "毕业时间") {
				t.Errorf("message %q does not name the field", msg)
			}
			continue
		}
		if got.Format("2006-01-02") != tt.want || got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("ParseMonth(%q) = %v, want %s UTC", tt.in, got, tt.want)
		}
	}
	_, err := ParseMonth("2004-02", "毕业时间", testNow, floor)
	if msg := invalidMessage(t, err); !strings.Contains(msg, "2004年3月") {
		t.Errorf("message %q does not name the earliest month", msg)
	}
}

func BenchmarkNormalizeNameLong(b *testing.B) {
	in := strings.Repeat("张", 10000)
	for b.Loop() {
		_, _ = NormalizeName(in)
	}
}
