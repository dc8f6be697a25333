package handlers

import (
	"strconv"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// ceStepKitOf is the step table of the 继续教育 wizard.
func ceStepKitOf(st domain.CEStep) ceStepKit {
	switch st {
	case domain.CEStepCert:
		return ceStepKit{
			parse: func(v map[string]string) domain.EnrolStepInput {
				number := v["cert"]
				if v["pick"] != "" {
					number = v["pick"]
				}
				return domain.EnrolStepInput{Cert: number}
			},
			prefill: func(e domain.Enrolment, v map[string]string) { v["cert"] = e.CertNumber },
			render: func(s *Server, c *fiber.Ctx, p views.Page, w views.CEWizard) (templ.Component, error) {
				picks, err := s.certPicks(currentUser(c).ID)
				w.Certs = picks
				return views.CEStepCert(p, w), err
			}}
	case domain.CEStepPost:
		return ceStepKit{
			parse: func(v map[string]string) domain.EnrolStepInput {
				return domain.EnrolStepInput{Confirmed: v["confirm"] == "1"}
			},
			prefill: func(e domain.Enrolment, v map[string]string) {
				if e.PostConfirmed {
					v["confirm"] = "1"
				}
			},
			render: func(s *Server, _ *fiber.Ctx, p views.Page, w views.CEWizard) (templ.Component, error) {
				cat, err := s.d.Store.Catalog() // added entries included (目录与规则设置)
				w.Post, _ = cat.ByCode(w.E.PostCode)
				return views.CEStepPost(p, w), err
			}}
	case domain.CEStepAgency:
		return ceStepKit{
			parse: func(v map[string]string) domain.EnrolStepInput {
				// A city other than the one whose agencies the page listed (or none listed
				// yet) only shows that city's agencies: nobody is asked to pick from a list
				// they have not seen.
				shown, listed := v["shown_city"]
				cityOnly := v["op"] == "city" || (listed && v["city"] != shown) || (!listed && v["agency"] == "")
				return domain.EnrolStepInput{City: v["city"], Agency: v["agency"], CityOnly: cityOnly}
			},
			prefill: func(e domain.Enrolment, v map[string]string) { v["city"], v["agency"] = e.CityCode, e.AgencyID },
			render:  (*Server).ceAgencyStep}
	}
	return ceStepKit{rowOps: true,
		parse:   func(v map[string]string) domain.EnrolStepInput { return domain.EnrolStepInput{Resume: resumeLines(v)} },
		prefill: func(e domain.Enrolment, v map[string]string) { resumeValues(v, e.Resume) },
		render: func(_ *Server, _ *fiber.Ctx, p views.Page, w views.CEWizard) (templ.Component, error) {
			w.Rows = resumeRowsShown(w.Form.Values, len(w.E.Resume))
			return views.CEStepResume(p, w), nil
		}}
}

func (s *Server) renderCEStep(c *fiber.Ctx, status int, e domain.Enrolment, st domain.CEStep, values map[string]string, fe domain.FieldErrors) error {
	if fe == nil {
		fe = domain.FieldErrors{}
	}
	w := views.CEWizard{E: e, Step: st, Back: c.Query("back"), Agency: s.agencyByID(e.AgencyID), Form: views.Form{Values: values, Errors: fe},
		Rechecked: c.Method() == fiber.MethodGet && len(fe) > 0}
	p := s.page(c, "继续教育报名 第"+strconv.Itoa(int(st)+1)+"步 "+st.Title())
	comp, err := ceStepKitOf(st).render(s, c, p, w)
	if err != nil {
		return err
	}
	return render(c, status, comp)
}

// ceAgencyStep offers the cities and the agencies of the chosen city that train the
// certificate's post.
func (s *Server) ceAgencyStep(_ *fiber.Ctx, p views.Page, w views.CEWizard) (templ.Component, error) {
	if _, ok := domain.CityByCode(w.Form.V("city")); ok {
		// Show the agencies of the city just chosen, even when the step was not saved
		// because no agency was picked yet (otherwise the user is stuck).
		w.E.CityCode = w.Form.V("city")
	}
	for _, city := range domain.Cities() {
		w.Cities = append(w.Cities, views.Option{Value: city.Code, Label: city.Name})
	}
	if w.E.CityCode == "" {
		return views.CEStepAgency(p, w), nil
	}
	var err error
	w.Options, err = s.agencyChoices(w.E.AgencyFor())
	return views.CEStepAgency(p, w), err
}

// certPicks lists the trainee's own certificates for step 1 with the status each has now.
func (s *Server) certPicks(userID string) ([]views.CECertPick, error) {
	certs, err := s.d.Store.CertificatesOf(userID)
	if err != nil {
		return nil, err
	}
	sts, err := s.d.Store.CertificateStatuses(userID, s.d.Now())
	if err != nil {
		return nil, err
	}
	out := make([]views.CECertPick, 0, len(certs))
	for _, c := range certs {
		out = append(out, views.CECertPick{Number: c.Number, Post: views.PostLabel(c.PostCode), Status: sts[c.ID].Status, Note: sts[c.ID].Note})
	}
	return out, nil
}
