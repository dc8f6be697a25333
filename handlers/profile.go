package handlers

import (
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

var profileNames = []string{"education", "school", "major", "graduation", "employer", "credit_code", "work_start", "address"}

func profileValues(p domain.Profile) map[string]string {
	in := domain.ProfileInputFrom(p)
	return map[string]string{"education": in.Education, "school": in.School, "major": in.Major,
		"graduation": in.Graduation, "employer": in.Employer, "credit_code": in.CreditCode,
		"work_start": in.WorkStart, "address": in.Address}
}

// saveProfileForm validates and stores the profile form of the signed-in trainee.
func (s *Server) saveProfileForm(c *fiber.Ctx) (*domain.User, views.Form, error) {
	u := currentUser(c)
	f := formOf(c, profileNames...)
	in := domain.ProfileInput{Education: f.V("education"), School: f.V("school"), Major: f.V("major"),
		Graduation: f.V("graduation"), Employer: f.V("employer"), CreditCode: f.V("credit_code"),
		WorkStart: f.V("work_start"), Address: f.V("address")}
	birth, _ := u.Birth()
	p, err := in.Validate(birth, s.d.Now())
	if err != nil {
		return u, f, err
	}
	_, err = s.d.Store.UpdateProfile(u.ID, p, s.d.Now())
	return u, f, err
}

func (s *Server) profilePage(c *fiber.Ctx) error {
	u := currentUser(c)
	f := views.Form{Values: profileValues(u.Profile)}
	return render(c, fiber.StatusOK, views.ProfilePage(s.page(c, "个人信息"), identity(*u), f, profileFields()))
}

func (s *Server) saveProfile(c *fiber.Ctx) error {
	u, f, err := s.saveProfileForm(c)
	if withErrors(&f, err) {
		return render(c, fiber.StatusUnprocessableEntity, views.ProfilePage(s.page(c, "个人信息"), identity(*u), f, profileFields()))
	}
	if err != nil {
		return err
	}
	flash(c, "个人信息已保存。")
	return redirect(c, "/profile")
}
