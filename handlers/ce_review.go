package handlers

import (
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/export"
	"sitepro/store"
	"sitepro/views"
)

// 继续教育 for agency reviewers: the live queue of enrolments to confirm or return, the
// course catalog, and learning recorded one by one or imported all-or-nothing. The store
// scopes every call to the reviewer's own agency.

// ceFilter reads the queue filters from the query string.
func ceFilter(c *fiber.Ctx) (store.CEFilter, views.Form, string) {
	f := views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}
	q := url.Values{}
	for _, n := range []string{"status", "q"} {
		if v := c.Query(n); v != "" {
			f.Values[n] = v
			q.Set(n, v)
		}
	}
	return store.CEFilter{Status: f.V("status"), Query: f.V("q"), After: c.Query("after")}, f, q.Encode()
}

// ceCount returns the counts of all three queues for the console's tabs (review_tabs.go).
func (s *Server) ceCount(c *fiber.Ctx) views.QueueCounts {
	n, _ := s.queueCounts(*currentUser(c))
	return n
}

// ceQueue is the CE queue page, with its first page of rows (see ceRowsView).
func (s *Server) ceQueue(c *fiber.Ctx) error {
	u := currentUser(c)
	ag, err := s.d.Store.Agency(u.AgencyID)
	if err != nil {
		return err
	}
	_, f, q := ceFilter(c)
	m := views.CEReviewModel{Agency: ag, Form: f, Query: q, Count: s.ceCount(c)}
	if m.Rows, err = s.ceRowsView(c); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.CEReviewQueue(s.page(c, "继续教育"), m))
}

func (s *Server) ceRows(c *fiber.Ctx) error {
	comp, err := s.ceRowsView(c)
	if err != nil {
		return err
	}
	if c.Get("HX-Request") == "true" {
		return render(c, fiber.StatusOK, comp)
	}
	return render(c, fiber.StatusOK, views.CEWrap(s.page(c, "继续教育队列"), comp))
}

// ceRowsView is one page of the CE queue (filters and cursor from the query).
func (s *Server) ceRowsView(c *fiber.Ctx) (templ.Component, error) {
	cf, _, q := ceFilter(c)
	page, err := s.d.Store.CEQueue(*currentUser(c), cf)
	if err != nil {
		return nil, err
	}
	rows := make([]views.CERowView, len(page.Rows))
	for i, r := range page.Rows {
		rows[i] = views.CERowView{ID: r.EnrolID, Number: r.Number, Name: r.Name, CertNumber: r.CertNumber,
			Post: views.PostLabel(r.PostCode), Cycle: "第" + strconv.Itoa(r.CycleNo) + "周期", Status: r.Status.Label(),
			Submitted: r.SubmittedAt.In(chinaTZ).Format("2006-01-02 15:04"), Pending: r.Status == domain.EnrolPending}
	}
	more, pageURL := "/review/ce/rows?"+q, "/review/ce?"+q
	if page.Next != "" {
		more += "&after=" + page.Next
		pageURL += "&after=" + page.Next
	}
	return views.CERows(rows, page.Total, page.Next, more, pageURL), nil
}

// ceExport downloads the filtered CE queue (all pages) as CSV or Excel; the store reads
// the rows and audits the export in one transaction, like the application queue's export.
func (s *Server) ceExport(c *fiber.Ctx) error {
	cf, _, _ := ceFilter(c)
	now := s.d.Now()
	rows, err := s.d.Store.ExportCEQueue(*currentUser(c), store.CEQueueExport{Filter: cf, At: now})
	if err != nil {
		return err
	}
	t := export.Table{Header: []string{"报名编号", "姓名", "证书编号", "岗位（专业）", "学时周期", "提交时间", "状态"}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []string{r.Number, r.Name, r.CertNumber, views.PostLabel(r.PostCode),
			"第" + strconv.Itoa(r.CycleNo) + "周期", r.SubmittedAt.In(chinaTZ).Format("2006-01-02 15:04"), r.Status.Label()})
	}
	return sendTable(c, "sitepro-ce-queue-"+now.In(chinaTZ).Format("20060102-1504"), "继续教育报名", strings.HasSuffix(c.Path(), ".xlsx"), t)
}

