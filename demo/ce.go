package demo

import (
	"time"

	"sitepro/domain"
	"sitepro/store"
)

// Courses is the course catalog of the first demo agency.
var Courses = []domain.CourseInput{
	{Title: "建筑施工技术与质量控制", Category: domain.CategoryProfessional.Label(), Hours: "8"},
	{Title: "建筑工程施工安全管理", Category: domain.CategoryProfessional.Label(), Hours: "6"},
	{Title: "绿色施工与新技术应用", Category: domain.CategoryProfessional.Label(), Hours: "4.5"},
	{Title: "建设法规与职业道德", Category: domain.CategoryPublic.Label(), Hours: "4"},
	{Title: "装配式建筑施工技术", Category: domain.CategoryProfessional.Label(), Hours: "8"},
	{Title: "安全生产法律法规解读", Category: domain.CategoryPublic.Label(), Hours: "4"},
}

// learning are the completed courses of the seeded cycle: course index and the day
// after the cycle's start, each course once. 34.5 hours, 26.5 of them professional, so
// the cycle is met.
var learning = []struct{ course, day int }{{0, 40}, {4, 41}, {1, 90}, {2, 150}, {3, 200}, {5, 201}}

// seedCE gives the first demo agency (郑州建设职业培训中心, reviewer zz-reviewer) its
// course catalog, and the demo trainee's current certificate 412021101000123 a confirmed
// enrolment at that agency with learning records that complete the certificate's
// previous cycle. The seeded enrolment is deliberately in the previous cycle: the current
// one stays open, so the demo — and the browser journey of issue 6 — can enrol in it, be
// confirmed and have learning imported. Seeding mails are demo placeholders, not sent.
// It does nothing when the agency already has a catalog, so it may run more than once.
func seedCE(st *store.Store, now time.Time) error {
	rev, err := st.UserByLogin(agencies[0].user, false)
	if err != nil {
		return err
	}
	if cs, err := st.Courses(rev); err != nil || len(cs) > 0 {
		return err // seeded already: running it again changes nothing
	}
	courses, err := catalog(st, rev, now)
	if err != nil {
		return err
	}
	u, err := st.UserByLogin(TraineeID, true)
	if err != nil {
		return err
	}
	cert, err := st.CertificateByNumber(CertNumber)
	if err != nil {
		return err
	}
	cur, ok := domain.CurrentCycle(cert.IssuedOn, now)
	if !ok || cur.No < 2 {
		return nil // no completed cycle yet: nothing to show
	}
	prev, _ := domain.CycleAt(cert.IssuedOn, cur.Start.AddDate(0, 0, -1))
	return pastCycle(st, rev, u, cert.Number, prev, courses)
}

// pastCycle enrols the trainee in a past cycle three weeks after it started, has the
// reviewer confirm it the next day, and records learning, which completes it.
func pastCycle(st *store.Store, rev, u domain.User, number string, c domain.Cycle, courses []domain.Course) error {
	at := c.Start.AddDate(0, 0, 20).Add(2 * time.Hour)
	e, err := enrol(st, u, number, rev.AgencyID, at)
	if err != nil {
		return err
	}
	if _, err := st.DecideEnrolment(rev, e.ID, domain.Decision{Kind: domain.EnrolConfirmDecision}, at.Add(24*time.Hour)); err != nil {
		return err
	}
	for _, l := range learning {
		day := c.Start.AddDate(0, 0, l.day)
		if _, err := st.RecordLearning(rev, e.ID, courses[l.course].ID, day, day.Add(10*time.Hour)); err != nil {
			return err
		}
	}
	return nil
}

// catalog adds the demo courses to the reviewer's agency.
func catalog(st *store.Store, rev domain.User, now time.Time) ([]domain.Course, error) {
	var out []domain.Course
	for _, in := range Courses {
		c, err := st.AddCourse(rev, in, now)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// enrol runs the four wizard steps for the trainee at time at and submits.
func enrol(st *store.Store, u domain.User, number, agencyID string, at time.Time) (domain.Enrolment, error) {
	e, err := st.StartEnrolment(u, at)
	if err != nil {
		return e, err
	}
	ag, err := st.Agency(agencyID)
	if err != nil {
		return e, err
	}
	for _, in := range []domain.EnrolStepInput{
		{Step: domain.CEStepCert, Cert: number},
		{Step: domain.CEStepPost, Confirmed: true},
		{Step: domain.CEStepAgency, City: ag.CityCode, Agency: agencyID},
		{Step: domain.CEStepResume, Resume: []domain.ResumeInput{{From: "2011-08", Employer: "河南省第一建筑工程集团有限责任公司", Role: "施工员"}}},
	} {
		if e, err = st.SaveEnrolStep(u, e.ID, in, at); err != nil {
			return e, err
		}
	}
	return st.SubmitEnrolment(u, e.ID, at)
}
