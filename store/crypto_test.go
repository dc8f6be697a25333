package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadKeyFileRules(t *testing.T) {
	dir := t.TempDir()
	good := strings.Repeat("ab", 32)
	cases := []struct {
		content string
		mode    os.FileMode
		ok      bool
	}{
		{good + "\n", 0o600, true},
		{"  " + good + "  ", 0o400, true},
		{good, 0o644, false},                     // readable by others
		{good[:62], 0o600, false},                // 31 bytes
		{strings.Repeat("zz", 32), 0o600, false}, // not hex
		{"", 0o600, false},
	}
	for i, c := range cases {
		p := filepath.Join(dir, "k"+string(rune('a'+i)))
		os.WriteFile(p, []byte(c.content), c.mode)
		os.Chmod(p, c.mode)
		k, err := ReadKeyFile(p)
		if (err == nil) != c.ok || (c.ok && len(k) != 32) {
			t.Errorf("case %d (%q, %v): key %d bytes, err %v", i, c.content, c.mode, len(k), err)
		}
	}
}

func TestEncryptedStoreNeedsItsKeyAndRotates(t *testing.T) {
	dir := t.TempDir()
	k1, k2 := []byte(strings.Repeat("1", 32)), []byte(strings.Repeat("2", 32))
	s, err := OpenWith(dir, nil, Options{EncryptionKey: k1})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, k := range [][]byte{nil, k2} {
		if s, err := OpenWith(dir, nil, Options{EncryptionKey: k}); err == nil {
			s.Close()
			t.Fatalf("opened with key %q", k)
		} else if !strings.Contains(err.Error(), "加密密钥") {
			t.Fatalf("unclear error: %v", err)
		}
	}
	if err := RotateKey(dir, nil, k2); err == nil {
		t.Fatal("rotation from no key accepted")
	}
	if err := RotateKey(dir, k1, k2); err != nil {
		t.Fatal(err)
	}
	s, err = OpenWith(dir, nil, Options{EncryptionKey: k2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.UserByLogin(validID, true); err != nil || got.ID != u.ID {
		t.Fatalf("after rotation: %v", err)
	}
}
