package handlers

import (
	"errors"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// The record pages every wizard has around its steps: start, detail, check, submit, done,
// delete, with their routes, and the opening of a step page. In 新取证 and 继续教育 their
// logic is the same, so one piece of code serves both from a small description of each
// wizard (appWizard in app.go, ceWizard in ce.go; the server keeps them as s.app and
// s.ce); a fix to a double-click guard or a redirect then reaches both wizards at once.
//
// What really differs stays with each wizard: the entry page (新取证 asks for the notice
// first), the step pages and their saving (uploads and typed drafts in 新取证, the
// city-only reload in 继续教育), what the check page shows and the print-outs.

// wizard describes one wizard to the kit. Its funcs are bound to the server (store
// method values, the wizard's own check page), so the handlers below need nothing else.
type wizard[S domain.WizardStep, D wizardDoc[S]] struct {
	s       *Server
	base    string // the records page; a record's pages are below base + "/" + its id
	steps   []S
	bySlug  func(string) (S, bool)
	stepURL func(D, S) string
	facts   func(D) recordFacts

	// The store's use cases for this kind of record, for the signed-in trainee.
	load   func(traineeID, id string) (D, error) // only the trainee's own record
	start  func(u domain.User, now time.Time) (D, error)
	submit func(u domain.User, id string, now time.Time) (D, error)
	remove func(traineeID, id string, now time.Time) error

	// The wizard's own pages; the check page also gates (see checkGate).
	renderCheck func(c *fiber.Ctx, status int, d D, msg string) error
	detailView  func(*Server, views.Page, D, *domain.Agency) (templ.Component, error)
	doneView    func(views.Page, D, domain.Agency) templ.Component
	deleteView  func(views.Page, D) templ.Component
	text        wizardTexts
}

// recordFacts is what the shared handlers read from an application or an enrolment.
type recordFacts struct {
	id, number, agencyID string
	// submitted: waiting for the agency, so submitting again only shows the done page.
	submitted bool
}

// wizardTexts are a wizard's page titles and messages.
type wizardTexts struct {
	detail, done, delete string // page titles
	locked               string // a step or check page of a record that can no longer be edited
	unconfirmed          string // submit without ticking the confirmation box
	deleted              string // flash after a delete
}

// own is the caller's record named by :id; another trainee's is not found.
func (w wizard[S, D]) own(c *fiber.Ctx) (D, error) {
	return w.load(currentUser(c).ID, c.Params("id"))
}

// paths names one record's pages for the step kit (gateStep, checkGate, next).
func (w wizard[S, D]) paths(d D) wizardPaths[S] {
	return wizardPaths[S]{detail: w.base + "/" + w.facts(d).id, submitted: w.text.locked,
		step: func(st S) string { return w.stepURL(d, st) }}
}

// stepOf loads the caller's record and resolves the step in the URL; a step that cannot
// be opened yet redirects to the first unfinished one, and a record that can no longer be
// edited to its detail page (ok is false then).
func (w wizard[S, D]) stepOf(c *fiber.Ctx) (D, S, bool, error) {
	return openStep(c, w.own, w.bySlug, w.paths)
}

// routes are a wizard's record routes below its base: POST /new, GET /:id, GET /:id/check,
// POST /:id/submit, GET /:id/done, GET and POST /:id/delete. The routes table lists them
// before the wizard's /:id/:step routes, which would otherwise take "check" for a step.
func (w wizard[S, D]) routes() []Route {
	get, post, b := fiber.MethodGet, fiber.MethodPost, w.base
	return []Route{
		{post, b + "/new", Trainee, w.startNew},
		{get, b + "/:id", Trainee, w.detailPage},
		{get, b + "/:id/check", Trainee, w.checkPage},
		{post, b + "/:id/submit", Trainee, w.submitCheck},
		{get, b + "/:id/done", Trainee, w.donePage},
		{get, b + "/:id/delete", Trainee, w.deletePage},
		{post, b + "/:id/delete", Trainee, w.deleteRecord},
	}
}

// startNew resumes the open draft or starts one, and opens its first unfinished step.
// A wizard that needs the notice agreed first (新取证) refuses with ErrNoticeRequired;
// its records page is where the notice is agreed, so that is where the trainee goes.
// 继续教育 refuses with ErrCENotOpen (no certificate that can be enrolled now) and creates
// no draft; its records page says why.
func (w wizard[S, D]) startNew(c *fiber.Ctx) error {
	d, err := w.start(*currentUser(c), w.s.d.Now())
	if errors.Is(err, domain.ErrNoticeRequired) || errors.Is(err, domain.ErrCENotOpen) {
		flash(c, domain.MessageOf(err))
		return redirect(c, w.base)
	}
	if err != nil {
		return err
	}
	return redirect(c, firstStepURL(d, w.steps, w.paths(d).step))
}

// detailPage is one record: its progress, timeline and actions.
func (w wizard[S, D]) detailPage(c *fiber.Ctx) error {
	d, err := w.own(c)
	if err != nil {
		return err
	}
	page, err := w.detailView(w.s, w.s.page(c, w.text.detail), d, w.s.agencyByID(w.facts(d).agencyID))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, page)
}

