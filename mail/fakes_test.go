package mail

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
)

// ---- an in-memory Outbox (the consumer's test double; sitepro/store has the real one) ----

type failCall struct {
	ID      string
	At      time.Time
	ErrText string
	Next    time.Time
}

type fakeOutbox struct {
	mu       sync.Mutex
	msgs     []domain.Message
	fails    []failCall
	sentCall int
	dueErr   error
}

func (o *fakeOutbox) add(m domain.Message) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
}

func (o *fakeOutbox) DueMessages(now time.Time, limit int) ([]domain.Message, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dueErr != nil {
		return nil, o.dueErr
	}
	var out []domain.Message
	for _, m := range o.msgs {
		if !m.Sent() && !m.NextAttempt.After(now) && m.Attempts < domain.MaxMailAttempts && len(out) < limit {
			out = append(out, m)
		}
	}
	return out, nil
}

func (o *fakeOutbox) MarkSent(id string, at time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sentCall++
	for i := range o.msgs {
		if o.msgs[i].ID == id {
			if o.msgs[i].Sent() {
				return fmt.Errorf("message %s already marked sent", id)
			}
			o.msgs[i].SentAt = at
			return nil
		}
	}
	return errors.New("no such message")
}

func (o *fakeOutbox) MarkFailed(id string, at time.Time, errText string, next time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.fails = append(o.fails, failCall{ID: id, At: at, ErrText: errText, Next: next})
	for i := range o.msgs {
		if o.msgs[i].ID == id {
			o.msgs[i].Attempts++
			if next.IsZero() {
				o.msgs[i].Attempts = domain.MaxMailAttempts
			}
			o.msgs[i].LastError = errText
			o.msgs[i].NextAttempt = next
			return nil
		}
	}
	return errors.New("no such message")
}

func (o *fakeOutbox) get(id string) domain.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range o.msgs {
		if m.ID == id {
			return m
		}
	}
	return domain.Message{}
}

func (o *fakeOutbox) failCalls() []failCall {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.fails)
}

// ---- clock and log capture ----

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newTestLogger() (*slog.Logger, *logBuffer) {
	lb := &logBuffer{}
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})), lb
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
