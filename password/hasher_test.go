package password

import (
	"context"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h := NewHasher(2)
	ctx := context.Background()
	phc, err := h.Hash(ctx, "正确的密码 horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected PHC string %q", phc)
	}
	other, _ := h.Hash(ctx, "正确的密码 horse")
	if other == phc {
		t.Fatal("two hashes of one password share a salt")
	}
	for _, tc := range []struct {
		pw, phc string
		want    bool
	}{
		{"正确的密码 horse", phc, true},
		{"正确的密码 horsE", phc, false},
		{"", phc, false},
		{"sitepro-dummy-password", "", false}, // unknown account never verifies
	} {
		got, err := h.Verify(ctx, tc.pw, tc.phc)
		if err != nil || got != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.pw, got, err, tc.want)
		}
	}
	if _, err := h.Verify(ctx, "x", "$bcrypt$abc"); err != ErrMalformed {
		t.Errorf("malformed hash: err = %v", err)
	}
}

func TestConcurrencyCap(t *testing.T) {
	h := NewHasher(1)
	h.slots <- struct{}{} // occupy the only slot
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "password1"); err == nil {
		t.Fatal("hash ran although the only slot was taken")
	}
	<-h.slots
}