// checkPage is the last page before submitting (核对信息, 确认报名).
func (w wizard[S, D]) checkPage(c *fiber.Ctx) error {
	d, err := w.own(c)
	if err != nil {
		return err
	}
	return w.renderCheck(c, fiber.StatusOK, d, "")
}

// submitCheck submits from the check page. A double click, or two tabs at once, shows
// the done page of the one submission instead of an error; a conflict or a failed check
// is shown on the check page.
func (w wizard[S, D]) submitCheck(c *fiber.Ctx) error {
	d, err := w.own(c)
	if err != nil {
		return err
	}
	f := w.facts(d)
	done := w.paths(d).detail + "/done"
	if f.submitted && f.number != "" {
		// A double click: the first request submitted it; show the same result.
		return redirect(c, done)
	}
	if c.FormValue("confirm") != "1" {
		return w.renderCheck(c, fiber.StatusUnprocessableEntity, d, w.text.unconfirmed)
	}
	if _, err := w.submit(*currentUser(c), f.id, w.s.d.Now()); err != nil {
		if now, rerr := w.own(c); rerr == nil && w.facts(now).submitted {
			return redirect(c, done) // a concurrent click already submitted it
		}
		if code := domain.CodeOf(err); code == domain.CodeConflict || code == domain.CodeInvalid {
			return w.renderCheck(c, fiber.StatusConflict, d, domain.MessageOf(err))
		}
		return err
	}
	w.s.kickMail()
	return redirect(c, done)
}

// donePage confirms a submission with its number; before there is one it is the detail
// page's business.
func (w wizard[S, D]) donePage(c *fiber.Ctx) error {
	d, err := w.own(c)
	if err != nil {
		return err
	}
	f := w.facts(d)
	if f.number == "" {
		return redirect(c, w.paths(d).detail)
	}
	ag, _ := w.s.d.Store.Agency(f.agencyID)
	return render(c, fiber.StatusOK, w.doneView(w.s.page(c, w.text.done), d, ag))
}

// deletePage asks before deleting; the store decides whether the record may still go.
func (w wizard[S, D]) deletePage(c *fiber.Ctx) error {
	d, err := w.own(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, w.deleteView(w.s.page(c, w.text.delete), d))
}

// deleteRecord deletes the caller's record (the store checks ownership and state).
func (w wizard[S, D]) deleteRecord(c *fiber.Ctx) error {
	if err := w.remove(currentUser(c).ID, c.Params("id"), w.s.d.Now()); err != nil {
		return err
	}
	flash(c, w.text.deleted)
	return redirect(c, w.base)
}
