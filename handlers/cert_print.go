package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/qr"
	"sitepro/views"
)

// certPrintOwn is the holder's printable certificate; someone else's is not found.
func (s *Server) certPrintOwn(c *fiber.Ctx) error {
	u := currentUser(c)
	cert, err := s.d.Store.CertificateOf(u.ID, c.Params("id"))
	if domain.CodeOf(err) == domain.CodeNotFound {
		return certNotFound
	}
	if err != nil {
		return err
	}
	return s.renderCertPrint(c, cert, *u, "/certificates/"+cert.ID)
}

// certPrintAdmin is the same print-out for the admin.
func (s *Server) certPrintAdmin(c *fiber.Ctx) error {
	ca, err := s.d.Store.AdminCertificate(*currentUser(c), c.Params("id"))
	if domain.CodeOf(err) == domain.CodeNotFound {
		return adminCertNotFound
	}
	if err != nil {
		return err
	}
	return s.renderCertPrint(c, ca.Cert, ca.Holder, "/admin/certificates/"+ca.Cert.ID)
}

// renderCertPrint fills the print-out with the facts the public check shows (the status
// with continuing education taken into account) and the holder's photo.
func (s *Server) renderCertPrint(c *fiber.Ctx, cert domain.Certificate, holder domain.User, back string) error {
	now := s.d.Now()
	comp, err := s.d.Store.CertificateCompliance(cert, now)
	if err != nil {
		return err
	}
	_, gender := holder.Birth()
	d := views.CertPrint{Cert: views.WithCompliance(views.NewCertView(cert, now), comp), Name: orUnknown(holder.Name),
		Gender: string(gender), MaskedID: domain.MaskID(holder.IDNumber), Back: back,
		VerifyURL: s.d.Origin + "/v/" + url.PathEscape(cert.VerifyToken)}
	if holder.ID != "" {
		photo, err := s.d.Store.PhotoOf(holder.ID)
		if err != nil {
			return err
		}
		if photo.ID != "" {
			d.PhotoURL = "/photos/" + url.PathEscape(photo.ID)
		}
	}
	if d.QR, err = qr.Matrix(d.VerifyURL); err != nil {
		return err
	}
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return render(c, fiber.StatusOK, views.PrintCertificate(s.page(c, "证书-"+cert.Number), d))
}
