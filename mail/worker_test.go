package mail

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/testkit/smtppeer"
)

const recipient = "Li.Si@Example.org"

func TestWorkerRetriesAfterServerRejects(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	addr := be.Addr
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + addr + "?tls=none"})
	log, logs := newTestLogger()
	clock := newClock()
	out := &fakeOutbox{}
	out.add(domain.Message{ID: "r1", To: "李四 <" + recipient + ">", Subject: zhSubject, Body: "秘密正文 token=xyz",
		Kind: "password_reset", CreatedAt: clock.Now(), NextAttempt: clock.Now()})
	w := &Worker{Outbox: out, Transport: tr, Log: log, Now: clock.Now}

	be.RejectRcpt(1)
	sent, err := w.SendDue(context.Background())
	if err != nil || sent != 0 {
		t.Fatalf("SendDue = %d, %v; want 0, nil", sent, err)
	}
	fails := out.failCalls()
	if len(fails) != 1 {
		t.Fatalf("MarkFailed called %d times, want 1", len(fails))
	}
	f := fails[0]
	if f.ID != "r1" || !f.At.Equal(clock.Now()) || !f.Next.Equal(clock.Now().Add(domain.RetryDelay(1))) {
		t.Errorf("MarkFailed(%q, %v, _, %v); want next = now + %v", f.ID, f.At, f.Next, domain.RetryDelay(1))
	}
	if !strings.Contains(f.ErrText, "451") {
		t.Errorf("error text %q does not carry the SMTP code", f.ErrText)
	}
	if strings.Contains(strings.ToLower(f.ErrText), strings.ToLower(recipient)) {
		t.Errorf("stored error text names the recipient: %q", f.ErrText)
	}
	if m := out.get("r1"); m.Attempts != 1 || m.Sent() {
		t.Errorf("after failure: %+v", m)
	}

	// Not due before the back-off has passed.
	clock.Advance(domain.RetryDelay(1) - time.Second)
	if sent, _ := w.SendDue(context.Background()); sent != 0 || be.Rcpts() != 1 {
		t.Fatalf("retried too early: sent %d, RCPTs %d", sent, be.Rcpts())
	}
	clock.Advance(time.Second)
	if sent, err := w.SendDue(context.Background()); err != nil || sent != 1 {
		t.Fatalf("retry SendDue = %d, %v; want 1, nil", sent, err)
	}
	if n := len(be.Messages()); n != 1 {
		t.Errorf("server received %d messages, want 1", n)
	}

	// The log names the message by id and kind, never by recipient or body.
	text := logs.String()
	for _, secret := range []string{strings.ToLower(recipient), "li.si@", "秘密正文", "token=xyz", "李四"} {
		if strings.Contains(strings.ToLower(text), secret) {
			t.Errorf("log contains %q:\n%s", secret, text)
		}
	}
	if !strings.Contains(text, "id=r1") || !strings.Contains(text, "kind=password_reset") || !strings.Contains(text, "451") {
		t.Errorf("log lacks id, kind or SMTP code:\n%s", text)
	}
}

func TestWorkerBackoffGrowsAndGivesUp(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	addr := be.Addr
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + addr + "?tls=none"})
	log, logs := newTestLogger()
	clock := newClock()
	out := &fakeOutbox{}
	out.add(domain.Message{ID: "b4", To: recipient, Subject: "s", Body: "b", Kind: "k", Attempts: 4, NextAttempt: clock.Now()})
	out.add(domain.Message{ID: "last", To: recipient, Subject: "s", Body: "b", Kind: "k",
		Attempts: domain.MaxMailAttempts - 1, NextAttempt: clock.Now()})
	w := &Worker{Outbox: out, Transport: tr, Log: log, Now: clock.Now}

	be.RejectRcpt(2)
	if _, err := w.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	fails := out.failCalls()
	if len(fails) != 2 {
		t.Fatalf("MarkFailed called %d times, want 2", len(fails))
	}
	if want := clock.Now().Add(domain.RetryDelay(5)); !fails[0].Next.Equal(want) {
		t.Errorf("next after 5th failure = %v, want %v", fails[0].Next, want)
	}
	if !strings.Contains(logs.String(), "giving up") {
		t.Errorf("no give-up log:\n%s", logs.String())
	}
	// The message that reached MaxMailAttempts is never tried again.
	clock.Advance(48 * time.Hour)
	if sent, err := w.SendDue(context.Background()); err != nil || sent != 1 {
		t.Fatalf("SendDue = %d, %v; want 1 (only b4)", sent, err)
	}
	if m := out.get("last"); m.Sent() || m.Attempts != domain.MaxMailAttempts {
		t.Errorf("given-up message: %+v", m)
	}
}

func TestWorkerNeverSendsTwiceConcurrently(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	addr := be.Addr
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + addr + "?tls=none"})
	clock := newClock()
	out := &fakeOutbox{}
	for _, id := range []string{"c1", "c2", "c3"} {
		out.add(domain.Message{ID: id, To: recipient, Subject: id, Body: "b", NextAttempt: clock.Now()})
	}
	w := &Worker{Outbox: out, Transport: tr, Now: clock.Now}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := w.SendDue(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(be.Messages()); n != 3 {
		t.Errorf("server received %d messages, want 3", n)
	}
	// A message the outbox (wrongly) still returns after MarkSent is skipped.
	stale := &Worker{Outbox: staleOutbox{out.get("c1")}, Transport: tr}
	if sent, err := stale.SendDue(context.Background()); err != nil || sent != 0 {
		t.Fatalf("SendDue with stale outbox = %d, %v", sent, err)
	}
	if n := len(be.Messages()); n != 3 {
		t.Errorf("server received %d messages after stale outbox, want 3", n)
	}
}

