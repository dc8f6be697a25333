package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/mail"
	"sitepro/store"
	"sitepro/testkit/smtppeer"
	"sitepro/views"
)

// TestWorkerSendsNotificationsWithTheViewsTemplates wires store, worker and templates as
// serve does and sends what use cases recorded to a real SMTP peer: each mail is the
// views' template filled from the store, with the link of the recorded token, to the
// address of the time of the event.
func TestWorkerSendsNotificationsWithTheViewsTemplates(t *testing.T) {
	const origin = "https://sitepro.test"
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	st, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg, err := domain.RegistrationInput{IDNumber: "11010519491231002X", Name: "张三", Mobile: "13812345678", Email: "zs@example.com",
		Password: "correct horse 1", Password2: "correct horse 1", Agree: true}.Validate(now)
	if err != nil {
		t.Fatal(err)
	}
	confirm := store.NewToken()
	u, err := st.CreateTrainee(reg, "h", confirm, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UploadPhoto(u.ID, []byte("jpeg"), 10, 10, now); err != nil {
		t.Fatal(err)
	}
	admin := domain.User{ID: "a1", Role: domain.RoleAdmin, Name: "管理员", Username: "admin"}
	photo, err := st.DecidePhoto(admin, u.ID, domain.Decision{Kind: domain.PhotoReturnDecision, Reason: "背景不是纯色"}, now)
	if err != nil {
		t.Fatal(err)
	}
	second := store.NewToken()
	if _, err := st.ChangeEmail(u.ID, "new@example.com", second, now); err != nil {
		t.Fatal(err)
	}

	peer := smtppeer.Start(t, smtppeer.Options{})
	tr, err := mail.NewSMTPTransport(mail.SMTPConfig{URL: "smtp://" + peer.Addr + "?tls=none", From: "noreply@sitepro.test", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w := &mail.Worker{Outbox: st, Transport: tr, Renderer: views.Mails{Facts: st, Origin: origin}, Now: func() time.Time { return now }}
	if sent, err := w.SendDue(context.Background()); err != nil || sent != 4 {
		t.Fatalf("SendDue = %d, %v; want 4", sent, err)
	}

	old, current := u, u
	current.Email = "new@example.com"
	want := []domain.Message{
		views.ConfirmEmailMessage(old, origin+"/confirm-email/"+confirm.Raw), // text as of now: the name is the same
		views.PhotoDecisionMessage(current, photo, origin),
		views.EmailChangedMessage(old, "new@example.com"),
		views.ConfirmEmailMessage(current, origin+"/confirm-email/"+second.Raw),
	}
	want[0].To = "zs@example.com" // the address the first confirmation was recorded for
	want[1].To = "zs@example.com" // the address when the photo was decided
	got := peer.Messages()
	if len(got) != len(want) {
		t.Fatalf("received %d mails, want %d", len(got), len(want))
	}
	// Mails recorded at the same instant go out in no particular order.
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, m := range got {
			if !used[i] && len(m.To) == 1 && strings.EqualFold(m.To[0], w.To) && m.Subject == w.Subject && m.Body == w.Body {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("no mail %s to %s, subject %q:\n%s", w.Kind, w.To, w.Subject, w.Body)
		}
	}
	for i, m := range got {
		if !used[i] {
			t.Errorf("unexpected mail to %v, subject %q:\n%s", m.To, m.Subject, m.Body)
		}
	}
	if due, _ := st.DueMessages(now.Add(time.Hour), 10); len(due) != 0 {
		t.Fatalf("still due after sending: %+v", due)
	}
}
