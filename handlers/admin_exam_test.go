package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
)

func examValues() url.Values {
	return url.Values{"name": {"2027年第1期考试"}, "posts": {"101", "111"},
		"basic_date": {"2027-01-20"}, "basic_start": {"09:00"}, "basic_end": {"11:00"},
		"practice_date": {"2027-01-20"}, "practice_start": {"14:00"}, "practice_end": {"16:30"},
		"cutoff": {"2027-01-10"}, "venue.0.name": {"郑州考点"}, "venue.0.address": {"金水区纬五路12号"},
		"venue.0.rooms": {"第1考场 2\n第2考场 2"}}
}

// authzExamSession is the authorization matrix's session: empty, in 编排中.
func authzExamSession(t *testing.T, e *env) domain.ExamSession {
	t.Helper()
	v := examValues()
	in := domain.ExamSessionInput{Name: v.Get("name"), Posts: v["posts"], BasicDate: v.Get("basic_date"),
		BasicStart: v.Get("basic_start"), BasicEnd: v.Get("basic_end"), PracticeDate: v.Get("practice_date"),
		PracticeStart: v.Get("practice_start"), PracticeEnd: v.Get("practice_end"), Cutoff: v.Get("cutoff"),
		Venues: []domain.ExamVenueInput{{Name: v.Get("venue.0.name"), Address: v.Get("venue.0.address"), Rooms: v.Get("venue.0.rooms")}}}
	s, err := e.st.CreateExamSession(domain.User{ID: "authz-admin", Role: domain.RoleAdmin, Name: "管理员"}, in, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAdminExamSessionJourney: the admin creates a session (all errors at once, typed
// values kept), sees the count of confirmed applications before assigning them, arranges
// (the trainee without a confirmed photo is blocked with the reason), publishes, and the
// trainee's 准考证 fills with the session's venue, room, seat and ticket number; a later
// start after publishing is mailed and shows on the ticket. Others are refused.
func TestAdminExamSessionJourney(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	withPhoto, appA := submittedApp(t, e, idA, "王芳", ag)
	_, appB := submittedApp(t, e, idB, "李四", ag)
	reviewer := e.reviewer(ag.ID, "revexam")
	reviewer.get("/review")
	for _, id := range []string{appA, appB} {
		must(t, reviewer.post("/review/apps/"+id+"/confirm", url.Values{}), 303)
	}
	withPhoto.get("/profile/photo")
	must(t, withPhoto.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
	trainee := mustTrainee(t, e, idA)
	must(t, reviewer.post("/review/photos/"+trainee.ID+"/confirm", url.Values{}), 303)

	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/"), 200, `href="/admin/exams"`, "考试管理")
	must(t, admin.get("/admin/exams"), 200, `data-testid="exam-empty"`)
	must(t, admin.get("/admin/exams/new"), 200, `name="venue.0.rooms"`)
	bad := examValues()
	bad.Set("name", "")
	bad.Set("venue.0.rooms", "第1考场")
	bad.Set("basic_end", "08:00")
	must(t, admin.post("/admin/exams", bad), 422, `data-testid="error-summary"`, `data-testid="err-name"`,
		`data-testid="err-venue.0.rooms"`, `data-testid="err-basic_end"`, `value="金水区纬五路12号"`, `name="posts" value="111" checked`)
	must(t, admin.post("/admin/exams", examValues()), 303)
	all, _ := e.st.ExamSessions()
	if len(all) != 1 || all[0].Capacity() != 4 {
		t.Fatalf("stored: %+v", all)
	}
	id := all[0].ID
	base := "/admin/exams/" + id
	must(t, admin.get("/admin/exams"), 200, "2027年第1期考试", "编排中")

	// Counts before acting; nothing assigned by looking.
	must(t, admin.get(base+"/assign?city=410100"), 200, `data-testid="exam-preview-count">2<`, "材料员：2 人", "加入这 2 名考生")
	if s, _ := e.st.ExamSession(id); len(s.Candidates) != 0 {
		t.Fatal("the preview assigned candidates")
	}
	must(t, admin.post(base+"/assign", url.Values{"city": {"410100"}}), 303)
	must(t, admin.get(base), 200, `data-testid="exam-unseated"`, "王芳", "李四")
	must(t, admin.post(base+"/publish", url.Values{}), 409, `data-testid="exam-problem"`, "请先进行考场编排")

	must(t, admin.post(base+"/arrange", url.Values{}), 303)
	page := admin.get(base)
	must(t, page, 200, `data-testid="exam-blocked"`, "未上传个人照片", `data-testid="exam-ticket"`, `data-testid="exam-publish"`)
	s, _ := e.st.ExamSession(id)
	c, _ := s.Candidate(appA)
	if !c.Seated() || !strings.HasPrefix(c.Ticket, "202741010001") {
		t.Fatalf("seated: %+v", c)
	}
	// Move to a taken seat is refused with the reason; to a free one it works.
	appNumber := c.AppNumber
	must(t, admin.post(base+"/move", url.Values{"who": {"XQ000"}, "room": {"1.2"}, "seat": {"2"}}), 422, `data-testid="err-who"`, "XQ000")
	must(t, admin.post(base+"/move", url.Values{"who": {appNumber}, "room": {"1.3"}, "seat": {"1"}}), 422, `data-testid="err-room"`, "请选择本批次的一个考场", `value="`+appNumber+`"`)
	must(t, admin.post(base+"/move", url.Values{"who": {c.Ticket}, "room": {"1.1"}, "seat": {"9"}}), 422, `data-testid="err-seat"`, "座位号是 1 到 2")
	must(t, admin.post(base+"/move", url.Values{"who": {strings.ToLower(appNumber)}, "room": {"1.2"}, "seat": {"2"}}), 303)
	// The page shows one room's seats at a time.
	must(t, admin.get(base+"?room=1.2"), 200, `data-testid="exam-room-row"`, "第2考场（1 / 2 座）", "王芳", c.Ticket)
	if r := admin.get(base + "?room=1.1"); strings.Contains(r.body, c.Ticket) {
		t.Error("room 1 shows the candidate moved to room 2")
	}

	// Exam-day print-outs, one room per page; the sign-in sheet has the photo.
	photo, _ := e.st.PhotoOf(trainee.ID)
	must(t, admin.get(base+"/print/signin"), 200, `data-testid="exam-print-room"`, `src="/photos/`+photo.ID+`"`, c.Ticket, "签名")
	must(t, admin.get(base+"/print/door"), 200, `data-testid="exam-door-row"`, "王芳", `class="door-room"`)
	must(t, admin.get(base+"/print/plan"), 200, `data-testid="exam-plan-seat"`, "空座")
	must(t, admin.get(base+"/print/other"), 404)
	// One room at a time: 王芳 sits in room 2, room 1 is empty.
	if r := admin.get(base + "/print/door?room=1.2"); r.status != 200 || strings.Count(r.body, `data-testid="exam-print-room"`) != 1 || !strings.Contains(r.body, "王芳") {
		t.Errorf("room 2's door list: %d, %d rooms", r.status, strings.Count(r.body, `data-testid="exam-print-room"`))
	}
	must(t, admin.get(base+"/print/door?room=1.1"), 200, `data-testid="exam-print-empty"`)

	must(t, admin.post(base+"/publish", url.Values{}), 303)
	must(t, admin.get(base), 200, "已发布")
	a, _ := e.st.ApplicationOf(trainee.ID, appA)
	if a.Status != domain.AppScheduled || a.Exam == nil || a.Exam.Room != "第2考场" || a.Exam.Seat != "2" {
		t.Fatalf("scheduled: %s %+v", a.Status, a.Exam)
	}
	must(t, withPhoto.get("/apply/"+appA+"/print/ticket"), 200, c.Ticket, "郑州考点（金水区纬五路12号）", "第2考场", "09:00")
	must(t, withPhoto.get("/apply/"+appA), 200, `data-testid="exam-session">2027年第1期考试<`, c.Ticket, "已安排考试")
	msgs, _ := e.messages(100)
	mailed := 0
	for _, m := range msgs {
		if m.Kind == string(domain.NotifyExamScheduled) {
			mailed++
		}
	}
	if mailed != 1 {
		t.Fatalf("%d scheduled mails, want 1 (the blocked trainee is not published)", mailed)
	}

	// After publishing: a later start is told and shows on the ticket.
	later := examValues()
	later.Set("basic_start", "09:30")
	r := admin.post(base, later)
	must(t, r, 303)
	must(t, admin.get(base), 200, "1 名考生的考试安排有变化")
	must(t, withPhoto.get("/apply/"+appA+"/print/ticket"), 200, "09:30")

	// A room shrunk below a seat in use is refused, with what was typed kept.
	shrunk := examValues()
	shrunk.Set("venue.0.rooms", "第1考场 2\n第2考场 1")
	must(t, admin.post(base, shrunk), 422, `data-testid="err-venue.0.rooms"`, "座位数不能少于 2", "第2考场 1")
	must(t, admin.get(base), 200, "这些考生没有随本批次发布", "李四")

	for _, who := range []*client{reviewer, withPhoto} {
		must(t, who.get("/admin/exams"), 403)
	}
}
