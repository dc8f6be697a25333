package handlers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

// 证书发放, 注销, 撤销 (issue 13): the admin's certificate pages and the holder's print-out.
// Each handler parses, calls one store use case and renders.

// certRoutes are the certificate routes of this file and cert_print.go. The fixed paths
// come before /admin/certificates/:id; a fixed page of another feature under
// /admin/certificates/ (历史证书导入) works before or after this list, because
// certAdminPage passes on what is not a certificate ID.
func (s *Server) certRoutes() []Route {
	get, post := fiber.MethodGet, fiber.MethodPost
	return []Route{
		{get, "/certificates/:id/print", Trainee, s.certPrintOwn},
		{get, "/admin/certificates", Admin, s.certLookup},
		{get, "/admin/certificates/issue", Admin, s.certIssuePage},
		{post, "/admin/certificates/issue", Admin, s.certIssueAll},
		{post, "/admin/certificates/issue/:id", Admin, s.certIssueOne},
		{get, "/admin/certificates/:id", Admin, s.certAdminPage},
		{post, "/admin/certificates/:id/withdraw", Admin, s.certWithdraw},
		{get, "/admin/certificates/:id/print", Admin, s.certPrintAdmin},
	}
}

// issueFilter reads the list's filter (query or form), keeping only an existing agency
// and a known post, so a stale link shows everything rather than nothing.
func (s *Server) issueFilter(agency, post, exam string, ags []domain.Agency) (store.IssueFilter, views.Form) {
	f := store.IssueFilter{}
	if exam != "" {
		if sess, err := s.d.Store.ExamSession(exam); err == nil {
			f.SessionID = sess.ID
		}
	}
	for _, ag := range ags {
		if ag.ID == agency {
			f.AgencyID = agency
		}
	}
	if _, ok := domain.PostByCode(post); ok {
		f.PostCode = post
	}
	return f, views.Form{Values: map[string]string{"agency": f.AgencyID, "post": f.PostCode, "exam": f.SessionID}, Errors: domain.FieldErrors{}}
}

// issueListURL is the list with a filter, where the issue actions return.
func issueListURL(f store.IssueFilter) string {
	q := url.Values{}
	if f.AgencyID != "" {
		q.Set("agency", f.AgencyID)
	}
	if f.PostCode != "" {
		q.Set("post", f.PostCode)
	}
	if f.SessionID != "" {
		q.Set("exam", f.SessionID)
	}
	if len(q) == 0 {
		return "/admin/certificates/issue"
	}
	return "/admin/certificates/issue?" + q.Encode()
}

func (s *Server) certIssuePage(c *fiber.Ctx) error {
	ags, err := s.d.Store.Agencies()
	if err != nil {
		return err
	}
	f, form := s.issueFilter(c.Query("agency"), c.Query("post"), c.Query("exam"), ags)
	f.Page, _ = strconv.Atoi(c.Query("page"))
	pg, err := s.d.Store.IssuableApplications(*currentUser(c), f)
	if err != nil {
		return err
	}
	m := views.IssueListModel{Filter: form, Total: pg.Total, Page: pg.Page, Pages: pg.Pages, Digest: pg.Digest}
	for _, ag := range ags {
		m.Agencies = append(m.Agencies, views.Option{Value: ag.ID, Label: ag.Name})
	}
	for _, p := range domain.DefaultPosts() {
		m.Posts = append(m.Posts, views.Option{Value: p.Code, Label: p.Label()})
	}
	exams, err := s.d.Store.ExamSessions()
	if err != nil {
		return err
	}
	for _, e := range exams {
		if e.State != domain.ExamArranging {
			m.Exams = append(m.Exams, views.Option{Value: e.ID, Label: e.Name + "（" + e.State.Label() + "）"})
		}
	}
	for _, r := range pg.Rows {
		m.Rows = append(m.Rows, views.IssueRowView{AppID: r.AppID, Number: r.Number, Name: r.Name, Post: views.PostLabel(r.PostCode),
			Agency: r.AgencyName, PassedAt: r.PassedAt.In(chinaTZ).Format("2006-01-02 15:04")})
	}
	return render(c, fiber.StatusOK, views.AdminCertIssue(s.page(c, "证书发放"), m))
}

// certIssueOne issues the certificate of one application; a refusal (not passed,
// already issued) is shown on the list.
func (s *Server) certIssueOne(c *fiber.Ctx) error {
	ags, err := s.d.Store.Agencies()
	if err != nil {
		return err
	}
	f, _ := s.issueFilter(c.FormValue("agency"), c.FormValue("post"), c.FormValue("exam"), ags)
	a, cert, err := s.d.Store.IssueCertificate(*currentUser(c), c.Params("id"), s.d.Now())
	switch {
	case domain.CodeOf(err) == domain.CodeConflict:
		alert(c, domain.MessageOf(err))
	case err != nil:
		return err
	default:
		s.kickMail()
		flash(c, "已发证：报名 "+a.Number+"，证书编号 "+cert.Number+"。学员会收到邮件通知。")
	}
	return redirect(c, issueListURL(f))
}

