package domain

import (
	"strconv"
	"strings"
	"time"
)

// The wizard's step setters validate one step's answers, collect every error at once and
// change the application only when all of them are valid.

// SetEmployment is step 1 (就业状态).
func (a *Application) SetEmployment(v string) error {
	for _, s := range EmploymentStatuses() {
		if s == v {
			a.Employment = v
			return nil
		}
	}
	return FieldErrors{"employment": "请选择您目前的就业状态"}
}

// SetCity is step 2 (所在地市). Choosing another city clears an agency of the old city.
func (a *Application) SetCity(code string, agencyCity func(id string) string) error {
	if _, ok := CityByCode(code); !ok {
		return FieldErrors{"city": "请选择所在地市（在职人员选工作单位的工商注册地，其他人员选常住地）"}
	}
	if a.AgencyID != "" && (agencyCity == nil || agencyCity(a.AgencyID) != code) {
		a.AgencyID = ""
	}
	a.CityCode = code
	return nil
}

// AppInfoInput is the typed form of step 3.
type AppInfoInput struct {
	AgencyID string
	Profile  ProfileInput
	Phone    string
}

// SetAgencyInfo is step 3: the agency (which must train in the chosen city) and the
// necessary information. Employed trainees must name their employer and its credit code.
func (a *Application) SetAgencyInfo(in AppInfoInput, ag Agency, found bool, birth, now time.Time) error {
	fe := FieldErrors{}
	if !found || ag.CityCode != a.CityCode {
		fe.Add("agency", "请选择所在地市的一家培训机构")
	}
	p, err := in.Profile.Validate(birth, now)
	if err != nil {
		if e, ok := err.(FieldErrors); ok {
			for k, v := range e {
				fe.Add(k, v)
			}
		}
	}
	if in.Profile.Education == "" {
		fe.Add("education", "请选择学历")
	}
	if a.Employed() && strings.TrimSpace(in.Profile.Employer) == "" {
		fe.Add("employer", "您选择了“在职”，请填写工作单位")
	}
	phone, err := NormalizeMobile(in.Phone)
	if err != nil {
		fe.Add("phone", MessageOf(err))
	}
	if len(fe) > 0 {
		return fe
	}
	a.AgencyID, a.Info = ag.ID, AppInfo{Profile: p, Phone: phone}
	return nil
}

// SetPost is step 4: only an enabled catalog entry can be chosen.
func (a *Application) SetPost(code string, posts []Post) error {
	for _, p := range posts {
		if p.Code == code && p.Enabled {
			a.PostCode = code
			return nil
		}
	}
	return FieldErrors{"post": "请选择报考的岗位（专业）"}
}

// ResumeInput is one typed résumé line.
type ResumeInput struct{ From, To, Employer, Role string }

// SetResume is step 5 (工作简历及业绩). Empty lines are ignored; a started line must be
// complete. Employed trainees need at least one line.
func (a *Application) SetResume(lines []ResumeInput, achievements string, birth, now time.Time) error {
	fe := FieldErrors{}
	var out []ResumeEntry
	for i, l := range lines {
		if strings.TrimSpace(l.From+l.To+l.Employer+l.Role) == "" {
			continue
		}
		key := func(f string) string { return "resume." + strconv.Itoa(i) + "." + f }
		from, err := ParseMonth(l.From, "开始时间", now, birth.AddDate(14, 0, 0))
		if err != nil {
			fe.Add(key("from"), MessageOf(err))
		}
		var to time.Time
		if strings.TrimSpace(l.To) != "" && strings.TrimSpace(l.To) != "至今" {
			if to, err = ParseMonth(l.To, "结束时间", now, from); err != nil {
				fe.Add(key("to"), MessageOf(err))
			}
		}
		emp, err := CleanText(l.Employer, "工作单位", 60, true)
		if err != nil {
			fe.Add(key("employer"), MessageOf(err))
		}
		role, err := CleanText(l.Role, "岗位或职务", 30, true)
		if err != nil {
			fe.Add(key("role"), MessageOf(err))
		}
		out = append(out, ResumeEntry{From: from, To: to, Employer: emp, Role: role})
	}
	if len(out) > 20 {
		fe.Add("resume", "最多填写20段工作经历")
	}
	ach, err := CleanMultiline(achievements, "主要业绩", 1000)
	if err != nil {
		fe.Add("achievements", MessageOf(err))
	}
	if len(out) == 0 && a.Employed() {
		fe.Add("resume", "您选择了“在职”，请至少填写一段工作经历")
	}
	if len(fe) > 0 {
		return fe
	}
	a.Resume, a.Achieve = out, ach
	return nil
}

// PledgeVersion identifies the pledge text the trainee signs.
const PledgeVersion = "2026-11"

// SetPledge is step 6: the trainee signs by typing their own name.
func (a *Application) SetPledge(typed, holder string, agreed bool, now time.Time) error {
	fe := FieldErrors{}
	if !agreed {
		fe.Add("agree", "请阅读承诺内容并勾选“本人承诺”")
	}
	if strings.TrimSpace(typed) != holder {
		fe.Add("signature", "请输入您本人的姓名“"+holder+"”作为签名")
	}
	if len(fe) > 0 {
		return fe
	}
	a.PledgeName, a.PledgeAt, a.PledgeVersion = holder, now, PledgeVersion
	return nil
}

// SetDocument records an uploaded document for steps 7–9.
func (a *Application) SetDocument(step int, uploadID string) {
	switch step {
	case 6:
		a.IDFront = uploadID
	case 7:
		a.IDBack = uploadID
	case 8:
		a.Diploma = uploadID
	}
}
