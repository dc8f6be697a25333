package views

import (
	"strings"

	"sitepro/domain"
)

// CertIssuedMessage tells the holder that their certificate was issued, with the facts
// the 证书信息 page shows and the link to it.
func CertIssuedMessage(u domain.User, c domain.Certificate, origin string) domain.Message {
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("您的证书已发放。\n")
	b.WriteString("证书编号：" + c.Number + "\n岗位（专业）：" + postLabel(c.PostCode) + "\n发证单位：" + c.Issuer + "\n")
	b.WriteString("发证日期：" + dateCN(c.IssuedOn) + "\n有效期：" + c.Validity() + "\n状态：" + c.Status.Label() + "\n\n")
	b.WriteString("证书和它的查验二维码在“证书信息”中，可以打印或另存为PDF：" + origin + "/certificates/" + c.ID + "\n")
	b.WriteString("证书长期有效的前提是按规定参加继续教育：从发证次年起，每年完成规定学时。\n\n" + mailFooter)
	return domain.Message{To: u.Email, Subject: "证书已发放：" + c.Number, Body: b.String(), Kind: string(domain.NotifyCertIssued)}
}

// CertWithdrawnMessage tells the holder that their certificate was cancelled (注销) or
// revoked (撤销), why, and what it means.
func CertWithdrawnMessage(u domain.User, c domain.Certificate, origin string) domain.Message {
	verb := c.Status.Label()
	var b strings.Builder
	b.WriteString(u.Name + "，您好：\n\n")
	b.WriteString("您的证书（编号 " + c.Number + "，" + postLabel(c.PostCode) + "）已" + verb + "。\n")
	if w := c.Withdrawal; w != nil {
		b.WriteString(verb + "日期：" + dayCN(w.At) + "\n" + verb + "原因：" + w.Reason + "\n")
	}
	b.WriteString("\n从现在起，这张证书不再有效：扫描证书二维码或在证书查验页面查询，都会显示“" + verb + "”；" +
		"它不能再用于报名继续教育，正在进行的继续教育也随之停止。\n")
	b.WriteString("查看证书：" + origin + "/certificates/" + c.ID + "\n")
	b.WriteString("如有疑问，请联系发证单位（" + c.Issuer + "）。\n\n" + mailFooter)
	return domain.Message{To: u.Email, Subject: "证书已" + verb + "：" + c.Number, Body: b.String(), Kind: string(domain.NotifyCertWithdrawn)}
}
