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
	e, ok := ParseEmployment(v)
	if !ok {
		return FieldErrors{"employment": "请选择您目前的就业状态"}
	}
	a.Employment = e
	return nil
}

// SetCity is step 2 (所在地市). Choosing another city clears an agency of the old city.
func (a *Application) SetCity(code string, agencyCity func(id string) string) error {
	if err := chooseCity(code, "请选择所在地市（在职人员选工作单位的工商注册地，其他人员选常住地）", &a.AgencyID, agencyCity); err != nil {
		return err
	}
	a.CityCode = code
	return nil
}

// AppInfoInput is the typed form of step 3.
type AppInfoInput struct {
	AgencyID string
	Profile  ProfileInput
	Phone    string
	// KeepInProfile saves the information into the trainee's profile too, so that the
	// next application (and the home page) does not ask for it again.
	KeepInProfile bool
}

// SetAgencyInfo is step 3: an agency the application's choice allows (AgencyFor: one of
// the chosen city) and the necessary information. Employed trainees must name their
// employer and its credit code.
func (a *Application) SetAgencyInfo(in AppInfoInput, ag Agency, found bool, birth, now time.Time) error {
	fe := FieldErrors{}
	switch a.AgencyFor().Check(AgencyOffer{Agency: ag}, found) {
	case AgencyEligible:
	case AgencySuspended:
		fe.Add("agency", "“"+ag.Name+"”已暂停接受报名，请选择所在地市的其他培训机构")
	default:
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

// SetPost is step 4: only one of the posts offered (AppPostChoices: enabled, and trained
// by the chosen agency for 新取证) can be chosen.
func (a *Application) SetPost(code string, posts []Post) error {
	if len(posts) == 0 {
		return FieldErrors{"post": "您选择的培训机构目前不开展任何岗位的新取证培训，请返回第3步另选培训机构"}
	}
	for _, p := range posts {
		if p.Code == code && p.Enabled {
			a.PostCode = code
			return nil
		}
	}
	return FieldErrors{"post": "请选择报考的岗位（专业）：只能选择列表中您的培训机构开展培训的岗位"}
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

// SetPledge is step 6: the trainee signs by typing their own name; the application
// records the version of the pledge in force (version, read from the settings).
func (a *Application) SetPledge(typed, holder, version string, agreed bool, now time.Time) error {
	fe := FieldErrors{}
	if !agreed {
		fe.Add("agree", "请阅读承诺内容，并勾选“本人已阅读并承诺遵守以上内容”")
	}
	if strings.TrimSpace(typed) != holder {
		fe.Add("signature", "请输入您本人的姓名“"+holder+"”作为签名")
	}
	if len(fe) > 0 {
		return fe
	}
	a.PledgeName, a.PledgeAt, a.PledgeVersion = holder, now, version
	return nil
}

// SetDocument records an uploaded document of a document step.
func (a *Application) SetDocument(s Step, uploadID string) {
	switch s {
	case StepIDFront:
		a.IDFront = uploadID
	case StepIDBack:
		a.IDBack = uploadID
	case StepDiploma:
		a.Diploma = uploadID
	}
}

// Document is the upload id of a document step, or "".
func (a Application) Document(s Step) string {
	switch s {
	case StepIDFront:
		return a.IDFront
	case StepIDBack:
		return a.IDBack
	case StepDiploma:
		return a.Diploma
	}
	return ""
}

// StepInput is one 新取证 form step's typed answers: Step says which, and only that
// step's fields are read. Typed is the form as posted; when the answers fail their checks
// it is kept in the draft (KeepTyped) so that leaving the page loses nothing. KeepOnly
// keeps Typed and checks nothing (a résumé row added or removed).
type StepInput struct {
	Step         Step
	Employment   string        // StepEmployment
	City         string        // StepCity
	Info         AppInfoInput  // StepAgency
	Post         string        // StepPost
	Resume       []ResumeInput // StepResume
	Achievements string        // StepResume
	Signature    string        // StepPledge
	Agreed       bool          // StepPledge
	Typed        map[string]string
	KeepOnly     bool
}

// StepRef is the reference data a step is checked against, read by the store in the
// step's transaction: the agency the input names (or, for the city step, the one already
// chosen), the post catalog, the pledge version in force, and the trainee.
type StepRef struct {
	Agency        Agency
	AgencyFound   bool
	Posts         []Post // the posts step 4 offers (AppPostChoices)
	PledgeVersion string // the 个人报名承诺 in force (settings)
	Holder        string // the trainee's name (the pledge signature)
	Birth, Now    time.Time
}

// ApplyStep validates one step's answers and changes the application only when all of
// them are valid; a document step is not a form and is refused.
func (a *Application) ApplyStep(in StepInput, r StepRef) error {
	switch in.Step {
	case StepEmployment:
		return a.SetEmployment(in.Employment)
	case StepCity:
		return a.SetCity(in.City, cityOf(r.Agency))
	case StepAgency:
		return a.SetAgencyInfo(in.Info, r.Agency, r.AgencyFound, r.Birth, r.Now)
	case StepPost:
		return a.SetPost(in.Post, r.Posts)
	case StepResume:
		return a.SetResume(in.Resume, in.Achievements, r.Birth, r.Now)
	case StepPledge:
		return a.SetPledge(in.Signature, r.Holder, r.PledgeVersion, in.Agreed, r.Now)
	}
	return Err(CodeNotFound, "没有这个步骤")
}
