package handlers

import (
	"bytes"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sitepro/domain"
	"sitepro/seal"
	"sitepro/store"
)

// An online backup is sealed to the backup recipients: the download holds no ID number in
// clear, and the identity file opens it into a store that has the data.
func TestOnlineBackupIsSealedToTheRecipients(t *testing.T) {
	id, rcpt, err := seal.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := seal.New(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvAt(t, "https://sitepro.test", func(d *Deps) { d.Backups, d.EncryptedAtRest = sealer, true })
	e.registered(idA, "王芳")
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/admin/backup"), 200, `data-testid="backup-sealed"`)
	r := admin.post("/admin/backup", url.Values{})
	if r.status != 200 || !strings.HasSuffix(r.header.Get("Content-Disposition"), `.backup.age"`) {
		t.Fatalf("download: %d %q", r.status, r.header.Get("Content-Disposition"))
	}
	if strings.Contains(r.body, idA) || !strings.HasPrefix(r.body, "age-encryption.org/v1") {
		t.Fatal("the backup left the server in plain text")
	}
	idFile := filepath.Join(t.TempDir(), "restore.key")
	if err := os.WriteFile(idFile, []byte(id), 0o600); err != nil {
		t.Fatal(err)
	}
	plain, err := seal.Open(bytes.NewReader([]byte(r.body)), idFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "restored")
	if err := store.Restore(dir, plain, store.Options{}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UserByLogin(idA, true); err != nil {
		t.Fatalf("restored store lacks the trainee: %v", err)
	}
	audit, _ := e.st.AuditLog(store.AuditFilter{Action: "下载备份"}, 5)
	if len(audit) != 1 || audit[0].Detail != "已加密（age）" {
		t.Fatalf("audit: %+v", audit)
	}
}

// A store encrypted at rest never leaves the server in plain text: without recipients the
// page says why and the download is refused.
func TestPlainBackupOfAnEncryptedStoreIsRefused(t *testing.T) {
	e := newEnvAt(t, "https://sitepro.test", func(d *Deps) { d.EncryptedAtRest = true })
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/admin/backup"), 200, `data-testid="backup-refused"`)
	r := admin.post("/admin/backup", url.Values{})
	must(t, r, 409, "SITEPRO_BACKUP_RECIPIENT")
	if n, _ := io.Copy(io.Discard, strings.NewReader(r.body)); n > 20000 {
		t.Fatalf("refusal streamed %d bytes", n)
	}
}
