package handlers

import (
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/store"
)

var examDayAdmin = domain.User{ID: "examday-admin", Role: domain.RoleAdmin, Name: "管理员"}

// seatedCandidate has trainee id of agency ag submit an application (post 111), the
// agency confirm it and the trainee's photo, and returns the trainee's client and the
// application's ID.
func seatedCandidate(t *testing.T, e *env, id, name string, ag domain.Agency) (*client, string) {
	t.Helper()
	c, appID := submittedApp(t, e, id, name, ag)
	rev := domain.User{ID: "examday-rev-" + ag.ID, Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员"}
	if _, err := e.st.DecideApplication(rev, appID, domain.Decision{Kind: domain.AppConfirmDecision}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	c.get("/profile/photo")
	must(t, c.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
	tr := mustTrainee(t, e, id)
	if _, err := e.st.DecidePhoto(rev, tr.ID, domain.Decision{Kind: domain.PhotoConfirmDecision}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return c, appID
}

// publishExamDay creates a session (examValues: 2027-01-20, 专业基础知识 09:00–11:00,
// 专业管理实务 14:00–16:30), assigns the confirmed applications of ag, arranges and
// publishes it.
func publishExamDay(t *testing.T, e *env, ag domain.Agency) domain.ExamSession {
	t.Helper()
	s := authzExamSession(t, e)
	now := e.clock.Now()
	if _, err := e.st.AssignExamCandidates(examDayAdmin, s.ID, store.ExamFilter{AgencyID: ag.ID}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.ArrangeExamSession(examDayAdmin, s.ID, now); err != nil {
		t.Fatal(err)
	}
	s, _, err := e.st.PublishExamSession(examDayAdmin, s.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func examDayTicket(t *testing.T, e *env, traineeID, appID string) domain.Application {
	t.Helper()
	a, err := e.st.ApplicationOf(traineeID, appID)
	if err != nil || a.Exam == nil {
		t.Fatalf("no exam: %v", err)
	}
	return a
}

// setClock moves the test clock to the instant at (it only moves forward).
func setClock(e *env, at time.Time) { e.clock.Add(at.Sub(e.clock.Now())) }

// TestExamDayCheckInWithoutJS: on exam day a reviewer of the candidate's agency types the
// ticket number into a plain form (spaces allowed), sees photo, masked ID number, room and
// seat, checks in; a second scan says 已签到; another session's ticket and a mistyped one
// say so; the scanned QR URL works like the number; the room list counts; after the
// subject's end the unscanned candidate is 缺考 until corrected with a reason. A reviewer
// of another agency learns nothing, a trainee is refused.
func TestExamDayCheckInWithoutJS(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	trainee, appX := seatedCandidate(t, e, "410102199003071230", "王芳", agA)
	sess := publishExamDay(t, e, agA)
	trX := mustTrainee(t, e, "410102199003071230")
	x := examDayTicket(t, e, trX.ID, appX)
	_, appY := seatedCandidate(t, e, "410305198511120049", "李强", agA)
	other := publishExamDay(t, e, agA)
	y := examDayTicket(t, e, mustTrainee(t, e, "410305198511120049").ID, appY)
	if y.Exam.SessionID != other.ID || x.Exam.SessionID != sess.ID {
		t.Fatalf("fixture: %+v %+v", x.Exam, y.Exam)
	}
	base := "/exam-day/" + sess.ID

	// Sessions are signed in after the clock moved to the exam day (they expire).
	setClock(e, time.Date(2027, 1, 20, 0, 30, 0, 0, time.UTC)) // 08:30 Beijing time
	revA := e.reviewer(agA.ID, "reva")
	revB := e.reviewer(agB.ID, "revb")
	admin := e.staff(domain.RoleAdmin, "admin")
	_ = trainee
	trainee = e.client()
	must(t, trainee.login("410102199003071230", pwOK), 303)
	trainee.get("/")
	must(t, revA.get("/review"), 200, `href="/exam-day"`, "考场签到")
	must(t, revA.get("/exam-day"), 200, `data-testid="examday-session"`, "今天考试", sess.Name)
	page := revA.get(base)
	must(t, page, 200, `data-testid="ticket-form"`, `name="ticket"`, `data-scan hidden`, `data-testid="examday-scoped"`, `data-testid="examday-current">`+domain.SubjectBasic)
	if strings.Contains(page.body, "<script>") {
		t.Fatal("inline script on the exam-day page")
	}
	spaced := x.Exam.TicketNumber[:4] + " " + x.Exam.TicketNumber[4:10] + " " + x.Exam.TicketNumber[10:]
	r := revA.post(base+"/lookup", url.Values{"ticket": {spaced}})
	must(t, r, 200, `data-testid="checkin-candidate"`, "王芳", domain.MaskID(trX.IDNumber), "第1考场", `data-testid="checkin-photo"`, "未签到",
		`data-testid="checkin-submit"`, "签到："+domain.SubjectBasic)
	if strings.Contains(r.body, trX.IDNumber) {
		t.Fatal("the full ID number is on the page")
	}
	r = revA.post(base+"/checkin", url.Values{"ticket": {x.Exam.TicketNumber}, "subject": {domain.SubjectBasic}})
	must(t, r, 200, `data-testid="checkin-done"`, "王芳 已签到", "已签到")
	// A second scan (the QR code's URL this time) changes nothing and says so.
	qr := "https://sitepro.test/d/" + url.PathEscape(x.VerifyToken)
	must(t, admin.get(base+"?room=1.1"), 200, "王芳") // an admin sees every candidate
	must(t, admin.post(base+"/lookup", url.Values{"ticket": {qr}}), 200, `data-testid="checkin-candidate"`, "王芳", "已签到")
	must(t, admin.post(base+"/checkin", url.Values{"ticket": {qr}}), 409, `data-testid="checkin-problem"`, "无需重复签到", "08:30")
	// Another session's ticket, a mistyped one, an unknown one.
	must(t, revA.post(base+"/lookup", url.Values{"ticket": {y.Exam.TicketNumber}}), 409, `data-testid="checkin-problem"`, "另一个考试批次", other.Name)
	must(t, revA.post(base+"/checkin", url.Values{"ticket": {y.Exam.TicketNumber}}), 409, "另一个考试批次")
	must(t, revA.post(base+"/lookup", url.Values{"ticket": {"12345"}}), 422, `data-testid="err-ticket"`, "16位数字", `value="12345"`)
	must(t, revA.post(base+"/lookup", url.Values{"ticket": {"2027410100019999"}}), 422, `data-testid="err-ticket"`, "没有找到准考证号 2027410100019999")
	// The room list counts the check-in.
	must(t, revA.get(base), 200, "已签到 1 · 缺考 0 · 未签到 0")
	must(t, revA.get(base+"?room=1.1"), 200, `data-testid="examday-roster-row"`, "王芳", x.Exam.TicketNumber)

	// Scope: another agency's reviewer learns nothing; trainees are refused.
	must(t, revB.get("/exam-day"), 200)
	must(t, revB.get(base), 404)
	must(t, revB.post(base+"/lookup", url.Values{"ticket": {x.Exam.TicketNumber}}), 404)
	must(t, revB.post(base+"/checkin", url.Values{"ticket": {x.Exam.TicketNumber}}), 404)
	if r := revB.get("/exam-day"); r.status != 200 || !strings.Contains(r.body, `data-testid="examday-empty"`) {
		t.Fatalf("another agency's list: %d", r.status)
	}
	must(t, trainee.get("/exam-day"), 403)
	must(t, trainee.post(base+"/lookup", url.Values{"ticket": {x.Exam.TicketNumber}}), 403)

	// After 专业管理实务 ended without a check-in: 缺考, then corrected with a reason.
	setClock(e, time.Date(2027, 1, 20, 9, 0, 0, 0, time.UTC)) // 17:00 Beijing time
	signIn := func(login string) *client {
		c := e.client()
		must(t, c.login(login, pwOK), 303)
		c.get("/exam-day")
		return c
	}
	revA, revB, admin = signIn("reva"), signIn("revb"), signIn("admin")
	must(t, revA.post(base+"/checkin", url.Values{"ticket": {x.Exam.TicketNumber}, "subject": {domain.SubjectPractice}}), 409, "记为缺考")
	must(t, revA.get(base), 200, "已签到 0 · 缺考 1 · 未签到 0")
	fix := url.Values{"app": {appX}, "ticket": {x.Exam.TicketNumber}, "subject": {domain.SubjectPractice}, "state": {"present"}, "reason": {""}}
	must(t, revA.post(base+"/correct", fix), 422, `data-testid="err-reason"`, "王芳")
	must(t, revB.post(base+"/correct", fix), 404)
	fix.Set("reason", "考生到场，扫码时手机没电")
	must(t, revA.post(base+"/correct", fix), 200, `data-testid="checkin-done"`, "已更正", "手机没电")
	att, err := e.st.ExamAttendance(sess.ID)
	if err != nil || att[appX].State(x.Exam.Subjects[1], e.clock.Now()) != domain.AttendPresent {
		t.Fatalf("attendance: %+v %v", att, err)
	}
	must(t, admin.get("/admin/audit"), 200, "更正考场签到")
	must(t, admin.get("/admin/exams/"+sess.ID), 200, `href="/exam-day/`+sess.ID+`"`)
}

// authzExamDay is the authorization matrix's exam-day session: published, with one
// candidate of agency A (a third trainee, so that T1's fixtures stay as they are).
func authzExamDay(t *testing.T, e *env, agA domain.Agency) (domain.ExamSession, domain.Application) {
	t.Helper()
	const id = "410305198511120049"
	_, appID := seatedCandidate(t, e, id, "赵敏", agA)
	s := publishExamDay(t, e, agA)
	return s, examDayTicket(t, e, mustTrainee(t, e, id).ID, appID)
}

// examDayForm is the body of the matrix's exam-day POSTs: the candidate's ticket and, for
// the correction, an empty reason (422 for those let through).
func examDayForm(f *authzFix) url.Values {
	return url.Values{"ticket": {f.examDayApp.Exam.TicketNumber}, "app": {f.examDayApp.ID},
		"subject": {domain.SubjectBasic}, "state": {"present"}, "reason": {""}}
}

// TestExamDayTwoInvigilatorsScanAtOnce: two invigilators post the same ticket's check-in
// at the same moment; one gets 已签到 done (200), the other the 已签到 answer (409).
func TestExamDayTwoInvigilatorsScanAtOnce(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	_, appID := seatedCandidate(t, e, "410102199003071230", "王芳", ag)
	sess := publishExamDay(t, e, ag)
	a := examDayTicket(t, e, mustTrainee(t, e, "410102199003071230").ID, appID)
	setClock(e, time.Date(2027, 1, 20, 0, 50, 0, 0, time.UTC))
	c1, c2 := e.reviewer(ag.ID, "reva"), e.staff(domain.RoleAdmin, "admin")
	base := "/exam-day/" + sess.ID
	c1.get(base)
	c2.get(base)
	var wg sync.WaitGroup
	var r1, r2 resp
	wg.Go(func() { r1 = c1.post(base+"/checkin", url.Values{"ticket": {a.Exam.TicketNumber}}) })
	wg.Go(func() { r2 = c2.post(base+"/checkin", url.Values{"ticket": {a.Exam.TicketNumber}}) })
	wg.Wait()
	got := []int{r1.status, r2.status}
	slices.Sort(got)
	if got[0] != 200 || got[1] != 409 {
		t.Fatalf("statuses %v", got)
	}
	for _, r := range []resp{r1, r2} {
		if r.status == 409 && !strings.Contains(r.body, "无需重复签到") {
			t.Fatal("the second invigilator is not told 已签到")
		}
	}
	if att, _ := e.st.ExamAttendance(sess.ID); att[appID].Rev != 1 {
		t.Fatalf("attendance: %+v", att[appID])
	}
}
