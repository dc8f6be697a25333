package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

var registerNames = []string{"id_number", "name", "mobile", "email", "password", "password2", "agree"}

func (s *Server) registerPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.Register(s.page(c, "个人注册"), views.Form{}, false))
}

func (s *Server) register(c *fiber.Ctx) error {
	f := formOf(c, registerNames...)
	// Every registration from an IP waits while its "already registered" answers are
	// throttled, whatever the number typed: a wait only for taken numbers would itself
	// answer the question.
	ip, taken := throttleKey("register-ip", c.IP()), throttleKey("register-taken", c.IP())
	if err := s.throttle.check(ip, taken); err != nil {
		f.Values["password"], f.Values["password2"] = "", ""
		f.Errors.Add("form", domain.MessageOf(err))
		return render(c, fiber.StatusTooManyRequests, views.Register(s.page(c, "个人注册"), f, false))
	}
	in := domain.RegistrationInput{IDNumber: f.V("id_number"), Name: f.V("name"), Mobile: f.V("mobile"),
		Email: f.V("email"), Password: f.V("password"), Password2: f.V("password2"), Agree: f.V("agree") == "1"}
	reg, err := in.Validate(s.d.Now())
	if withErrors(&f, err) {
		return render(c, fiber.StatusUnprocessableEntity, views.Register(s.page(c, "个人注册"), f, false))
	}
	if err != nil {
		return err
	}
	s.throttle.Hit(ip, limitRegisterIP)
	hash, err := s.d.Hasher.Hash(c.UserContext(), reg.Password)
	if err != nil {
		return err
	}
	u, err := s.d.Store.CreateTrainee(reg, hash, store.NewToken(), s.d.Now())
	if errors.Is(err, store.ErrIDTaken) {
		s.throttle.Hit(taken, limitTakenIP)
		return render(c, fiber.StatusConflict, views.Register(s.page(c, "个人注册"), f, true))
	}
	if err != nil {
		return err
	}
	s.kickMail()
	if err := s.startSession(c, u); err != nil {
		return err
	}
	s.trustDevice(c, u)
	flash(c, "注册成功！我们已向 "+u.Email+" 发送确认邮件。")
	return redirect(c, "/register/profile")
}

func (s *Server) registerProfilePage(c *fiber.Ctx) error {
	u := currentUser(c)
	f := views.Form{Values: profileValues(u.Profile)}
	return render(c, fiber.StatusOK, views.RegisterProfile(s.page(c, "完善个人资料"), f, identity(*u), profileFields()))
}

func (s *Server) registerProfile(c *fiber.Ctx) error {
	u, f, err := s.saveProfileForm(c, false)
	if withErrors(&f, err) {
		return render(c, fiber.StatusUnprocessableEntity, views.RegisterProfile(s.page(c, "完善个人资料"), f, identity(*u), profileFields()))
	}
	if err != nil {
		return err
	}
	flash(c, "个人资料已保存。")
	return redirect(c, "/")
}

// confirmLink moves the token of a confirmation link into the session, as resetLink does.
func (s *Server) confirmLink(c *fiber.Ctx) error { return tokenLink(c, kConfirm, "/confirm-email") }

// confirmEmailPage asks for a press of the button: a GET must never change state.
func (s *Server) confirmEmailPage(c *fiber.Ctx) error {
	hash, _ := sess(c).Get(kConfirm).(string)
	if hash == "" {
		return store.ErrTokenInvalid
	}
	email, err := s.d.Store.ConfirmationAddress(hash, s.d.Now())
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ConfirmEmail(s.page(c, "确认电子邮箱"), email))
}

func (s *Server) confirmEmail(c *fiber.Ctx) error {
	hash, _ := sess(c).Get(kConfirm).(string)
	if hash == "" {
		return store.ErrTokenInvalid
	}
	if _, err := s.d.Store.ConfirmEmail(hash, s.d.Now()); err != nil {
		return err
	}
	sess(c).Delete(kConfirm)
	flash(c, "邮箱已确认，谢谢！")
	if currentUser(c) != nil {
		return redirect(c, "/")
	}
	return redirect(c, "/login")
}

func (s *Server) resendConfirmation(c *fiber.Ctx) error {
	u := currentUser(c)
	key := throttleKey("send", u.ID)
	if err := s.throttle.check(key); err != nil {
		return err
	}
	s.throttle.Hit(key, limitSend)
	if err := s.d.Store.ResendConfirmation(u.ID, store.NewToken(), s.d.Now()); err != nil {
		return err
	}
	s.kickMail()
	flash(c, "确认邮件已重新发送到 "+u.Email+"，请查收。")
	return redirect(c, "/")
}

// idPreview answers the live check of the ID number on the registration form.
func (s *Server) idPreview(c *fiber.Ctx) error {
	raw := c.FormValue("id_number")
	id, err := domain.ParseIDNumber(raw, s.d.Now())
	if err != nil {
		msg := ""
		if len([]rune(strings.TrimSpace(raw))) >= 18 {
			msg = domain.MessageOf(err)
		}
		return render(c, fiber.StatusOK, views.IDPreview("", "", msg))
	}
	if msg := domain.CheckRegistrationAge(id, s.d.Now()); msg != "" {
		return render(c, fiber.StatusOK, views.IDPreview("", "", msg))
	}
	return render(c, fiber.StatusOK, views.IDPreview(birthCN(id.Birth), string(id.Gender), ""))
}
