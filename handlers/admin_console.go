package handlers

import (
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

// 管理员 console (issue 12): the admin home with what needs attention, the cross-agency
// search, and read-only views of any application, enrolment or trainee (the reviewer's
// detail views in their read-only mode; certificates open on the 证书发放 page).

// adminConsoleRoutes are the console's routes.
func (s *Server) adminConsoleRoutes() []Route {
	get, post := fiber.MethodGet, fiber.MethodPost
	return []Route{
		{get, "/admin", Admin, s.adminHome},
		{get, "/admin/search", Admin, s.adminSearchPage},
		{post, "/admin/search", Admin, s.adminSearch},
		{get, "/admin/apps/:id", Admin, s.adminApp},
		{get, "/admin/ce/:id", Admin, s.adminEnrolment},
		{get, "/admin/trainees/:id", Admin, s.adminTrainee},
		// A certificate opens at /admin/certificates/:id, the 证书发放 page (cert_admin.go).
	}
}

func (s *Server) adminHome(c *fiber.Ctx) error {
	o, err := s.d.Store.AdminOverview()
	if err != nil {
		return err
	}
	now := s.d.Now()
	m := views.AdminHomeModel{PhotosWaiting: o.PhotosWaiting, Storage: s.storageOf(), GivenUp: o.Outbox.GivenUp,
		RecentGiveUp: o.Outbox.RecentGiveUp, Unsent: o.Outbox.Unsent, OldestUnsent: o.Outbox.OldestUnsent}
	if o.Outbox.OldestUnsent != nil {
		m.OldestUnsentDays = views.DaysSince(o.Outbox.OldestUnsent.CreatedAt, now)
	}
	for _, st := range store.AdminAppStates {
		m.AppStates = append(m.AppStates, views.StateCount{Label: st.Label(), N: o.AppTotals[st]})
	}
	for _, st := range store.AdminCEStates {
		m.CEStates = append(m.CEStates, views.StateCount{Label: st.Label(), N: o.CETotals[st]})
	}
	for _, l := range o.Agencies {
		if !l.Busy() {
			m.Idle++
			continue
		}
		city, _ := domain.CityByCode(l.Agency.CityCode)
		row := views.AgencyLoadRow{ID: l.Agency.ID, Name: l.Agency.Name, City: city.Name, Suspended: l.Agency.Suspended, Photos: l.Photos}
		for _, st := range store.AdminAppStates {
			if n := l.Apps[st]; n > 0 {
				row.Apps = append(row.Apps, views.StateCount{Label: st.Label(), N: n})
			}
		}
		for _, st := range store.AdminCEStates {
			if n := l.CE[st]; n > 0 {
				row.CE = append(row.CE, views.StateCount{Label: st.Label(), N: n})
			}
		}
		m.Agencies = append(m.Agencies, row)
	}
	m.OldestApps = waitingRows(o.OldestApps, "/admin/apps/", s)
	m.OldestCE = waitingRows(o.OldestCE, "/admin/ce/", s)
	return render(c, fiber.StatusOK, views.AdminHome(s.page(c, "管理员工作台"), m))
}

func waitingRows(items []store.WaitingItem, base string, s *Server) []views.WaitingRow {
	now := s.d.Now()
	out := make([]views.WaitingRow, len(items))
	for i, w := range items {
		out[i] = views.WaitingRow{Link: base + w.ID, Number: w.Number, Name: w.Name, Agency: w.AgencyName,
			Submitted: w.SubmittedAt.In(chinaTZ).Format("2006-01-02 15:04"), Days: views.DaysSince(w.SubmittedAt, now)}
	}
	return out
}

func (s *Server) adminSearchPage(c *fiber.Ctx) error {
	m := views.AdminSearchModel{Form: views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}}
	return render(c, fiber.StatusOK, views.AdminSearch(s.page(c, "跨机构查询"), m))
}

// idLike is what looks like an attempt at a full ID number: checked as one, and refused
// with a clear message when it is not valid rather than searched as text.
var idLike = regexp.MustCompile(`^\d{17}[\dXx]$`)

