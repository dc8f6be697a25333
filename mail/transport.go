package mail

import (
	"context"
	"log/slog"
	"time"

	"sitepro/domain"
)

// Outbox is the store side that the Worker consumes. It is declared here and implemented by
// sitepro/store.
type Outbox interface {
	// DueMessages returns at most limit unsent messages whose NextAttempt is not after now
	// and whose Attempts is below domain.MaxMailAttempts, oldest first.
	DueMessages(now time.Time, limit int) ([]domain.Message, error)
	// MarkSent records that the message was handed to the transport at the given time.
	MarkSent(id string, at time.Time) error
	// MarkFailed records a failed attempt: it increments Attempts, stores errText as
	// LastError and schedules the next attempt at next. A zero next gives up: Attempts
	// becomes domain.MaxMailAttempts and the message is not tried again.
	MarkFailed(id string, at time.Time, errText string, next time.Time) error
}

// Transport sends one message. An error means the message was not accepted and should be
// tried again later.
type Transport interface {
	Send(ctx context.Context, m domain.Message) error
}

// RecordTransport is the transport used when no SMTP server is configured. It sends nothing
// and returns nil, so the Worker marks the message as sent while it stays readable in the
// outbox store (the demo mailbox page reads it from there). When Demo is true and Log is not
// nil, it also logs the recipient, subject and body, so that a demo operator can follow
// confirmation and reset links from the log. Demo must stay false in production because the
// log then contains personal data and secrets in links.
type RecordTransport struct {
	Log  *slog.Logger
	Demo bool
}

// Send logs the message in demo mode and otherwise does nothing; it always returns nil.
func (t RecordTransport) Send(ctx context.Context, m domain.Message) error {
	if t.Demo && t.Log != nil {
		t.Log.InfoContext(ctx, "demo mail (not sent, no SMTP configured)",
			slog.String("id", m.ID),
			slog.String("kind", m.Kind),
			slog.String("to", m.To),
			slog.String("subject", m.Subject),
			slog.String("body", m.Body),
		)
	}
	return nil
}
