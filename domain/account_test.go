package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func validRegistration() RegistrationInput {
	return RegistrationInput{
		IDNumber:  " 41010519900307123x ",
		Name:      " 阿沛•阿旺晋美 ",
		Mobile:    "+86 138 1234 5678",
		Email:     "Zhang@Example.COM",
		Password:  "门前大桥下游过一群鸭",
		Password2: "门前大桥下游过一群鸭",
		Agree:     true,
	}
}

func TestRegistrationValid(t *testing.T) {
	r, err := validRegistration().Validate(testNow)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID.Value != "41010519900307123X" || r.ID.Gender != GenderMale || r.Name != "阿沛·阿旺晋美" ||
		r.Mobile != "13812345678" || r.Email != "Zhang@example.com" || r.Password != "门前大桥下游过一群鸭" {
		t.Errorf("Validate() = %+v", r)
	}
}

func TestRegistrationCollectsAllErrors(t *testing.T) {
	in := RegistrationInput{
		IDNumber:  "410105199003071234",
		Name:      "Zhang",
		Mobile:    "12345",
		Email:     "zhang@",
		Password:  "12345678",
		Password2: "1234567",
	}
	_, err := in.Validate(testNow)
	var fe FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not FieldErrors", err)
	}
	if CodeOf(err) != CodeInvalid {
		t.Errorf("CodeOf = %v", CodeOf(err))
	}
	for _, k := range []string{"id_number", "name", "mobile", "email", "password", "password2", "agree"} {
		if fe[k] == "" {
			t.Errorf("no error for %q", k)
		}
	}
	if fe["password2"] != "两次输入的密码不一致" {
		t.Errorf("password2: %q", fe["password2"])
	}
	if fe["agree"] != "请阅读并同意个人信息保护说明" {
		t.Errorf("agree: %q", fe["agree"])
	}
	if len(fe) != 7 {
		t.Errorf("unexpected keys: %v", fe)
	}
}

func TestRegistrationSingleErrors(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*RegistrationInput)
		key    string
		msgHas string
	}{
		{"password is the ID number", func(in *RegistrationInput) {
			in.Password, in.Password2 = "41010519900307123X", "41010519900307123X"
		}, "password", "身份证号"},
		{"password2 missing", func(in *RegistrationInput) { in.Password2 = "" }, "password2", "再次输入"},
		{"password2 differs", func(in *RegistrationInput) { in.Password2 += " " }, "password2", "不一致"},
		{"not agreed", func(in *RegistrationInput) { in.Agree = false }, "agree", "个人信息保护说明"},
		{"email missing", func(in *RegistrationInput) { in.Email = "" }, "email", "电子邮箱"},
		{"future birth", func(in *RegistrationInput) { in.IDNumber = "410105209901011235" }, "id_number", "晚于今天"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validRegistration()
			tt.modify(&in)
			r, err := in.Validate(testNow)
			var fe FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not FieldErrors", err)
			}
			if len(fe) != 1 || !strings.Contains(fe[tt.key], tt.msgHas) {
				t.Errorf("errors %v, want only %s containing %q", fe, tt.key, tt.msgHas)
			}
			if r != (Registration{}) {
				t.Errorf("partial registration returned: %+v", r)
			}
		})
	}
}

