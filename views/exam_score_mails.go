package views

import (
	"strings"

	"sitepro/domain"
)

// ExamResultMessage tells the trainee their exam result once confirmed (成绩确认, kind
// NotifyExamResult) or corrected afterwards (成绩复核, NotifyExamCorrected): both
// subjects, the result, and what comes next, as the application reads when the mail is
// sent.
func ExamResultMessage(kind domain.NotificationKind, u domain.User, a domain.Application, origin string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	subject := "考试成绩：" + a.Number
	if kind == domain.NotifyExamCorrected {
		b.WriteString("您的新取证报名（编号 " + a.Number + "，" + postLabel(a.PostCode) + "）的考试成绩经复核已更正，请以下面的成绩为准。\n\n")
		subject = "考试成绩更正：" + a.Number
	} else {
		b.WriteString("您的新取证报名（编号 " + a.Number + "，" + postLabel(a.PostCode) + "）的考试成绩已确认。\n\n")
	}
	if sc := a.Scores; sc != nil {
		b.WriteString(domain.SubjectBasic + "：" + sc.Text(domain.SubjectBasic) + "\n")
		b.WriteString(domain.SubjectPractice + "：" + sc.Text(domain.SubjectPractice) + "\n")
		if r, ok := a.ConfirmedResult(); ok {
			b.WriteString("成绩：" + r.Label() + "\n")
		}
	}
	b.WriteString("\n" + a.NextStepText() + "\n")
	b.WriteString("查看报名记录：" + origin + "/apply/" + a.ID + "\n\n")
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: u.Email, Subject: subject, Body: b.String(), Kind: string(kind)}
}
