package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

// 继续教育 for trainees: enrolment records, the four-step wizard with server drafts,
// 确认报名, delete before confirmation, the print-out and the learning records.

// ceHome is 继续教育: the start button and 报名记录.
func (s *Server) ceHome(c *fiber.Ctx) error {
	es, err := s.d.Store.EnrolmentsOf(currentUser(c).ID)
	if err != nil {
		return err
	}
	rows := make([]views.CEEnrolRow, len(es))
	for i, e := range es {
		rows[i] = views.CEEnrolRow{E: e}
		if ag := s.agencyByID(e.AgencyID); ag != nil {
			rows[i].Agency = ag.Name
		}
	}
	return render(c, fiber.StatusOK, views.CEHome(s.page(c, "继续教育"), rows))
}

func (s *Server) agencyByID(id string) *domain.Agency {
	if id == "" {
		return nil
	}
	ag, err := s.d.Store.Agency(id)
	if err != nil {
		return nil
	}
	return &ag
}

// startEnrolment resumes the open draft or starts one and opens its first open step.
func (s *Server) startEnrolment(c *fiber.Ctx) error {
	e, err := s.d.Store.StartEnrolment(*currentUser(c), s.d.Now())
	if err != nil {
		return err
	}
	return redirect(c, views.CEStepURL(e, min(e.FirstOpenStep(), len(domain.CESteps)-1)))
}

func (s *Server) ownEnrolment(c *fiber.Ctx) (domain.Enrolment, error) {
	return s.d.Store.EnrolmentOf(currentUser(c).ID, c.Params("id"))
}

