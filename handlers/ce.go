package handlers

import (
	"maps"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// 继续教育 for trainees: enrolment records, the four-step wizard with server drafts,
// 确认报名, delete before confirmation, the print-out and the learning records.

// ceHome is 继续教育: the start button (继续填写草稿 when there is a draft; without one,
// why an enrolment cannot be started now when no certificate can be enrolled) and 报名记录.
func (s *Server) ceHome(c *fiber.Ctx) error {
	u := currentUser(c)
	es, err := s.d.Store.EnrolmentsOf(u.ID)
	if err != nil {
		return err
	}
	m := views.CEHomeModel{Rows: make([]views.CEEnrolRow, len(es))}
	for i, e := range es {
		m.Rows[i] = views.CEEnrolRow{E: e}
		if ag := s.agencyByID(e.AgencyID); ag != nil {
			m.Rows[i].Agency = ag.Name
		}
		m.Draft = m.Draft || e.Status == domain.EnrolDraft
	}
	if !m.Draft {
		if m.Opening, err = s.d.Store.EnrolOpeningOf(*u, s.d.Now()); err != nil {
			return err
		}
	}
	return render(c, fiber.StatusOK, views.CEHome(s.page(c, "继续教育"), m))
}

// ceWizard describes 继续教育 to the wizard kit (wizard_records.go); New keeps it as s.ce.
func (s *Server) ceWizard() wizard[domain.CEStep, domain.Enrolment] {
	return wizard[domain.CEStep, domain.Enrolment]{s: s, base: "/ce", steps: domain.CESteps(),
		bySlug: domain.CEStepBySlug, stepURL: views.CEStepURL,
		facts: func(e domain.Enrolment) recordFacts {
			return recordFacts{id: e.ID, number: e.Number, agencyID: e.AgencyID, submitted: e.Status == domain.EnrolPending}
		},
		load: s.d.Store.EnrolmentOf, start: s.d.Store.StartEnrolment, submit: s.d.Store.SubmitEnrolment, remove: s.d.Store.DeleteEnrolment,
		renderCheck: s.renderCECheck, detailView: plainDetail(views.CEDetail), doneView: views.CEDone, deleteView: views.CEDeleteConfirm,
		text: wizardTexts{detail: "继续教育报名", done: "报名成功", delete: "删除继续教育报名", locked: "这份继续教育报名已提交，不能再修改。",
			unconfirmed: "请勾选“我已核对以上信息，确认报名”后再确认。", deleted: "继续教育报名已删除。"}}
}

// ceLearning is 学习记录: every certificate with its cycles, records and progress.
func (s *Server) ceLearning(c *fiber.Ctx) error {
	u := currentUser(c)
	l, err := s.d.Store.LearningOf(u.ID)
	if err != nil {
		return err
	}
	now := s.d.Now()
	enrolled := map[string]map[int]string{}
	for _, e := range l.Enrolments {
		if e.Status.Learning() || e.Status == domain.EnrolPending {
			if enrolled[e.CertID] == nil {
				enrolled[e.CertID] = map[int]string{}
			}
			if ag := s.agencyByID(e.AgencyID); ag != nil {
				enrolled[e.CertID][e.Cycle.No] = ag.Name + "（" + e.Status.Label() + "）"
			}
		}
	}
	out := make([]views.CECertLearning, 0, len(l.Certificates))
	for _, cert := range l.Certificates {
		out = append(out, views.NewCECertLearning(cert, l.Records[cert.ID], l.Settings, enrolled[cert.ID], now))
	}
	return render(c, fiber.StatusOK, views.CELearningPage(s.page(c, "学习记录"), out))
}

func (s *Server) ceStepPage(c *fiber.Ctx) error {
	e, st, ok, err := s.ce.stepOf(c)
	if !ok {
		return err
	}
	values := ceStepValues(e, st)
	var fe domain.FieldErrors
	if len(e.Typed[st.Slug()]) > 0 {
		// Kept, unsaved input: its checks run again (nothing saved) so the failing fields
		// are marked, as in 新取证 (recheckKept).
		in := ceStepKitOf(st).parse(values)
		in.Step = st
		if fe, err = s.d.Store.CheckEnrolStep(*currentUser(c), e, in, s.d.Now()); err != nil {
			return err
		}
	}
	return s.renderCEStep(c, fiber.StatusOK, e, st, values, fe)
}

// ceStepValues prefills a step's form: what was typed last time and not saved (it failed
// its checks), otherwise the saved answers.
func ceStepValues(e domain.Enrolment, st domain.CEStep) map[string]string {
	if typed := e.Typed[st.Slug()]; len(typed) > 0 {
		return maps.Clone(typed)
	}
	v := map[string]string{}
	ceStepKitOf(st).prefill(e, v)
	return v
}

// ceStep saves a step. It does not load the enrolment first: the one transaction of
// SaveEnrolStep loads it, gates the step and saves (as applyStep does for 新取证). When
// the gate refuses (the enrolment was submitted, or an earlier step is not done), the
// step is opened as its page would be, which redirects. Unknown steps go through the
// page's gate (not found).
func (s *Server) ceStep(c *fiber.Ctx) error {
	st, known := domain.CEStepBySlug(c.Params("step"))
	if !known {
		_, _, _, err := s.ce.stepOf(c)
		return err
	}
	k := ceStepKitOf(st)
	values := formValues(c)
	in := k.parse(values)
	in.Step, in.Typed = st, values
	op := values["op"]
	in.KeepOnly = k.rowOps && op != ""
	if in.KeepOnly {
		// Adding or removing a résumé entry saves nothing, but keeps what was typed (with
		// the rows as they are now).
		resumeRowsOp(values, op)
	}
	// One transaction: the answers are saved, or, when they fail their checks, what was
	// typed is kept in the draft so that leaving the page now loses nothing.
	saved, err := s.d.Store.SaveEnrolStep(*currentUser(c), c.Params("id"), in, s.d.Now())
	if domain.CodeOf(err) == domain.CodeConflict {
		if _, _, ok, gerr := s.ce.stepOf(c); !ok {
			return gerr // the gate's redirect
		}
		return err
	}
	if in.KeepOnly && err == nil {
		return s.renderCEStep(c, fiber.StatusOK, saved, st, values, nil)
	}
	var fe domain.FieldErrors
	if withFieldErrors(&fe, err) {
		return s.renderCEStep(c, fiber.StatusUnprocessableEntity, saved, st, values, fe)
	}
	if err != nil {
		return err
	}
	if in.CityOnly {
		return redirect(c, views.CEStepURL(saved, st)+backQuery(c))
	}
	return redirect(c, s.ce.paths(saved).next(c, st))
}

func (s *Server) renderCECheck(c *fiber.Ctx, status int, e domain.Enrolment, msg string) error {
	if ok, err := checkGate(c, e, s.ce.paths(e)); !ok {
		return err
	}
	ag, _ := s.d.Store.Agency(e.AgencyID)
	return render(c, status, views.CECheck(s.page(c, "确认报名"), views.CECheckModel{E: e, Agency: ag, Error: msg}))
}

// cePrintPage is the holder's own print-out of a submitted enrolment (full ID number).
func (s *Server) cePrintPage(c *fiber.Ctx) error {
	e, err := s.ce.own(c)
	if err != nil {
		return err
	}
	if e.Number == "" {
		return domain.Err(domain.CodeConflict, "这份报名还没有提交。确认报名后才能打印报名表。")
	}
	u := currentUser(c)
	_, gender := u.Birth()
	ag, _ := s.d.Store.Agency(e.AgencyID)
	d := views.CEPrintDoc{E: e, Name: u.Name, Gender: string(gender), FullID: u.IDNumber, Mobile: u.Mobile, Agency: ag, PrintedAt: s.d.Now()}
	return render(c, fiber.StatusOK, views.CEPrint(s.page(c, "继续教育培训报名表 "+e.Number), d))
}
