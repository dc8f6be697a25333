package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

// ceStepInput copies one step's form values into the domain setter for that step.
func ceStepInput(e *domain.Enrolment, i int, v map[string]string, r store.CEReader, u domain.User, now time.Time) error {
	switch i {
	case 0:
		number := v["cert"]
		if v["pick"] != "" {
			number = v["pick"]
		}
		k, err := r.CertCheck(number)
		if err != nil {
			return err
		}
		return e.SetCertificate(k)
	case 1:
		return e.ConfirmPost(v["confirm"] == "1")
	case 2:
		if err := e.SetCity(v["city"], func(id string) string { ag, _ := r.Agency(id); return ag.CityCode }); err != nil || v["op"] == "city" {
			return err
		}
		ag, found := r.Agency(v["agency"])
		trains, err := r.Trains(ag.ID, e.PostCode)
		if err != nil {
			return err
		}
		return e.SetAgency(ag, found, trains)
	case 3:
		birth, _ := u.Birth()
		var lines []domain.ResumeInput
		for j := 0; j < countRows(v); j++ {
			lines = append(lines, domain.ResumeInput{From: v[rowKey(j, "from")], To: v[rowKey(j, "to")],
				Employer: v[rowKey(j, "employer")], Role: v[rowKey(j, "role")]})
		}
		return e.SetResume(lines, birth, now)
	}
	return fiber.ErrNotFound
}

// ceStepValues prefills a step's form from the saved enrolment.
func ceStepValues(e domain.Enrolment, i int) map[string]string {
	v := map[string]string{}
	switch i {
	case 0:
		v["cert"] = e.CertNumber
	case 1:
		if e.PostConfirmed {
			v["confirm"] = "1"
		}
	case 2:
		v["city"], v["agency"] = e.CityCode, e.AgencyID
	case 3:
		for j, r := range e.Resume {
			v[rowKey(j, "from")] = r.From.Format("2006-01")
			if !r.To.IsZero() {
				v[rowKey(j, "to")] = r.To.Format("2006-01")
			}
			v[rowKey(j, "employer")], v[rowKey(j, "role")] = r.Employer, r.Role
		}
	}
	return v
}

// editResumeRows applies an add or remove-N operation to the typed résumé rows and
// returns how many rows to show. N must be a row on the page: a forged "remove--999999999"
// would otherwise shift a billion rows.
func editResumeRows(values map[string]string, op string) int {
	rows := countRows(values)
	fields := []string{"from", "to", "employer", "role"}
	if op == "add" && rows < 20 {
		rows++
	}
	if strings.HasPrefix(op, "remove-") {
		k, err := strconv.Atoi(strings.TrimPrefix(op, "remove-"))
		if err != nil || k < 0 || k >= rows {
			return rows
		}
		for j := k; j < rows-1; j++ {
			for _, f := range fields {
				values[rowKey(j, f)] = values[rowKey(j+1, f)]
			}
		}
		for _, f := range fields {
			delete(values, rowKey(rows-1, f))
		}
		rows = max(rows-1, 1)
	}
	return rows
}

func (s *Server) renderCEStep(c *fiber.Ctx, status int, e domain.Enrolment, i int, values map[string]string, fe domain.FieldErrors) error {
	if fe == nil {
		fe = domain.FieldErrors{}
	}
	w := views.CEWizard{E: e, Step: i, Back: c.Query("back"), Agency: s.agencyByID(e.AgencyID), Form: views.Form{Values: values, Errors: fe}}
	p := s.page(c, "继续教育报名 第"+strconv.Itoa(i+1)+"步 "+domain.CESteps[i].Title)
	switch i {
	case 0:
		picks, err := s.certPicks(currentUser(c).ID)
		if err != nil {
			return err
		}
		w.Certs = picks
		return render(c, status, views.CEStepCert(p, w))
	case 1:
		w.Post, _ = domain.PostByCode(e.PostCode)
		return render(c, status, views.CEStepPost(p, w))
	case 2:
		if _, ok := domain.CityByCode(values["city"]); ok {
			// Show the agencies of the city just chosen, even when the step was not saved
			// because no agency was picked yet (otherwise the user is stuck).
			w.E.CityCode = values["city"]
		}
		if err := s.agencyOptions(&w); err != nil {
			return err
		}
		return render(c, status, views.CEStepAgency(p, w))
	}
	w.Rows = max(countRows(values), len(e.Resume), 1)
	if n, err := strconv.Atoi(values["_rows"]); err == nil {
		w.Rows = n
	}
	return render(c, status, views.CEStepResume(p, w))
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
		out = append(out, views.CECertPick{Number: c.Number, Post: domain.PostLabel(c.PostCode), Status: sts[c.ID].Status, Note: sts[c.ID].Note})
	}
	return out, nil
}

// agencyOptions fills step 3's cities and the agencies of the chosen city that train the
// certificate's post.
func (s *Server) agencyOptions(w *views.CEWizard) error {
	for _, city := range domain.Cities() {
		w.Cities = append(w.Cities, views.Option{Value: city.Code, Label: city.Name})
	}
	if w.E.CityCode == "" {
		return nil
	}
	ags, err := s.d.Store.Agencies()
	if err != nil {
		return err
	}
	for _, ag := range ags {
		if ag.CityCode != w.E.CityCode {
			continue
		}
		ok, err := s.d.Store.AgencyTrains(ag.ID, w.E.PostCode)
		if err != nil {
			return err
		}
		if ok {
			w.Options = append(w.Options, views.Option{Value: ag.ID, Label: ag.Name + "（" + ag.Address + "，电话 " + ag.Phone + "）"})
		}
	}
	return nil
}