func (s *Server) enrolmentPage(c *fiber.Ctx) error {
	e, err := s.ownEnrolment(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.CEDetail(s.page(c, "继续教育报名"), e, s.agencyByID(e.AgencyID)))
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

// ceStepOf resolves the step in the URL; a step that cannot be opened yet redirects to
// the first unfinished one, and a submitted enrolment cannot be edited.
func (s *Server) ceStepOf(c *fiber.Ctx) (domain.Enrolment, int, error) {
	e, err := s.ownEnrolment(c)
	if err != nil {
		return e, 0, err
	}
	i, err := gateStep(c, e, domain.CEStepIndex(c.Params("step")), wizardPaths{
		detail: "/ce/" + e.ID, submitted: "这份继续教育报名已提交，不能再修改。",
		title: func(i int) string { return domain.CESteps[i].Title }, step: func(i int) string { return views.CEStepURL(e, i) }})
	return e, i, err
}

func (s *Server) ceStepPage(c *fiber.Ctx) error {
	e, i, err := s.ceStepOf(c)
	if err != nil || i < 0 {
		return err
	}
	return s.renderCEStep(c, fiber.StatusOK, e, i, ceStepValues(e, i), nil)
}

// ceNextURL is where a saved step continues: back to 确认报名 when changed from there,
// otherwise the next step (or 确认报名 after the last).
func ceNextURL(c *fiber.Ctx, e domain.Enrolment, i int) string {
	if c.Query("back") == "check" || i+1 >= len(domain.CESteps) {
		return "/ce/" + e.ID + "/check"
	}
	return views.CEStepURL(e, i+1)
}

func (s *Server) ceStep(c *fiber.Ctx) error {
	e, i, err := s.ceStepOf(c)
	if err != nil || i < 0 {
		return err
	}
	values := formValues(c)
	op := values["op"]
	if i == 3 && op != "" {
		return s.ceResumeRows(c, e, values, op)
	}
	u := currentUser(c)
	now := s.d.Now()
	saved, err := s.d.Store.SaveEnrolStep(*u, e.ID, now, func(x *domain.Enrolment, r store.CEReader) error {
		return ceStepInput(x, i, values, r, *u, now)
	})
	var fe domain.FieldErrors
	if withFieldErrors(&fe, err) {
		return s.renderCEStep(c, fiber.StatusUnprocessableEntity, e, i, values, fe)
	}
	if err != nil {
		return err
	}
	if i == 2 && op == "city" {
		return redirect(c, views.CEStepURL(saved, 2)+backQuery(c))
	}
	return redirect(c, ceNextURL(c, saved, i))
}

func backQuery(c *fiber.Ctx) string {
	if c.Query("back") == "check" {
		return "?back=check"
	}
	return ""
}

// ceResumeRows adds or removes a résumé row without saving, keeping everything typed.
func (s *Server) ceResumeRows(c *fiber.Ctx, e domain.Enrolment, values map[string]string, op string) error {
	rows := editResumeRows(values, op)
	values["_rows"] = strconv.Itoa(rows)
	return s.renderCEStep(c, fiber.StatusOK, e, 3, values, nil)
}

func (s *Server) ceCheckPage(c *fiber.Ctx) error {
	e, err := s.ownEnrolment(c)
	if err != nil {
		return err
	}
	return s.renderCECheck(c, fiber.StatusOK, e, "")
}

func (s *Server) renderCECheck(c *fiber.Ctx, status int, e domain.Enrolment, msg string) error {
	if !e.Editable() {
		return redirect(c, "/ce/"+e.ID)
	}
	if open := e.FirstOpenStep(); open < len(domain.CESteps) {
		flash(c, "请先完成第 "+strconv.Itoa(open+1)+" 步："+domain.CESteps[open].Title+"。")
		return redirect(c, views.CEStepURL(e, open))
	}
	ag, _ := s.d.Store.Agency(e.AgencyID)
	return render(c, status, views.CECheck(s.page(c, "确认报名"), views.CECheckModel{E: e, Agency: ag, Error: msg}))
}

// submitEnrolment is 确认报名; a double click shows the same result.
func (s *Server) submitEnrolment(c *fiber.Ctx) error {
	e, err := s.ownEnrolment(c)
	if err != nil {
		return err
	}
	if e.Status == domain.EnrolPending {
		return redirect(c, "/ce/"+e.ID+"/done")
	}
	if c.FormValue("confirm") != "1" {
		return s.renderCECheck(c, fiber.StatusUnprocessableEntity, e, "请勾选“我已核对以上信息，确认报名”后再确认。")
	}
	if _, err := s.d.Store.SubmitEnrolment(*currentUser(c), e.ID, s.d.Now()); err != nil {
		if now, rerr := s.ownEnrolment(c); rerr == nil && now.Status == domain.EnrolPending {
			return redirect(c, "/ce/"+e.ID+"/done") // a concurrent click already submitted it
		}
		if code := domain.CodeOf(err); code == domain.CodeConflict || code == domain.CodeInvalid {
			return s.renderCECheck(c, fiber.StatusConflict, e, domain.MessageOf(err))
		}
		return err
	}
	s.kickMail()
	return redirect(c, "/ce/"+e.ID+"/done")
}

func (s *Server) ceDonePage(c *fiber.Ctx) error {
	e, err := s.ownEnrolment(c)
	if err != nil {
		return err
	}
	if e.Number == "" {
		return redirect(c, "/ce/"+e.ID)
	}
	ag, _ := s.d.Store.Agency(e.AgencyID)
	return render(c, fiber.StatusOK, views.CEDone(s.page(c, "报名成功"), e, ag))
}

func (s *Server) ceDeletePage(c *fiber.Ctx) error {
	e, err := s.ownEnrolment(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.CEDeleteConfirm(s.page(c, "删除继续教育报名"), e))
}

func (s *Server) deleteEnrolment(c *fiber.Ctx) error {
	if err := s.d.Store.DeleteEnrolment(currentUser(c).ID, c.Params("id"), s.d.Now()); err != nil {
		return err
	}
	flash(c, "继续教育报名已删除。")
	return redirect(c, "/ce")
}

// cePrintPage is the holder's own print-out of a submitted enrolment (full ID number).
func (s *Server) cePrintPage(c *fiber.Ctx) error {
	e, err := s.ownEnrolment(c)
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
