package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

// applyEntry is 新取证: the notice until agreed, then the records with a start button.
func (s *Server) applyEntry(c *fiber.Ctx) error {
	u := currentUser(c)
	if domain.CheckNotice(*u) != nil {
		return render(c, fiber.StatusOK, views.Notice(s.page(c, "告知承诺书")))
	}
	apps, err := s.d.Store.ApplicationsOf(u.ID)
	if err != nil {
		return err
	}
	rows := make([]views.AppRow, len(apps))
	for i, a := range apps {
		rows[i] = views.AppRow{App: a}
		if ag, err := s.d.Store.Agency(a.AgencyID); err == nil {
			rows[i].Agency = ag.Name
		}
	}
	return render(c, fiber.StatusOK, views.AppList(s.page(c, "新取证报名"), rows))
}

func (s *Server) agreeNotice(c *fiber.Ctx) error {
	if _, err := s.d.Store.AgreeNotice(currentUser(c).ID, domain.NoticeVersion, s.d.Now()); err != nil {
		return err
	}
	return redirect(c, "/apply")
}

func (s *Server) startApplication(c *fiber.Ctx) error {
	a, err := s.d.Store.StartApplication(*currentUser(c), s.d.Now())
	if errors.Is(err, domain.ErrNoticeRequired) {
		flash(c, domain.MessageOf(err))
		return redirect(c, "/apply") // the wizard stays closed until the notice is agreed
	}
	if err != nil {
		return err
	}
	return redirect(c, views.StepURL(a, min(a.FirstOpenStep(), len(domain.Steps)-1)))
}

func (s *Server) ownApplication(c *fiber.Ctx) (domain.Application, error) {
	return s.d.Store.ApplicationOf(currentUser(c).ID, c.Params("id"))
}

func (s *Server) agencyOf(a domain.Application) *domain.Agency {
	if a.AgencyID == "" {
		return nil
	}
	ag, err := s.d.Store.Agency(a.AgencyID)
	if err != nil {
		return nil
	}
	return &ag
}

func (s *Server) applicationPage(c *fiber.Ctx) error {
	a, err := s.ownApplication(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AppDetail(s.page(c, "报名详情"), a, s.agencyOf(a)))
}

// stepOf resolves the step in the URL; a step that cannot be opened yet redirects to the
// first unfinished one, and a submitted application cannot be edited.
func (s *Server) stepOf(c *fiber.Ctx) (domain.Application, int, error) {
	a, err := s.ownApplication(c)
	if err != nil {
		return a, 0, err
	}
	i, err := gateStep(c, a, domain.StepIndex(c.Params("step")), wizardPaths{
		detail: "/apply/" + a.ID, submitted: "这份报名已提交，不能再修改。",
		title: func(i int) string { return domain.Steps[i].Title }, step: func(i int) string { return views.StepURL(a, i) }})
	return a, i, err
}

// wizardDoc is what step gating needs from an application or a CE enrolment.
type wizardDoc interface {
	Editable() bool
	CanOpenStep(i int) bool
	FirstOpenStep() int
}

// wizardPaths names a wizard's pages and steps for gateStep's redirects.
type wizardPaths struct {
	detail, submitted string
	title, step       func(i int) string
}

// gateStep lets step i open only when the document is editable and every earlier step is
// done; otherwise it redirects (to the detail page, or to the first unfinished step) and
// returns -1. An unknown step is not found.
func gateStep(c *fiber.Ctx, d wizardDoc, i int, w wizardPaths) (int, error) {
	switch {
	case i < 0:
		return 0, fiber.ErrNotFound
	case !d.Editable():
		flash(c, w.submitted)
		return -1, redirect(c, w.detail)
	case !d.CanOpenStep(i):
		open := d.FirstOpenStep()
		flash(c, "请先完成第 "+strconv.Itoa(open+1)+" 步："+w.title(open)+"。")
		return -1, redirect(c, w.step(open))
	}
	return i, nil
}

func (s *Server) applyStepPage(c *fiber.Ctx) error {
	a, i, err := s.stepOf(c)
	if err != nil || i < 0 {
		return err
	}
	return s.renderStep(c, fiber.StatusOK, a, i, stepValues(a, i), nil, "")
}

// nextURL is where a saved step continues: back to the check page when the step was
// changed from there, otherwise the next step (or the check page after the last).
func nextURL(c *fiber.Ctx, a domain.Application, i int) string {
	if c.Query("back") == "check" || i+1 >= len(domain.Steps) {
		return "/apply/" + a.ID + "/check"
	}
	return views.StepURL(a, i+1)
}

func (s *Server) applyStep(c *fiber.Ctx) error {
	a, i, err := s.stepOf(c)
	if err != nil || i < 0 {
		return err
	}
	if i >= 6 {
		return s.applyDocument(c, a, i)
	}
	values := formValues(c)
	u := currentUser(c)
	now := s.d.Now()
	slug := domain.Steps[i].Slug
	if op := c.FormValue("op"); i == 4 && op != "" {
		// Adding or removing a résumé entry saves nothing, but keeps what was typed.
		if _, err := s.d.Store.SaveStep(u.ID, a.ID, now, func(x *domain.Application, _ store.StepReader) error {
			x.KeepTyped(slug, values)
			return nil
		}); err != nil {
			return err
		}
		return s.resumeRows(c, a, values, op)
	}
	// One transaction: the answers are saved, or, when they fail their checks, what was
	// typed is kept in the draft so that leaving the page now loses nothing.
	birth, _ := u.Birth()
	var fe domain.FieldErrors
	saved, err := s.d.Store.SaveStep(u.ID, a.ID, now, func(x *domain.Application, r store.StepReader) error {
		y := *x
		err := applyStepInput(&y, i, values, r, *u, birth, now)
		if withFieldErrors(&fe, err) {
			x.KeepTyped(slug, values)
			return nil
		}
		if err != nil {
			return err
		}
		*x = y
		x.ForgetTyped(slug)
		return nil
	})
	if err != nil {
		return err
	}
	if fe != nil {
		return s.renderStep(c, fiber.StatusUnprocessableEntity, a, i, values, fe, "")
	}
	return redirect(c, nextURL(c, saved, i))
}

func withFieldErrors(fe *domain.FieldErrors, err error) bool {
	e, ok := err.(domain.FieldErrors)
	if ok {
		*fe = e
	}
	return ok
}

// formValues copies every posted form value (Immutable makes them safe to keep).
func formValues(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) { out[string(k)] = string(v) })
	if mf, err := c.MultipartForm(); err == nil {
		for k, vs := range mf.Value {
			if len(vs) > 0 {
				out[k] = vs[0]
			}
		}
	}
	return out
}

// resumeRows adds or removes a résumé row without saving, keeping everything typed.
func (s *Server) resumeRows(c *fiber.Ctx, a domain.Application, values map[string]string, op string) error {
	rows := editResumeRows(values, op)
	values["_rows"] = strconv.Itoa(rows)
	return s.renderStep(c, fiber.StatusOK, a, 4, values, nil, "")
}

func rowKey(i int, f string) string { return "resume." + strconv.Itoa(i) + "." + f }

func countRows(values map[string]string) int {
	n := 0
	for k := range values {
		if strings.HasPrefix(k, "resume.") {
			parts := strings.Split(k, ".")
			if j, err := strconv.Atoi(parts[1]); err == nil && j+1 > n && j < 20 {
				n = j + 1
			}
		}
	}
	return max(n, 1)
}
