package handlers

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

// 考试管理 (issue 13, first part): the admin creates and edits exam sessions, assigns
// confirmed applications (counts shown before acting), runs the 考场编排, moves or removes
// candidates before publishing, and publishes. Each handler parses, calls one store use
// case and renders.

// examRoutes are the admin's exam-session pages.
func (s *Server) examRoutes() []Route {
	get, post := fiber.MethodGet, fiber.MethodPost
	return []Route{
		{get, "/admin/exams", Admin, s.examsPage},
		{post, "/admin/exams", Admin, s.createExam},
		{get, "/admin/exams/new", Admin, s.newExamPage},
		{get, "/admin/exams/:id", Admin, s.examPage},
		{post, "/admin/exams/:id", Admin, s.updateExam},
		{get, "/admin/exams/:id/edit", Admin, s.editExamPage},
		{get, "/admin/exams/:id/assign", Admin, s.examAssignPage},
		{post, "/admin/exams/:id/assign", Admin, s.examAssign},
		{post, "/admin/exams/:id/arrange", Admin, s.examArrange},
		{post, "/admin/exams/:id/move", Admin, s.examMove},
		{post, "/admin/exams/:id/remove", Admin, s.examRemove},
		{post, "/admin/exams/:id/publish", Admin, s.examPublish},
		{get, "/admin/exams/:id/print/:sheet", Admin, s.examPrint},
	}
}

func (s *Server) examsPage(c *fiber.Ctx) error {
	all, err := s.d.Store.ExamSessions()
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AdminExams(s.page(c, "考试管理"), all))
}

// maxExamVenues bounds the venue blocks read from the form.
const maxExamVenues = 20

// examForm reads the session form as typed; blank venue blocks are dropped first, so
// that the error of venue i is shown on the i-th block shown again.
func examForm(c *fiber.Ctx) (views.Form, domain.ExamSessionInput) {
	f := formOf(c, "name", "basic_date", "basic_start", "basic_end", "practice_date", "practice_start", "practice_end", "cutoff")
	in := domain.ExamSessionInput{Name: f.V("name"), Posts: formList(c, "posts"),
		BasicDate: f.V("basic_date"), BasicStart: f.V("basic_start"), BasicEnd: f.V("basic_end"),
		PracticeDate: f.V("practice_date"), PracticeStart: f.V("practice_start"), PracticeEnd: f.V("practice_end"),
		Cutoff: f.V("cutoff")}
	for i := range maxExamVenues {
		p := "venue." + strconv.Itoa(i) + "."
		v := domain.ExamVenueInput{Name: c.FormValue(p + "name"), Address: c.FormValue(p + "address"), Rooms: c.FormValue(p + "rooms")}
		if !v.Blank() {
			in.Venues = append(in.Venues, v)
		}
	}
	setExamVenues(&f, in.Venues)
	return f, in
}

// examFormOf is the form of a stored session, for editing.
func examFormOf(in domain.ExamSessionInput) views.Form {
	f := views.Form{Values: map[string]string{"name": in.Name, "basic_date": in.BasicDate, "basic_start": in.BasicStart,
		"basic_end": in.BasicEnd, "practice_date": in.PracticeDate, "practice_start": in.PracticeStart,
		"practice_end": in.PracticeEnd, "cutoff": in.Cutoff}, Errors: domain.FieldErrors{}}
	setExamVenues(&f, in.Venues)
	return f
}

func setExamVenues(f *views.Form, vs []domain.ExamVenueInput) {
	for i, v := range vs {
		p := "venue." + strconv.Itoa(i) + "."
		f.Values[p+"name"], f.Values[p+"address"], f.Values[p+"rooms"] = v.Name, v.Address, v.Rooms
	}
}

// examCatalog is the catalog in force, for the session form's posts.
func (s *Server) examCatalog() []domain.Post {
	cat, err := s.d.Store.Catalog()
	if err != nil {
		return nil // the national catalog
	}
	return cat.Posts
}

func (s *Server) newExamPage(c *fiber.Ctx) error {
	m := views.ExamFormModel{Form: views.Form{Values: map[string]string{}}, Catalog: s.examCatalog()}
	return render(c, fiber.StatusOK, views.AdminExamForm(s.page(c, "新建考试批次"), m))
}

func (s *Server) editExamPage(c *fiber.Ctx) error {
	sess, err := s.d.Store.ExamSession(c.Params("id"))
	if err != nil {
		return err
	}
	in := sess.Input()
	m := views.ExamFormModel{Session: sess, Form: examFormOf(in), Posts: in.Posts, Venues: len(in.Venues), Catalog: s.examCatalog()}
	return render(c, fiber.StatusOK, views.AdminExamForm(s.page(c, "修改考试批次"), m))
}

