package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// 考场签到 (issue 13, exam day): invigilators (an admin, or a reviewer of an agency with
// candidates in the session; the store checks the scope) type a ticket number into a
// POST form, or scan the 准考证's QR code with the 扫码 button (static/checkin.js). The
// QR code is unchanged: it still encodes the public document check /d/<token> (so a
// passer-by's phone opens the check page); the scanner posts that URL as the "ticket"
// and the store resolves token → application → its ticket (domain.ParseTicketRef,
// store.checkInApp). Ticket numbers never appear in a URL.

// examDayRoutes are the invigilators' pages: Signed here, staff only in the handler
// (trainees 403) and scoped in the store (a reviewer of another agency: 404).
func (s *Server) examDayRoutes() []Route {
	get, post := fiber.MethodGet, fiber.MethodPost
	return []Route{
		{get, "/exam-day", Signed, s.examDayList},
		{get, "/exam-day/:id", Signed, s.examDayPage},
		{post, "/exam-day/:id/lookup", Signed, s.examDayLookup},
		{post, "/exam-day/:id/checkin", Signed, s.examDayCheckIn},
		{post, "/exam-day/:id/correct", Signed, s.examDayCorrect},
	}
}

// invigilator is the signed-in staff member; trainees are refused.
func invigilator(c *fiber.Ctx) (domain.User, error) {
	u := currentUser(c)
	if u == nil || (u.Role != domain.RoleAdmin && u.Role != domain.RoleReviewer) {
		return domain.User{}, domain.Err(domain.CodeForbidden, "考场签到只对管理员和培训机构审核员开放")
	}
	return *u, nil
}

func (s *Server) examDayList(c *fiber.Ctx) error {
	u, err := invigilator(c)
	if err != nil {
		return err
	}
	now := s.d.Now()
	all, err := s.d.Store.ExamDaySessions(u, now)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ExamDayList(s.page(c, "考场签到"), all, now))
}

func (s *Server) examDayPage(c *fiber.Ctx) error {
	u, err := invigilator(c)
	if err != nil {
		return err
	}
	sess, att, err := s.d.Store.ExamDay(u, c.Params("id"))
	if err != nil {
		return err
	}
	m := views.ExamDayModel{Session: sess, Attendance: att, Now: s.d.Now(), Room: c.Query("room"),
		Form: views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}}
	return render(c, fiber.StatusOK, views.ExamDay(s.page(c, "考场签到"), m))
}

// checkInAnswer renders the candidate page for what a use case returned: the candidate
// (when found) with what was done, or the ticket form with the reason it was refused.
func (s *Server) checkInAnswer(c *fiber.Ctx, m views.CheckInModel, cand domain.CheckInCandidate, err error, done string) error {
	if cand.AppID != "" {
		m.Candidate = &cand
		m.Form.Values["ticket"] = "" // the field is for the next candidate
	}
	status := fiber.StatusOK
	var de *domain.Error
	switch {
	case withErrors(&m.Form, err) || domain.CodeOf(err) == domain.CodeInvalid:
		if domain.CodeOf(err) == domain.CodeInvalid && errors.As(err, &de) {
			m.Form.Errors["ticket"] = de.Message
		}
		status = fiber.StatusUnprocessableEntity
	case domain.CodeOf(err) == domain.CodeConflict:
		m.Problem, status = domain.MessageOf(err), fiber.StatusConflict
	case err != nil:
		return err
	default:
		m.Done = done
		m.Form.Values["ticket"] = "" // ready for the next candidate
	}
	return render(c, status, views.CheckIn(s.page(c, "考场签到"), m))
}

func (s *Server) checkInModel(c *fiber.Ctx) views.CheckInModel {
	return views.CheckInModel{SessionID: c.Params("id"), Form: formOf(c, "ticket"),
		Correct: views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}, Now: s.d.Now()}
}

func (s *Server) examDayLookup(c *fiber.Ctx) error {
	u, err := invigilator(c)
	if err != nil {
		return err
	}
	m := s.checkInModel(c)
	ref, err := domain.ParseTicketRef(m.Form.V("ticket"))
	var cand domain.CheckInCandidate
	if err == nil {
		cand, err = s.d.Store.CheckInLookup(u, m.SessionID, ref)
	}
	if err == nil {
		m.Form.Values["ticket"] = ""
	}
	return s.checkInAnswer(c, m, cand, err, "")
}

func (s *Server) examDayCheckIn(c *fiber.Ctx) error {
	u, err := invigilator(c)
	if err != nil {
		return err
	}
	m := s.checkInModel(c)
	ref, err := domain.ParseTicketRef(m.Form.V("ticket"))
	var cand domain.CheckInCandidate
	subject := c.FormValue("subject")
	if err == nil {
		cand, err = s.d.Store.CheckIn(u, m.SessionID, ref, subject, m.Now)
	}
	done := ""
	if err == nil {
		if subject == "" {
			subject = "本科目"
		}
		done = cand.Name + " 已签到（" + subject + "）。请扫描或输入下一位考生的准考证。"
	}
	return s.checkInAnswer(c, m, cand, err, done)
}

func (s *Server) examDayCorrect(c *fiber.Ctx) error {
	u, err := invigilator(c)
	if err != nil {
		return err
	}
	m := s.checkInModel(c)
	m.Correct = formOf(c, "subject", "state", "reason")
	in := domain.CorrectionInput{Subject: m.Correct.V("subject"), Present: m.Correct.V("state") == "present", Reason: m.Correct.V("reason")}
	if st := m.Correct.V("state"); st != "present" && st != "absent" {
		m.Correct.Errors["state"] = "请选择正确的状态：已签到或缺考"
	}
	var cand domain.CheckInCandidate
	if len(m.Correct.Errors) == 0 {
		cand, err = s.d.Store.CorrectAttendance(u, m.SessionID, c.FormValue("app"), in, m.Now)
	} else if ref, perr := domain.ParseTicketRef(m.Form.V("ticket")); perr == nil {
		cand, err = s.d.Store.CheckInLookup(u, m.SessionID, ref)
	}
	if err == nil && len(m.Correct.Errors) > 0 {
		m.Candidate = &cand
		return render(c, fiber.StatusUnprocessableEntity, views.CheckIn(s.page(c, "考场签到"), m))
	}
	if withErrors(&m.Correct, err) {
		if cand.AppID != "" {
			m.Candidate = &cand
		}
		return render(c, fiber.StatusUnprocessableEntity, views.CheckIn(s.page(c, "考场签到"), m))
	}
	m.Form.Values["ticket"] = ""
	return s.checkInAnswer(c, m, cand, err, "已更正 "+cand.Name+" 的"+in.Subject+"签到状态，并记入操作日志。")
}
