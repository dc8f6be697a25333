package handlers

import (
	"maps"
	"strconv"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// appStepKitOf is the step table of the 新取证 wizard.
func appStepKitOf(st domain.Step) appStepKit {
	switch st {
	case domain.StepEmployment:
		return choiceStep("employment", func(x string) domain.StepInput { return domain.StepInput{Employment: x} },
			func(a domain.Application) string { return a.Employment.Label() }, plainStep(views.StepEmployment))
	case domain.StepCity:
		return choiceStep("city", func(x string) domain.StepInput { return domain.StepInput{City: x} },
			func(a domain.Application) string { return a.CityCode }, plainStep(views.StepCity))
	case domain.StepAgency:
		return appStepKit{parse: agencyInfoInput, prefill: agencyInfoValues, render: (*Server).agencyStep}
	case domain.StepPost:
		return choiceStep("post", func(x string) domain.StepInput { return domain.StepInput{Post: x} },
			func(a domain.Application) string { return a.PostCode }, (*Server).postStep)
	case domain.StepResume:
		return appStepKit{rowOps: true,
			parse: func(v map[string]string) domain.StepInput {
				return domain.StepInput{Resume: resumeLines(v), Achievements: v["achievements"]}
			},
			prefill: appResumeValues,
			render: func(_ *Server, _ *fiber.Ctx, p views.Page, w views.Wizard) (templ.Component, error) {
				w.Rows = resumeRowsShown(w.Form.Values, len(w.App.Resume))
				return views.StepResume(p, w), nil
			}}
	case domain.StepPledge:
		return appStepKit{
			parse: func(v map[string]string) domain.StepInput {
				return domain.StepInput{Signature: v["signature"], Agreed: v["agree"] == "1"}
			},
			prefill: func(a domain.Application, v map[string]string) {
				if a.PledgeName != "" {
					v["agree"], v["signature"] = "1", a.PledgeName
				}
			},
			render: func(s *Server, _ *fiber.Ctx, p views.Page, w views.Wizard) (templ.Component, error) {
				t, err := s.d.Store.CurrentText(domain.TextPledge) // the pledge in force
				w.Pledge = t
				return views.StepPledge(p, w), err
			}}
	}
	return appStepKit{render: plainStep(views.StepDocument)}
}

// choiceStep is a step of one radio group, name, copied into the input by in,
// prefilled from the draft by saved and shown by render.
func choiceStep(name string, in func(string) domain.StepInput, saved func(domain.Application) string, render func(*Server, *fiber.Ctx, views.Page, views.Wizard) (templ.Component, error)) appStepKit {
	return appStepKit{
		parse:   func(v map[string]string) domain.StepInput { return in(v[name]) },
		prefill: func(a domain.Application, v map[string]string) { v[name] = saved(a) },
		render:  render}
}

func agencyInfoInput(v map[string]string) domain.StepInput {
	return domain.StepInput{Info: domain.AppInfoInput{AgencyID: v["agency"], Phone: v["phone"], Profile: profileInput(v),
		KeepInProfile: v["keep_profile"] == "1"}}
}

func agencyInfoValues(a domain.Application, v map[string]string) {
	maps.Copy(v, profileValues(a.Info.Profile))
	v["agency"], v["phone"] = a.AgencyID, a.Info.Phone
	v["keep_profile"] = "1" // offered ticked: what is typed here is asked again next time otherwise
}

func appResumeValues(a domain.Application, v map[string]string) {
	resumeValues(v, a.Resume)
	if p := a.Info.Profile; len(a.Resume) == 0 && p.Employer != "" {
		// Nothing saved yet: suggest the current job from step 3 as the first entry,
		// to be confirmed or changed.
		v[rowKey(0, "employer")] = p.Employer
		if !p.WorkStart.IsZero() {
			v[rowKey(0, "from")] = p.WorkStart.Format("2006-01")
		}
	}
	v["achievements"] = a.Achieve
}

// agencyStep offers the agencies of the chosen city with the profile fields.
func (s *Server) agencyStep(_ *fiber.Ctx, p views.Page, w views.Wizard) (templ.Component, error) {
	var err error
	w.Options, err = s.agencyChoices(w.App.AgencyFor())
	if err != nil {
		return nil, err
	}
	w.Extra = profileFields()
	if w.App.Employed() {
		// The employer is required here (the domain rule); the profile's "may stay
		// empty" hint would contradict it.
		for i := range w.Extra {
			if w.Extra[i].Name == "employer" {
				w.Extra[i].Hint = "在职报名须填写"
			}
		}
	}
	return views.StepAgency(p, w), nil
}

// postStep offers the posts the chosen agency trains for 新取证 (domain.AppPostChoices).
func (s *Server) postStep(_ *fiber.Ctx, p views.Page, w views.Wizard) (templ.Component, error) {
	posts, err := s.d.Store.AppPostChoices(w.App.AgencyID)
	if err != nil {
		return nil, err
	}
	return views.StepPost(p, w, posts), nil
}

func profileInput(v map[string]string) domain.ProfileInput {
	return domain.ProfileInput{Education: v["education"], School: v["school"], Major: v["major"],
		Graduation: v["graduation"], Employer: v["employer"], CreditCode: v["credit_code"],
		WorkStart: v["work_start"], Address: v["address"]}
}

// appStepValues prefills a step's form from the saved application.
func appStepValues(a domain.Application, st domain.Step) map[string]string {
	if typed := a.Typed[st.Slug()]; len(typed) > 0 {
		return maps.Clone(typed) // what was typed last time, not yet saved
	}
	v := map[string]string{}
	if k := appStepKitOf(st); k.prefill != nil {
		k.prefill(a, v)
	}
	return v
}

func (s *Server) renderStep(c *fiber.Ctx, status int, a domain.Application, st domain.Step, values map[string]string, fe domain.FieldErrors, uploadErr string) error {
	if fe == nil {
		fe = domain.FieldErrors{}
	}
	w := views.Wizard{App: a, Step: st, Back: c.Query("back"), Agency: s.agencyByID(a.AgencyID), Holder: currentUser(c).Name,
		Form: views.Form{Values: values, Errors: fe}, Upload: uploadErr, Rechecked: c.Method() == fiber.MethodGet && len(fe) > 0}
	comp, err := appStepKitOf(st).render(s, c, s.page(c, "第"+strconv.Itoa(int(st)+1)+"步 "+st.Title()), w)
	if err != nil {
		return err
	}
	return render(c, status, comp)
}

// applyDocument runs an upload of a document step through the image pipeline and comes
// back to the step, which shows the picture as it was kept: the trainee checks it and goes
// on with 确定，下一步 (or replaces it).
func (s *Server) applyDocument(c *fiber.Ctx, a domain.Application, st domain.Step) error {
	data, msg := readUpload(c, "file")
	if msg != "" {
		return s.renderStep(c, fiber.StatusUnprocessableEntity, a, st, nil, nil, msg)
	}
	jpeg, w, h, err := s.d.Images.Document(c.UserContext(), data)
	if status, msg, ok := uploadMessage(err); ok {
		return s.renderStep(c, status, a, st, nil, nil, msg)
	}
	if err != nil {
		return err
	}
	saved, err := s.d.Store.SaveDocument(currentUser(c).ID, a.ID, st, jpeg, w, h, s.d.Now())
	if err != nil {
		return err
	}
	flash(c, st.Title()+"已上传。请核对下面的图片：清楚完整就点“"+views.DocGoOn(c.Query("back"))+"”，看不清就更换。")
	return redirect(c, s.app.paths(saved).step(st)+backQuery(c))
}

func (s *Server) renderCheck(c *fiber.Ctx, status int, a domain.Application, msg string) error {
	if ok, err := checkGate(c, a, s.app.paths(a)); !ok {
		return err
	}
	ag, _ := s.d.Store.Agency(a.AgencyID)
	ph, err := s.d.Store.PhotoOf(a.TraineeID)
	if err != nil {
		return err
	}
	return render(c, status, views.Check(s.page(c, "核对信息"), views.CheckModel{App: a, Agency: ag, Holder: *currentUser(c), Photo: ph, Error: msg}))
}

// documentImage serves an application's ID card or diploma image within its scope.
func (s *Server) documentImage(c *fiber.Ctx) error {
	u, now := currentUser(c), s.d.Now()
	b, err := s.d.Store.DocumentImageFor(*u, c.Params("id"), now, s.docViews.covered(u.ID, viewDocs, now))
	if err != nil {
		return err
	}
	return sendPrivateJPEG(c, b)
}
