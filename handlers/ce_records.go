package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// 更正、删除学习记录 (issue 14): the correction page of one learning record and its two
// forms. The store scopes every call to the reviewer's agency (another agency's record
// is 404) and refuses a change made on an older revision (409, the form again with what
// was typed and the record as it is now).

func (s *Server) recordRoutes() []Route {
	get, post := fiber.MethodGet, fiber.MethodPost
	return []Route{
		{get, "/review/ce/:id/records/:rid", Reviewer, s.ceRecordEdit},
		{post, "/review/ce/:id/records/:rid", Reviewer, s.ceRecordCorrect},
		{post, "/review/ce/:id/records/:rid/remove", Reviewer, s.ceRecordRemove},
	}
}

func emptyForm() views.Form {
	return views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}
}

// renderRecordEdit shows the page; a zero form is filled from the record as it is.
func (s *Server) renderRecordEdit(c *fiber.Ctx, status int, correct, remove views.Form, stale string) error {
	u := currentUser(c)
	ed, err := s.d.Store.LearningRecordEdit(*u, c.Params("id"), c.Params("rid"))
	if domain.CodeOf(err) == domain.CodeConflict { // removed meanwhile: say so on the enrolment
		alert(c, domain.MessageOf(err))
		return redirect(c, "/review/ce/"+c.Params("id"))
	}
	if err != nil {
		return err
	}
	removed, err := s.d.Store.RemovedLearning(*u, ed.Enrolment.ID)
	if err != nil {
		return err
	}
	if correct.Values == nil {
		correct = emptyForm()
		correct.Values["course"] = ed.Record.CourseID
		correct.Values["hours"] = ed.Record.Hours.String()
		correct.Values["date"] = ed.Record.CompletedOn.Format("2006-01-02")
	}
	if remove.Values == nil {
		remove = emptyForm()
	}
	m := views.CERecordEditModel{E: ed.Enrolment, Trainee: ed.Trainee, Record: ed.Record, Courses: ed.Courses, Removed: removed,
		Form: correct, Remove: remove, Stale: stale}
	return render(c, status, views.CERecordEdit(s.page(c, "更正学习记录 "+ed.Enrolment.Number), m))
}

func (s *Server) ceRecordEdit(c *fiber.Ctx) error {
	return s.renderRecordEdit(c, fiber.StatusOK, views.Form{}, views.Form{}, "")
}

func (s *Server) ceRecordCorrect(c *fiber.Ctx) error {
	f := formOf(c, "course", "hours", "date", "reason")
	rev, _ := strconv.Atoi(c.FormValue("rev"))
	in := domain.RecordCorrection{Rev: rev, CourseID: f.V("course"), Hours: f.V("hours"), Date: f.V("date"), Reason: f.V("reason")}
	e, err := s.d.Store.CorrectLearning(*currentUser(c), c.Params("id"), c.Params("rid"), in, s.d.Now())
	if err := s.recordRefused(c, f, views.Form{}, err); err != errNotRefused {
		return err
	}
	return s.recordDone(c, e, "学习记录已更正。")
}

func (s *Server) ceRecordRemove(c *fiber.Ctx) error {
	f := formOf(c, "remove_reason")
	rev, _ := strconv.Atoi(c.FormValue("rev"))
	e, err := s.d.Store.RemoveLearning(*currentUser(c), c.Params("id"), c.Params("rid"), rev, f.V("remove_reason"), s.d.Now())
	if err := s.recordRefused(c, views.Form{}, f, err); err != errNotRefused {
		return err
	}
	return s.recordDone(c, e, "学习记录已删除，不再计入学时。")
}

// errNotRefused says the use case went through.
var errNotRefused = errors.New("not refused")

// recordRefused answers a refused correction or removal: field errors (422) and a stale
// revision (409) show the page again with what was typed; a record removed meanwhile
// (or a stopped certificate) goes back to the enrolment with the message.
func (s *Server) recordRefused(c *fiber.Ctx, correct, remove views.Form, err error) error {
	typed := &correct
	if remove.Values != nil {
		typed = &remove
	}
	var stale domain.StaleRecord
	switch {
	case err == nil:
		return errNotRefused
	case withErrors(typed, err):
		return s.renderRecordEdit(c, fiber.StatusUnprocessableEntity, correct, remove, "")
	case errors.As(err, &stale):
		return s.renderRecordEdit(c, fiber.StatusConflict, correct, remove, stale.Message())
	case domain.CodeOf(err) == domain.CodeConflict:
		alert(c, domain.MessageOf(err))
		return redirect(c, "/review/ce/"+c.Params("id"))
	}
	return err
}

// recordDone goes back to the enrolment with what happened to it.
func (s *Server) recordDone(c *fiber.Ctx, e domain.Enrolment, msg string) error {
	switch e.Status {
	case domain.EnrolCompleted:
		s.kickMail()
		msg += "本周期学时已达标。"
	case domain.EnrolLearning:
		msg += "本周期学时尚未达标。"
	}
	flash(c, msg)
	return redirect(c, "/review/ce/"+e.ID)
}
