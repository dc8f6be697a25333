package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
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
	return redirect(c, firstStepURL(a, domain.AppSteps(), appPaths(a).step))
}

func (s *Server) ownApplication(c *fiber.Ctx) (domain.Application, error) {
	return s.d.Store.ApplicationOf(currentUser(c).ID, c.Params("id"))
}

func (s *Server) applicationPage(c *fiber.Ctx) error {
	a, err := s.ownApplication(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AppDetail(s.page(c, "报名详情"), a, s.agencyByID(a.AgencyID)))
}

// appPaths names the pages of one application for the wizard kit.
func appPaths(a domain.Application) wizardPaths[domain.Step] {
	return wizardPaths[domain.Step]{detail: "/apply/" + a.ID, submitted: "这份报名已提交，不能再修改。",
		step: func(st domain.Step) string { return views.StepURL(a, st) }}
}

// stepOf resolves the step in the URL; a step that cannot be opened yet redirects to the
// first unfinished one, and a submitted application cannot be edited (ok is false then).
func (s *Server) stepOf(c *fiber.Ctx) (domain.Application, domain.Step, bool, error) {
	return openStep(c, s.ownApplication, domain.StepBySlug, appPaths)
}

func (s *Server) applyStepPage(c *fiber.Ctx) error {
	a, st, ok, err := s.stepOf(c)
	if !ok {
		return err
	}
	return s.renderStep(c, fiber.StatusOK, a, st, appStepValues(a, st), nil, "")
}

func (s *Server) applyStep(c *fiber.Ctx) error {
	a, st, ok, err := s.stepOf(c)
	if !ok {
		return err
	}
	k := appStepKitOf(st)
	if k.parse == nil {
		return s.applyDocument(c, a, st)
	}
	values := formValues(c)
	in := k.parse(values)
	in.Step, in.Typed = st, values
	if op := values["op"]; k.rowOps && op != "" {
		// Adding or removing a résumé entry saves nothing, but keeps what was typed.
		in.KeepOnly = true
		if _, err := s.d.Store.SaveStep(currentUser(c).ID, a.ID, in, s.d.Now()); err != nil {
			return err
		}
		resumeRowsOp(values, op)
		return s.renderStep(c, fiber.StatusOK, a, st, values, nil, "")
	}
	// One transaction: the answers are saved, or, when they fail their checks, what was
	// typed is kept in the draft so that leaving the page now loses nothing.
	saved, err := s.d.Store.SaveStep(currentUser(c).ID, a.ID, in, s.d.Now())
	var fe domain.FieldErrors
	if withFieldErrors(&fe, err) {
		return s.renderStep(c, fiber.StatusUnprocessableEntity, a, st, values, fe, "")
	}
	if err != nil {
		return err
	}
	return redirect(c, appPaths(saved).next(c, st))
}
