package handlers

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/export"
	"sitepro/store"
	"sitepro/views"
)

// decide runs one reviewer decision and reports the outcome: a conflict (someone else
// decided first, or the trainee deleted it) is shown with who decided it.
func (s *Server) decide(c *fiber.Ctx, d domain.Decision) error {
	u := currentUser(c)
	id := c.Params("id")
	a, err := s.d.Store.DecideApplication(*u, id, d, s.d.Now())
	var fe domain.FieldErrors
	if withFieldErrors(&fe, err) {
		f := formOf(c, "note", "reason")
		f.Errors = fe
		return s.renderReviewDetail(c, fiber.StatusUnprocessableEntity, f)
	}
	if domain.CodeOf(err) == domain.CodeConflict {
		alert(c, domain.MessageOf(err)+"（"+s.lastActor(c, id)+"）")
		return redirect(c, "/review/apps/"+id)
	}
	if err != nil {
		return err
	}
	s.kickMail()
	flash(c, decisionDone(d.Kind, a.Number))
	return redirect(c, "/review")
}

// decisionDone says what a reviewer's decision did, with the reference number, in the
// words of the resulting status (已确认 is not 已完成, which means 学时已达标).
func decisionDone(k domain.DecisionKind, number string) string {
	switch k {
	case domain.AppConfirmDecision:
		return "已确认报名 " + number + "，学员会收到邮件通知。"
	case domain.AppReturnDecision:
		return "已退回报名 " + number + "，学员会收到通知，修改后可以重新提交。"
	case domain.AppRejectDecision:
		return "已不予确认报名 " + number + "，学员会收到通知。"
	case domain.EnrolConfirmDecision:
		return "已确认继续教育报名 " + number + "，现在可以为其记录学时；学员会收到邮件通知。"
	case domain.EnrolReturnDecision:
		return "已退回继续教育报名 " + number + "，学员会收到通知，修改后可以重新提交。"
	}
	return k.Label() + " " + number + "：已办理，学员会收到邮件通知。"
}

// lastActor names who last changed an application, for conflict messages.
func (s *Server) lastActor(c *fiber.Ctx, id string) string {
	a, _, _, err := s.d.Store.ReviewApplication(*currentUser(c), id)
	if err != nil || len(a.Timeline) == 0 {
		return "该报名已被删除或已处理"
	}
	e := a.Timeline[len(a.Timeline)-1]
	return e.Actor + " 于 " + e.At.In(chinaTZ).Format("01-02 15:04") + " " + e.What
}

func (s *Server) confirmApp(c *fiber.Ctx) error {
	return s.decide(c, domain.Decision{Kind: domain.AppConfirmDecision})
}

func (s *Server) returnApp(c *fiber.Ctx) error {
	return s.decide(c, domain.Decision{Kind: domain.AppReturnDecision, Reasons: formList(c, "reasons"), Note: c.FormValue("note")})
}

func (s *Server) rejectApp(c *fiber.Ctx) error {
	return s.decide(c, domain.Decision{Kind: domain.AppRejectDecision, Reason: c.FormValue("reason")})
}

// formList returns every value of a repeated form field.
func formList(c *fiber.Ctx, name string) []string {
	var out []string
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == name && len(v) > 0 {
			out = append(out, string(v))
		}
	})
	return out
}

// bulkConfirm confirms every selected application; items someone else decided first are
// reported, not overwritten.
func (s *Server) bulkConfirm(c *fiber.Ctx) error {
	u := currentUser(c)
	now := s.d.Now()
	ok, skipped := 0, 0
	for _, id := range formList(c, "ids") {
		_, err := s.d.Store.DecideApplication(*u, id, domain.Decision{Kind: domain.AppConfirmDecision}, now)
		switch code := domain.CodeOf(err); {
		case err == nil:
			ok++
		case code == domain.CodeConflict || code == domain.CodeNotFound:
			skipped++ // decided by someone else, or deleted: nothing to do
		default:
			// Anything else (storage low, an internal failure) is not "已被他人处理": the
			// error page says what happened, and the queue says what was done before it.
			s.kickMail()
			flash(c, bulkConfirmMessage(ok, skipped)+"其余报名没有处理。")
			return err
		}
	}
	s.kickMail()
	flash(c, bulkConfirmMessage(ok, skipped))
	return redirect(c, "/review")
}

// bulkConfirmMessage reports a bulk confirmation to the reviewer.
func bulkConfirmMessage(ok, skipped int) string {
	msg := fmt.Sprintf("已确认 %d 份报名。", ok)
	if skipped > 0 {
		msg += fmt.Sprintf("%d 份已被他人处理或已删除，未作改动。", skipped)
	}
	return msg
}

func (s *Server) decidePhoto(c *fiber.Ctx, confirm bool) error {
	u := currentUser(c)
	d := domain.Decision{Kind: domain.PhotoConfirmDecision}
	if !confirm {
		d = domain.Decision{Kind: domain.PhotoReturnDecision, Reason: c.FormValue("reason")}
	}
	_, err := s.d.Store.DecidePhoto(*u, c.Params("uid"), d, s.d.Now())
	var fe domain.FieldErrors
	switch {
	case withFieldErrors(&fe, err):
		alert(c, "照片没有退回："+fe["reason"])
	case domain.CodeOf(err) == domain.CodeConflict:
		alert(c, domain.MessageOf(err))
	case err != nil:
		return err
	default:
		s.kickMail()
		what := "已确认"
		if !confirm {
			what = "已退回"
		}
		flash(c, "照片"+what+"，学员会收到邮件通知。")
	}
	return redirect(c, "/review/photos")
}

func (s *Server) confirmPhoto(c *fiber.Ctx) error { return s.decidePhoto(c, true) }
func (s *Server) returnPhoto(c *fiber.Ctx) error  { return s.decidePhoto(c, false) }

// exportQueue writes the filtered queue (all pages) as CSV or Excel; the store reads the
// rows and audits the export in one transaction.
func (s *Server) exportQueue(c *fiber.Ctx) error {
	qf, _, _ := queueFilter(c)
	now := s.d.Now()
	rows, err := s.d.Store.ExportAppQueue(*currentUser(c), store.AppQueueExport{Filter: qf, At: now})
	if err != nil {
		return err
	}
	t := export.Table{Header: []string{"报名编号", "姓名", "岗位（专业）", "地市", "提交时间", "状态"}}
	for _, r := range rows {
		city, _ := domain.CityByCode(r.CityCode)
		t.Rows = append(t.Rows, []string{r.Number, r.Name, views.PostLabel(r.PostCode), city.Name,
			r.SubmittedAt.In(chinaTZ).Format("2006-01-02 15:04"), r.Status.Label()})
	}
	xlsx := strings.HasSuffix(c.Path(), ".xlsx")
	return sendTable(c, "sitepro-queue-"+now.In(chinaTZ).Format("20060102-1504"), "报名", xlsx, t)
}

// sendTable answers with t as an Excel workbook (one sheet) or a CSV file to download.
func sendTable(c *fiber.Ctx, name, sheet string, xlsx bool, t export.Table) error {
	if xlsx {
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.xlsx"`)
		return export.WriteXLSX(c.Response().BodyWriter(), sheet, t)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	return export.WriteCSV(c.Response().BodyWriter(), t)
}
