package handlers

import (
	"errors"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// page builds the common part of every page for this request; it consumes the flash.
func (s *Server) page(c *fiber.Ctx, title string) views.Page {
	p := views.Page{Title: title, Assets: s.views, Demo: s.d.Demo, Support: s.d.Support, User: currentUser(c)}
	p.CSRF, _ = c.Locals(kCSRF).(string)
	if ss, ok := c.Locals("sess").(interface {
		Get(string) interface{}
		Delete(string)
	}); ok {
		if f, _ := ss.Get(kFlash).(string); f != "" {
			p.Flash = f
			ss.Delete(kFlash)
		}
		if f, _ := ss.Get(kAlert).(string); f != "" {
			p.Alert = f
			ss.Delete(kAlert)
		}
	}
	return p
}

func render(c *fiber.Ctx, status int, comp templ.Component) error {
	c.Status(status)
	if c.Method() != fiber.MethodGet && c.Get("HX-Request") == "true" {
		// A page answering a POST (errors, a form shown again) keeps the address bar as
		// it was, so reloading never re-requests a POST-only URL.
		c.Set("HX-Push-Url", "false")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return comp.Render(c.UserContext(), c.Response().BodyWriter())
}

func flash(c *fiber.Ctx, msg string) { sess(c).Set(kFlash, msg) }

// alert is a flash for the next page that reports a problem (shown as an error).
func alert(c *fiber.Ctx, msg string) { sess(c).Set(kAlert, msg) }

// formOf copies the named form values; Immutable makes them safe to keep.
func formOf(c *fiber.Ctx, names ...string) views.Form {
	f := views.Form{Values: make(map[string]string, len(names)), Errors: domain.FieldErrors{}}
	for _, n := range names {
		f.Values[n] = c.FormValue(n)
	}
	return f
}

// withErrors puts validation errors into a form; it reports false for other errors.
func withErrors(f *views.Form, err error) bool {
	var fe domain.FieldErrors
	if errors.As(err, &fe) {
		for k, v := range fe {
			f.Errors[k] = v
		}
		return true
	}
	return false
}

func identity(u domain.User) views.Identity {
	birth, gender := u.Birth()
	return views.Identity{Name: u.Name, MaskedID: domain.MaskID(u.IDNumber), Birth: birthCN(birth),
		Gender: string(gender), Mobile: domain.MaskMobile(u.Mobile), Email: u.Email, EmailConfirmed: u.EmailConfirmed}
}

func birthCN(t interface{ Format(string) string }) string { return t.Format("2006年1月2日") }

func educationOptions() []views.Option {
	var out []views.Option
	for _, e := range domain.Educations() {
		out = append(out, views.Option{Value: e, Label: e})
	}
	return out
}

// profileFields returns the profile fields with the education choices filled in.
func profileFields() []views.Field {
	fs := append([]views.Field(nil), views.ProfileFields...)
	fs[0].Options = educationOptions()
	return fs
}