func (s *Server) ceReviewDetail(c *fiber.Ctx) error {
	return s.renderCEReview(c, fiber.StatusOK, views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}})
}

func (s *Server) renderCEReview(c *fiber.Ctx, status int, f views.Form) error {
	u := currentUser(c)
	r, err := s.d.Store.ReviewEnrolment(*u, c.Params("id"))
	if err != nil {
		return err
	}
	m := views.CEReviewDetailModel{E: r.Enrolment, Trainee: r.Trainee, Cert: r.Certificate, Form: f,
		Progress: domain.Progress(r.Enrolment.Cycle, r.Records, r.Settings, s.d.Now())}
	if r.Enrolment.Status.Learning() {
		if m.Courses, err = s.d.Store.Courses(*u); err != nil {
			return err
		}
	}
	return render(c, status, views.CEReviewDetail(s.page(c, r.Enrolment.Number), m))
}

// ceDecide runs one reviewer decision; a conflict (someone else decided first, or the
// trainee deleted it) is reported on the page.
func (s *Server) ceDecide(c *fiber.Ctx, d domain.Decision) error {
	en, err := s.d.Store.DecideEnrolment(*currentUser(c), c.Params("id"), d, s.d.Now())
	var fe domain.FieldErrors
	switch {
	case withFieldErrors(&fe, err):
		f := formOf(c, "reason")
		f.Errors = fe
		return s.renderCEReview(c, fiber.StatusUnprocessableEntity, f)
	case domain.CodeOf(err) == domain.CodeConflict:
		flash(c, domain.MessageOf(err))
		return redirect(c, "/review/ce/"+c.Params("id"))
	case err != nil:
		return err
	}
	s.kickMail()
	flash(c, decisionDone(d.Kind, en.Number))
	return redirect(c, "/review/ce")
}

func (s *Server) ceConfirm(c *fiber.Ctx) error {
	return s.ceDecide(c, domain.Decision{Kind: domain.EnrolConfirmDecision})
}

func (s *Server) ceReturn(c *fiber.Ctx) error {
	return s.ceDecide(c, domain.Decision{Kind: domain.EnrolReturnDecision, Reason: c.FormValue("reason")})
}

// ceRecord records one completed course of the catalog for an enrolment.
func (s *Server) ceRecord(c *fiber.Ctx) error {
	u := currentUser(c)
	f := formOf(c, "course", "date")
	day, err := domain.ParseDate(f.V("date"), "完成日期")
	if err != nil {
		f.Errors["date"] = domain.MessageOf(err)
		return s.renderCEReview(c, fiber.StatusUnprocessableEntity, f)
	}
	e, err := s.d.Store.RecordLearning(*u, c.Params("id"), f.V("course"), day, s.d.Now())
	switch {
	case withErrors(&f, err):
		return s.renderCEReview(c, fiber.StatusUnprocessableEntity, f)
	case domain.CodeOf(err) == domain.CodeConflict:
		flash(c, domain.MessageOf(err))
		return redirect(c, "/review/ce/"+c.Params("id"))
	case err != nil:
		return err
	}
	msg := "学时已记录。"
	if e.Status == domain.EnrolCompleted {
		s.kickMail()
		msg = "学时已记录。本周期学时已达标，学员会收到邮件通知。"
	}
	flash(c, msg)
	return redirect(c, "/review/ce/"+e.ID)
}

// ceCourses is the agency's course catalog.
func (s *Server) ceCourses(c *fiber.Ctx) error {
	return s.renderCourses(c, fiber.StatusOK, views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}})
}

