package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// 培训机构管理 (issue 12): the admin lists, creates, edits, suspends and re-enables
// agencies. Each handler parses the form, calls one store use case and renders.

func (s *Server) agenciesPage(c *fiber.Ctx) error {
	city := c.Query("city")
	if _, ok := domain.CityByCode(city); !ok {
		city = ""
	}
	ags, err := s.d.Store.AgenciesOf(city)
	if err != nil {
		return err
	}
	m := views.AgencyListModel{Agencies: ags, Filter: views.Form{Values: map[string]string{"city": city}}}
	return render(c, fiber.StatusOK, views.AdminAgencies(s.page(c, "培训机构管理"), m))
}

func (s *Server) newAgencyPage(c *fiber.Ctx) error {
	cat, err := s.d.Store.Catalog()
	if err != nil {
		return err
	}
	m := views.AgencyFormModel{Form: views.Form{Values: map[string]string{}}, Posts: cat.Posts,
		AppPosts: domain.CEPosts{}.TrainedPostsOf(cat.Posts), CEPosts: domain.CEPosts{}.TrainedPostsOf(cat.Posts)}
	return render(c, fiber.StatusOK, views.AdminAgencyForm(s.page(c, "新增培训机构"), m))
}

func (s *Server) agencyPage(c *fiber.Ctx) error {
	p, err := s.d.Store.AgencyProfile(c.Params("id"))
	if err != nil {
		return err
	}
	cat, err := s.d.Store.Catalog()
	if err != nil {
		return err
	}
	m := views.AgencyFormModel{Agency: p.Agency, Posts: cat.Posts,
		AppPosts: p.AppPosts.TrainedPostsOf(cat.Posts), CEPosts: p.CEPosts.TrainedPostsOf(cat.Posts),
		Form: views.Form{Values: map[string]string{"name": p.Name, "city": p.CityCode, "address": p.Address,
			"phone": p.Phone, "credit_code": p.CreditCode, "contact": p.Contact}}}
	return render(c, fiber.StatusOK, views.AdminAgencyForm(s.page(c, "修改培训机构"), m))
}

// agencyForm reads the agency form as typed.
func agencyForm(c *fiber.Ctx) (views.Form, domain.AgencyInput) {
	f := formOf(c, "name", "city", "address", "phone", "credit_code", "contact")
	return f, domain.AgencyInput{Name: f.V("name"), City: f.V("city"), Address: f.V("address"), Phone: f.V("phone"),
		CreditCode: f.V("credit_code"), Contact: f.V("contact"),
		AppPosts: formList(c, "app_posts"), CEPosts: formList(c, "ce_posts")}
}

func (s *Server) createAgency(c *fiber.Ctx) error {
	f, in := agencyForm(c)
	ag, err := s.d.Store.CreateAgency(*currentUser(c), in, s.d.Now())
	return s.agencySaved(c, f, in, domain.Agency{}, ag, err, "已新增培训机构“"+ag.Name+"”。")
}

func (s *Server) updateAgency(c *fiber.Ctx) error {
	f, in := agencyForm(c)
	before, err := s.d.Store.Agency(c.Params("id"))
	if err != nil {
		return err
	}
	rev, _ := strconv.Atoi(c.FormValue("rev"))
	ag, err := s.d.Store.UpdateAgency(*currentUser(c), before.ID, rev, in, s.d.Now())
	var stale domain.StaleEdit
	if errors.As(err, &stale) {
		return s.staleAgency(c, f, in, stale)
	}
	return s.agencySaved(c, f, in, before, ag, err, "已保存培训机构“"+ag.Name+"”。")
}

// staleAgency answers an edit made on an older revision (409): the form again with what
// the admin typed, what changed between the saved agency and it, and the saved revision,
// so that saving once more is a conscious overwrite.
func (s *Server) staleAgency(c *fiber.Ctx, f views.Form, in domain.AgencyInput, stale domain.StaleEdit) error {
	current, err := s.d.Store.AgencyProfile(c.Params("id"))
	if err != nil {
		return err
	}
	cat, err := s.d.Store.Catalog()
	if err != nil {
		return err
	}
	in.Catalog = cat.Posts
	typed, _ := in.Validate() // valid: the store checks the input before the revision
	typed.Suspended = current.Suspended
	m := views.AgencyFormModel{Agency: current.Agency, Form: f, AppPosts: in.AppPosts, CEPosts: in.CEPosts, Posts: cat.Posts,
		Stale: stale.Message(), Diff: domain.AgencyChangeList(current, typed)}
	return render(c, fiber.StatusConflict, views.AdminAgencyForm(s.page(c, "修改培训机构"), m))
}

// agencySaved answers a create or an edit: the form again with every error (422), or
// back to the list.
func (s *Server) agencySaved(c *fiber.Ctx, f views.Form, in domain.AgencyInput, stored, ag domain.Agency, err error, done string) error {
	if withErrors(&f, err) {
		title := "新增培训机构"
		if stored.ID != "" {
			title = "修改培训机构"
		}
		cat, err := s.d.Store.Catalog()
		if err != nil {
			return err
		}
		m := views.AgencyFormModel{Agency: stored, Form: f, AppPosts: in.AppPosts, CEPosts: in.CEPosts, Posts: cat.Posts}
		return render(c, fiber.StatusUnprocessableEntity, views.AdminAgencyForm(s.page(c, title), m))
	}
	if err != nil {
		return err
	}
	flash(c, done)
	return redirect(c, "/admin/agencies?city="+ag.CityCode)
}

func (s *Server) suspendAgency(c *fiber.Ctx) error { return s.setSuspended(c, true) }
func (s *Server) resumeAgency(c *fiber.Ctx) error  { return s.setSuspended(c, false) }

func (s *Server) setSuspended(c *fiber.Ctx, suspended bool) error {
	ag, err := s.d.Store.SetAgencySuspended(*currentUser(c), c.Params("id"), suspended, s.d.Now())
	if err != nil {
		return err
	}
	if suspended {
		flash(c, "已暂停培训机构“"+ag.Name+"”，学员报名时不再能选择它。")
	} else {
		flash(c, "已恢复培训机构“"+ag.Name+"”，学员报名时可以再次选择它。")
	}
	return redirect(c, "/admin/agencies/"+ag.ID)
}
