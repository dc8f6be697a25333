package store

import (
	"bytes"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitepro/domain"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func registration(t *testing.T, id string) domain.Registration {
	t.Helper()
	reg, err := domain.RegistrationInput{IDNumber: id, Name: "张三", Mobile: "13812345678", Email: "zs@example.com",
		Password: "correct horse 1", Password2: "correct horse 1", Agree: true}.Validate(t0)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

const validID = "11010519491231002X"

func TestCreateTraineeOnceAndPersist(t *testing.T) {
	s, dir := openTemp(t)
	u, err := s.CreateTrainee(registration(t, validID), "hash", NewToken(), t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateTrainee(registration(t, validID), "hash2", NewToken(), t0); !errors.Is(err, ErrIDTaken) {
		t.Fatalf("second registration: err = %v, want ErrIDTaken", err)
	}
	msgs, _ := s.DueMessages(t0, 10)
	if len(msgs) != 1 || msgs[0].To != "zs@example.com" {
		t.Fatalf("outbox after registration = %+v, want one confirmation (the failed duplicate must not enqueue)", msgs)
	}
	s.Close()
	s2, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.UserByLogin(validID, true)
	if err != nil || got.ID != u.ID || got.PasswordHash != "hash" {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
}

func TestConcurrentRegistrationsOfOneID(t *testing.T) {
	s, _ := openTemp(t)
	var ok, taken atomic.Int32
	var wg sync.WaitGroup
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, ErrIDTaken):
				taken.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || taken.Load() != 29 {
		t.Fatalf("ok=%d taken=%d, want 1 and 29", ok.Load(), taken.Load())
	}
}

func TestSecondProcessIsRefused(t *testing.T) {
	_, dir := openTemp(t)
	if _, err := Open(dir, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
}

func TestResetTokenSingleUseAndExpiry(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "old", NewToken(), t0)
	tok := NewToken()
	if found, err := s.RequestReset(validID, "other@example.com", tok, 30*time.Minute, t0); err != nil || found {
		t.Fatalf("wrong e-mail: found=%v err=%v", found, err)
	}
	if found, err := s.RequestReset("440524188001010014", "zs@example.com", tok, 30*time.Minute, t0); err != nil || found {
		t.Fatalf("unknown ID: found=%v err=%v", found, err)
	}
	if found, err := s.RequestReset(validID, "zs@example.com", tok, 30*time.Minute, t0); err != nil || !found {
		t.Fatalf("match: found=%v err=%v", found, err)
	}
	var resets []domain.Message
	msgs, _ := s.RecentMessages(10)
	for _, m := range msgs {
		if m.Kind == string(domain.NotifyPasswordReset) {
			resets = append(resets, m)
		}
	}
	if len(resets) != 1 || resets[0].To != "zs@example.com" || resets[0].Notification == nil {
		t.Fatalf("reset mails: %+v", resets)
	}
	if raw := resets[0].Notification.Token; raw != tok.Raw || HashToken(raw) != tok.Hash || resets[0].Notification.UserID != u.ID {
		t.Fatal("mail does not carry the raw token")
	}
	if _, err := s.ResetTokenUser(tok.Hash, t0.Add(31*time.Minute)); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("expired token accepted: %v", err)
	}
	got, err := s.ResetPassword(tok.Hash, "new", t0.Add(5*time.Minute))
	if err != nil || got.PasswordHash != "new" || got.SessionEpoch != u.SessionEpoch+1 {
		t.Fatalf("reset: %+v %v", got, err)
	}
	if _, err := s.ResetPassword(tok.Hash, "again", t0.Add(6*time.Minute)); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("replayed token: %v", err)
	}
	log, _ := s.AuditLog(AuditFilter{Action: "重置密码"}, 10)
	if len(log) != 1 || log[0].Object != u.ID {
		t.Fatalf("audit = %+v", log)
	}
}

