package views

import (
	"strings"

	"sitepro/domain"
)

const mailFooter = "河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n"

// CESubmittedMessage confirms a continuing-education enrolment, worded as the records page.
func CESubmittedMessage(u domain.User, e domain.Enrolment, ag domain.Agency) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("您的继续教育报名已提交。\n")
	b.WriteString("报名编号：" + e.Number + "\n证书编号：" + e.CertNumber + "\n岗位（专业）：" + postLabel(e.PostCode) + "\n")
	b.WriteString("学时周期：" + e.Cycle.Label() + "\n培训机构：" + ag.Name + "\n")
	b.WriteString("当前状态：" + e.Status.Label() + "\n\n" + e.NextStepText() + "\n\n")
	b.WriteString("培训机构联系电话：" + ag.Phone + "\n\n" + mailFooter)
	return domain.Message{To: u.Email, Subject: "继续教育报名已提交：" + e.Number, Body: b.String(), Kind: "ce_submitted"}
}

// CEDecisionMessage tells the trainee that the agency confirmed or returned the enrolment.
func CEDecisionMessage(u domain.User, e domain.Enrolment, ag domain.Agency, origin string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("您的继续教育报名（编号 " + e.Number + "，" + e.Cycle.Label() + "）有了新的审核结果。\n")
	b.WriteString("当前状态：" + e.Status.Label() + "\n")
	if e.Status == domain.EnrolReturned {
		b.WriteString("退回原因：" + e.ReturnReason + "\n")
	}
	b.WriteString("\n" + e.NextStepText() + "\n查看详情：" + origin + "/ce/" + e.ID + "\n\n培训机构：" + ag.Name + "，电话 " + ag.Phone + "\n\n" + mailFooter)
	return domain.Message{To: u.Email, Subject: "继续教育报名审核结果：" + e.Status.Label(), Body: b.String(), Kind: "ce_decision"}
}

// CECompletedMessage tells the trainee that the cycle reached the required hours.
func CECompletedMessage(u domain.User, e domain.Enrolment, p domain.CycleProgress, ag domain.Agency) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("您的证书 " + e.CertNumber + " 在" + e.Cycle.Label() + "的继续教育学时已达标。\n")
	b.WriteString("本周期共 " + p.Total.String() + " 学时，其中专业课 " + p.Professional.String() + " 学时。\n")
	b.WriteString("报名状态：" + e.Status.Label() + "\n\n可以在“继续教育 → 学习记录”中查看全部课程和学时。\n\n")
	b.WriteString("培训机构：" + ag.Name + "，电话 " + ag.Phone + "\n\n" + mailFooter)
	return domain.Message{To: u.Email, Subject: "继续教育学时已达标：" + e.Cycle.Label(), Body: b.String(), Kind: "ce_completed"}
}
