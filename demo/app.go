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
	for i, d := range seededApps {
		u, err := st.UserByLogin(d.holderID, true)
		if err != nil {
			return err
		}
		at := now.Add(time.Duration(i-len(seededApps)) * 24 * time.Hour)
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
		if err := advanceApp(st, reviewer, admin, a, d.status, at); err != nil {
			return err
		}
	}
	return nil
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

// advanceApp drives a submitted application through reviewer and admin decisions.
func advanceApp(st *store.Store, rev, admin domain.User, a domain.Application, to domain.AppStatus, at time.Time) error {
	exam := domain.Exam{TicketNumber: "2026" + a.Number[len(a.Number)-6:], Venue: "郑州建设职业培训中心考点（金水区纬五路12号）",
		Room: "第3考场", Seat: "17", Subjects: []domain.ExamSubject{
			{Name: "专业基础知识", Start: time.Date(2026, 12, 12, 1, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 12, 3, 0, 0, 0, time.UTC)},
			{Name: "专业管理实务", Start: time.Date(2026, 12, 12, 6, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 12, 8, 0, 0, 0, time.UTC)}}}
	scores := domain.Scores{Basic: domain.Points(78), Practice: domain.Points(66)}
	if to == domain.AppFailed {
		scores = domain.Scores{Basic: domain.Points(52), Practice: domain.Points(71)}
	}
	type step struct {
		until domain.AppStatus
		who   domain.User
		do    *domain.Decision // nil: the certificate is issued
	}
	plan := map[domain.AppStatus][]step{
		domain.AppReturned: {{domain.AppReturned, rev, &domain.Decision{Kind: domain.AppReturnDecision,
			Reasons: []string{domain.ReturnReasonsList[0]}, Note: "身份证正面图片反光，请在光线均匀处重新拍摄。"}}},
		domain.AppRejected: {{domain.AppRejected, rev, &domain.Decision{Kind: domain.AppRejectDecision,
			Reason: "所学专业与报考岗位不符，且工作年限不足。"}}},
	}
	marks, _, err := st.ExamSettings() // the pass marks in force (目录与规则设置)
	if err != nil {
		return err
	}
	chain := []step{
		{domain.AppConfirmed, rev, &domain.Decision{Kind: domain.AppConfirmDecision}},
		{domain.AppScheduled, admin, &domain.Decision{Kind: domain.AppScheduleDecision, Exam: &exam}},
		{domain.AppScored, admin, &domain.Decision{Kind: domain.AppScoresDecision, Scores: &scores}},
		{domain.AppPassed, admin, &domain.Decision{Kind: domain.AppResultDecision, PassMarks: marks}},
		{domain.AppCertified, admin, nil}, // issued through the admin's use case below
	}
	steps, ok := plan[to]
	if !ok && to != domain.AppSubmitted {
		for _, s := range chain {
			steps = append(steps, s)
			if s.until == to || (to == domain.AppFailed && s.until == domain.AppPassed) {
				break
			}
		}
	}
	for _, s := range steps {
		var err error
		if s.do == nil {
			_, _, err = st.IssueCertificate(s.who, a.ID, at)
		} else {
			_, err = st.DecideApplication(s.who, a.ID, *s.do, at)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