func TestConfirmEmail(t *testing.T) {
	s, _ := openTemp(t)
	tok := NewToken()
	u, _ := s.CreateTrainee(registration(t, validID), "h", tok, t0)
	if err := s.ResendConfirmation(u.ID, NewToken(), t0); err != nil {
		t.Fatal(err)
	}
	got, err := s.ConfirmEmail(tok.Hash, t0.Add(time.Hour))
	if err != nil || !got.EmailConfirmed {
		t.Fatalf("confirm: %+v %v", got, err)
	}
	if _, err := s.ConfirmEmail(tok.Hash, t0.Add(time.Hour)); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("reused confirmation: %v", err)
	}
	if err := s.ResendConfirmation(u.ID, NewToken(), t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("resend after confirmation: %v", err)
	}
}

func TestOutboxRetriesAndGivesUp(t *testing.T) {
	s, _ := openTemp(t)
	if _, err := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0); err != nil {
		t.Fatal(err)
	}
	msgs, _ := s.DueMessages(t0, 10)
	id := msgs[0].ID
	if err := s.MarkFailed(id, t0, "451 try later", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueMessages(t0.Add(30*time.Second), 10); len(due) != 0 {
		t.Fatal("message retried before its next attempt")
	}
	if due, _ := s.DueMessages(t0.Add(time.Minute), 10); len(due) != 1 || due[0].Attempts != 1 {
		t.Fatalf("due after back-off = %+v", due)
	}
	for i := 1; i < domain.MaxMailAttempts; i++ {
		_ = s.MarkFailed(id, t0, "550", t0)
	}
	if due, _ := s.DueMessages(t0.Add(time.Hour), 10); len(due) != 0 {
		t.Fatal("message retried after MaxMailAttempts")
	}
	recent, _ := s.RecentMessages(10)
	if len(recent) != 1 || recent[0].Attempts != domain.MaxMailAttempts {
		t.Fatalf("given-up message not visible to admins: %+v", recent)
	}
}

func TestMarkSent(t *testing.T) {
	s, _ := openTemp(t)
	_, _ = s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	msgs, _ := s.DueMessages(t0, 10)
	if err := s.MarkSent(msgs[0].ID, t0); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueMessages(t0.Add(time.Hour), 10); len(due) != 0 {
		t.Fatal("sent message is still due")
	}
}

func TestBackupRestore(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州培训中心", CityCode: "410100"})
	var buf bytes.Buffer
	if err := s.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "restored")
	if err := Restore(dir, bytes.NewReader(buf.Bytes()), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Restore(dir, bytes.NewReader(buf.Bytes()), Options{}); err == nil {
		t.Fatal("restore into a non-empty directory succeeded")
	}
	r, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err := r.UserByLogin(validID, true); err != nil || got.ID != u.ID {
		t.Fatalf("restored user: %v", err)
	}
	if got, err := r.Agency(ag.ID); err != nil || got.Name != "郑州培训中心" {
		t.Fatalf("restored agency: %v", err)
	}
}

func TestStaffAndCertificates(t *testing.T) {
	s, _ := openTemp(t)
	a, err := s.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: "admin", Name: "管理员"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: "admin"}, t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("duplicate username: %v", err)
	}
	if got, err := s.UserByLogin("admin", false); err != nil || got.ID != a.ID {
		t.Fatalf("staff login lookup: %v", err)
	}
	c, err := s.AddCertificate(domain.Certificate{Number: "412021101000123", HolderID: "u1", PostCode: "101"})
	if err != nil || len(c.VerifyToken) < 20 {
		t.Fatalf("certificate: %+v %v", c, err)
	}
	if _, err := s.AddCertificate(domain.Certificate{Number: "412021101000123", HolderID: "u2"}); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("duplicate certificate number: %v", err)
	}
	if got, _ := s.CertificatesOf("u1"); len(got) != 1 || got[0].Number != c.Number {
		t.Fatalf("CertificatesOf(u1) = %+v", got)
	}
	if got, _ := s.CertificatesOf("u2"); len(got) != 0 {
		t.Fatalf("CertificatesOf(u2) = %+v", got)
	}
}
