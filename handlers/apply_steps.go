package handlers

import (
	"maps"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

// applyStepInput copies one step's form values into the domain setter for that step.
func applyStepInput(a *domain.Application, i int, v map[string]string, r store.StepReader, u domain.User, birth, now time.Time) error {
	switch i {
	case 0:
		return a.SetEmployment(v["employment"])
	case 1:
		return a.SetCity(v["city"], func(id string) string { ag, _ := r.Agency(id); return ag.CityCode })
	case 2:
		ag, ok := r.Agency(v["agency"])
		return a.SetAgencyInfo(domain.AppInfoInput{AgencyID: v["agency"], Phone: v["phone"], Profile: profileInput(v)}, ag, ok, birth, now)
	case 3:
		return a.SetPost(v["post"], domain.DefaultPosts())
	case 4:
		var lines []domain.ResumeInput
		for j := 0; j < countRows(v); j++ {
			lines = append(lines, domain.ResumeInput{From: v[rowKey(j, "from")], To: v[rowKey(j, "to")],
				Employer: v[rowKey(j, "employer")], Role: v[rowKey(j, "role")]})
		}
		return a.SetResume(lines, v["achievements"], birth, now)
	case 5:
		return a.SetPledge(v["signature"], u.Name, v["agree"] == "1", now)
	}
	return fiber.ErrNotFound
}

func profileInput(v map[string]string) domain.ProfileInput {
	return domain.ProfileInput{Education: v["education"], School: v["school"], Major: v["major"],
		Graduation: v["graduation"], Employer: v["employer"], CreditCode: v["credit_code"],
		WorkStart: v["work_start"], Address: v["address"]}
}

// stepValues prefills a step's form from the saved application.
func stepValues(a domain.Application, i int) map[string]string {
	if typed := a.Typed[domain.Steps[i].Slug]; len(typed) > 0 {
		return maps.Clone(typed) // what was typed last time, not yet saved
	}
	v := map[string]string{}
	switch i {
	case 0:
		v["employment"] = a.Employment
	case 1:
		v["city"] = a.CityCode
	case 2:
		v = profileValues(a.Info.Profile)
		v["agency"], v["phone"] = a.AgencyID, a.Info.Phone
	case 3:
		v["post"] = a.PostCode
	case 4:
		for j, r := range a.Resume {
			v[rowKey(j, "from")] = r.From.Format("2006-01")
			if !r.To.IsZero() {
				v[rowKey(j, "to")] = r.To.Format("2006-01")
			}
			v[rowKey(j, "employer")], v[rowKey(j, "role")] = r.Employer, r.Role
		}
		if p := a.Info.Profile; len(a.Resume) == 0 && p.Employer != "" {
			// Nothing saved yet: suggest the current job from step 3 as the first entry,
			// to be confirmed or changed.
			v[rowKey(0, "employer")] = p.Employer
			if !p.WorkStart.IsZero() {
				v[rowKey(0, "from")] = p.WorkStart.Format("2006-01")
			}
		}
		v["achievements"] = a.Achieve
	case 5:
		if a.PledgeName != "" {
			v["agree"], v["signature"] = "1", a.PledgeName
		}
	}
	return v
}

func (s *Server) renderStep(c *fiber.Ctx, status int, a domain.Application, i int, values map[string]string, fe domain.FieldErrors, uploadErr string) error {
	if fe == nil {
		fe = domain.FieldErrors{}
	}
	u := currentUser(c)
	w := views.Wizard{App: a, Step: i, Back: c.Query("back"), Agency: s.agencyOf(a), Holder: u.Name,
		Form: views.Form{Values: values, Errors: fe}, Upload: uploadErr}
	p := s.page(c, "第"+strconv.Itoa(i+1)+"步 "+domain.Steps[i].Title)
	switch i {
	case 0:
		return render(c, status, views.StepEmployment(p, w))
	case 1:
		return render(c, status, views.StepCity(p, w))
	case 2:
		ags, err := s.d.Store.Agencies()
		if err != nil {
			return err
		}
		for _, ag := range ags {
			if ag.CityCode == a.CityCode {
				w.Options = append(w.Options, views.Option{Value: ag.ID, Label: ag.Name + "（" + ag.Address + "，电话 " + ag.Phone + "）"})
			}
		}
		w.Extra = profileFields()
		if a.Employed() {
			// The employer is required here (the domain rule); the profile's "may stay
			// empty" hint would contradict it.
			for i := range w.Extra {
				if w.Extra[i].Name == "employer" {
					w.Extra[i].Hint = "在职报名须填写"
				}
			}
		}
		return render(c, status, views.StepAgency(p, w))
	case 3:
		return render(c, status, views.StepPost(p, w))
	case 4:
		w.Rows = max(countRows(values), len(a.Resume), 1)
		if n, err := strconv.Atoi(values["_rows"]); err == nil {
			w.Rows = n
		}
		return render(c, status, views.StepResume(p, w))
	case 5:
		return render(c, status, views.StepPledge(p, w))
	}
	switch i {
	case 6:
		return render(c, status, views.StepIDFront(p, w, a.IDFront))
	case 7:
		return render(c, status, views.StepIDBack(p, w, a.IDBack))
	}
	return render(c, status, views.StepDiploma(p, w, a.Diploma))
}

// applyDocument runs an upload of steps 7–9 through the image pipeline and advances.
func (s *Server) applyDocument(c *fiber.Ctx, a domain.Application, i int) error {
	data, msg := readUpload(c, "file")
	if msg != "" {
		return s.renderStep(c, fiber.StatusUnprocessableEntity, a, i, nil, nil, msg)
	}
	jpeg, w, h, err := s.d.Images.Document(c.UserContext(), data)
	if status, msg, ok := uploadMessage(err); ok {
		return s.renderStep(c, status, a, i, nil, nil, msg)
	}
	if err != nil {
		return err
	}
	saved, err := s.d.Store.SaveDocument(currentUser(c).ID, a.ID, i, jpeg, w, h, s.d.Now())
	if err != nil {
		return err
	}
	flash(c, domain.Steps[i].Title+"已上传。")
	return redirect(c, nextURL(c, saved, i))
}

func (s *Server) checkPage(c *fiber.Ctx) error {
	a, err := s.ownApplication(c)
	if err != nil {
		return err
	}
	return s.renderCheck(c, fiber.StatusOK, a, "")
}

func (s *Server) renderCheck(c *fiber.Ctx, status int, a domain.Application, msg string) error {
	if !a.Editable() {
		return redirect(c, "/apply/"+a.ID)
	}
	if open := a.FirstOpenStep(); open < len(domain.Steps) {
		flash(c, "请先完成第 "+strconv.Itoa(open+1)+" 步："+domain.Steps[open].Title+"。")
		return redirect(c, views.StepURL(a, open))
	}
	ag, _ := s.d.Store.Agency(a.AgencyID)
	ph, err := s.d.Store.PhotoOf(a.TraineeID)
	if err != nil {
		return err
	}
	return render(c, status, views.Check(s.page(c, "核对信息"), views.CheckModel{App: a, Agency: ag, Holder: *currentUser(c), Photo: ph, Error: msg}))
}

func (s *Server) submitApplication(c *fiber.Ctx) error {
	a, err := s.ownApplication(c)
	if err != nil {
		return err
	}
	if a.Status == domain.AppSubmitted && a.Number != "" {
		// A double click: the first request submitted it; show the same result.
		return redirect(c, "/apply/"+a.ID+"/done")
	}
	if c.FormValue("confirm") != "1" {
		return s.renderCheck(c, fiber.StatusUnprocessableEntity, a, "请勾选“我已核对以上信息，确认提交”后再提交。")
	}
	if _, err := s.d.Store.SubmitApplication(*currentUser(c), a.ID, s.d.Now()); err != nil {
		if now, rerr := s.ownApplication(c); rerr == nil && now.Status == domain.AppSubmitted {
			return redirect(c, "/apply/"+a.ID+"/done") // a concurrent click already submitted it
		}
		if domain.CodeOf(err) == domain.CodeConflict || domain.CodeOf(err) == domain.CodeInvalid {
			return s.renderCheck(c, fiber.StatusConflict, a, domain.MessageOf(err))
		}
		return err
	}
	s.kickMail()
	return redirect(c, "/apply/"+a.ID+"/done")
}

func (s *Server) donePage(c *fiber.Ctx) error {
	a, err := s.ownApplication(c)
	if err != nil {
		return err
	}
	if a.Number == "" {
		return redirect(c, "/apply/"+a.ID)
	}
	ag, _ := s.d.Store.Agency(a.AgencyID)
	return render(c, fiber.StatusOK, views.Done(s.page(c, "报名已提交"), a, ag))
}

func (s *Server) deletePage(c *fiber.Ctx) error {
	a, err := s.ownApplication(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.DeleteConfirm(s.page(c, "删除报名"), a))
}

func (s *Server) deleteApplication(c *fiber.Ctx) error {
	if err := s.d.Store.DeleteApplication(currentUser(c).ID, c.Params("id"), s.d.Now()); err != nil {
		return err
	}
	flash(c, "报名已删除。")
	return redirect(c, "/apply")
}

// documentImage serves an application's ID card or diploma image within its scope.
func (s *Server) documentImage(c *fiber.Ctx) error {
	b, err := s.d.Store.DocumentImage(*currentUser(c), c.Params("id"), s.d.Now())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}
