package domain

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Role is what an account may do.
type Role string

// The roles of the system (see DOMAIN.md §1).
const (
	RoleTrainee  Role = "trainee"
	RoleReviewer Role = "reviewer"
	RoleAdmin    Role = "admin"
)

// RegistrationInput is the registration form as submitted.
type RegistrationInput struct {
	IDNumber  string
	Name      string
	Mobile    string
	Email     string
	Password  string
	Password2 string
	Agree     bool // agreed to the personal information protection notice
}

// Registration is a validated registration. Password is the plain password, to be hashed
// by the caller; it is never stored as is.
type Registration struct {
	ID       IDNumber
	Name     string
	Mobile   string
	Email    string
	Password string
}

// messageOf returns the user-safe message of a validation error.
func messageOf(err error) string {
	var de *Error
	if errors.As(err, &de) {
		return de.Message
	}
	return "填写内容有误，请检查"
}

// MinAgeToRegister is the youngest age, in full years, at which an account can be opened:
// the Labour Law (第十五条) forbids employing anyone under 16, so a younger person cannot
// be a site professional, and an ID number saying so is most likely someone else's.
const MinAgeToRegister = 16

// CheckRegistrationAge returns the message for an ID number whose holder is too young to
// register, or "" when the age is fine. Old birth dates are not refused: the ID number
// rules accept them (440524188001010014 is a valid number).
func CheckRegistrationAge(id IDNumber, now time.Time) string {
	if AgeOn(id.Birth, ChinaDay(now)) < MinAgeToRegister {
		return "根据身份证号，持证人未满" + strconv.Itoa(MinAgeToRegister) + "周岁，不能注册。请核对身份证号码"
	}
	return ""
}

// Validate checks every field of the registration form and reports all problems at once
// as FieldErrors keyed "id_number", "name", "mobile", "email", "password", "password2"
// and "agree".
func (in RegistrationInput) Validate(now time.Time) (Registration, error) {
	fe := FieldErrors{}
	var r Registration
	var err error
	if r.ID, err = ParseIDNumber(in.IDNumber, now); err != nil {
		fe.Add("id_number", messageOf(err))
	} else if msg := CheckRegistrationAge(r.ID, now); msg != "" {
		fe.Add("id_number", msg)
	}
	if r.Name, err = NormalizeName(in.Name); err != nil {
		fe.Add("name", messageOf(err))
	}
	if r.Mobile, err = NormalizeMobile(in.Mobile); err != nil {
		fe.Add("mobile", messageOf(err))
	}
	if r.Email, err = NormalizeEmail(in.Email); err != nil {
		fe.Add("email", messageOf(err))
	}
	if err = CheckPassword(in.Password, r.ID); err != nil {
		fe.Add("password", messageOf(err))
	}
	switch {
	case in.Password2 == "":
		fe.Add("password2", "请再次输入密码")
	case in.Password2 != in.Password:
		fe.Add("password2", "两次输入的密码不一致")
	}
	if !in.Agree {
		fe.Add("agree", "请阅读并同意个人信息保护说明")
	}
	if err := fe.Err(); err != nil {
		return Registration{}, err
	}
	r.Password = in.Password
	return r, nil
}

// Profile is the trainee's personal background, asked once and reused by applications.
type Profile struct {
	Education  string // one of Educations()
	School     string
	Major      string
	Graduation time.Time // first day of the month
	Employer   string
	CreditCode string    // unified social credit code of Employer
	WorkStart  time.Time // first day of the month
	Address    string
}

// Complete reports whether the profile is filled in enough for an application: every
// field except Employer and CreditCode, which are optional (not everyone is employed) but
// must be given together.
func (p Profile) Complete() bool {
	if p.Education == "" || p.School == "" || p.Major == "" || p.Graduation.IsZero() ||
		p.WorkStart.IsZero() || p.Address == "" {
		return false
	}
	return (p.Employer == "") == (p.CreditCode == "")
}

// ProfileInput is the profile form as submitted; months are text as typed.
type ProfileInput struct {
	Education  string
	School     string
	Major      string
	Graduation string
	Employer   string
	CreditCode string
	WorkStart  string
	Address    string
}

// Text limits of profile fields, in characters.
const (
	profileTextMax    = 60
	profileAddressMax = 120
)

// Validate checks the profile form and reports all problems at once as FieldErrors keyed
// "education", "school", "major", "graduation", "employer", "credit_code", "work_start"
// and "address". Every field is optional, so a partly filled step can be saved, except
// that employer and credit code go together. Graduation and work start may be neither in
// the future nor before the trainee turned 14 (birth may be zero: no lower bound).
func (in ProfileInput) Validate(birth, now time.Time) (Profile, error) {
	fe := FieldErrors{}
	var p Profile
	var err error

	if edu := strings.TrimSpace(in.Education); edu != "" {
		if ValidEducation(edu) {
			p.Education = edu
		} else {
			fe.Add("education", "请从列表中选择学历")
		}
	}
	if p.School, err = CleanText(in.School, "毕业院校", profileTextMax, false); err != nil {
		fe.Add("school", messageOf(err))
	}
	if p.Major, err = CleanText(in.Major, "所学专业", profileTextMax, false); err != nil {
		fe.Add("major", messageOf(err))
	}
	if p.Employer, err = CleanText(in.Employer, "工作单位", profileTextMax, false); err != nil {
		fe.Add("employer", messageOf(err))
	}
	if p.Address, err = CleanText(in.Address, "联系地址", profileAddressMax, false); err != nil {
		fe.Add("address", messageOf(err))
	}

	var notBefore time.Time
	if !birth.IsZero() {
		notBefore = birth.AddDate(14, 0, 0)
	}
	if strings.TrimSpace(in.Graduation) != "" {
		if p.Graduation, err = ParseMonth(in.Graduation, "毕业时间", now, notBefore); err != nil {
			fe.Add("graduation", messageOf(err))
		}
	}
	if strings.TrimSpace(in.WorkStart) != "" {
		if p.WorkStart, err = ParseMonth(in.WorkStart, "参加工作时间", now, notBefore); err != nil {
			fe.Add("work_start", messageOf(err))
		}
	}

	credit := strings.TrimSpace(in.CreditCode)
	if credit != "" {
		if p.CreditCode, err = NormalizeCreditCode(credit); err != nil {
			fe.Add("credit_code", messageOf(err))
		}
	}
	employerGiven := strings.TrimSpace(in.Employer) != ""
	if employerGiven && credit == "" {
		fe.Add("credit_code", "请填写工作单位的统一社会信用代码（在营业执照上）")
	}
	if credit != "" && !employerGiven {
		fe.Add("employer", "请填写统一社会信用代码对应的工作单位名称")
	}

	if err := fe.Err(); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// ProfileInputFrom turns a stored profile back into form values, with months as "2006-01",
// so that forms can be prefilled.
func ProfileInputFrom(p Profile) ProfileInput {
	month := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01")
	}
	return ProfileInput{
		Education:  p.Education,
		School:     p.School,
		Major:      p.Major,
		Graduation: month(p.Graduation),
		Employer:   p.Employer,
		CreditCode: p.CreditCode,
		WorkStart:  month(p.WorkStart),
		Address:    p.Address,
	}
}

// ProfileUpdate is what the 个人信息 page saves at once: the profile and, unless empty, a
// new (already normalised) mobile number.
type ProfileUpdate struct {
	Profile Profile
	Mobile  string
}
