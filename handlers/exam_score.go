package handlers

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/export"
	"sitepro/views"
)

// 成绩录入 and 成绩确认 (issue 13): the score grid of a published session for admins (every
// candidate) and reviewers (their agency's only, scoped in the store), saved row by row;
// the admin's results page and the confirmation. Each handler parses, calls one store use
// case and renders.

// scoreRoutes are the score and result pages.
func (s *Server) scoreRoutes() []Route {
	get, post := fiber.MethodGet, fiber.MethodPost
	return []Route{
		{get, "/admin/exams/:id/scores", Admin, s.scoreGrid},
		{get, "/admin/exams/:id/scores/import", Admin, s.scoreImportPage},
		{post, "/admin/exams/:id/scores/import", Admin, s.scoreImport},
		{get, "/admin/exams/:id/scores/template.xlsx", Admin, s.scoreTemplate},
		{get, "/admin/exams/:id/scores/template.csv", Admin, s.scoreTemplate},
		{post, "/admin/exams/:id/scores/:app", Admin, s.saveScoreRow},
		{get, "/admin/exams/:id/results", Admin, s.resultsPage},
		{post, "/admin/exams/:id/results", Admin, s.confirmResults},
		{post, "/admin/exams/:id/results/correct", Admin, s.correctScores},
		{get, "/review/exams", Reviewer, s.reviewExams},
		{get, "/review/exams/:id/scores", Reviewer, s.scoreGrid},
		{get, "/review/exams/:id/scores/import", Reviewer, s.scoreImportPage},
		{post, "/review/exams/:id/scores/import", Reviewer, s.scoreImport},
		{get, "/review/exams/:id/scores/template.xlsx", Reviewer, s.scoreTemplate},
		{get, "/review/exams/:id/scores/template.csv", Reviewer, s.scoreTemplate},
		{post, "/review/exams/:id/scores/:app", Reviewer, s.saveScoreRow},
	}
}

// scoreBase is the grid's address for the signed-in staff member, and where it returns.
func scoreBase(u *domain.User, id string) (base, back string) {
	if u.Role == domain.RoleAdmin {
		return "/admin/exams/" + id + "/scores", "/admin/exams/" + id
	}
	return "/review/exams/" + id + "/scores", "/review/exams"
}

func (s *Server) scoreGridModel(c *fiber.Ctx, room string) (views.ScoreGridModel, error) {
	u := currentUser(c)
	sheet, err := s.d.Store.ScoreSheet(*u, c.Params("id"), room, s.d.Now())
	if err != nil {
		return views.ScoreGridModel{}, err
	}
	base, back := scoreBase(u, sheet.Session.ID)
	return views.ScoreGridModel{Base: base, Back: back, Session: sheet.Session, Rows: sheet.Rows, Room: room,
		Rooms: views.ScoreRooms(sheet.Session), Typed: map[string]views.Form{}}, nil
}

// scoreRoom is the room filter as sent ("<venue>.<room>"), dropped when malformed.
func scoreRoom(v string) string {
	if len(v) > 9 {
		return ""
	}
	for _, r := range v {
		if (r < '0' || r > '9') && r != '.' {
			return ""
		}
	}
	return v
}

func (s *Server) scoreGrid(c *fiber.Ctx) error {
	m, err := s.scoreGridModel(c, scoreRoom(c.Query("room")))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ScoreGrid(s.page(c, "成绩录入"), m))
}