func month(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

func TestProfileValidate(t *testing.T) {
	birth := time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC)
	full := ProfileInput{
		Education: "大学本科", School: " 郑州大学 ", Major: "土木工程", Graduation: "2012年7月",
		Employer: "河南某建设有限公司", CreditCode: "91350100m000100y43", WorkStart: "2012.08",
		Address: "郑州市金水区某路1号",
	}
	p, err := full.Validate(birth, testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := Profile{
		Education: "大学本科", School: "郑州大学", Major: "土木工程", Graduation: month(2012, 7),
		Employer: "河南某建设有限公司", CreditCode: "91350100M000100Y43", WorkStart: month(2012, 8),
		Address: "郑州市金水区某路1号",
	}
	if p != want {
		t.Errorf("Validate() = %+v, want %+v", p, want)
	}
	if !p.Complete() {
		t.Error("full profile is not complete")
	}
	if back := ProfileInputFrom(p); back.Graduation != "2012-07" || back.WorkStart != "2012-08" || back.CreditCode != want.CreditCode {
		t.Errorf("ProfileInputFrom = %+v", back)
	}
	if again, err := ProfileInputFrom(p).Validate(birth, testNow); err != nil || again != p {
		t.Errorf("round trip = %+v, %v", again, err)
	}

	empty, err := ProfileInput{}.Validate(birth, testNow)
	if err != nil || empty != (Profile{}) {
		t.Errorf("empty profile: %+v, %v", empty, err)
	}
	if empty.Complete() {
		t.Error("empty profile is complete")
	}
	if in := ProfileInputFrom(Profile{}); in != (ProfileInput{}) {
		t.Errorf("ProfileInputFrom(zero) = %+v", in)
	}

	tests := []struct {
		name   string
		modify func(*ProfileInput)
		errs   map[string]string // key -> part of the message
	}{
		{"unknown education", func(in *ProfileInput) { in.Education = "本科" }, map[string]string{"education": "选择学历"}},
		{"employer without code", func(in *ProfileInput) { in.CreditCode = "" }, map[string]string{"credit_code": "统一社会信用代码"}},
		{"code without employer", func(in *ProfileInput) { in.Employer = " " }, map[string]string{"employer": "工作单位"}},
		{"wrong code", func(in *ProfileInput) { in.CreditCode = "91350100M000100Y44" }, map[string]string{"credit_code": "校验码"}},
		{"future graduation", func(in *ProfileInput) { in.Graduation = "2025-01" }, map[string]string{"graduation": "毕业时间不能晚于本月"}},
		{"work before 14", func(in *ProfileInput) { in.WorkStart = "2004-02" }, map[string]string{"work_start": "2004年3月"}},
		{"graduation before 14", func(in *ProfileInput) { in.Graduation = "1995-07" }, map[string]string{"graduation": "毕业时间"}},
		{"long school", func(in *ProfileInput) { in.School = strings.Repeat("学", 61) }, map[string]string{"school": "60"}},
		{"long address", func(in *ProfileInput) { in.Address = strings.Repeat("路", 121) }, map[string]string{"address": "120"}},
		{"newline in major", func(in *ProfileInput) { in.Major = "土木\n工程" }, map[string]string{"major": "所学专业"}},
		{"several at once", func(in *ProfileInput) {
			in.Education, in.Graduation, in.WorkStart, in.Employer = "x", "abc", "2099-01", strings.Repeat("司", 61)
		}, map[string]string{"education": "学历", "graduation": "格式", "work_start": "晚于", "employer": "60"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := full
			tt.modify(&in)
			_, err := in.Validate(birth, testNow)
			var fe FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not FieldErrors", err)
			}
			if len(fe) != len(tt.errs) {
				t.Errorf("errors %v, want keys of %v", fe, tt.errs)
			}
			for k, part := range tt.errs {
				if !strings.Contains(fe[k], part) {
					t.Errorf("%s: %q does not contain %q", k, fe[k], part)
				}
			}
		})
	}
}

func TestProfileWithoutBirthHasNoLowerBound(t *testing.T) {
	p, err := ProfileInput{WorkStart: "1960-01"}.Validate(time.Time{}, testNow)
	if err != nil || !p.WorkStart.Equal(month(1960, 1)) {
		t.Errorf("Validate = %+v, %v", p, err)
	}
}

func TestProfileComplete(t *testing.T) {
	base := Profile{
		Education: "初中", School: "某中学", Major: "无", Graduation: month(2005, 7),
		WorkStart: month(2006, 3), Address: "南阳市某村",
	}
	if !base.Complete() {
		t.Error("profile without employer should be complete")
	}
	withEmployer := base
	withEmployer.Employer = "某公司"
	if withEmployer.Complete() {
		t.Error("employer without credit code is not complete")
	}
	withEmployer.CreditCode = "91350100M000100Y43"
	if !withEmployer.Complete() {
		t.Error("employer with credit code should be complete")
	}
	for _, clear := range []func(*Profile){
		func(p *Profile) { p.Education = "" },
		func(p *Profile) { p.School = "" },
		func(p *Profile) { p.Major = "" },
		func(p *Profile) { p.Graduation = time.Time{} },
		func(p *Profile) { p.WorkStart = time.Time{} },
		func(p *Profile) { p.Address = "" },
	} {
		p := base
		clear(&p)
		if p.Complete() {
			t.Errorf("incomplete profile %+v reported complete", p)
		}
	}
}

func TestRegistrationRefusesHoldersUnder16(t *testing.T) {
	idBorn := func(birth time.Time) string {
		v := "410105" + birth.Format("20060102") + "123"
		return v + string(idCheckDigit(v))
	}
	day := ChinaDay(testNow)
	cases := []struct {
		name  string
		birth time.Time
		ok    bool
	}{
		{"eleven years old", day.AddDate(-11, 0, 0), false},
		{"16 tomorrow", day.AddDate(-16, 0, 1), false},
		{"16 today", day.AddDate(-16, 0, 0), true},
		{"born 1880 (a valid number per GB 11643)", time.Date(1880, 1, 1, 0, 0, 0, 0, time.UTC), true},
	}
	for _, c := range cases {
		in := validRegistration()
		in.IDNumber = idBorn(c.birth)
		_, err := in.Validate(testNow)
		var fe FieldErrors
		switch {
		case c.ok && err != nil:
			t.Errorf("%s (%s): refused: %v", c.name, in.IDNumber, err)
		case !c.ok && (!errors.As(err, &fe) || !strings.Contains(fe["id_number"], "未满16周岁")):
			t.Errorf("%s (%s): got %v, want the under-16 message on id_number", c.name, in.IDNumber, err)
		}
	}
}
