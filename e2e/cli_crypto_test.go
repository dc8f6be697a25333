package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeKey writes a new 256-bit key file as an operator would (openssl rand -hex 32).
func writeKey(t *testing.T, path string) {
	t.Helper()
	k := make([]byte, 32)
	rand.Read(k)
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// dirContains reports whether any file below dir holds needle in clear.
func dirContains(t *testing.T, dir string, needle []byte) bool {
	t.Helper()
	found := false
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			found = found || bytes.Contains(b, needle)
		}
		return nil
	})
	return found
}

// TestEncryptionAtRestSealedBackupsAndKeyRotation runs the operator's encryption story end
// to end on the built binary: a store created with SITEPRO_KEY_FILE keeps no personal data
// in clear on disk and does not open without its key; its backups are sealed to an age
// recipient (and refused without one); the identity restores them; rotate-key changes the
// key without a copy.
func TestEncryptionAtRestSealedBackupsAndKeyRotation(t *testing.T) {
	dir := t.TempDir()
	data, key, key2 := filepath.Join(dir, "data"), filepath.Join(dir, "store.key"), filepath.Join(dir, "store2.key")
	writeKey(t, key)
	writeKey(t, key2)
	srv := startServer(t, serverOpts{Data: data, Env: []string{"SITEPRO_KEY_FILE=" + key, "SITEPRO_DEMO=1"}})
	srv.stop(t)
	marker := []byte("410102199003071230") // the demo trainee's ID number
	if dirContains(t, data, marker) {
		t.Fatal("an ID number is stored in clear in an encrypted data directory")
	}
	if out, err := runCLI(t, "", "backup", "-data", data, "-o", filepath.Join(dir, "x")); err == nil || !strings.Contains(out, "加密密钥") {
		t.Fatalf("an encrypted store opened without its key: %v %s", err, out)
	}
	if out, err := runCLI(t, "", "backup", "-data", data, "-key-file", key, "-o", filepath.Join(dir, "plain")); err == nil {
		t.Fatalf("an encrypted store was backed up in plain text: %s", out)
	}
	idOut, err := runCLI(t, "", "backup-keygen")
	if err != nil {
		t.Fatal(err)
	}
	identity := filepath.Join(dir, "restore.key")
	os.WriteFile(identity, []byte(idOut), 0o600)
	recipient := strings.TrimSpace(idOut[strings.Index(idOut, "public key: ")+len("public key: ") : strings.Index(idOut, "\n")])
	backup := filepath.Join(dir, "sitepro.backup.age")
	if out, err := runCLI(t, "", "backup", "-data", data, "-key-file", key, "-recipient", recipient, "-o", backup); err != nil {
		t.Fatalf("sealed backup: %v %s", err, out)
	}
	if b, _ := os.ReadFile(backup); bytes.Contains(b, marker) || !bytes.HasPrefix(b, []byte("age-encryption.org/v1")) {
		t.Fatal("the backup is not encrypted")
	}
	if out, err := runCLI(t, "", "rotate-key", "-data", data, "-old-key-file", key, "-new-key-file", key2); err != nil {
		t.Fatalf("rotate-key: %v %s", err, out)
	}
	if out, err := runCLI(t, "", "backup", "-data", data, "-key-file", key, "-recipient", recipient, "-o", filepath.Join(dir, "old")); err == nil {
		t.Fatalf("the old key still opens the store after rotation: %s", out)
	}
	restored := filepath.Join(dir, "restored")
	if out, err := runCLI(t, "", "restore", "-data", restored, "-i", backup); err == nil {
		t.Fatalf("a sealed backup restored without the identity: %s", out)
	}
	if out, err := runCLI(t, "", "restore", "-data", restored, "-i", backup, "-identity", identity, "-key-file", key2); err != nil {
		t.Fatalf("restore: %v %s", err, out)
	}
	for _, d := range []struct{ data, key string }{{data, key2}, {restored, key2}} {
		srv := startServer(t, serverOpts{Data: d.data, Env: []string{"SITEPRO_KEY_FILE=" + d.key}})
		jar, _ := cookiejar.New(nil)
		c := newHTTPClient(nil)
		c.Jar = jar
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		ok, err := loginHTTP(ctx, c, srv.URL, "410102199003071230", "Demo-trainee-2026")
		cancel()
		if err != nil || !ok {
			t.Fatalf("trainee login on %s: %v %v", d.data, ok, err)
		}
		srv.stop(t)
	}
}
