package handlers

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// The kit both wizards (新取证 and 继续教育) are built from: step gating, where a saved
// step continues, the check page's gate, résumé rows, and the agencies of a city.

// stepKit is one step's row in a wizard's step table: how its form becomes the typed
// input I (parse; nil for an upload step), how the form is prefilled from the saved
// document D, and its page from the wizard's view model W.
type stepKit[D, I, W any] struct {
	parse   func(v map[string]string) I
	prefill func(d D, v map[string]string)
	render  func(s *Server, c *fiber.Ctx, p views.Page, w W) (templ.Component, error)
	rowOps  bool // the form adds and removes résumé rows without saving
}

// The rows of the two step tables: 新取证 (appStepKitOf) and 继续教育 (ceStepKitOf).
type (
	appStepKit = stepKit[domain.Application, domain.StepInput, views.Wizard]
	ceStepKit  = stepKit[domain.Enrolment, domain.EnrolStepInput, views.CEWizard]
)

// plainStep renders a step whose page needs nothing beyond the wizard's view model.
func plainStep[W any](view func(views.Page, W) templ.Component) func(*Server, *fiber.Ctx, views.Page, W) (templ.Component, error) {
	return func(_ *Server, _ *fiber.Ctx, p views.Page, w W) (templ.Component, error) { return view(p, w), nil }
}

// openStep loads the wizard's document and resolves the step in the URL; ok is false
// when gateStep redirected instead (or on an error).
func openStep[S domain.WizardStep, D wizardDoc[S]](c *fiber.Ctx, load func(*fiber.Ctx) (D, error), bySlug func(string) (S, bool), paths func(D) wizardPaths[S]) (d D, st S, ok bool, err error) {
	if d, err = load(c); err != nil {
		return d, st, false, err
	}
	st, known := bySlug(c.Params("step"))
	ok, err = gateStep(c, d, st, known, paths(d))
	return d, st, ok, err
}

// wizardDoc is what step gating needs from an application or a CE enrolment.
type wizardDoc[S domain.WizardStep] interface {
	Editable() bool
	CanOpenStep(s S) bool
	FirstOpenStep() (S, bool)
}

// wizardPaths names a wizard's pages: its detail page (also the base of its step and
// check URLs), what to say when it can no longer be edited, and a step's URL.
type wizardPaths[S domain.WizardStep] struct {
	detail, submitted string
	step              func(S) string
}

// gateStep lets the step named by slug open only when the document is editable and every
// earlier step is done; otherwise it redirects (to the detail page, or to the first
// unfinished step) and reports false. An unknown step is not found.
func gateStep[S domain.WizardStep](c *fiber.Ctx, d wizardDoc[S], s S, known bool, w wizardPaths[S]) (bool, error) {
	switch {
	case !known:
		return false, fiber.ErrNotFound
	case !d.Editable():
		flash(c, w.submitted)
		return false, redirect(c, w.detail)
	case !d.CanOpenStep(s):
		open, _ := d.FirstOpenStep()
		flash(c, unfinished(open))
		return false, redirect(c, w.step(open))
	}
	return true, nil
}

func unfinished[S domain.WizardStep](s S) string {
	return "请先完成第 " + strconv.Itoa(int(s)+1) + " 步：" + s.Title() + "。"
}

// next is where a saved step continues: back to the check page when the step was changed
// from there, otherwise the next step (or the check page after the last).
func (w wizardPaths[S]) next(c *fiber.Ctx, s S) string {
	if c.Query("back") == "check" || s.Last() {
		return w.detail + "/check"
	}
	return w.step(s + 1)
}

// checkGate lets the check page open only for an editable document with every step done;
// otherwise it redirects and reports false.
func checkGate[S domain.WizardStep](c *fiber.Ctx, d wizardDoc[S], w wizardPaths[S]) (bool, error) {
	if !d.Editable() {
		return false, redirect(c, w.detail)
	}
	if open, ok := d.FirstOpenStep(); ok {
		flash(c, unfinished(open))
		return false, redirect(c, w.step(open))
	}
	return true, nil
}

// firstStepURL is where starting or resuming a wizard goes: its first unfinished step,
// or its last step when all are done.
func firstStepURL[S domain.WizardStep](d wizardDoc[S], steps []S, url func(S) string) string {
	open, ok := d.FirstOpenStep()
	if !ok {
		open = steps[len(steps)-1]
	}
	return url(open)
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

// agencyChoices are the agencies a wizard's agency step offers (domain.AgencyFor decides
// which), as radio options with the address and phone a trainee chooses by.
func (s *Server) agencyChoices(f domain.AgencyFor) ([]views.Option, error) {
	ags, err := s.d.Store.EligibleAgencies(f)
	if err != nil {
		return nil, err
	}
	var out []views.Option
	for _, ag := range ags {
		out = append(out, views.Option{Value: ag.ID, Label: ag.Name + "（" + ag.Address + "，电话 " + ag.Phone + "）"})
	}
	return out, nil
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

func backQuery(c *fiber.Ctx) string {
	if c.Query("back") == "check" {
		return "?back=check"
	}
	return ""
}

// Résumé rows, shared by both wizards' résumé steps.

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

// resumeLines reads the typed résumé rows of a form.
func resumeLines(v map[string]string) []domain.ResumeInput {
	var lines []domain.ResumeInput
	for j := 0; j < countRows(v); j++ {
		lines = append(lines, domain.ResumeInput{From: v[rowKey(j, "from")], To: v[rowKey(j, "to")],
			Employer: v[rowKey(j, "employer")], Role: v[rowKey(j, "role")]})
	}
	return lines
}

// resumeValues prefills the résumé rows from saved entries.
func resumeValues(v map[string]string, rs []domain.ResumeEntry) {
	for j, r := range rs {
		v[rowKey(j, "from")] = r.From.Format("2006-01")
		if !r.To.IsZero() {
			v[rowKey(j, "to")] = r.To.Format("2006-01")
		}
		v[rowKey(j, "employer")], v[rowKey(j, "role")] = r.Employer, r.Role
	}
}

// resumeRowsShown is how many résumé rows a step shows: those typed or saved, or what
// an add or remove just made it.
func resumeRowsShown(values map[string]string, saved int) int {
	if n, err := strconv.Atoi(values["_rows"]); err == nil {
		return n
	}
	return max(countRows(values), saved, 1)
}

// editResumeRows applies an add or remove-N operation to the typed résumé rows and
// returns how many rows to show. N must be a row on the page: a forged
// "remove--999999999" would otherwise shift a billion rows.
func editResumeRows(values map[string]string, op string) int {
	rows := countRows(values)
	fields := []string{"from", "to", "employer", "role"}
	if op == "add" && rows < 20 {
		rows++
	}
	if strings.HasPrefix(op, "remove-") {
		k, err := strconv.Atoi(strings.TrimPrefix(op, "remove-"))
		if err == nil && k >= 0 && k < rows {
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
	}
	return rows
}

// resumeRowsOp applies a row operation and keeps the row count for the step's render.
func resumeRowsOp(values map[string]string, op string) {
	values["_rows"] = strconv.Itoa(editResumeRows(values, op))
}

// plainDetail is a record's detail page that needs nothing beyond the record and its
// agency.
func plainDetail[D any](view func(views.Page, D, *domain.Agency) templ.Component) func(*Server, views.Page, D, *domain.Agency) (templ.Component, error) {
	return func(_ *Server, p views.Page, d D, ag *domain.Agency) (templ.Component, error) {
		return view(p, d, ag), nil
	}
}