// certIssueAll issues a certificate to every application of the filtered list the admin
// saw (its count travels with the form).
func (s *Server) certIssueAll(c *fiber.Ctx) error {
	ags, err := s.d.Store.Agencies()
	if err != nil {
		return err
	}
	f, _ := s.issueFilter(c.FormValue("agency"), c.FormValue("post"), c.FormValue("exam"), ags)
	expect, err := strconv.Atoi(c.FormValue("expect"))
	digest := c.FormValue("digest")
	if err != nil || expect < 0 || digest == "" {
		return domain.Err(domain.CodeInvalid, "请从证书发放页面提交发证操作")
	}
	rep, err := s.d.Store.IssueCertificates(*currentUser(c), f, expect, digest, s.d.Now())
	if domain.CodeOf(err) == domain.CodeConflict && rep.Issued == 0 {
		alert(c, domain.MessageOf(err))
		return redirect(c, issueListURL(f))
	}
	if rep.Issued > 0 {
		s.kickMail()
		flash(c, issueReport(rep))
	}
	if err != nil { // a batch failed after others were written: those stay issued
		alert(c, "发证中途出错，已发出的证书有效，其余的没有发证。请稍后在本页面重试。")
		s.d.Log.Error("issue certificates", "err", err, "issued", rep.Issued)
	}
	return redirect(c, issueListURL(f))
}

// issueReport is the flash after "issue all": how many, which numbers, and why any
// application was left out.
func issueReport(rep store.IssueReport) string {
	numbers := rep.First + " 至 " + rep.Last
	if rep.First == rep.Last {
		numbers = rep.First
	}
	msg := fmt.Sprintf("已发证 %d 张，证书编号 %s。学员会收到邮件通知。", rep.Issued, numbers)
	if n := len(rep.Skipped); n > 0 {
		shown := rep.Skipped[:min(n, 3)]
		msg += fmt.Sprintf("另有 %d 份报名没有发证（可能刚被其他管理员处理）：%s", n, strings.Join(shown, "；"))
		if n > len(shown) {
			msg += "……"
		}
	}
	return msg
}

// certLookup is 证书管理: find a certificate by its number (a certificate number is not
// personal data, so it may travel in the query).
func (s *Server) certLookup(c *fiber.Ctx) error {
	number := domain.NormalizeCertNumber(c.Query("number"))
	m := views.CertLookupModel{Form: views.Form{Values: map[string]string{"number": c.Query("number")}, Errors: domain.FieldErrors{}}}
	if c.Query("number") == "" {
		return render(c, fiber.StatusOK, views.AdminCertLookup(s.page(c, "证书管理"), m))
	}
	cert, err := s.d.Store.CertificateByNumber(number)
	if domain.CodeOf(err) == domain.CodeNotFound || number == "" {
		m.Message = "没有找到编号为“" + number + "”的证书。请对照证书核对编号（新版证书编号为以41开头的15位数字）。"
		return render(c, fiber.StatusNotFound, views.AdminCertLookup(s.page(c, "证书管理"), m))
	}
	if err != nil {
		return err
	}
	return redirect(c, "/admin/certificates/"+cert.ID)
}

var adminCertNotFound = domain.Err(domain.CodeNotFound, "没有找到这张证书。请在“证书管理”中按证书编号查找。")

// certAdminPage is one certificate for the admin. A last segment that cannot be a
// certificate ID (a fixed page such as /admin/certificates/import registered after this
// route) is passed on to the next matching route, so the order of the routes table does
// not matter.
func (s *Server) certAdminPage(c *fiber.Ctx) error {
	if !isRecordID(c.Params("id")) {
		return c.Next()
	}
	return s.renderCertAdmin(c, fiber.StatusOK, views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}})
}

func (s *Server) renderCertAdmin(c *fiber.Ctx, status int, f views.Form) error {
	ca, err := s.d.Store.AdminCertificate(*currentUser(c), c.Params("id"))
	if domain.CodeOf(err) == domain.CodeNotFound {
		return adminCertNotFound
	}
	if err != nil {
		return err
	}
	comp, err := s.d.Store.CertificateCompliance(ca.Cert, s.d.Now())
	if err != nil {
		return err
	}
	m := views.CertAdminModel{Cert: views.WithCompliance(views.NewCertView(ca.Cert, s.d.Now()), comp), Withdrawal: ca.Cert.Withdrawal,
		HolderName: orUnknown(ca.Holder.Name), MaskedID: domain.MaskID(ca.Holder.IDNumber), Form: f}
	return render(c, status, views.AdminCertificate(s.page(c, "证书 "+ca.Cert.Number), m))
}

func orUnknown(s string) string {
	if s == "" {
		return "（未关联账号）"
	}
	return s
}

// certWithdraw cancels or revokes a certificate; a missing reason keeps what was typed, a
// second decision is shown on the certificate's page with the first one.
func (s *Server) certWithdraw(c *fiber.Ctx) error {
	f := formOf(c, "kind", "reason")
	w, err := domain.CertWithdrawalInput{Kind: f.V("kind"), Reason: f.V("reason")}.Validate()
	if withErrors(&f, err) {
		return s.renderCertAdmin(c, fiber.StatusUnprocessableEntity, f)
	}
	cert, err := s.d.Store.WithdrawCertificate(*currentUser(c), c.Params("id"), w, s.d.Now())
	switch {
	case domain.CodeOf(err) == domain.CodeNotFound:
		return adminCertNotFound
	case domain.CodeOf(err) == domain.CodeConflict:
		alert(c, domain.MessageOf(err))
		return redirect(c, "/admin/certificates/"+url.PathEscape(c.Params("id")))
	case err != nil:
		return err
	}
	s.kickMail()
	flash(c, "证书 "+cert.Number+" 已"+cert.Status.Label()+"。公开查验页面已显示新状态，持证人会收到邮件通知。")
	return redirect(c, "/admin/certificates/"+cert.ID)
}

// isRecordID reports whether s has the shape of the store's random IDs (32 lower-case hex
// digits).
func isRecordID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}
