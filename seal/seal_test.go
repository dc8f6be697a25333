package seal

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealAndOpenRoundTrip(t *testing.T) {
	id, rcpt, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	plain := bytes.Repeat([]byte("410102199003071230 王建国 "), 1000)
	var sealed bytes.Buffer
	w, err := s.Seal(&sealed)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed.Bytes(), []byte("410102199003071230")) || !strings.HasPrefix(sealed.String(), header) {
		t.Fatal("sealed backup is not encrypted")
	}
	idFile := filepath.Join(t.TempDir(), "restore.key")
	os.WriteFile(idFile, []byte(id+"\n"), 0o600)
	r, err := Open(bytes.NewReader(sealed.Bytes()), idFile)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(r); !bytes.Equal(got, plain) {
		t.Fatal("round trip changed the backup")
	}
	if _, err := Open(bytes.NewReader(sealed.Bytes()), ""); err == nil {
		t.Fatal("a sealed backup opened without an identity")
	}
	other, _, _ := NewIdentity()
	os.WriteFile(idFile, []byte(other+"\n"), 0o600)
	if _, err := Open(bytes.NewReader(sealed.Bytes()), idFile); err == nil {
		t.Fatal("a sealed backup opened with the wrong identity")
	}
	// A plain backup from before encryption still restores.
	if r, err := Open(bytes.NewReader(plain), ""); err != nil {
		t.Fatal(err)
	} else if got, _ := io.ReadAll(r); !bytes.Equal(got, plain) {
		t.Fatal("plain backup changed")
	}
}

func TestNewRejectsBadRecipients(t *testing.T) {
	for _, s := range []string{"", " , ", "age1notakey", "ssh-ed25519 AAAA"} {
		if _, err := New(s); err == nil {
			t.Errorf("New(%q) accepted", s)
		}
	}
}
