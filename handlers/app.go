package handlers

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// applyEntry is 新取证: the notice until agreed, then the records with a start button.
func (s *Server) applyEntry(c *fiber.Ctx) error {
	u := currentUser(c)
	notice, err := s.d.Store.CurrentText(domain.TextNotice)
	if err != nil {
		return err
	}
	renew := domain.CheckNotice(*u, notice.Version) != nil
	apps, err := s.d.Store.ApplicationsOf(u.ID)
	if err != nil {
		return err
	}
	if renew && (len(apps) == 0 || c.Query("notice") == "1") {
		// Never agreed, or agreed to an earlier version: asked (again) before a new
		// application. A trainee with records sees them first, with a link to the notice.
		m := views.NoticeModel{Text: notice, Renewed: u.NoticeVersion != ""}
		return render(c, fiber.StatusOK, views.Notice(s.page(c, "告知承诺书"), m))
	}
	rows := make([]views.AppRow, len(apps))
	for i, a := range apps {
		rows[i] = views.AppRow{App: a}
		if ag, err := s.d.Store.Agency(a.AgencyID); err == nil {
			rows[i].Agency = ag.Name
		}
	}
	return render(c, fiber.StatusOK, views.AppList(s.page(c, "新取证报名"), rows, renew))
}

// agreeNotice records the agreement to the version the page showed; when the admin saved
// a new text meanwhile, the new text is shown to be read first.
func (s *Server) agreeNotice(c *fiber.Ctx) error {
	notice, err := s.d.Store.CurrentText(domain.TextNotice)
	if err != nil {
		return err
	}
	if v := c.FormValue("version"); v != "" && v != notice.Version {
		m := views.NoticeModel{Text: notice, Changed: true}
		return render(c, fiber.StatusConflict, views.Notice(s.page(c, "告知承诺书"), m))
	}
	if _, err := s.d.Store.AgreeNotice(currentUser(c).ID, notice.Version, s.d.Now()); err != nil {
		return err
	}
	return redirect(c, "/apply")
}

// appWizard describes 新取证 to the wizard kit (wizard_records.go); New keeps it as s.app.
func (s *Server) appWizard() wizard[domain.Step, domain.Application] {
	return wizard[domain.Step, domain.Application]{s: s, base: "/apply", steps: domain.AppSteps(),
		bySlug: domain.StepBySlug, stepURL: views.StepURL,
		facts: func(a domain.Application) recordFacts {
			return recordFacts{id: a.ID, number: a.Number, agencyID: a.AgencyID, submitted: a.Status == domain.AppSubmitted}
		},
		load: s.d.Store.ApplicationOf, start: s.d.Store.StartApplication, submit: s.d.Store.SubmitApplication, remove: s.d.Store.DeleteApplication,
		renderCheck: s.renderCheck, detailView: (*Server).appDetail, doneView: views.Done, deleteView: views.DeleteConfirm,
		text: wizardTexts{detail: "报名详情", done: "报名已提交", delete: "删除报名", locked: "这份报名已提交，不能再修改。",
			unconfirmed: "请勾选“我已核对以上信息，确认提交”后再提交。", deleted: "报名已删除。"}}
}

func (s *Server) applyStepPage(c *fiber.Ctx) error {
	a, st, ok, err := s.app.stepOf(c)
	if !ok {
		return err
	}
	values := appStepValues(a, st)
	fe, err := s.recheckKept(c, a, st, values)
	if err != nil {
		return err
	}
	return s.renderStep(c, fiber.StatusOK, a, st, values, fe, "")
}

// recheckKept runs a step's checks again on the input kept from an earlier, unsaved try
// (nothing is saved), so that the fields that failed are marked when the step is opened
// again, not only the note that it was kept; nil when nothing is kept.
func (s *Server) recheckKept(c *fiber.Ctx, a domain.Application, st domain.Step, values map[string]string) (domain.FieldErrors, error) {
	k := appStepKitOf(st)
	if len(a.Typed[st.Slug()]) == 0 || k.parse == nil {
		return nil, nil
	}
	in := k.parse(values)
	in.Step = st
	return s.d.Store.CheckStep(currentUser(c).ID, a, in, s.d.Now())
}

// applyStep saves a form step. It does not load the application first: the one
// transaction of SaveStep loads it, gates the step and saves (a step save is the wizard's
// hot write, issue 15). When the gate refuses (the application was submitted, or an
// earlier step is not done), the step is opened as its page would be, which redirects.
// Upload steps and unknown steps go through the page's gate first.
func (s *Server) applyStep(c *fiber.Ctx) error {
	st, known := domain.StepBySlug(c.Params("step"))
	k := appStepKitOf(st)
	if !known || k.parse == nil {
		a, st, ok, err := s.app.stepOf(c)
		if !ok {
			return err
		}
		return s.applyDocument(c, a, st)
	}
	values := formValues(c)
	in := k.parse(values)
	in.Step, in.Typed = st, values
	op := values["op"]
	in.KeepOnly = k.rowOps && op != ""
	if in.KeepOnly {
		// Adding or removing a résumé entry saves nothing, but keeps what was typed (with
		// the rows as they are now: a removed entry does not come back). in.Typed is values.
		resumeRowsOp(values, op)
	}
	// One transaction: the answers are saved, or, when they fail their checks, what was
	// typed is kept in the draft so that leaving the page now loses nothing.
	saved, err := s.d.Store.SaveStep(currentUser(c).ID, c.Params("id"), in, s.d.Now())
	if domain.CodeOf(err) == domain.CodeConflict {
		if _, _, ok, gerr := s.app.stepOf(c); !ok {
			return gerr // the gate's redirect
		}
		return err
	}
	if in.KeepOnly && err == nil {
		return s.renderStep(c, fiber.StatusOK, saved, st, values, nil, "")
	}
	var fe domain.FieldErrors
	if withFieldErrors(&fe, err) {
		return s.renderStep(c, fiber.StatusUnprocessableEntity, saved, st, values, fe, "")
	}
	if err != nil {
		return err
	}
	return redirect(c, s.app.paths(saved).next(c, st))
}

// appDetail is the application's page with, once its exam is arranged in a session that
// uses the check-in, how the trainee stands at it per subject.
func (s *Server) appDetail(p views.Page, a domain.Application, agency *domain.Agency) (templ.Component, error) {
	att, used, err := s.d.Store.CheckInOf(a)
	if err != nil || !used {
		return views.AppDetail(p, a, agency, nil), err
	}
	return views.AppDetail(p, a, agency, att.CheckInLines(a.Exam.Subjects, s.d.Now())), nil
}
