package handlers

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

func (s *Server) forgotPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.Forgot(s.page(c, "找回密码"), views.Form{}, false))
}

// forgot answers the same whether or not the ID number and e-mail match an account
// (SECURITY.md 10); only the throttle and the format checks can tell the user anything.
func (s *Server) forgot(c *fiber.Ctx) error {
	f := formOf(c, "id_number", "email")
	id, err := domain.ParseIDNumber(f.V("id_number"), s.d.Now())
	if err != nil {
		f.Errors.Add("id_number", domain.MessageOf(err))
	}
	email, err := domain.NormalizeEmail(f.V("email"))
	if err != nil {
		f.Errors.Add("email", domain.MessageOf(err))
	}
	if f.HasErrors() {
		return render(c, fiber.StatusUnprocessableEntity, views.Forgot(s.page(c, "找回密码"), f, false))
	}
	acct, ip := throttleKey("send", id.Value), throttleKey("reset-ip", c.IP())
	if err := s.throttle.check(acct, ip); err != nil {
		return err
	}
	s.throttle.Hit(acct, limitSend)
	s.throttle.Hit(ip, limitResetIP)
	// Both answers cost the same: RequestReset does the same work either way, and the
	// mail worker is woken either way (it finds nothing to send for no account).
	if _, err := s.d.Store.RequestReset(id.Value, email, store.NewToken(), s.d.ResetTTL, s.d.Now()); err != nil {
		return err
	}
	s.kickMail()
	return render(c, fiber.StatusOK, views.Forgot(s.page(c, "找回密码"), f, true))
}

// kConfirm is the session key of the hash of an e-mail confirmation token, moved out of
// the URL like kReset.
const kConfirm = "confirm"

// passwordFlow is the web side of a store.PasswordLink: 找回密码 and the activation of a
// staff account (admin_staff.go) work the same way and share this code. The link moves
// its token into the session (tokenLink) and redirects to a token-free form; the form
// shows the account the link belongs to and sets the password; success ends the session
// (no auto-login) and sends the user to the login page.
type passwordFlow struct {
	link    store.PasswordLink
	session string // session key of the token's hash
	path    string // token-free address of the form
	title   string
	form    func(p views.Page, f views.Form, u domain.User) templ.Component
	done    string // flash on the login page after success
}

var resetFlow = passwordFlow{link: store.ResetLink, session: kReset, path: "/reset", title: "设置新密码",
	form: func(p views.Page, f views.Form, u domain.User) templ.Component { return views.Reset(p, f, u.Name) },
	done: "新密码已设置，请用新密码登录。"}

// resetLink moves the token of a reset link into the session.
func (s *Server) resetLink(c *fiber.Ctx) error {
	return tokenLink(c, resetFlow.session, resetFlow.path)
}
func (s *Server) resetPage(c *fiber.Ctx) error { return s.flowPage(c, resetFlow) }
func (s *Server) reset(c *fiber.Ctx) error     { return s.flowSubmit(c, resetFlow) }

// tokenLink serves the link of a mail (reset, activation, e-mail confirmation): it keeps
// the hash of the token in the session under key and redirects to a token-free address,
// so the token does not linger in the address bar, history or Referer headers.
func tokenLink(c *fiber.Ctx, key, to string) error {
	sess(c).Set(key, store.HashToken(c.Params("token")))
	return c.Redirect(to, fiber.StatusSeeOther)
}

// flowUser returns the account of the flow's live link in this session.
func (s *Server) flowUser(c *fiber.Ctx, fl passwordFlow) (domain.User, string, error) {
	hash, _ := sess(c).Get(fl.session).(string)
	if hash == "" {
		return domain.User{}, "", fl.link.Invalid()
	}
	u, err := s.d.Store.LinkUser(fl.link, hash, s.d.Now())
	return u, hash, err
}

func (s *Server) flowPage(c *fiber.Ctx, fl passwordFlow) error {
	u, _, err := s.flowUser(c, fl)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, fl.form(s.page(c, fl.title), views.Form{}, u))
}

func (s *Server) flowSubmit(c *fiber.Ctx, fl passwordFlow) error {
	u, hashTok, err := s.flowUser(c, fl)
	if err != nil {
		return err
	}
	f := formOf(c, "password", "password2")
	s.checkNewPassword(&f, u)
	if f.HasErrors() {
		return render(c, fiber.StatusUnprocessableEntity, fl.form(s.page(c, fl.title), f, u))
	}
	hash, err := s.d.Hasher.Hash(c.UserContext(), f.V("password"))
	if err != nil {
		return err
	}
	if _, err := s.d.Store.SetPasswordByLink(fl.link, hashTok, hash, s.d.Now()); err != nil {
		return err
	}
	s.endSession(c)
	flash(c, fl.done)
	return redirect(c, "/login")
}
