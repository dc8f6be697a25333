package handlers

import (
	"fmt"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/qr"
	"sitepro/views"
)

// limitVerifyIP throttles public certificate checks per IP. Only lookups that find
// nothing count: an honest inspector scanning a whole site crew's QR codes from one
// (often carrier-shared) IP is never slowed down, while guessing numbers or names is.
var limitVerifyIP = Limit{Free: 30, MaxDelay: 15 * time.Minute}

// msgTokenUnknown is shown for a QR link that matches no certificate. It says nothing
// about why, like VerifyNone, and offers the lookup form instead.
const msgTokenUnknown = "未找到这个二维码或链接对应的证书记录。请确认扫描的是证书上的二维码、链接完整无误；也可以在下面按证书编号和姓名查询。"

var certNotFound = domain.Err(domain.CodeNotFound, "没有找到这张证书。请从“证书信息”列表中打开您的证书。")

// certificatesPage is 证书信息: every certificate of the signed-in trainee.
func (s *Server) certificatesPage(c *fiber.Ctx) error {
	u := currentUser(c)
	now := s.d.Now()
	certs, sts, err := s.d.Store.CertificatesWithStatus(u.ID, now) // continuing education decides 有效 / 未达标 / 失效
	if err != nil {
		return err
	}
	list := make([]views.CertView, 0, len(certs))
	for _, cert := range certs {
		list = append(list, views.WithCompliance(views.NewCertView(cert, now), sts[cert.ID]))
	}
	return render(c, fiber.StatusOK, views.CertificatesPage(s.page(c, "证书信息"), list))
}

// certificatePage shows one of the trainee's own certificates with the QR code of its
// public check. Someone else's certificate is "not found", never "forbidden", so that
// its existence is not confirmed.
func (s *Server) certificatePage(c *fiber.Ctx) error {
	u := currentUser(c)
	cert, err := s.d.Store.CertificateOf(u.ID, c.Params("id"))
	if domain.CodeOf(err) == domain.CodeNotFound {
		return certNotFound
	}
	if err != nil {
		return err
	}
	link := s.d.Origin + "/v/" + url.PathEscape(cert.VerifyToken)
	m, err := qr.Matrix(link)
	if err != nil {
		return err
	}
	comp, err := s.d.Store.CertificateCompliance(cert, s.d.Now())
	if err != nil {
		return err
	}
	d := views.CertDetail{Cert: views.WithCompliance(views.NewCertView(cert, s.d.Now()), comp), Holder: identity(*u), QR: m, VerifyURL: link,
		Withdrawal: cert.Withdrawal}
	return render(c, fiber.StatusOK, views.CertificatePage(s.page(c, "证书详情"), d))
}

// verifyPage is the public lookup form.
func (s *Server) verifyPage(c *fiber.Ctx) error {
	publicPage(c)
	return render(c, fiber.StatusOK, views.VerifyPage(s.page(c, "证书查验"), verifyForm(c, false), ""))
}

// verifyLookup checks a certificate by number and holder name. Every miss, whether the
// number is unknown or the name differs, gets the same answer and counts against the IP.
func (s *Server) verifyLookup(c *fiber.Ctx) error {
	publicPage(c)
	f := verifyForm(c, true)
	ip := throttleKey("verify-ip", c.IP())
	if msg := s.verifyWait(ip); msg != "" {
		return render(c, fiber.StatusTooManyRequests, views.VerifyPage(s.page(c, "证书查验"), f, msg))
	}
	q, err := domain.VerifyQueryInput{Number: f.V("number"), Name: f.V("name")}.Validate()
	if withErrors(&f, err) {
		return render(c, fiber.StatusUnprocessableEntity, views.VerifyPage(s.page(c, "证书查验"), f, ""))
	}
	cert, err := s.d.Store.CertificateByNumber(q.Number)
	var holder domain.User
	if err == nil {
		holder, err = s.d.Store.CertificateHolder(cert) // also an imported certificate whose holder has not registered
	}
	if err != nil && domain.CodeOf(err) != domain.CodeNotFound {
		return err
	}
	if err != nil || !q.Matches(cert, holder.Name) {
		s.throttle.Hit(ip, limitVerifyIP)
		return render(c, fiber.StatusNotFound, views.VerifyPage(s.page(c, "证书查验"), f, views.VerifyNone))
	}
	return s.renderVerified(c, cert, holder)
}

// verifyToken is the page a certificate's QR code opens.
func (s *Server) verifyToken(c *fiber.Ctx) error {
	publicPage(c)
	ip := throttleKey("verify-ip", c.IP())
	if msg := s.verifyWait(ip); msg != "" {
		return domain.Err(domain.CodeThrottled, msg)
	}
	cert, err := s.d.Store.CertificateByToken(c.Params("token"))
	var holder domain.User
	if err == nil {
		holder, err = s.d.Store.CertificateHolder(cert) // also an imported certificate whose holder has not registered
	}
	if domain.CodeOf(err) == domain.CodeNotFound {
		s.throttle.Hit(ip, limitVerifyIP)
		return render(c, fiber.StatusNotFound, views.VerifyPage(s.page(c, "证书查验"), verifyForm(c, false), msgTokenUnknown))
	}
	if err != nil {
		return err
	}
	return s.renderVerified(c, cert, holder)
}

// renderVerified shows the public answer for a certificate: masked name and ID number only.
func (s *Server) renderVerified(c *fiber.Ctx, cert domain.Certificate, holder domain.User) error {
	now := s.d.Now()
	comp, err := s.d.Store.CertificateCompliance(cert, now)
	if err != nil {
		return err
	}
	r := views.VerifyResult{Cert: views.WithCompliance(views.NewCertView(cert, now), comp), MaskedName: domain.MaskName(holder.Name),
		MaskedID: domain.MaskID(holder.IDNumber), CheckedAt: now}
	return render(c, fiber.StatusOK, views.VerifyResultPage(s.page(c, "证书查验结果"), r))
}

// verifyWait returns the message for an IP that has missed too often and must wait, or
// an empty string when it may check now.
func (s *Server) verifyWait(ip string) string {
	if wait := s.throttle.Wait(ip); wait > 0 {
		return fmt.Sprintf("查询过于频繁。为防止证书信息被批量查询，请 %s后再试。", waitCN(wait))
	}
	return ""
}

// publicPage marks a public verification response: never cached, never indexed.
func publicPage(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex, nofollow")
}

func verifyForm(c *fiber.Ctx, posted bool) views.Form {
	if posted {
		return formOf(c, "number", "name")
	}
	return views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}
}
