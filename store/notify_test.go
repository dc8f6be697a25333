package store

import (
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// notifications returns the outbox's notifications of one kind, newest first.
func notifications(t *testing.T, s *Store, kind domain.NotificationKind) []domain.Message {
	t.Helper()
	msgs, err := s.RecentMessages(1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []domain.Message
	for _, m := range msgs {
		if m.Kind == string(kind) {
			out = append(out, m)
		}
	}
	return out
}

// TestDecisionNotifiesInItsTransaction: a decision records exactly one typed notification
// (to the trainee, about the application) with its change; a decision that fails, for
// invalid input or because another one came first, records none.
func TestDecisionNotifiesInItsTransaction(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州培训中心", CityCode: "410100", Phone: "0371-1234567"})
	a, err := s.SubmitApplication(u, fillApp(t, s, u, ag).ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got := notifications(t, s, domain.NotifyAppSubmitted); len(got) != 1 || got[0].Notification.Subject != a.ID || got[0].To != u.Email {
		t.Fatalf("submission notifications: %+v", got)
	}
	rev := domain.User{ID: "r1", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员"}
	if _, err := s.DecideApplication(rev, a.ID, domain.Decision{Kind: domain.AppReturnDecision}, t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("a return without reasons: %v", err)
	}
	if got := notifications(t, s, domain.NotifyAppDecision); len(got) != 0 {
		t.Fatalf("a failed decision notified: %+v", got)
	}
	d := domain.Decision{Kind: domain.AppReturnDecision, Reasons: []string{domain.ReturnReasonsList[0]}, Note: "请重新上传"}
	if _, err := s.DecideApplication(rev, a.ID, d, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideApplication(rev, a.ID, domain.Decision{Kind: domain.AppConfirmDecision}, t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("a second decision: %v", err)
	}
	got := notifications(t, s, domain.NotifyAppDecision)
	want := domain.Notification{Kind: domain.NotifyAppDecision, UserID: u.ID, Subject: a.ID}
	if len(got) != 1 || got[0].Notification == nil || *got[0].Notification != want || got[0].To != u.Email ||
		got[0].Subject != "" || got[0].Body != "" || !got[0].CreatedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("decision notifications: %+v", got)
	}
	if log, _ := s.AuditLog(AuditFilter{Action: "退回报名"}, 10); len(log) != 1 || log[0].Object != a.ID {
		t.Fatalf("audit of the decision: %+v", log)
	}
	f, err := s.MailFacts(*got[0].Notification)
	if err != nil || f.User.ID != u.ID || f.User.PasswordHash != "" || f.Application.Status != domain.AppReturned ||
		f.Agency.Name != ag.Name {
		t.Fatalf("mail facts: %+v %v", f, err)
	}
}

// TestExamStepsDoNotNotify: the admin's exam steps are recorded and audited with their
// labels, and, as before notifications were typed, mail nobody.
func TestExamStepsDoNotNotify(t *testing.T) {
	s, _ := openTemp(t)
	_, _, a := passedApplication(t, s, t0)
	if got := notifications(t, s, domain.NotifyAppDecision); len(got) != 1 {
		t.Fatalf("decision notifications: %d, want 1 (the confirmation)", len(got))
	}
	for _, action := range []domain.AuditAction{domain.AuditAppConfirm, domain.AuditAppSchedule, domain.AuditAppScores, domain.AuditAppResult} {
		if log, _ := s.AuditLog(AuditFilter{Action: action}, 10); len(log) != 1 || log[0].Object != a.ID {
			t.Fatalf("audit %s: %+v", action, log)
		}
	}
}

// TestLegacyOutboxRecordsStillSend: a message stored as rendered text (record version 1,
// before notifications were typed) is still due, shown and marked sent, text intact.
func TestLegacyOutboxRecordsStillSend(t *testing.T) {
	s, _ := openTemp(t)
	const id = "0000000000000001legacy"
	legacy := `{"V":1,"ID":"` + id + `","To":"zs@example.com","Subject":"请确认您的邮箱","Body":"张三，您好：\n\nhttps://sitepro.test/confirm-email/raw\n","Kind":"confirm_email",` +
		`"CreatedAt":"2026-11-26T10:00:00Z","Attempts":0,"NextAttempt":"2026-11-26T10:00:00Z","SentAt":"0001-01-01T00:00:00Z","LastError":""}`
	err := s.update(func(txn *badger.Txn) error {
		if err := txn.Set(outboxKey(id), []byte(legacy)); err != nil {
			return err
		}
		return txn.Set(outboxPendingKey(id), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	due, err := s.DueMessages(t0, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due: %+v %v", due, err)
	}
	m := due[0]
	if !m.Rendered() || m.Subject != "请确认您的邮箱" || m.To != "zs@example.com" || m.Body != "张三，您好：\n\nhttps://sitepro.test/confirm-email/raw\n" {
		t.Fatalf("legacy message: %+v", m)
	}
	if err := s.MarkSent(id, t0); err != nil {
		t.Fatal(err)
	}
	recent, _ := s.RecentMessages(10)
	if len(recent) != 1 || !recent[0].Sent() || recent[0].Body != m.Body {
		t.Fatalf("after sending: %+v", recent)
	}
}

// TestMarkFailedWithoutNextGivesUp: a zero next attempt (the worker's "nothing left to
// tell") ends the retries at once; the message stays visible with its error.
func TestMarkFailedWithoutNextGivesUp(t *testing.T) {
	s, _ := openTemp(t)
	if _, err := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0); err != nil {
		t.Fatal(err)
	}
	msgs, _ := s.DueMessages(t0, 10)
	if err := s.MarkFailed(msgs[0].ID, t0, "gone", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueMessages(t0.Add(24*time.Hour), 10); len(due) != 0 {
		t.Fatalf("given-up message still due: %+v", due)
	}
	recent, _ := s.RecentMessages(10)
	if len(recent) != 1 || recent[0].Attempts != domain.MaxMailAttempts || recent[0].LastError != "gone" {
		t.Fatalf("given-up message: %+v", recent)
	}
}