// saveScoreRow saves one row. With htmx the row is answered in place (its errors in
// it); without, a saved row goes back to the grid and a refused one shows the grid with
// the row as typed.
func (s *Server) saveScoreRow(c *fiber.Ctx) error {
	f := formOf(c, "basic", "practice", "absent", "room")
	room := scoreRoom(f.V("room"))
	in := domain.ScoreInput{Basic: f.V("basic"), Practice: f.V("practice"), Absent: f.V("absent") != ""}
	u := currentUser(c)
	id, appID := c.Params("id"), c.Params("app")
	row, err := s.d.Store.EnterScores(*u, id, appID, in, s.d.Now())
	htmx := c.Get("HX-Request") == "true"
	base, _ := scoreBase(u, id)
	if err == nil {
		if htmx {
			return render(c, fiber.StatusOK, views.ScoreRow(views.ScoreRowModel{Base: base, Room: room, CSRF: csrfToken(c),
				Row: row, Form: views.ScoreRowForm(row), Saved: true}))
		}
		flash(c, "已保存 "+row.Ticket+" "+row.Name+" 的成绩。")
		to := base
		if room != "" {
			to += "?room=" + url.QueryEscape(room)
		}
		return redirect(c, to+"#row-"+appID)
	}
	if !withErrors(&f, err) {
		if code := domain.CodeOf(err); code != domain.CodeConflict && code != domain.CodeInvalid {
			return err
		}
		f.Errors["row"] = domain.MessageOf(err)
	}
	m, lerr := s.scoreGridModel(c, "")
	if lerr != nil {
		return lerr
	}
	var shown *domain.ScoreRow
	for i := range m.Rows {
		if m.Rows[i].AppID == appID {
			shown = &m.Rows[i]
		}
	}
	if shown == nil {
		return err
	}
	if htmx {
		rm := views.ScoreRowModel{Base: base, Room: room, CSRF: csrfToken(c), Row: *shown, Form: f,
			Closed: errors.Is(err, domain.ErrExamResultsConfirmed)}
		return render(c, fiber.StatusOK, views.ScoreRow(rm))
	}
	if room != "" {
		if m, lerr = s.scoreGridModel(c, room); lerr != nil {
			return lerr
		}
	}
	m.Typed[appID] = f
	m.Problem = shown.Ticket + " " + shown.Name + "：" + domain.MessageOf(err)
	return render(c, fiber.StatusUnprocessableEntity, views.ScoreGrid(s.page(c, "成绩录入"), m))
}

func (s *Server) reviewExams(c *fiber.Ctx) error {
	list, err := s.d.Store.ScoringSessions(*currentUser(c))
	if err != nil {
		return err
	}
	var m views.ReviewExamsModel
	for _, n := range list {
		m.Sessions = append(m.Sessions, views.ScoringSession{Session: n.Session, Seated: n.Seated, Scored: n.Scored})
	}
	return render(c, fiber.StatusOK, views.ReviewExams(s.page(c, "成绩录入"), m))
}

func (s *Server) resultsModel(c *fiber.Ctx) (views.ExamResultsModel, error) {
	r, err := s.d.Store.ExamResultsOf(*currentUser(c), c.Params("id"), s.d.Now())
	return views.ExamResultsModel{Session: r.Session, Pass: r.Pass, Summary: r.Summary}, err
}

func (s *Server) resultsPage(c *fiber.Ctx) error {
	m, err := s.resultsModel(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AdminExamResults(s.page(c, "成绩确认"), m))
}

func (s *Server) confirmResults(c *fiber.Ctx) error {
	n, err := s.d.Store.ConfirmExamResults(*currentUser(c), c.Params("id"), s.d.Now())
	if domain.CodeOf(err) == domain.CodeConflict {
		m, lerr := s.resultsModel(c)
		if lerr != nil {
			return lerr
		}
		m.Problem = domain.MessageOf(err)
		return render(c, fiber.StatusConflict, views.AdminExamResults(s.page(c, "成绩确认"), m))
	}
	if err != nil {
		return err
	}
	flash(c, "成绩已确认："+strconv.Itoa(n)+" 名考生的报名已按合格分数线判定，并已发邮件通知；考试批次已结束。")
	return redirect(c, "/admin/exams/"+c.Params("id")+"/results")
}

// csrfToken is the request's CSRF token, for a fragment's form.
func csrfToken(c *fiber.Ctx) string {
	t, _ := c.Locals(kCSRF).(string)
	return t
}

