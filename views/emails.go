package views

import (
	"strings"

	"sitepro/domain"
)

// ConfirmEmailMessage is the mail sent after registration and on "resend".
func ConfirmEmailMessage(u domain.User, link string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("您已在河南省施工现场专业人员信息管理系统完成注册。请打开下面的链接确认您的电子邮箱（7天内有效）：\n\n")
	b.WriteString(link + "\n\n")
	b.WriteString("确认后，您可以用这个邮箱找回密码、接收报名和审核结果通知。\n")
	b.WriteString("如果这不是您本人的操作，请忽略本邮件。\n\n")
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: u.Email, Subject: "请确认您的邮箱", Body: b.String(), Kind: "confirm_email"}
}

// ResetMessage is the password-reset mail of 找回密码.
func ResetMessage(u domain.User, link string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("我们收到了重置您的登录密码的申请。请在30分钟内打开下面的链接设置新密码，链接只能使用一次：\n\n")
	b.WriteString(link + "\n\n")
	b.WriteString("设置新密码后，所有已登录的设备都会退出。\n")
	b.WriteString("如果这不是您本人的操作，请忽略本邮件，您的密码不会改变。\n\n")
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: u.Email, Subject: "重置您的登录密码", Body: b.String(), Kind: "password_reset"}
}

// EmailChangedMessage tells the old address that the account's e-mail was changed.
func EmailChangedMessage(old domain.User, newEmail string) domain.Message {
	var b strings.Builder
	b.WriteString(old.Name + "，您好：\n\n")
	b.WriteString("您在河南省施工现场专业人员信息管理系统的账号邮箱已修改为 " + newEmail + "。\n")
	b.WriteString("如果这不是您本人的操作，请立即修改密码并联系客服。\n\n")
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: old.Email, Subject: "您的账号邮箱已修改", Body: b.String(), Kind: "email_changed"}
}

// SubmittedMessage confirms a submitted application, worded as the records page shows it.
func SubmittedMessage(u domain.User, a domain.Application, ag domain.Agency) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("您的新取证报名已提交。\n")
	b.WriteString("报名编号：" + a.Number + "\n岗位（专业）：" + postLabel(a.PostCode) + "\n培训机构：" + ag.Name + "\n")
	b.WriteString("当前状态：" + a.Status.Label() + "\n\n" + a.NextStepText() + "\n\n")
	b.WriteString("培训机构联系电话：" + ag.Phone + "\n\n")
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: u.Email, Subject: "报名已提交：" + a.Number, Body: b.String(), Kind: "application_submitted"}
}

// DecisionMessage tells the trainee an agency's decision, worded as the records page.
// origin is the site's public address, for the link to the application.
func DecisionMessage(u domain.User, a domain.Application, ag domain.Agency, origin string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("您的新取证报名（编号 " + a.Number + "，" + postLabel(a.PostCode) + "）有了新的审核结果。\n")
	b.WriteString("当前状态：" + a.Status.Label() + "\n")
	if a.Status == domain.AppReturned {
		b.WriteString("退回原因：" + strings.Join(a.ReturnReasons, "；") + "\n")
		if a.ReturnNote != "" {
			b.WriteString("说明：" + a.ReturnNote + "\n")
		}
	}
	if r := a.Rejection(); r != "" {
		b.WriteString("原因：" + r + "\n")
	}
	b.WriteString("\n" + a.NextStepText() + "\n查看详情：" + origin + "/apply/" + a.ID + "\n\n培训机构：" + ag.Name + "，电话 " + ag.Phone + "\n\n")
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: u.Email, Subject: "报名审核结果：" + a.Status.Label(), Body: b.String(), Kind: "application_decision"}
}

// PhotoDecisionMessage tells the trainee the result of the photo review.
func PhotoDecisionMessage(u domain.User, p domain.Photo, origin string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("您上传的个人照片审核结果：" + p.StatusOrNone().Label() + "\n")
	if p.Reason != "" {
		b.WriteString("退回原因：" + p.Reason + "\n")
	}
	b.WriteString("\n" + p.NextStep() + "\n个人照片：" + origin + "/profile/photo\n\n")
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: u.Email, Subject: "照片审核结果：" + p.StatusOrNone().Label(), Body: b.String(), Kind: "photo_decision"}
}

// AgencySuspendedMessage tells a trainee that the agency of one of their records (what:
// 新取证报名 or 继续教育报名, with its number) was suspended, and what to do, worded as the
// record's page says it (domain.SuspendedAgencyAdvice). The agency's state is read when
// the mail is sent, so a mail sent after the agency was re-enabled says so.
func AgencySuspendedMessage(kind domain.NotificationKind, u domain.User, what, number string, ag domain.Agency, mustChoose bool, link string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	ref := what
	if number != "" {
		ref += "（编号 " + number + "）"
	}
	if !ag.Suspended {
		b.WriteString("您的" + ref + "所选的培训机构“" + ag.Name + "”曾暂停接受报名，现已恢复，您无需任何操作。\n\n")
	} else {
		b.WriteString("关于您的" + ref + "：\n" + domain.SuspendedAgencyAdvice(ag, mustChoose) + "\n\n")
	}
	b.WriteString("查看这份报名：" + link + "\n\n")
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: u.Email, Subject: "您选择的培训机构已暂停接受报名：" + ag.Name, Body: b.String(), Kind: string(kind)}
}
