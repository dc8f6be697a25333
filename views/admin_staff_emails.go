package views

import (
	"strconv"
	"strings"

	"sitepro/domain"
)

// StaffActivationMessage is the mail of a new staff account (账号管理): who opened it,
// the username, and the one-time link on which the holder sets their own password.
// ag is the reviewer's agency (zero for an admin).
func StaffActivationMessage(u domain.User, ag domain.Agency, link string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("管理员已为您开通河南省施工现场专业人员信息管理系统的" + u.Role.Label() + "账号")
	if ag.Name != "" {
		b.WriteString("（培训机构：" + ag.Name + "）")
	}
	b.WriteString("。\n用户名：" + u.Username + "\n\n")
	b.WriteString("请在" + strconv.Itoa(int(domain.ActivationTTL.Hours())) + "小时内打开下面的链接，自己设置登录密码，激活账号。链接只能使用一次：\n\n")
	b.WriteString(link + "\n\n")
	b.WriteString("设置密码后，请用用户名和这个密码登录。管理员看不到您的密码。链接过期或失效时，请联系管理员重新发送激活邮件。\n")
	b.WriteString("如果您不知道这个账号，请忽略本邮件。\n\n")
	b.WriteString("河南省施工现场专业人员信息管理系统（本邮件由系统自动发送，请勿回复）\n")
	return domain.Message{To: u.Email, Subject: "激活您的工作人员账号", Body: b.String(), Kind: string(domain.NotifyStaffActivation)}
}
