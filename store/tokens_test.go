package store

import (
	"errors"
	"testing"
	"time"
)

// TestResetTokensDieWithThePassword: a password change, or a reset with one token, ends
// every reset token issued before it, in the same transaction (the session epoch).
func TestResetTokensDieWithThePassword(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "old", NewToken(), t0)
	request := func() Token {
		t.Helper()
		tok := NewToken()
		if found, err := s.RequestReset(validID, "zs@example.com", tok, 30*time.Minute, t0); err != nil || !found {
			t.Fatalf("reset request: found=%v err=%v", found, err)
		}
		return tok
	}
	early := request()
	if _, err := s.SetPassword(u.ID, "changed", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResetTokenUser(early.Hash, t0.Add(2*time.Minute)); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("a reset token outlived a password change: %v", err)
	}
	if _, err := s.ResetPassword(early.Hash, "x", t0.Add(2*time.Minute)); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("a reset token outlived a password change: %v", err)
	}
	a, b := request(), request()
	if _, err := s.ResetPassword(a.Hash, "reset", t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResetTokenUser(b.Hash, t0.Add(4*time.Minute)); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("a reset token outlived a reset with another token: %v", err)
	}
	if got, _ := s.User(u.ID); got.PasswordHash != "reset" {
		t.Fatalf("password = %q", got.PasswordHash)
	}
}

// TestResetRequestForNoAccountWritesAnUnusableToken: the unknown path does the same synced
// write as the known one, and what it writes opens nothing and sends nothing.
func TestResetRequestForNoAccountWritesAnUnusableToken(t *testing.T) {
	s, _ := openTemp(t)
	if _, err := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ id, email string }{{"440524188001010014", "zs@example.com"}, {validID, "other@example.com"}} {
		tok := NewToken()
		found, err := s.RequestReset(c.id, c.email, tok, 30*time.Minute, t0)
		if err != nil || found {
			t.Fatalf("found=%v err=%v", found, err)
		}
		if _, err := s.ResetTokenUser(tok.Hash, t0); !errors.Is(err, ErrTokenInvalid) {
			t.Fatalf("the decoy token opens something: %v", err)
		}
		if _, err := s.ResetPassword(tok.Hash, "x", t0); !errors.Is(err, ErrTokenInvalid) {
			t.Fatalf("the decoy token resets something: %v", err)
		}
	}
	msgs, _ := s.RecentMessages(10)
	for _, m := range msgs {
		if m.Kind != "confirm_email" {
			t.Fatalf("a reset for no account enqueued mail: %+v", m)
		}
	}
}

func TestSecretKeyPersists(t *testing.T) {
	s, dir := openTemp(t)
	k1, err := s.SecretKey("device-cookie")
	if err != nil || len(k1) != 32 {
		t.Fatalf("key: %x %v", k1, err)
	}
	other, _ := s.SecretKey("other")
	if string(other) == string(k1) {
		t.Fatal("two names share a key")
	}
	s.Close()
	s2, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	k2, err := s2.SecretKey("device-cookie")
	if err != nil || string(k2) != string(k1) {
		t.Fatalf("key changed across a restart: %x → %x (%v)", k1, k2, err)
	}
}
