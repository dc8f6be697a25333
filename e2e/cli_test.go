package e2e

import (
	"context"
	"net/http/cookiejar"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCLI runs a subcommand of the server binary with stdin and returns its output.
func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(serverBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestAdminBootstrapBackupAndRestore exercises the operator commands end to end: the
// one-time admin bootstrap (no default accounts), an offline backup, a restore into a new
// directory (refused into a non-empty one), and a server on the restored data.
func TestAdminBootstrapBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if out, err := runCLI(t, "short\n", "create-admin", "-data", data, "-username", "Boss"); err == nil {
		t.Fatalf("a too-short admin password was accepted: %s", out)
	}
	out, err := runCLI(t, "a long admin passphrase\n", "create-admin", "-data", data, "-username", "Boss", "-name", "省厅管理员")
	if err != nil || !strings.Contains(out, "created") {
		t.Fatalf("create-admin: %v %s", err, out)
	}
	if out, err := runCLI(t, "another long passphrase\n", "create-admin", "-data", data, "-username", "boss"); err == nil {
		t.Fatalf("a second admin with the same username was created: %s", out)
	}
	backup := filepath.Join(dir, "sitepro.backup")
	if out, err := runCLI(t, "", "backup", "-data", data, "-o", backup); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	if out, err := runCLI(t, "", "restore", "-data", data, "-i", backup); err == nil {
		t.Fatalf("restore into a non-empty directory succeeded: %s", out)
	}
	restored := filepath.Join(dir, "restored")
	if out, err := runCLI(t, "", "restore", "-data", restored, "-i", backup); err != nil {
		t.Fatalf("restore: %v %s", err, out)
	}
	srv := startServer(t, serverOpts{Data: restored})
	jar, _ := cookiejar.New(nil)
	c := newHTTPClient(nil)
	c.Jar = jar
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ok, err := loginHTTP(ctx, c, srv.URL, "boss", "a long admin passphrase")
	if err != nil || !ok {
		t.Fatalf("admin login on the restored data: %v %v", ok, err)
	}
	srv.stop(t)
}
