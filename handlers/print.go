package handlers

import (
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/qr"
	"sitepro/views"
)

// printPage is a print-out of the signed-in trainee's own application: the form
// (报名表), the pledge (个人承诺书) or, once an exam is scheduled, the admission
// ticket (准考证). Someone else's application is not found.
func (s *Server) printPage(c *fiber.Ctx) error {
	a, err := s.app.own(c)
	if err != nil {
		return err
	}
	doc, ok := domain.ParsePrintOut(c.Params("doc"))
	if !ok {
		return fiber.ErrNotFound
	}
	if err := a.CanPrint(doc); err != nil {
		return render(c, fiber.StatusConflict, views.PrintUnavailable(s.page(c, "暂时不能打印"), "/apply/"+a.ID, domain.MessageOf(err)))
	}
	d, err := s.printDoc(*currentUser(c), a, doc != domain.PrintTicket)
	if err != nil {
		return err
	}
	c.Set("X-Robots-Tag", "noindex, nofollow")
	p := s.page(c, doc.Title()+"-"+a.Number)
	switch doc {
	case domain.PrintForm:
		return render(c, fiber.StatusOK, views.PrintForm(p, d))
	case domain.PrintPledge:
		return render(c, fiber.StatusOK, views.PrintPledge(p, d))
	}
	return render(c, fiber.StatusOK, views.PrintTicket(p, d, *a.Exam))
}

// printDoc gathers what a print-out shows besides the application. The full ID number
// is filled in only when fullID is set (the holder's own form and pledge).
func (s *Server) printDoc(u domain.User, a domain.Application, fullID bool) (views.PrintDoc, error) {
	birth, gender := u.Birth()
	d := views.PrintDoc{App: a, Name: u.Name, Gender: string(gender), Birth: birthCN(birth),
		MaskedID: domain.MaskID(u.IDNumber), VerifyURL: s.d.Origin + "/d/" + url.PathEscape(a.VerifyToken)}
	if fullID {
		d.FullID = u.IDNumber
	}
	if a.PledgeVersion != "" {
		// The text of the version signed, not the one in force today.
		t, found, err := s.d.Store.TextVersion(domain.TextPledge, a.PledgeVersion)
		if err != nil {
			return d, err
		}
		if found {
			d.Pledge = t.Paragraphs
		}
	}
	if ag := s.agencyByID(a.AgencyID); ag != nil {
		d.Agency = *ag
	}
	photo, err := s.d.Store.PhotoOf(u.ID)
	if err != nil {
		return d, err
	}
	if photo.ID != "" {
		d.PhotoURL = "/photos/" + url.PathEscape(photo.ID)
	}
	// The QR code (the 准考证's too) is the /d/<token> URL; 考场签到's scanner reads the
	// ticket from it through the token (handlers/exam_checkin.go).
	d.QR, err = qr.Matrix(d.VerifyURL)
	return d, err
}

// verifyDocument is the public page a print-out's QR code opens: the application's
// number, masked holder, post, agency, status and exam, never the full ID number or
// contact data. Like the certificate check, only misses count against the IP.
func (s *Server) verifyDocument(c *fiber.Ctx) error {
	publicPage(c)
	ip := throttleKey("verify-ip", c.IP())
	if wait := s.throttle.Wait(ip); wait > 0 {
		return domain.Err(domain.CodeThrottled, fmt.Sprintf("查询过于频繁。为防止报名信息被批量查询，请 %s后再试。", waitCN(wait)))
	}
	token := c.Params("token")
	var a domain.Application
	var holder domain.User
	var err error = domain.Err(domain.CodeNotFound, "")
	if len(token) <= 64 {
		a, holder, err = s.d.Store.ApplicationByToken(token)
	}
	if domain.CodeOf(err) == domain.CodeNotFound || (err == nil && a.Status == domain.AppDraft) {
		s.throttle.Hit(ip, limitVerifyIP)
		return render(c, fiber.StatusNotFound, views.DocVerifyUnknown(s.page(c, "报名材料查验")))
	}
	if err != nil {
		return err
	}
	v := views.DocVerify{Number: a.Number, MaskedName: domain.MaskName(holder.Name), MaskedID: domain.MaskID(holder.IDNumber),
		Post: views.PostLabel(a.PostCode), Status: a.Status, CheckedAt: s.d.Now()}
	if ag := s.agencyByID(a.AgencyID); ag != nil {
		v.Agency = ag.Name
	}
	if a.Exam != nil {
		v.TicketNumber, v.ExamDates, v.Venue = a.Exam.TicketNumber, views.ExamDates(*a.Exam), a.Exam.Venue
	}
	return render(c, fiber.StatusOK, views.DocVerifyPage(s.page(c, "报名材料查验结果"), v))
}
