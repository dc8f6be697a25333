package handlers

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

// 账号管理 (issue 12): the admin lists staff accounts, creates reviewers and admins (who
// activate their account from a mailed link and set their own password), resends the
// activation mail, moves reviewers between agencies, disables and re-enables accounts.
// Each handler parses the form, calls one store use case and renders.

func (s *Server) staffRoutes() []Route {
	get, post := fiber.MethodGet, fiber.MethodPost
	return []Route{
		{get, "/admin/accounts", Admin, s.accountsPage},
		{post, "/admin/accounts", Admin, s.createAccount},
		{get, "/admin/accounts/new", Admin, s.newAccountPage},
		{get, "/admin/accounts/:id", Admin, s.accountPage},
		{post, "/admin/accounts/:id/resend", Admin, s.resendActivation},
		{post, "/admin/accounts/:id/move", Admin, s.moveAccount},
		{post, "/admin/accounts/:id/role", Admin, s.changeAccountRole},
		{post, "/admin/accounts/:id/disable", Admin, s.disableAccount},
		{post, "/admin/accounts/:id/enable", Admin, s.enableAccount},
		// The activation link of the mail, and its token-free form (reset.go's flow).
		{get, "/activate/:token", Public, s.activateLink},
		{get, "/activate", Public, s.activatePage},
		{post, "/activate", Public, s.activate},
	}
}

var activateFlow = passwordFlow{link: store.ActivationLink, session: kActivate, path: "/activate", title: "激活账号",
	form: func(p views.Page, f views.Form, u domain.User) templ.Component { return views.Activate(p, f, u) },
	done: "账号已激活，请用用户名和刚设置的密码登录。"}

// kActivate is the session key of the hash of an activation token, moved out of the URL.
const kActivate = "activate"

func (s *Server) activateLink(c *fiber.Ctx) error {
	return tokenLink(c, activateFlow.session, activateFlow.path)
}
func (s *Server) activatePage(c *fiber.Ctx) error { return s.flowPage(c, activateFlow) }
func (s *Server) activate(c *fiber.Ctx) error     { return s.flowSubmit(c, activateFlow) }

// staffAgencyChoices lists every agency for the forms (a suspended one says so), with a map
// of names for the list's rows.
func (s *Server) staffAgencyChoices() ([]views.Option, map[string]string, error) {
	ags, err := s.d.Store.Agencies()
	opts := make([]views.Option, 0, len(ags))
	names := make(map[string]string, len(ags))
	for _, a := range ags {
		label := a.Name
		if a.Suspended {
			label += "（已暂停）"
		}
		opts = append(opts, views.Option{Value: a.ID, Label: label})
		names[a.ID] = a.Name
	}
	return opts, names, err
}

func (s *Server) accountsPage(c *fiber.Ctx) error {
	opts, names, err := s.staffAgencyChoices()
	if err != nil {
		return err
	}
	f := store.StaffFilter{AgencyID: c.Query("agency"), Role: domain.Role(c.Query("role"))}
	if _, ok := names[f.AgencyID]; !ok {
		f.AgencyID = ""
	}
	if f.Role != domain.RoleReviewer && f.Role != domain.RoleAdmin {
		f.Role = ""
	}
	accts, err := s.d.Store.StaffAccounts(f)
	if err != nil {
		return err
	}
	m := views.StaffListModel{Accounts: accts, Agencies: opts, Names: names,
		Filter: views.Form{Values: map[string]string{"agency": f.AgencyID, "role": string(f.Role)}}}
	return render(c, fiber.StatusOK, views.AdminStaff(s.page(c, "账号管理"), m))
}

func (s *Server) newAccountPage(c *fiber.Ctx) error {
	opts, _, err := s.staffAgencyChoices()
	if err != nil {
		return err
	}
	m := views.StaffFormModel{Form: views.Form{Values: map[string]string{"role": string(domain.RoleReviewer)}}, Agencies: opts}
	return render(c, fiber.StatusOK, views.AdminStaffForm(s.page(c, "新增账号"), m))
}

func (s *Server) createAccount(c *fiber.Ctx) error {
	f := formOf(c, "role", "username", "name", "email", "agency")
	cmd := domain.CreateStaffCmd{Role: f.V("role"), Username: f.V("username"), Name: f.V("name"), Email: f.V("email"), AgencyID: f.V("agency")}
	u, err := s.d.Store.CreateStaffAccount(*currentUser(c), cmd, store.NewToken(), s.d.Now())
	if withErrors(&f, err) {
		opts, _, oerr := s.staffAgencyChoices()
		if oerr != nil {
			return oerr
		}
		return render(c, fiber.StatusUnprocessableEntity, views.AdminStaffForm(s.page(c, "新增账号"), views.StaffFormModel{Form: f, Agencies: opts}))
	}
	if err != nil {
		return err
	}
	s.kickMail()
	flash(c, "已新增账号“"+u.Username+"”，激活邮件已发送到 "+u.Email+"。对方设置密码后即可登录。")
	return redirect(c, "/admin/accounts/"+u.ID)
}

