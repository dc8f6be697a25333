package mail

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/testkit/smtppeer"
)

// fakeRenderer stands in for the views' templates (the mail package may not import
// views; the root package's test sends them for real).
type fakeRenderer struct {
	got []domain.Notification
	err error
}

func (r *fakeRenderer) Render(n domain.Notification) (domain.Message, error) {
	r.got = append(r.got, n)
	if r.err != nil {
		return domain.Message{}, r.err
	}
	return domain.Message{To: "current@example.org", Subject: "报名审核结果：已退回",
		Body: "张三，您好：\n\n报名 " + n.Subject + " 已退回。\n"}, nil
}

// TestWorkerRendersNotificationsWhenSending: a notification is rendered when it is sent,
// to the address the outbox recorded; a rendered (legacy) message beside it goes out as
// stored, without the renderer.
func TestWorkerRendersNotificationsWhenSending(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + be.Addr + "?tls=none"})
	clock := newClock()
	out := &fakeOutbox{}
	n := domain.Notification{Kind: domain.NotifyAppDecision, UserID: "u1", Subject: "app1"}
	out.add(domain.Message{ID: "n1", To: recipient, Kind: string(n.Kind), Notification: &n, CreatedAt: clock.Now(), NextAttempt: clock.Now()})
	out.add(domain.Message{ID: "l1", To: recipient, Subject: zhSubject, Body: "旧邮件正文\n", Kind: "confirm_email",
		CreatedAt: clock.Now(), NextAttempt: clock.Now()})
	r := &fakeRenderer{}
	w := &Worker{Outbox: out, Transport: tr, Renderer: r, Now: clock.Now}
	if sent, err := w.SendDue(context.Background()); err != nil || sent != 2 {
		t.Fatalf("SendDue = %d, %v; want 2, nil", sent, err)
	}
	if len(r.got) != 1 || r.got[0] != n {
		t.Fatalf("rendered %+v, want the one notification", r.got)
	}
	msgs := be.Messages()
	if len(msgs) != 2 {
		t.Fatalf("server received %d messages", len(msgs))
	}
	bodies := map[string]string{}
	for _, m := range msgs {
		if len(m.To) != 1 || !strings.EqualFold(m.To[0], recipient) {
			t.Errorf("sent to %v, want the outbox's address", m.To)
		}
		bodies[parseMail(t, m.Raw).Subject] = parseMail(t, m.Raw).Body
	}
	if bodies["报名审核结果：已退回"] != "张三，您好：\n\n报名 app1 已退回。\n" || bodies[zhSubject] != "旧邮件正文\n" {
		t.Fatalf("bodies: %q", bodies)
	}
	if !out.get("n1").Sent() || !out.get("l1").Sent() {
		t.Fatal("not marked sent")
	}
}

// TestWorkerRetriesANotificationThatCannotBeRendered: a render failure is a failed
// attempt (retried with back-off), and nothing reaches the server.
func TestWorkerRetriesANotificationThatCannotBeRendered(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + be.Addr + "?tls=none"})
	clock := newClock()
	out := &fakeOutbox{}
	n := domain.Notification{Kind: domain.NotifyCEDecision, UserID: "u1", Subject: "gone"}
	out.add(domain.Message{ID: "n1", To: recipient, Kind: string(n.Kind), Notification: &n, CreatedAt: clock.Now(), NextAttempt: clock.Now()})
	for _, w := range []*Worker{
		{Outbox: out, Transport: tr, Renderer: &fakeRenderer{err: errors.New("not found")}, Now: clock.Now},
		{Outbox: out, Transport: tr, Now: clock.Now}, // no renderer wired
	} {
		if sent, err := w.SendDue(context.Background()); err != nil || sent != 0 {
			t.Fatalf("SendDue = %d, %v; want 0, nil", sent, err)
		}
		clock.Advance(domain.RetryDelay(len(out.failCalls())))
	}
	fails := out.failCalls()
	if len(fails) != 2 || !strings.Contains(fails[0].ErrText, "not found") || !strings.Contains(fails[1].ErrText, "no renderer") {
		t.Fatalf("failures: %+v", fails)
	}
	if be.Count() != 0 || out.get("n1").Sent() {
		t.Fatal("an unrendered notification was sent")
	}
}

// TestWorkerGivesUpANotificationWhoseSubjectIsGone: when what a notification is about no
// longer exists, there is nothing to tell; the worker gives it up at once instead of
// retrying for hours, and it stays visible with the reason.
func TestWorkerGivesUpANotificationWhoseSubjectIsGone(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + be.Addr + "?tls=none"})
	clock := newClock()
	out := &fakeOutbox{}
	n := domain.Notification{Kind: domain.NotifyAppSubmitted, UserID: "u1", Subject: "deleted"}
	out.add(domain.Message{ID: "n1", To: recipient, Kind: string(n.Kind), Notification: &n, CreatedAt: clock.Now(), NextAttempt: clock.Now()})
	r := &fakeRenderer{err: domain.Err(domain.CodeNotFound, "没有找到相应的记录")}
	w := &Worker{Outbox: out, Transport: tr, Renderer: r, Now: clock.Now}
	for range 2 {
		if sent, err := w.SendDue(context.Background()); err != nil || sent != 0 {
			t.Fatalf("SendDue = %d, %v; want 0, nil", sent, err)
		}
		clock.Advance(time.Hour)
	}
	fails := out.failCalls()
	if len(fails) != 1 || !fails[0].Next.IsZero() || !strings.Contains(fails[0].ErrText, "没有找到") {
		t.Fatalf("failures: %+v", fails)
	}
	if m := out.get("n1"); m.Attempts != domain.MaxMailAttempts || m.Sent() || be.Count() != 0 || len(r.got) != 1 {
		t.Fatalf("after giving up: %+v, %d at the server, %d renders", m, be.Count(), len(r.got))
	}
}