func (s *Server) createExam(c *fiber.Ctx) error {
	f, in := examForm(c)
	sess, err := s.d.Store.CreateExamSession(*currentUser(c), in, s.d.Now())
	if withErrors(&f, err) {
		m := views.ExamFormModel{Form: f, Posts: in.Posts, Venues: len(in.Venues), Catalog: s.examCatalog()}
		return render(c, fiber.StatusUnprocessableEntity, views.AdminExamForm(s.page(c, "新建考试批次"), m))
	}
	if err != nil {
		return err
	}
	flash(c, "已新建考试批次“"+sess.Name+"”。下一步：安排考生。")
	return redirect(c, "/admin/exams/"+sess.ID)
}

func (s *Server) updateExam(c *fiber.Ctx) error {
	f, in := examForm(c)
	before, err := s.d.Store.ExamSession(c.Params("id"))
	if err != nil {
		return err
	}
	sess, told, err := s.d.Store.UpdateExamSession(*currentUser(c), before.ID, in, s.d.Now())
	if withErrors(&f, err) {
		m := views.ExamFormModel{Session: before, Form: f, Posts: in.Posts, Venues: len(in.Venues), Catalog: s.examCatalog()}
		return render(c, fiber.StatusUnprocessableEntity, views.AdminExamForm(s.page(c, "修改考试批次"), m))
	}
	if err != nil {
		return err
	}
	done := "已保存考试批次“" + sess.Name + "”。"
	switch {
	case told > 0:
		done += fmt.Sprintf("%d 名考生的考试安排有变化，已发邮件通知他们，准考证上显示新的安排。", told)
	case sess.State == domain.ExamArranging && before.Arranged && !sess.Arranged:
		done += "考场有变化，请重新进行考场编排。"
	}
	flash(c, done)
	return redirect(c, "/admin/exams/"+sess.ID)
}

// examPage is the session with its arrangement: rooms with their seats, the blocked
// candidates with the reason, those not yet seated, and the actions of its state.
func (s *Server) examPage(c *fiber.Ctx) error {
	sess, err := s.d.Store.ExamSession(c.Params("id"))
	if err != nil {
		return err
	}
	m := views.ExamSessionModel{Session: sess, Agencies: s.agencyNames(), Room: c.Query("room")}
	return render(c, fiber.StatusOK, views.AdminExam(s.page(c, sess.Name), m))
}

// renderExam shows the session page, with problem (a refused action) at the top.
func (s *Server) renderExam(c *fiber.Ctx, status int, id, problem string) error {
	sess, err := s.d.Store.ExamSession(id)
	if err != nil {
		return err
	}
	m := views.ExamSessionModel{Session: sess, Agencies: s.agencyNames(), Problem: problem}
	return render(c, status, views.AdminExam(s.page(c, sess.Name), m))
}

func (s *Server) agencyNames() map[string]string {
	ags, _ := s.d.Store.Agencies()
	out := make(map[string]string, len(ags))
	for _, a := range ags {
		out[a.ID] = a.Name
	}
	return out
}

// examDone answers an action on the session: back to it with done as the flash, or the
// session page again with the refusal's message (422 or 409) and nothing changed.
func (s *Server) examDone(c *fiber.Ctx, id string, err error, done string) error {
	if err != nil {
		code := domain.CodeOf(err)
		if code != domain.CodeInvalid && code != domain.CodeConflict {
			return err
		}
		msg := domain.MessageOf(err)
		if fe, ok := err.(domain.FieldErrors); ok {
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(fe)) {
				parts = append(parts, fe[k])
			}
			msg = strings.Join(parts, "；")
		}
		return s.renderExam(c, statusOf(err), id, msg)
	}
	flash(c, done)
	return redirect(c, "/admin/exams/"+id)
}

func examFilterOf(city, agency, post string) (store.ExamFilter, views.Form) {
	if _, ok := domain.CityByCode(city); !ok {
		city = ""
	}
	if _, ok := domain.PostByCode(post); !ok {
		post = ""
	}
	if len(agency) > 64 {
		agency = ""
	}
	return store.ExamFilter{CityCode: city, AgencyID: agency, PostCode: post},
		views.Form{Values: map[string]string{"city": city, "agency": agency, "post": post}}
}

// examAssignPage shows who the filter picks before anything is done: the count per post
// and how many matching candidates are already in another session.
func (s *Server) examAssignPage(c *fiber.Ctx) error {
	sess, err := s.d.Store.ExamSession(c.Params("id"))
	if err != nil {
		return err
	}
	filter, form := examFilterOf(c.Query("city"), c.Query("agency"), c.Query("post"))
	pre, err := s.d.Store.ExamAssignPreview(*currentUser(c), sess.ID, filter)
	if err != nil {
		return err
	}
	ags, err := s.d.Store.Agencies()
	if err != nil {
		return err
	}
	m := views.ExamAssignModel{Session: sess, Filter: form, Agencies: ags, Count: len(pre.Candidates),
		ByPost: pre.ByPost, Elsewhere: pre.Elsewhere}
	if err := sess.CanAssign(s.d.Now()); err != nil {
		m.Closed = domain.MessageOf(err)
	}
	return render(c, fiber.StatusOK, views.AdminExamAssign(s.page(c, "安排考生"), m))
}