func (s *Server) renderCourses(c *fiber.Ctx, status int, f views.Form) error {
	cs, err := s.d.Store.Courses(*currentUser(c))
	if err != nil {
		return err
	}
	return render(c, status, views.CECourses(s.page(c, "课程目录"), s.ceCount(c), cs, f))
}

func (s *Server) addCourse(c *fiber.Ctx) error {
	f := formOf(c, "title", "category", "hours")
	_, err := s.d.Store.AddCourse(*currentUser(c), domain.CourseInput{Title: f.V("title"), Category: f.V("category"), Hours: f.V("hours")}, s.d.Now())
	if withErrors(&f, err) {
		return s.renderCourses(c, fiber.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	flash(c, "课程已添加。")
	return redirect(c, "/review/ce/courses")
}

func (s *Server) ceImportPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.CEImport(s.page(c, "导入学习记录"), s.ceCount(c), views.CEImportModel{}))
}

// maxImportFile bounds an uploaded import file; 1000 lines of four columns are far smaller.
const maxImportFile = 5 << 20

// ceImport reads an uploaded CSV or Excel file and imports it all or nothing, showing
// every line's error when there is any.
func (s *Server) ceImport(c *fiber.Ctx) error {
	u := currentUser(c)
	show := func(status int, m views.CEImportModel) error {
		m.Done = true
		return render(c, status, views.CEImport(s.page(c, "导入学习记录"), s.ceCount(c), m))
	}
	name, data, msg := readImportFile(c)
	if msg != "" {
		return show(fiber.StatusUnprocessableEntity, views.CEImportModel{Error: msg})
	}
	rows, err := export.ReadTable(name, data)
	if re, ok := err.(*export.ReadError); ok {
		return show(fiber.StatusUnprocessableEntity, views.CEImportModel{Error: re.Message})
	}
	if err != nil {
		return err
	}
	lines, perrs, err := domain.ParseImport(rows)
	if err != nil && domain.CodeOf(err) != domain.CodeInternal {
		return show(fiber.StatusUnprocessableEntity, views.CEImportModel{Error: domain.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	rep, err := s.d.Store.ImportLearning(*u, lines, perrs, s.d.Now())
	if err != nil {
		return err
	}
	m := views.CEImportModel{Lines: rep.Lines, Errors: rep.Errors, Added: rep.Added, Complete: rep.Completed}
	if len(rep.Errors) > 0 {
		return show(fiber.StatusUnprocessableEntity, m)
	}
	if len(rep.Completed) > 0 {
		s.kickMail()
	}
	return show(fiber.StatusOK, m)
}

// ceImportTemplate is an empty import file with the header row, as Excel or CSV.
func (s *Server) ceImportTemplate(c *fiber.Ctx) error {
	t := export.Table{Header: domain.ImportHeader}
	return sendTable(c, "学习记录导入模板", "学习记录", strings.HasSuffix(c.Path(), ".xlsx"), t)
}

// readImportFile returns the uploaded file's name and bytes, or what is wrong with it.
func readImportFile(c *fiber.Ctx) (string, []byte, string) { return readTableUpload(c, maxImportFile) }

// readTableUpload reads the uploaded file of field "file" of at most limit bytes (imports).
func readTableUpload(c *fiber.Ctx, limit int64) (string, []byte, string) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, "请选择要导入的 Excel（.xlsx）或 CSV 文件"
	}
	if fh.Size > limit {
		return "", nil, "文件太大（超过 " + strconv.FormatInt((limit+512<<10)>>20, 10) + " MB），请分成几个文件导入"
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, "没有收到完整的文件，请重新选择"
	}
	defer f.Close()
	buf := make([]byte, fh.Size)
	if _, err := io.ReadFull(f, buf); err != nil {
		return "", nil, "没有收到完整的文件，请重新选择"
	}
	return strings.TrimSpace(fh.Filename), buf, ""
}