// staleOutbox keeps returning a message that was already sent.
type staleOutbox struct{ m domain.Message }

func (s staleOutbox) DueMessages(time.Time, int) ([]domain.Message, error) {
	return []domain.Message{s.m}, nil
}
func (staleOutbox) MarkSent(string, time.Time) error { return errors.New("unexpected MarkSent") }
func (staleOutbox) MarkFailed(string, time.Time, string, time.Time) error {
	return errors.New("unexpected MarkFailed")
}

func TestWorkerRunKickAndStop(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	addr := be.Addr
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + addr + "?tls=none"})
	out := &fakeOutbox{}
	out.add(domain.Message{ID: "k1", To: recipient, Subject: "s", Body: "b"})
	w := &Worker{Outbox: out, Transport: tr, Interval: time.Hour}
	w.Kick() // before Run: must not block

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	waitFor(t, "backlog sent at start", func() bool { return len(be.Messages()) == 1 })

	out.add(domain.Message{ID: "k2", To: recipient, Subject: "s", Body: "b"})
	for range 5 {
		w.Kick() // never blocks, even when kicks pile up
	}
	waitFor(t, "kicked message sent", func() bool { return len(be.Messages()) == 2 })

	cancel()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Run did not return within 1s after cancel")
	}
	if n := len(be.Messages()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}
}

func TestWorkerRunDrainsFullBatches(t *testing.T) {
	out := &fakeOutbox{}
	for i := range 7 {
		out.add(domain.Message{ID: string(rune('a' + i)), To: recipient})
	}
	rec := &countingTransport{}
	w := &Worker{Outbox: out, Transport: rec, Interval: time.Hour, Batch: 2}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	waitFor(t, "all 7 sent without waiting for the interval", func() bool { return rec.count() == 7 })
}

type countingTransport struct {
	mu sync.Mutex
	n  int
}

func (c *countingTransport) Send(context.Context, domain.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return nil
}

func (c *countingTransport) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// blockingTransport holds Send until released and reports the context it was given.
type blockingTransport struct {
	started chan struct{}
	release chan struct{}
	ctxErr  chan error
}

func (b *blockingTransport) Send(ctx context.Context, _ domain.Message) error {
	close(b.started)
	<-b.release
	b.ctxErr <- ctx.Err()
	return nil
}

func TestWorkerRunFinishesInFlightSend(t *testing.T) {
	out := &fakeOutbox{}
	out.add(domain.Message{ID: "f1", To: recipient})
	out.add(domain.Message{ID: "f2", To: recipient})
	bt := &blockingTransport{started: make(chan struct{}), release: make(chan struct{}), ctxErr: make(chan error, 1)}
	w := &Worker{Outbox: out, Transport: bt, Interval: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	<-bt.started
	cancel()
	select {
	case <-done:
		t.Fatal("Run returned while a send was in flight")
	case <-time.After(50 * time.Millisecond):
	}
	close(bt.release)
	if err := <-bt.ctxErr; err != nil {
		t.Errorf("in-flight send saw a cancelled context: %v", err)
	}
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Run did not return after the in-flight send finished")
	}
	if !out.get("f1").Sent() {
		t.Error("in-flight message not marked sent")
	}
	if out.get("f2").Sent() {
		t.Error("a new message was started after cancel")
	}
}

func TestWorkerOutboxErrorEndsPass(t *testing.T) {
	out := &fakeOutbox{dueErr: errors.New("database is locked")}
	w := &Worker{Outbox: out, Transport: RecordTransport{}}
	if _, err := w.SendDue(context.Background()); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("SendDue = %v, want the outbox error", err)
	}
}

func TestRecordTransport(t *testing.T) {
	m := domain.Message{ID: "d1", To: recipient, Subject: "重置密码", Body: "https://example.com/reset?t=abc", Kind: "password_reset"}

	log, logs := newTestLogger()
	out := &fakeOutbox{}
	out.add(m)
	w := &Worker{Outbox: out, Transport: RecordTransport{Log: log, Demo: true}, Log: log}
	if sent, err := w.SendDue(context.Background()); err != nil || sent != 1 {
		t.Fatalf("SendDue = %d, %v", sent, err)
	}
	if got := out.get("d1"); !got.Sent() || got.Body != m.Body {
		t.Errorf("recorded message not kept readable: %+v", got)
	}
	for _, want := range []string{"reset?t=abc", recipient, "重置密码"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("demo log lacks %q:\n%s", want, logs.String())
		}
	}

	log2, logs2 := newTestLogger()
	if err := (RecordTransport{Log: log2}).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if logs2.String() != "" {
		t.Errorf("non-demo RecordTransport logged: %s", logs2.String())
	}
}

func TestRedact(t *testing.T) {
	got := redact("550 <LI.SI@example.ORG> unknown; affected recipient(s): li.si@example.org", "李四 <Li.Si@Example.org>")
	if strings.Contains(strings.ToLower(got), "li.si") {
		t.Errorf("redact left the address: %q", got)
	}
	if s := truncate(strings.Repeat("邮", 500), 100); len(s) > 100 || !strings.HasSuffix(s, "…") {
		t.Errorf("truncate = %d bytes %q", len(s), s)
	}
}
