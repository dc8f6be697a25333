package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
)

// TestAuditFilterByCodeAndLegacyLabel: the audit log's action filter is a select of the
// actions (labels shown, codes sent); a bookmarked URL from before actions were typed,
// with the Chinese label, filters the same and shows that action selected.
func TestAuditFilterByCodeAndLegacyLabel(t *testing.T) {
	e := newEnv(t)
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/admin/backup"), 200)
	if r := admin.post("/admin/backup", url.Values{}); r.status != 200 {
		t.Fatalf("backup: %d", r.status)
	}
	row := func(a domain.AuditAction) string { return `<td data-label="操作">` + a.Label() + `</td>` }
	selected := `<option value="backup.download" selected>下载备份</option>`

	all := admin.get("/admin/audit")
	must(t, all, 200, row(domain.AuditLogin), row(domain.AuditBackupDownload), `<select id="f-action" name="action"`,
		`<option value="login">登录</option>`)
	if strings.Contains(all.body, selected) {
		t.Error("an action is selected without a filter")
	}
	for _, q := range []string{"backup.download", "下载备份"} {
		r := admin.get("/admin/audit?action=" + url.QueryEscape(q))
		must(t, r, 200, row(domain.AuditBackupDownload), selected)
		if strings.Contains(r.body, row(domain.AuditLogin)) {
			t.Errorf("filter %q shows the login", q)
		}
	}
	r := admin.get("/admin/audit?action=login&actor=" + url.QueryEscape("admin"))
	must(t, r, 200, row(domain.AuditLogin))
	if strings.Contains(r.body, row(domain.AuditBackupDownload)) {
		t.Error("filter login shows the backup")
	}
	if r := admin.get("/admin/audit?action=login&actor=nobody"); strings.Contains(r.body, row(domain.AuditLogin)) {
		t.Error("the actor filter is ignored")
	}
}