// scoreImportModel is the import page's frame: the session (as the actor may see it) and
// the grid's address.
func (s *Server) scoreImportModel(c *fiber.Ctx) (views.ScoreImportModel, error) {
	u := currentUser(c)
	sheet, err := s.d.Store.ScoreSheet(*u, c.Params("id"), "", s.d.Now())
	if err != nil {
		return views.ScoreImportModel{}, err
	}
	base, _ := scoreBase(u, sheet.Session.ID)
	return views.ScoreImportModel{Base: base, Session: sheet.Session, Candidates: len(sheet.Rows)}, nil
}

func (s *Server) scoreImportPage(c *fiber.Ctx) error {
	m, err := s.scoreImportModel(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ScoreImport(s.page(c, "导入成绩"), m))
}

// scoreImport reads an uploaded CSV or Excel file and imports it all or nothing, showing
// every line's error when there is any.
func (s *Server) scoreImport(c *fiber.Ctx) error {
	m, err := s.scoreImportModel(c)
	if err != nil {
		return err
	}
	m.Done = true
	show := func(status int) error { return render(c, status, views.ScoreImport(s.page(c, "导入成绩"), m)) }
	name, data, msg := readImportFile(c)
	if msg != "" {
		m.Error = msg
		return show(fiber.StatusUnprocessableEntity)
	}
	rows, err := export.ReadTable(name, data)
	if re, ok := err.(*export.ReadError); ok {
		m.Error = re.Message
		return show(fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	lines, perrs, err := domain.ParseScoreImport(rows)
	if err != nil {
		if domain.CodeOf(err) == domain.CodeInternal {
			return err
		}
		m.Error = domain.MessageOf(err)
		return show(fiber.StatusUnprocessableEntity)
	}
	rep, err := s.d.Store.ImportScores(*currentUser(c), m.Session.ID, lines, perrs, s.d.Now())
	if code := domain.CodeOf(err); code == domain.CodeConflict {
		m.Error = domain.MessageOf(err)
		return show(fiber.StatusConflict)
	}
	if err != nil {
		return err
	}
	m.Lines, m.Errors, m.Written = rep.Lines, rep.Errors, rep.Written
	if len(rep.Errors) > 0 {
		return show(fiber.StatusUnprocessableEntity)
	}
	return show(fiber.StatusOK)
}

// scoreTemplate is the import template: the header and a line per candidate the actor
// may score (ticket number and name, with the scores entered so far).
func (s *Server) scoreTemplate(c *fiber.Ctx) error {
	rows, err := s.d.Store.ScoreTemplate(*currentUser(c), c.Params("id"), s.d.Now())
	if err != nil {
		return err
	}
	t := export.Table{Header: domain.ScoreImportHeader, Rows: rows}
	return sendTable(c, "成绩导入模板", "成绩", strings.HasSuffix(c.Path(), ".xlsx"), t)
}

// correctScores is a 成绩复核 from the results page: the candidate (ticket or application
// number), the corrected scores and the reason; refused input comes back as typed.
func (s *Server) correctScores(c *fiber.Ctx) error {
	f := formOf(c, "who", "basic", "practice", "absent", "reason")
	in := domain.ScoreInput{Basic: f.V("basic"), Practice: f.V("practice"), Absent: f.V("absent") != ""}
	a, err := s.d.Store.CorrectScores(*currentUser(c), c.Params("id"), f.V("who"), in, f.V("reason"), s.d.Now())
	if err == nil {
		flash(c, "已复核 "+a.Number+" 的成绩："+a.Scores.Result.Label()+"。考生已收到邮件通知。")
		return redirect(c, "/admin/exams/"+c.Params("id")+"/results")
	}
	status := fiber.StatusUnprocessableEntity
	if !withErrors(&f, err) {
		if domain.CodeOf(err) != domain.CodeConflict && domain.CodeOf(err) != domain.CodeInvalid {
			return err
		}
		status = fiber.StatusConflict
		f.Errors["who"] = domain.MessageOf(err)
	}
	m, lerr := s.resultsModel(c)
	if lerr != nil {
		return lerr
	}
	m.Correct = f
	return render(c, status, views.AdminExamResults(s.page(c, "成绩确认"), m))
}
