package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

func (s *Server) home(c *fiber.Ctx) error {
	u := currentUser(c)
	if u == nil {
		return s.loginPage(c)
	}
	certs, err := s.d.Store.CertificatesOf(u.ID)
	if err != nil {
		return err
	}
	m := views.HomeModel{Who: identity(*u), ProfileComplete: u.Profile.Complete(), Role: u.Role, Certificates: len(certs)}
	if u.Role == domain.RoleAdmin {
		m.Storage = s.storageOf()
	}
	if u.Role == domain.RoleTrainee {
		// What needs the trainee's action comes first: returned applications and photo.
		apps, err := s.d.Store.ApplicationsOf(u.ID)
		if err != nil {
			return err
		}
		for _, a := range apps {
			m.Applying = m.Applying || a.Status.AwaitsTicket() // its 准考证 will need the photo
			switch {
			case a.Status == domain.AppReturned:
				m.Returned = append(m.Returned, a)
			case a.Status == domain.AppDraft && m.Draft == nil:
				m.Draft = &a
			case a.Status == domain.AppScheduled && a.Exam != nil:
				m.Tickets = append(m.Tickets, a)
			}
		}
		if m.Photo, err = s.d.Store.PhotoOf(u.ID); err != nil {
			return err
		}
	}
	return render(c, fiber.StatusOK, views.Home(s.page(c, "首页"), m))
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if currentUser(c) != nil && c.Path() == "/login" {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, views.Login(s.page(c, "登录"), views.Form{}))
}

// loginName normalises what was typed: an ID number (trainees) or a staff username.
func loginName(raw string, c *fiber.Ctx, s *Server) (string, bool) {
	raw = strings.TrimSpace(raw)
	if id, err := domain.ParseIDNumber(raw, s.d.Now()); err == nil {
		return id.Value, true
	}
	return strings.ToLower(raw), false
}

func (s *Server) login(c *fiber.Ctx) error {
	f := formOf(c, "login", "password")
	login, isID := loginName(f.V("login"), c, s)
	if login == "" {
		f.Errors.Add("login", "请输入身份证号或用户名")
	}
	if f.V("password") == "" {
		f.Errors.Add("password", "请输入密码")
	}
	if f.HasErrors() {
		return render(c, fiber.StatusUnprocessableEntity, views.Login(s.page(c, "登录"), f))
	}
	u, err := s.d.Store.UserByLogin(login, isID)
	if err != nil && domain.CodeOf(err) != domain.CodeNotFound {
		return err
	}
	who, lim, keys := s.loginThrottleKeys(c, u, login)
	if err := s.throttle.check(keys...); err != nil {
		f.Errors.Add("form", domain.MessageOf(err))
		return render(c, fiber.StatusTooManyRequests, views.Login(s.page(c, "登录"), f))
	}
	ok, err := s.d.Hasher.Verify(c.UserContext(), f.V("password"), u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		s.throttle.Hit(who, lim)
		for _, k := range keys[1:] {
			s.throttle.Hit(k, limitIP)
		}
		f.Errors.Add("form", "身份证号（用户名）或密码不正确，请重新输入。忘记密码可以点“忘记密码”找回。")
		return render(c, fiber.StatusUnauthorized, views.Login(s.page(c, "登录"), f))
	}
	s.throttle.Clear(who)
	if u.Disabled {
		// Said only to whoever knows the password: a stranger learns nothing about the account.
		f.Errors.Add("form", domain.ErrAccountDisabled.Message)
		return render(c, fiber.StatusForbidden, views.Login(s.page(c, "登录"), f))
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	s.trustDevice(c, u)
	_ = s.d.Store.Audit(domain.AuditEntry{At: s.d.Now(), ActorID: u.ID, Actor: u.AuditName(), Action: domain.AuditLogin, Object: u.ID})
	return redirect(c, "/")
}

// loginThrottleKeys says whose failures a login attempt counts against (who, with its
// limit) and which counters may hold it back (keys, who first). A device on which the
// account signed in before has a counter of its own (its device cookie) and nothing else:
// failures from elsewhere, even from the same address (a carrier's NAT, an office or
// school network), cannot lock the owner out, and the cookie opens only its own account,
// so it cannot be used to spray others. Every other client shares the account's counter of
// untrusted failures and its address's counter.
func (s *Server) loginThrottleKeys(c *fiber.Ctx, u domain.User, login string) (string, Limit, []string) {
	if nonce := s.trustedDevice(c, u); nonce != "" {
		who := throttleKey("device", nonce)
		return who, limitDevice, []string{who}
	}
	who := throttleKey("login", login)
	return who, limitAccount, []string{who, throttleKey("ip", c.IP())}
}

func (s *Server) logout(c *fiber.Ctx) error {
	s.endSession(c)
	flash(c, "您已安全退出。")
	return redirect(c, "/login")
}

func (s *Server) passwordPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.ChangePassword(s.page(c, "修改密码"), views.Form{}))
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	u := currentUser(c)
	f := formOf(c, "current", "password", "password2")
	acct := reauthKey(*u)
	if err := s.throttle.check(acct); err != nil {
		return err
	}
	ok, err := s.d.Hasher.Verify(c.UserContext(), f.V("current"), u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		s.throttle.Hit(acct, limitAccount)
		f.Errors.Add("current", "当前密码不正确")
	}
	s.checkNewPassword(&f, *u)
	if f.HasErrors() {
		return render(c, fiber.StatusUnprocessableEntity, views.ChangePassword(s.page(c, "修改密码"), f))
	}
	hash, err := s.d.Hasher.Hash(c.UserContext(), f.V("password"))
	if err != nil {
		return err
	}
	if _, err := s.d.Store.SetPassword(u.ID, hash, s.d.Now()); err != nil {
		return err
	}
	s.endSession(c)
	flash(c, "密码已修改。为了安全，所有设备都已退出，请用新密码重新登录。")
	return redirect(c, "/login")
}

// reauthKey counts wrong current passwords typed by a signed-in user (修改密码, 修改邮箱).
// It is not the login counter: a stranger throttling the account's logins must not stop
// its owner, already signed in, from changing the password.
func reauthKey(u domain.User) string { return throttleKey("reauth", u.ID) }

// checkNewPassword applies the password policy and the repeat check to a form.
func (s *Server) checkNewPassword(f *views.Form, u domain.User) {
	id, _ := domain.ParseIDNumber(u.IDNumber, s.d.Now())
	if err := domain.CheckPassword(f.V("password"), id); err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			f.Errors.Add("password", de.Message)
		}
	}
	if f.V("password") != f.V("password2") {
		f.Errors.Add("password2", "两次输入的密码不一致")
	}
}
