package views

import (
	"strings"

	"sitepro/domain"
)

// ExamMessage tells the trainee their exam arrangement (考试批次 published, kind
// NotifyExamScheduled) or that it changed (NotifyExamChanged): the ticket as it reads
// when the mail is sent, and where to print it.
func ExamMessage(kind domain.NotificationKind, u domain.User, a domain.Application, origin string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	subject := "考试安排：" + a.Number
	if kind == domain.NotifyExamChanged {
		b.WriteString("您的新取证报名（编号 " + a.Number + "，" + postLabel(a.PostCode) + "）的考试安排有变更，请以下面的安排为准，并重新打印准考证。\n\n")
		subject = "考试安排变更：" + a.Number
	} else {
		b.WriteString("您的新取证报名（编号 " + a.Number + "，" + postLabel(a.PostCode) + "）已安排考试，准考证可以打印了。\n\n")
	}
	if e := a.Exam; e != nil {
		b.WriteString("准考证号：" + e.TicketNumber + "\n考点：" + e.Venue + "\n考场：" + e.Room + "，座位号：" + e.Seat + "\n")
		for _, s := range e.Subjects {
			b.WriteString(s.Name + "：" + examDay(s.Start) + " " + examTime(s) + "（北京时间）\n")
		}
	}
	b.WriteString("\n请打印准考证，考试当天带准考证和身份证原件，提前30分钟到达考点。\n")
	b.WriteString("打印准考证：" + origin + "/apply/" + a.ID + "/print/ticket\n\n")
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: u.Email, Subject: subject, Body: b.String(), Kind: string(kind)}
}

// ExamBlockedMessage tells a trainee that an exam session was published without them
// because their personal photo is not confirmed (the ticket carries it), and what to do;
// the photo's state is read when the mail is sent.
func ExamBlockedMessage(u domain.User, a domain.Application, ag domain.Agency, p domain.Photo, origin string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("您的新取证报名（编号 " + a.Number + "，" + postLabel(a.PostCode) + "）这次没有安排考试：准考证上要印您的个人照片，而您的个人照片还没有确认。\n\n")
	if why := domain.PhotoBlock(p.StatusOrNone()); why != "" {
		b.WriteString(why + "。\n")
		b.WriteString("个人照片：" + origin + "/profile/photo\n")
	} else {
		b.WriteString("您的个人照片现在已经确认。\n")
	}
	b.WriteString("照片确认后，主管部门会把您安排到以后的考试批次，届时会再发邮件通知您，您的报名不受影响。\n\n")
	if ag.Name != "" {
		b.WriteString("培训机构：" + ag.Name + "，电话 " + ag.Phone + "\n\n")
	}
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: u.Email, Subject: "本次考试未能安排：请先确认个人照片", Body: b.String(), Kind: string(domain.NotifyExamBlocked)}
}
