package demo

import (
	"context"
	"time"

	"sitepro/domain"
	"sitepro/store"
)

// seededApp is one seeded application: whose, which post, and how far it got.
type seededApp struct {
	holderID string
	post     string
	status   domain.AppStatus
}

// seededApps cover every state of the lifecycle so every records view can be seen.
var seededApps = []seededApp{
	{TraineeID, "111", domain.AppReturned},
	{TraineeID, "102", domain.AppScheduled},
	{TraineeID, "106", domain.AppDraft}, // last: starting again resumes a draft
	{"410305198511120049", "113", domain.AppSubmitted},
	{"410305198511120049", "114", domain.AppConfirmed},
	{"411302198806200013", "112", domain.AppScored},
	{"411302198806200013", "115", domain.AppPassed},
	{"410702199309150030", "104", domain.AppRejected},
	{"410702199309150030", "108", domain.AppFailed},
	{"410702199309150030", "109", domain.AppCertified},
}

// tookExam reports whether the application sat the past exam session: it got as far as
// scores.
func (d seededApp) tookExam() bool {
	switch d.status {
	case domain.AppScored, domain.AppPassed, domain.AppFailed, domain.AppCertified:
		return true
	}
	return false
}

// seededAt is when the i-th application was filled in and submitted: those that sat the
// past session four months ago, the others in the last ten days.
func seededAt(now time.Time, i int, d seededApp) time.Time {
	if d.tookExam() {
		return now.AddDate(0, 0, -120+i)
	}
	return now.Add(time.Duration(i-len(seededApps)) * 24 * time.Hour)
}

// seedApplications fills in and submits every seeded application as its trainee does and
// has the reviewer decide it. The admin then runs the exams as in 考试管理: a past session
// seats the applications that got scores, which get them, their results and (passed)
// their certificate through 证书发放; a current published session seats the scheduled
// one (exam.go).
func seedApplications(st *store.Store, img Images, ag domain.Agency, now time.Time) error {
	reviewer, err := st.UserByLogin(agencies[0].user, false)
	if err != nil {
		return err
	}
	admin, err := st.UserByLogin(AdminUser, false)
	if err != nil {
		return err
	}
	doc, w, h, err := img.Document(context.Background(), portrait(1))
	if err != nil {
		return err
	}
	notice, err := st.CurrentText(domain.TextNotice) // the 告知书 in force (目录与规则设置)
	if err != nil {
		return err
	}
	type sitter struct {
		appID string
		to    domain.AppStatus
	}
	var sat []sitter // the applications of the past exam session, and what they become
	for i, d := range seededApps {
		u, err := st.UserByLogin(d.holderID, true)
		if err != nil {
			return err
		}
		at := seededAt(now, i, d)
		if _, err := st.AgreeNotice(u.ID, notice.Version, at); err != nil {
			return err
		}
		a, err := fillApp(st, u, ag, d, at)
		if err != nil {
			return err
		}
		if d.status == domain.AppDraft {
			continue
		}
		for _, step := range []domain.Step{domain.StepIDFront, domain.StepIDBack, domain.StepDiploma} {
			if err == nil {
				a, err = st.SaveDocument(u.ID, a.ID, step, doc, w, h, at)
			}
		}
		if err != nil {
			return err
		}
		if a, err = st.SubmitApplication(u, a.ID, at); err != nil {
			return err
		}
		if err := reviewApp(st, reviewer, a, d.status, at.Add(3*time.Hour)); err != nil {
			return err
		}
		if d.tookExam() {
			sat = append(sat, sitter{a.ID, d.status})
		}
	}
	if err := pastSession(st, admin, ag, now); err != nil {
		return err
	}
	for _, x := range sat {
		if err := gradeApp(st, admin, x.appID, x.to, now); err != nil {
			return err
		}
	}
	return currentSession(st, admin, ag, now)
}

func fillApp(st *store.Store, u domain.User, ag domain.Agency, d seededApp, at time.Time) (domain.Application, error) {
	a, err := st.StartApplication(u, at)
	if err != nil {
		return a, err
	}
	steps := []domain.StepInput{
		{Step: domain.StepEmployment, Employment: domain.EmploymentEmployed.Label()},
		{Step: domain.StepCity, City: ag.CityCode},
		{Step: domain.StepAgency, Info: domain.AppInfoInput{AgencyID: ag.ID, Phone: u.Mobile, Profile: domain.ProfileInput{
			Education: "大学专科", School: "河南建筑职业技术学院", Major: "建筑工程技术", Graduation: "2011-07",
			Employer: "河南省第一建筑工程集团有限责任公司", CreditCode: "91350100M000100Y43", WorkStart: "2011-08", Address: "郑州市"}}},
		{Step: domain.StepPost, Post: d.post},
		{Step: domain.StepResume, Resume: []domain.ResumeInput{{From: "2011-08", Employer: "河南省第一建筑工程集团有限责任公司", Role: "技术员"}},
			Achievements: "参与郑州市多个住宅项目的施工管理。"},
		{Step: domain.StepPledge, Signature: u.Name, Agreed: true},
	}
	for _, in := range steps {
		if a, err = st.SaveStep(u.ID, a.ID, in, at); err != nil {
			return a, err
		}
	}
	return a, nil
}

// reviewApp is the reviewer's decision on a submitted application: returned or rejected
// for those that end so, confirmed for all that go further.
func reviewApp(st *store.Store, rev domain.User, a domain.Application, to domain.AppStatus, at time.Time) error {
	var d domain.Decision
	switch to {
	case domain.AppSubmitted:
		return nil
	case domain.AppReturned:
		d = domain.Decision{Kind: domain.AppReturnDecision, Reasons: []string{domain.ReturnReasonsList[0]},
			Note: "身份证正面图片反光，请在光线均匀处重新拍摄。"}
	case domain.AppRejected:
		d = domain.Decision{Kind: domain.AppRejectDecision, Reason: "所学专业与报考岗位不符，且工作年限不足。"}
	default:
		d = domain.Decision{Kind: domain.AppConfirmDecision}
	}
	_, err := st.DecideApplication(rev, a.ID, d, at)
	return err
}

// gradeApp is what the admin does after the past exam: the scores, the result by the pass
// marks in force (目录与规则设置) and, for a certified one, the certificate (证书发放),
// which numbers it.
func gradeApp(st *store.Store, admin domain.User, appID string, to domain.AppStatus, now time.Time) error {
	scores := domain.Scores{Basic: domain.Points(78), Practice: domain.Points(66)}
	if to == domain.AppFailed {
		scores = domain.Scores{Basic: domain.Points(52), Practice: domain.Points(71)}
	}
	if _, err := st.DecideApplication(admin, appID, domain.Decision{Kind: domain.AppScoresDecision, Scores: &scores}, now.AddDate(0, 0, -60)); err != nil || to == domain.AppScored {
		return err
	}
	marks, _, err := st.ExamSettings()
	if err != nil {
		return err
	}
	if _, err := st.DecideApplication(admin, appID, domain.Decision{Kind: domain.AppResultDecision, PassMarks: marks}, now.AddDate(0, 0, -58)); err != nil || to != domain.AppCertified {
		return err
	}
	_, _, err = st.IssueCertificate(admin, appID, now.AddDate(0, 0, -50))
	return err
}