// adminSearch answers the search form. It is a POST so that a full ID number typed into
// the box travels only in the request body: never in a URL, the browser history or the
// access log (which logs the route pattern only).
func (s *Server) adminSearch(c *fiber.Ctx) error {
	f := formOf(c, "q")
	text := strings.TrimSpace(f.V("q"))
	m := views.AdminSearchModel{Form: f}
	q := store.AdminQuery{Text: text}
	switch {
	case text == "":
		f.Errors["q"] = "请输入要查找的姓名、编号或身份证号"
	case idLike.MatchString(text):
		id, err := domain.ParseIDNumber(text, s.d.Now())
		if err != nil {
			f.Errors["q"] = "这个身份证号不正确（校验位或出生日期不对），请核对后重新输入"
		}
		q = store.AdminQuery{IDNumber: id.Value}
		if err == nil {
			f.Values["q"] = "" // the page shows the number masked in the results, never in full
		}
	}
	if len(f.Errors) > 0 {
		return render(c, fiber.StatusUnprocessableEntity, views.AdminSearch(s.page(c, "跨机构查询"), m))
	}
	h, err := s.d.Store.AdminSearch(*currentUser(c), q, s.d.Now())
	if err != nil {
		return err
	}
	m.Searched, m.More = true, h.More
	names := map[string]domain.User{}
	for _, u := range h.Trainees {
		names[u.ID] = u
		m.Trainees = append(m.Trainees, views.SearchRow{Link: "/admin/trainees/" + u.ID, Name: u.Name,
			MaskedID: domain.MaskID(u.IDNumber), What: "学员账号", Status: u.Role.Label()})
	}
	holder := func(id string) domain.User {
		if u, ok := names[id]; ok {
			return u
		}
		u, _ := s.d.Store.User(id) // a hit's holder always exists; a lost race shows a blank name
		names[id] = u
		return u
	}
	for _, a := range h.Apps {
		u := holder(a.TraineeID)
		m.Apps = append(m.Apps, views.SearchRow{Link: "/admin/apps/" + a.ID, Number: a.Number, Name: u.Name,
			MaskedID: domain.MaskID(u.IDNumber), What: views.PostLabel(a.PostCode), Agency: h.Agencies[a.AgencyID], Status: a.Status.Label()})
	}
	for _, e := range h.Enrolments {
		u := holder(e.TraineeID)
		m.CE = append(m.CE, views.SearchRow{Link: "/admin/ce/" + e.ID, Number: e.Number, Name: u.Name,
			MaskedID: domain.MaskID(u.IDNumber), What: "证书 " + e.CertNumber, Agency: h.Agencies[e.AgencyID], Status: e.Status.Label()})
	}
	for _, ct := range h.Certificates {
		u, ok := h.Unclaimed[ct.ID]
		if !ok {
			u = holder(ct.HolderID)
		}
		m.Certs = append(m.Certs, certRow(ct, u, s))
	}
	return render(c, fiber.StatusOK, views.AdminSearch(s.page(c, "跨机构查询"), m))
}

func certRow(ct domain.Certificate, u domain.User, s *Server) views.SearchRow {
	return views.SearchRow{Link: "/admin/certificates/" + ct.ID, Number: ct.Number, Name: u.Name,
		MaskedID: domain.MaskID(u.IDNumber), What: views.PostLabel(ct.PostCode), Agency: ct.AgencyName,
		Status: ct.EffectiveStatus(s.d.Now()).Label()}
}

// adminApp shows any application read-only, with the reviewer's detail view; the view
// of its images (photo and documents) is audit-logged once per page (review_docview.go).
func (s *Server) adminApp(c *fiber.Ctx) error {
	u, now := currentUser(c), s.d.Now()
	v, err := s.d.Store.ViewApplication(*u, c.Params("id"), now)
	if err != nil {
		return err
	}
	s.seenDetail(u.ID, v, now)
	a := v.App
	m := views.ReviewDetailModel{App: a, Trainee: v.Trainee, Photo: v.Photo, Others: v.Others, ReadOnly: true,
		Agency: s.agencyName(a.AgencyID), Form: views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}}
	return render(c, fiber.StatusOK, views.ReviewDetail(s.page(c, a.Number), m))
}

func (s *Server) agencyName(id string) string {
	ag, err := s.d.Store.Agency(id)
	if err != nil {
		return "—"
	}
	return ag.Name
}

// adminEnrolment shows any submitted enrolment read-only, with the reviewer's view.
func (s *Server) adminEnrolment(c *fiber.Ctx) error {
	r, err := s.d.Store.AdminEnrolment(*currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	m := views.CEReviewDetailModel{E: r.Enrolment, Trainee: r.Trainee, Cert: r.Certificate, ReadOnly: true,
		Agency: s.agencyName(r.Enrolment.AgencyID), Form: views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}},
		Progress: domain.Progress(r.Enrolment.Cycle, r.Records, r.Settings, s.d.Now())}
	return render(c, fiber.StatusOK, views.CEReviewDetail(s.page(c, r.Enrolment.Number), m))
}

// adminTrainee shows a trainee read-only with links to every record.
func (s *Server) adminTrainee(c *fiber.Ctx) error {
	v, err := s.d.Store.AdminTrainee(*currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	m := views.AdminTraineeModel{Who: identity(v.User), Photo: v.Photo}
	masked := domain.MaskID(v.User.IDNumber)
	for _, a := range v.Apps {
		if a.Status == domain.AppDraft {
			continue
		}
		m.Apps = append(m.Apps, views.SearchRow{Link: "/admin/apps/" + a.ID, Number: a.Number, Name: v.User.Name,
			MaskedID: masked, What: views.PostLabel(a.PostCode), Agency: s.agencyName(a.AgencyID), Status: a.Status.Label()})
	}
	for _, e := range v.Enrolments {
		if e.Status == domain.EnrolDraft {
			continue
		}
		m.CE = append(m.CE, views.SearchRow{Link: "/admin/ce/" + e.ID, Number: e.Number, Name: v.User.Name,
			MaskedID: masked, What: "证书 " + e.CertNumber, Agency: s.agencyName(e.AgencyID), Status: e.Status.Label()})
	}
	for _, ct := range v.Certificates {
		m.Certificates = append(m.Certificates, certRow(ct, v.User, s))
	}
	return render(c, fiber.StatusOK, views.AdminTrainee(s.page(c, "学员 "+v.User.Name), m))
}
