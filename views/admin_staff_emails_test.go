package views

import (
	"strings"
	"testing"

	"sitepro/domain"
)

// TestStaffActivationMail: the activation notification renders with its template: the
// link from the configured origin and the raw token, the username, the agency of a
// reviewer, the validity, and never a password.
func TestStaffActivationMail(t *testing.T) {
	const origin = "https://sitepro.test"
	rev := domain.User{ID: "u1", Role: domain.RoleReviewer, Username: "zz-li", Name: "李审核", Email: "li@example.com", PasswordHash: "secret-hash"}
	f := domain.MailFacts{User: rev, Agency: domain.Agency{Name: "郑州建设培训中心"}}
	n := domain.Notification{Kind: domain.NotifyStaffActivation, UserID: "u1", Token: "raw-token-1"}
	m, err := RenderMail(n, f, origin)
	if err != nil || m != StaffActivationMessage(rev, f.Agency, origin+"/activate/raw-token-1") {
		t.Fatalf("%+v %v", m, err)
	}
	for _, want := range []string{"李审核，您好", "培训机构审核员账号（培训机构：郑州建设培训中心）", "用户名：zz-li", "72小时内",
		"https://sitepro.test/activate/raw-token-1", "只能使用一次", "管理员看不到您的密码"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}
	if m.To != "li@example.com" || m.Subject != "激活您的工作人员账号" || m.Kind != "staff_activation" || strings.Contains(m.Body, "secret-hash") {
		t.Errorf("message: %+v", m)
	}
	admin := domain.User{Role: domain.RoleAdmin, Username: "boss2", Name: "王管理", Email: "w@example.com"}
	if m := StaffActivationMessage(admin, domain.Agency{}, origin+"/activate/x"); strings.Contains(m.Body, "培训机构：") || !strings.Contains(m.Body, "管理员账号。") {
		t.Errorf("admin mail: %s", m.Body)
	}
}
