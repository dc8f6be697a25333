package views

import (
	"strings"
	"testing"
	"time"

	"sitepro/domain"
)

// The certificate mails render through RenderMail and say what the pages say: the number,
// the link to the certificate, and for a withdrawal the status, date and reason.
func TestCertificateMails(t *testing.T) {
	const origin = "https://sitepro.test"
	c := domain.Certificate{ID: "c1", Number: "412026111000001", PostCode: "111", Issuer: "河南省住房和城乡建设厅",
		IssuedOn: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), Status: domain.CertValid}
	f := domain.MailFacts{User: domain.User{Name: "张三", Email: "zs@example.com"}, Certificate: c}
	got, err := RenderMail(domain.Notification{Kind: domain.NotifyCertIssued, Subject: "c1"}, f, origin)
	if err != nil || got.Subject != "证书已发放：412026111000001" || got.To != "zs@example.com" || got.Kind != "certificate_issued" {
		t.Fatalf("%+v %v", got, err)
	}
	for _, s := range []string{"您的证书已发放", "证书编号：412026111000001", "发证单位：河南省住房和城乡建设厅", "发证日期：2026年12月4日",
		"有效期：长期有效", origin + "/certificates/c1"} {
		if !strings.Contains(got.Body, s) {
			t.Errorf("issued mail lacks %q:\n%s", s, got.Body)
		}
	}
	f.Certificate, _ = c.Withdraw(domain.CertWithdrawal{Status: domain.CertRevoked, Reason: "个人承诺不实"}, "管理员",
		time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC))
	got, err = RenderMail(domain.Notification{Kind: domain.NotifyCertWithdrawn, Subject: "c1"}, f, origin)
	if err != nil || got.Subject != "证书已撤销：412026111000001" || got.Kind != "certificate_withdrawn" {
		t.Fatalf("%+v %v", got, err)
	}
	for _, s := range []string{"已撤销。", "撤销日期：2026年12月5日", "撤销原因：个人承诺不实", "不能再用于报名继续教育", origin + "/certificates/c1"} {
		if !strings.Contains(got.Body, s) {
			t.Errorf("withdrawn mail lacks %q:\n%s", s, got.Body)
		}
	}
}
