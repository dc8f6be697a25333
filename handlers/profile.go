package handlers

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

var profileNames = []string{"education", "school", "major", "graduation", "employer", "credit_code", "work_start", "address"}

func profileValues(p domain.Profile) map[string]string {
	in := domain.ProfileInputFrom(p)
	return map[string]string{"education": in.Education, "school": in.School, "major": in.Major,
		"graduation": in.Graduation, "employer": in.Employer, "credit_code": in.CreditCode,
		"work_start": in.WorkStart, "address": in.Address}
}

// saveProfileForm validates and stores the profile form of the signed-in trainee; with
// withMobile (the 个人信息 page) the mobile number is part of the form too.
func (s *Server) saveProfileForm(c *fiber.Ctx, withMobile bool) (*domain.User, views.Form, error) {
	u := currentUser(c)
	f := formOf(c, append([]string{"mobile"}, profileNames...)...)
	mobile, merr := domain.NormalizeMobile(f.V("mobile"))
	in := domain.ProfileInput{Education: f.V("education"), School: f.V("school"), Major: f.V("major"),
		Graduation: f.V("graduation"), Employer: f.V("employer"), CreditCode: f.V("credit_code"),
		WorkStart: f.V("work_start"), Address: f.V("address")}
	birth, _ := u.Birth()
	p, err := in.Validate(birth, s.d.Now())
	if withMobile && merr != nil {
		fe, _ := err.(domain.FieldErrors)
		if fe == nil {
			fe = domain.FieldErrors{}
		}
		fe.Add("mobile", domain.MessageOf(merr))
		err = fe
	}
	if err != nil {
		return u, f, err
	}
	upd := domain.ProfileUpdate{Profile: p}
	if withMobile {
		upd.Mobile = mobile
	}
	_, err = s.d.Store.SaveProfile(u.ID, upd, s.d.Now())
	return u, f, err
}

func (s *Server) profilePage(c *fiber.Ctx) error {
	u := currentUser(c)
	f := views.Form{Values: profileValues(u.Profile)}
	f.Values["mobile"] = u.Mobile
	return s.renderProfile(c, fiber.StatusOK, u, f)
}

func (s *Server) renderProfile(c *fiber.Ctx, status int, u *domain.User, f views.Form) error {
	ph, err := s.d.Store.PhotoOf(u.ID)
	if err != nil {
		return err
	}
	return render(c, status, views.ProfilePage(s.page(c, "个人信息"), identity(*u), f, profileFields(), ph))
}

func (s *Server) saveProfile(c *fiber.Ctx) error {
	u, f, err := s.saveProfileForm(c, true)
	if withErrors(&f, err) {
		return s.renderProfile(c, fiber.StatusUnprocessableEntity, u, f)
	}
	if err != nil {
		return err
	}
	flash(c, "个人信息已保存。")
	return redirect(c, "/profile")
}

func (s *Server) emailPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.EmailPage(s.page(c, "修改邮箱"), views.Form{}, currentUser(c).Email))
}

// changeEmail needs the current password; the new address must be confirmed again.
func (s *Server) changeEmail(c *fiber.Ctx) error {
	u := currentUser(c)
	f := formOf(c, "email", "password")
	acct := reauthKey(*u)
	if err := s.throttle.check(acct); err != nil {
		return err
	}
	email, err := domain.NormalizeEmail(f.V("email"))
	if err != nil {
		f.Errors.Add("email", domain.MessageOf(err))
	}
	ok, err := s.d.Hasher.Verify(c.UserContext(), f.V("password"), u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		s.throttle.Hit(acct, limitAccount)
		f.Errors.Add("password", "密码不正确")
	}
	if !f.HasErrors() {
		_, err = s.d.Store.ChangeEmail(u.ID, email, store.NewToken(), s.d.Now())
		if !withErrors(&f, err) && err != nil {
			return err
		}
	}
	if f.HasErrors() {
		return render(c, fiber.StatusUnprocessableEntity, views.EmailPage(s.page(c, "修改邮箱"), f, u.Email))
	}
	s.kickMail()
	flash(c, "邮箱已修改为 "+email+"。请打开我们发到新邮箱的邮件，完成确认。")
	return redirect(c, "/profile")
}

func (s *Server) myDataPage(c *fiber.Ctx) error {
	d, err := s.d.Store.PersonalDataOf(currentUser(c).ID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.MyData(s.page(c, "我的全部数据"), d.User, d.Photo, d.Certificates, d.Audit, s.d.Now()))
}

// myDataJSON is the machine-readable download of everything held about the trainee.
func (s *Server) myDataJSON(c *fiber.Ctx) error {
	d, err := s.d.Store.PersonalDataOf(currentUser(c).ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="sitepro-my-data.json"`)
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
}