func (s *Server) examAssign(c *fiber.Ctx) error {
	id := c.Params("id")
	filter, _ := examFilterOf(c.FormValue("city"), c.FormValue("agency"), c.FormValue("post"))
	n, err := s.d.Store.AssignExamCandidates(*currentUser(c), id, filter, s.d.Now())
	return s.examDone(c, id, err, fmt.Sprintf("已加入 %d 名考生。下一步：考场编排。", n))
}

func (s *Server) examArrange(c *fiber.Ctx) error {
	id := c.Params("id")
	sess, err := s.d.Store.ArrangeExamSession(*currentUser(c), id, s.d.Now())
	seated, blocked, _ := sess.Counts()
	done := fmt.Sprintf("考场编排完成：%d 名考生已安排座位", seated)
	if blocked > 0 {
		done += fmt.Sprintf("，%d 名考生暂缓安排（原因见下方列表）", blocked)
	}
	return s.examDone(c, id, err, done+"。")
}

// examMove seats a candidate, named by application or ticket number, at a free seat;
// a refusal shows the session again with the form as typed.
func (s *Server) examMove(c *fiber.Ctx) error {
	id := c.Params("id")
	f := formOf(c, "who", "room", "seat")
	sess, err := s.d.Store.ExamSession(id)
	if err != nil {
		return err
	}
	cand, ok := sess.CandidateByRef(f.V("who"))
	if !ok {
		f.Errors["who"] = "本批次没有报名编号或准考证号为“" + strings.TrimSpace(f.V("who")) + "”的考生，请核对后再填"
	}
	v, r, _ := strings.Cut(f.V("room"), ".")
	venue, _ := strconv.Atoi(v)
	room, _ := strconv.Atoi(r)
	seat, err := strconv.Atoi(strings.TrimSpace(f.V("seat")))
	if err != nil {
		f.Errors["seat"] = "请填写座位号（数字）"
	}
	if !f.HasErrors() {
		_, err = s.d.Store.MoveExamCandidate(*currentUser(c), id, cand.AppID, venue, room, seat, s.d.Now())
		if err == nil {
			flash(c, fmt.Sprintf("已把 %s 调整到 %d 号座位。", cand.Name, seat))
			return redirect(c, "/admin/exams/"+id)
		}
		if code := domain.CodeOf(err); code != domain.CodeInvalid && code != domain.CodeConflict {
			return err
		}
		if !withErrors(&f, err) {
			f.Errors["who"] = domain.MessageOf(err)
		}
	}
	m := views.ExamSessionModel{Session: sess, Agencies: s.agencyNames(), Problem: "座位没有调整，请按提示修改。", Move: f}
	return render(c, fiber.StatusUnprocessableEntity, views.AdminExam(s.page(c, sess.Name), m))
}

func (s *Server) examRemove(c *fiber.Ctx) error {
	id := c.Params("id")
	_, err := s.d.Store.RemoveExamCandidate(*currentUser(c), id, c.FormValue("app"), s.d.Now())
	return s.examDone(c, id, err, "已把这名考生移出本批次，他的报名可以安排到其他考试批次。")
}

func (s *Server) examPublish(c *fiber.Ctx) error {
	id := c.Params("id")
	sess, n, err := s.d.Store.PublishExamSession(*currentUser(c), id, s.d.Now())
	_, blocked, _ := sess.Counts()
	done := fmt.Sprintf("已发布：%d 名考生的报名变为“已安排考试”，准考证可以打印，已发邮件通知他们。", n)
	if blocked > 0 {
		done += fmt.Sprintf("%d 名暂缓安排的考生没有发布，可以安排到以后的考试批次。", blocked)
	}
	return s.examDone(c, id, err, done)
}

// examPrint is an exam-day print-out (考场签到表, 门贴, 座位表), one room per A4 page.
func (s *Server) examPrint(c *fiber.Ctx) error {
	sheet, ok := domain.ParseExamSheet(c.Params("sheet"))
	if !ok {
		return fiber.ErrNotFound
	}
	sess, err := s.d.Store.ExamSession(c.Params("id"))
	if err != nil {
		return err
	}
	m := views.ExamPrintModel{Session: sess, Sheet: sheet, Agencies: s.agencyNames(), Room: c.Query("room")}
	if sheet == domain.SheetSignIn {
		if m.Photos, err = s.d.Store.ExamPhotoIDs(*currentUser(c), sess.ID); err != nil {
			return err
		}
	}
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return render(c, fiber.StatusOK, views.AdminExamPrint(s.page(c, sheet.Label()+"-"+sess.Name), m))
}
