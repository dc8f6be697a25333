package demo

import (
	"fmt"
	"time"

	"sitepro/domain"
	"sitepro/store"
)

// The demo's exam sessions, run as the admin runs them in 考试管理: create the session,
// assign the agency's confirmed applications of its posts, arrange the rooms and publish,
// which schedules each seated application with its ticket. Both sessions stay 已发布.

// cst is Beijing time, in which the admin types exam dates and times.
var cst = time.FixedZone("CST", 8*3600)

// examVenue is the demo's exam venue, at the first demo agency.
var examVenue = domain.ExamVenueInput{Name: "郑州建设职业培训中心考点", Address: "郑州市金水区纬五路12号",
	Rooms: "第1考场 30\n第2考场 30\n第3考场 30"}

// sessionPlan is a session form with both subjects on the day examDay (09:00–11:00 and
// 14:00–16:30) and candidates assigned until cutoff.
func sessionPlan(posts []string, what string, examDay, cutoff time.Time) domain.ExamSessionInput {
	day := examDay.In(cst).Format("2006-01-02")
	return domain.ExamSessionInput{
		Name:  fmt.Sprintf("%s%s考试", examDay.In(cst).Format("2006年1月"), what),
		Posts: posts, Cutoff: cutoff.In(cst).Format("2006-01-02"),
		BasicDate: day, BasicStart: "09:00", BasicEnd: "11:00",
		PracticeDate: day, PracticeStart: "14:00", PracticeEnd: "16:30",
		Venues: []domain.ExamVenueInput{examVenue},
	}
}

// runSession creates the session at created, assigns the agency's confirmed applications
// a day later, arranges and publishes the day after; it returns the published session.
func runSession(st *store.Store, admin domain.User, ag domain.Agency, in domain.ExamSessionInput, created time.Time) (domain.ExamSession, error) {
	sess, err := st.CreateExamSession(admin, in, created)
	if err != nil {
		return sess, fmt.Errorf("exam session %s: %w", in.Name, err)
	}
	if _, err := st.AssignExamCandidates(admin, sess.ID, store.ExamFilter{AgencyID: ag.ID}, created.Add(24*time.Hour)); err != nil {
		return sess, fmt.Errorf("assign %s: %w", in.Name, err)
	}
	if _, err := st.ArrangeExamSession(admin, sess.ID, created.Add(25*time.Hour)); err != nil {
		return sess, fmt.Errorf("arrange %s: %w", in.Name, err)
	}
	sess, n, err := st.PublishExamSession(admin, sess.ID, created.Add(48*time.Hour))
	if err == nil && n == 0 {
		err = fmt.Errorf("exam session %s: nobody was seated", in.Name)
	}
	return sess, err
}

// pastSession is the session the scored, passed, failed and certified applications sat
// seventy days ago.
func pastSession(st *store.Store, admin domain.User, ag domain.Agency, now time.Time) error {
	in := sessionPlan(pastPosts(), "质量员、机械员、标准员", now.AddDate(0, 0, -70), now.AddDate(0, 0, -80))
	_, err := runSession(st, admin, ag, in, now.AddDate(0, 0, -100))
	return err
}

// pastPosts are the posts of the applications that sat the past session.
func pastPosts() []string {
	var out []string
	for _, d := range seededApps {
		if d.tookExam() {
			out = append(out, d.post)
		}
	}
	return out
}

// currentSession is the published session in two weeks in which the demo trainee's
// scheduled application is seated (its 准考证 comes from here).
func currentSession(st *store.Store, admin domain.User, ag domain.Agency, now time.Time) error {
	in := sessionPlan([]string{"101", "102", "103", "104"}, "施工员", now.AddDate(0, 0, 14), now.AddDate(0, 0, 7))
	_, err := runSession(st, admin, ag, in, now.AddDate(0, 0, -3))
	return err
}
