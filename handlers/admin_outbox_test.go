package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
	"sitepro/store"
)

// The outbox page must never show a live reset or confirmation link: an admin who could read
// one could take over the account within its lifetime (SECURITY.md 10). Viewing it is audited.
func TestOutboxShowsThatLinksWereSentNeverTheLinks(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王芳") // sends the e-mail confirmation link
	c := e.client()
	c.get("/forgot")
	must(t, c.post("/forgot", url.Values{"id_number": {idA}, "email": {"a@example.com"}}), 200)
	msgs, _ := e.messages(10)
	var secrets []string
	for _, m := range msgs {
		for _, f := range strings.Fields(m.Body) {
			if strings.HasPrefix(f, "http") {
				secrets = append(secrets, f[strings.LastIndex(f, "/")+1:])
			}
		}
	}
	if len(secrets) < 2 {
		t.Fatalf("want a confirmation and a reset link in the outbox, got %d links", len(secrets))
	}
	admin := e.staff(domain.RoleAdmin, "admin")
	r := admin.get("/admin/outbox")
	must(t, r, 200, "重置您的登录密码", "请确认您的邮箱", "出于安全不显示")
	for _, s := range append(secrets, "/reset/", "/confirm-email/") {
		if strings.Contains(r.body, s) {
			t.Errorf("outbox page shows %q", s)
		}
	}
	audit, _ := e.st.AuditLog(store.AuditFilter{Action: "查看发件箱"}, 10)
	if len(audit) != 1 || audit[0].ActorID == "" {
		t.Fatalf("outbox view not audited: %+v", audit)
	}
}