// accountPage shows one account.
func (s *Server) accountPage(c *fiber.Ctx) error { return s.renderAccount(c, fiber.StatusOK, nil, nil) }

// renderAccount shows one account; move and role are the forms as submitted when a move
// or a role change was refused (nil otherwise).
func (s *Server) renderAccount(c *fiber.Ctx, status int, move, role *views.Form) error {
	u, err := s.d.Store.StaffAccount(c.Params("id"))
	if err != nil {
		return err
	}
	opts, names, err := s.staffAgencyChoices()
	if err != nil {
		return err
	}
	m := views.StaffDetailModel{Account: u, AgencyName: names[u.AgencyID], Agencies: opts, Self: u.ID == currentUser(c).ID,
		Move: views.Form{Values: map[string]string{"agency": u.AgencyID}}}
	other := domain.RoleAdmin
	if u.Role == domain.RoleAdmin {
		other = domain.RoleReviewer
	}
	m.Role = views.Form{Values: map[string]string{"role": string(other), "role_agency": u.AgencyID}}
	if move != nil {
		m.Move = *move
	}
	if role != nil {
		m.Role = *role
	}
	return render(c, status, views.AdminStaffDetail(s.page(c, u.Name+"（"+u.Username+"）"), m))
}

func (s *Server) resendActivation(c *fiber.Ctx) error {
	u, err := s.d.Store.ResendActivation(*currentUser(c), c.Params("id"), store.NewToken(), s.d.Now())
	if err != nil {
		return err
	}
	s.kickMail()
	flash(c, "已重新发送激活邮件到 "+u.Email+"，之前发出的激活链接已作废。")
	return redirect(c, "/admin/accounts/"+u.ID)
}

func (s *Server) moveAccount(c *fiber.Ctx) error {
	f := formOf(c, "agency")
	u, err := s.d.Store.MoveReviewer(*currentUser(c), c.Params("id"), f.V("agency"), s.d.Now())
	if withErrors(&f, err) {
		return s.renderAccount(c, fiber.StatusUnprocessableEntity, &f, nil)
	}
	if err != nil {
		return err
	}
	ag, err := s.d.Store.Agency(u.AgencyID)
	if err != nil {
		return err
	}
	flash(c, "已将审核员“"+u.Username+"”调整到“"+ag.Name+"”，立即生效。")
	return redirect(c, "/admin/accounts/"+u.ID)
}

func (s *Server) changeAccountRole(c *fiber.Ctx) error {
	f := formOf(c, "role", "role_agency")
	me := currentUser(c)
	u, err := s.d.Store.ChangeStaffRole(*me, c.Params("id"), domain.Role(f.V("role")), f.V("role_agency"), s.d.Now())
	if withErrors(&f, err) {
		return s.renderAccount(c, fiber.StatusUnprocessableEntity, nil, &f)
	}
	if err != nil {
		return err
	}
	if u.ID == me.ID {
		// The admin changed their own role: their sessions, this one too, have ended.
		s.endSession(c)
		flash(c, "您的账号已改为"+u.Role.Label()+"，请重新登录。")
		return redirect(c, "/login")
	}
	flash(c, "已将账号“"+u.Username+"”改为"+u.Role.Label()+"，立即生效；它已登录的设备需要重新登录。")
	return redirect(c, "/admin/accounts/"+u.ID)
}

func (s *Server) disableAccount(c *fiber.Ctx) error { return s.setAccountDisabled(c, true) }
func (s *Server) enableAccount(c *fiber.Ctx) error  { return s.setAccountDisabled(c, false) }

func (s *Server) setAccountDisabled(c *fiber.Ctx, disabled bool) error {
	u, err := s.d.Store.SetStaffDisabled(*currentUser(c), c.Params("id"), disabled, s.d.Now())
	if err != nil {
		return err
	}
	switch {
	case disabled && u.ID == currentUser(c).ID:
		// The admin disabled their own account: its sessions, this one too, have ended.
		s.endSession(c)
		flash(c, "您的账号已停用，已退出登录。")
		return redirect(c, "/login")
	case disabled:
		flash(c, "已停用账号“"+u.Username+"”，它的所有登录已立即退出。")
	case u.State() == domain.AccountPending:
		flash(c, "已恢复账号“"+u.Username+"”。它还没有激活：停用前的激活链接已作废，请重新发送激活邮件。")
	default:
		flash(c, "已恢复账号“"+u.Username+"”，本人可以用原来的密码登录。")
	}
	return redirect(c, "/admin/accounts/"+u.ID)
}

// streamAllowed reports whether the account that opened a live stream (as it was then)
// may still hold it: not disabled, its sessions not ended (same epoch), same role and
// agency. The review doorbell checks it at every heartbeat, so a disabled or moved
// reviewer's open stream ends within one heartbeat, like their session.
func (s *Server) streamAllowed(opened domain.User) bool {
	u, err := s.d.Store.User(opened.ID)
	return err == nil && !u.Disabled && u.SessionEpoch == opened.SessionEpoch && u.Role == opened.Role && u.AgencyID == opened.AgencyID
}
