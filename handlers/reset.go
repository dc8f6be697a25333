package handlers

import (
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

// resetLink moves the token of a reset link into the session.
func (s *Server) resetLink(c *fiber.Ctx) error { return tokenLink(c, kReset, "/reset") }

// tokenLink serves the link of a mail (reset, e-mail confirmation): it keeps the hash of
// the token in the session under key and redirects to a token-free address, so the token
// does not linger in the address bar, history or Referer headers.
func tokenLink(c *fiber.Ctx, key, to string) error {
	sess(c).Set(key, store.HashToken(c.Params("token")))
	return c.Redirect(to, fiber.StatusSeeOther)
}

func (s *Server) resetUser(c *fiber.Ctx) (domain.User, error) {
	hash, _ := sess(c).Get(kReset).(string)
	if hash == "" {
		return domain.User{}, store.ErrTokenInvalid
	}
	return s.d.Store.ResetTokenUser(hash, s.d.Now())
}

func (s *Server) resetPage(c *fiber.Ctx) error {
	u, err := s.resetUser(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.Reset(s.page(c, "设置新密码"), views.Form{}, u.Name))
}

func (s *Server) reset(c *fiber.Ctx) error {
	u, err := s.resetUser(c)
	if err != nil {
		return err
	}
	f := formOf(c, "password", "password2")
	s.checkNewPassword(&f, u)
	if f.HasErrors() {
		return render(c, fiber.StatusUnprocessableEntity, views.Reset(s.page(c, "设置新密码"), f, u.Name))
	}
	hash, err := s.d.Hasher.Hash(c.UserContext(), f.V("password"))
	if err != nil {
		return err
	}
	hashTok, _ := sess(c).Get(kReset).(string)
	if _, err := s.d.Store.ResetPassword(hashTok, hash, s.d.Now()); err != nil {
		return err
	}
	s.endSession(c)
	flash(c, "新密码已设置，请用新密码登录。")
	return redirect(c, "/login")
}
