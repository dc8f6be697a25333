package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"

	"sitepro/domain"
)

// Worker defaults, used when the corresponding field is zero.
const (
	DefaultInterval = 2 * time.Second
	DefaultBatch    = 20
)

// maxSendTime bounds one Transport.Send as a safety net for transports without a timeout of
// their own; SMTPTransport finishes far earlier because of its per-step timeout.
const maxSendTime = 2 * time.Minute

// maxErrorText bounds the error text stored as LastError.
const maxErrorText = 1000

// Renderer turns a typed notification into the mail's text (implemented with the views'
// mail templates, wired in main). The To it returns is ignored: the outbox's To, the
// address at the time of the event, is where the mail goes.
type Renderer interface {
	Render(n domain.Notification) (domain.Message, error)
}

// Worker sends due outbox messages. Outbox and Transport are required, and Renderer is
// for messages that hold a notification (one without a Renderer fails like a failed
// send); Log defaults to a logger that discards, Now to time.Now, Interval to
// DefaultInterval and Batch to DefaultBatch. A Worker must not be copied after first use.
// Logs name a message by ID and Kind only, never by recipient or body.
type Worker struct {
	Outbox    Outbox
	Transport Transport
	Renderer  Renderer
	Log       *slog.Logger
	Now       func() time.Time
	Interval  time.Duration
	Batch     int

	once sync.Once
	kick chan struct{}
	pass sync.Mutex // one pass at a time, so that no message is sent twice concurrently
}

// Kick wakes Run up for an immediate pass, typically after a commit that enqueued mail. It
// never blocks; kicks that arrive while a wake-up is pending are merged.
func (w *Worker) Kick() {
	select {
	case w.kickChan() <- struct{}{}:
	default:
	}
}

// Run sends due messages every Interval and whenever Kick is called, until ctx is done. A
// send that is in flight when ctx ends is finished (it is bounded by the transport's own
// timeout) and its outcome recorded; no further message is started.
func (w *Worker) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	kick := w.kickChan()
	for {
		full, _, err := w.sendPass(ctx)
		if err != nil && ctx.Err() == nil {
			w.logger().ErrorContext(ctx, "mail worker pass failed", slog.String("error", err.Error()))
		}
		if ctx.Err() != nil {
			return
		}
		if full && err == nil {
			continue // a full batch: there may be more due messages right now
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-kick:
		}
	}
}

// SendDue makes one pass: it fetches up to Batch due messages and sends them one by one,
// recording each outcome in the Outbox. It returns how many were sent. A failed send is
// not an error of the pass (it is recorded with MarkFailed); an Outbox error is, and ends
// the pass. When ctx is done, the pass stops before the next message.
func (w *Worker) SendDue(ctx context.Context) (sent int, err error) {
	_, sent, err = w.sendPass(ctx)
	return sent, err
}

// sendPass implements SendDue and also reports whether the batch was full.
func (w *Worker) sendPass(ctx context.Context) (full bool, sent int, err error) {
	w.pass.Lock()
	defer w.pass.Unlock()
	if err := ctx.Err(); err != nil {
		return false, 0, err
	}
	batch := w.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	msgs, err := w.Outbox.DueMessages(w.now(), batch)
	if err != nil {
		return false, 0, fmt.Errorf("mail: load due messages: %w", err)
	}
	for _, m := range msgs {
		if ctx.Err() != nil {
			return false, sent, ctx.Err()
		}
		if m.Sent() || m.Attempts >= domain.MaxMailAttempts {
			continue // the Outbox should not return these; never send twice or forever
		}
		ok, err := w.sendOne(ctx, m)
		if err != nil {
			return false, sent, err
		}
		if ok {
			sent++
		}
	}
	return len(msgs) >= batch, sent, nil
}

// sendOne renders m if it holds a notification, sends it and records the outcome. It
// reports whether m was sent; the error is an Outbox error only. A notification that
// cannot be rendered counts as a failed attempt, so it is retried and finally left for an
// admin to see; when what it is about no longer exists (the trainee deleted the
// application meanwhile) there is nothing left to tell, and it is given up at once.
func (w *Worker) sendOne(ctx context.Context, m domain.Message) (bool, error) {
	log := w.logger()
	attrs := []any{slog.String("id", m.ID), slog.String("kind", m.Kind)}

	m, sendErr := w.render(m)
	gone := sendErr != nil && domain.CodeOf(sendErr) == domain.CodeNotFound
	if sendErr == nil {
		// The in-flight send outlives a cancelled ctx; the transport's timeout bounds it.
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), maxSendTime)
		sendErr = w.Transport.Send(sendCtx, m)
		cancel()
	}

	now := w.now()
	if sendErr == nil {
		if err := w.Outbox.MarkSent(m.ID, now); err != nil {
			log.ErrorContext(ctx, "mail sent but not marked as sent", append(attrs,
				slog.String("error", err.Error()))...)
			return true, fmt.Errorf("mail: mark message %s sent: %w", m.ID, err)
		}
		log.InfoContext(ctx, "mail sent", attrs...)
		return true, nil
	}
	return false, w.recordFailure(ctx, m, sendErr, gone, attrs)
}

// recordFailure records a failed attempt to send m and when to try again; giveUp ends the
// retries at once (the Outbox's zero next). The error is an Outbox error only.
func (w *Worker) recordFailure(ctx context.Context, m domain.Message, sendErr error, giveUp bool, attrs []any) error {
	log := w.logger()
	now := w.now()
	attempts := m.Attempts + 1
	next := now.Add(domain.RetryDelay(attempts))
	if giveUp {
		attempts, next = domain.MaxMailAttempts, time.Time{}
	}
	errText := truncate(redact(sendErr.Error(), m.To), maxErrorText)
	if err := w.Outbox.MarkFailed(m.ID, now, errText, next); err != nil {
		log.ErrorContext(ctx, "mail failed and not marked as failed", append(attrs,
			slog.String("error", err.Error()))...)
		return fmt.Errorf("mail: mark message %s failed: %w", m.ID, err)
	}
	attrs = append(attrs,
		slog.Int("attempts", attempts),
		slog.String("error", logError(sendErr, m.To)),
	)
	if attempts >= domain.MaxMailAttempts {
		log.ErrorContext(ctx, "mail failed; giving up", attrs...)
	} else {
		log.WarnContext(ctx, "mail failed; will retry", append(attrs, slog.Time("next_attempt", next))...)
	}
	return nil
}

// render fills in the Subject and Body of a message that holds a notification.
func (w *Worker) render(m domain.Message) (domain.Message, error) {
	if m.Rendered() {
		return m, nil
	}
	if w.Renderer == nil {
		return m, errors.New("mail: no renderer for notification " + string(m.Notification.Kind))
	}
	r, err := w.Renderer.Render(*m.Notification)
	if err != nil {
		return m, fmt.Errorf("mail: render %s: %w", m.Notification.Kind, err)
	}
	m.Subject, m.Body = r.Subject, r.Body
	if m.To == "" {
		m.To = r.To
	}
	return m, nil
}

func (w *Worker) kickChan() chan struct{} {
	w.once.Do(func() { w.kick = make(chan struct{}, 1) })
	return w.kick
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) logger() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.New(slog.DiscardHandler)
}

// logError describes err for the log. For an SMTP error it gives only the failed step and
// the status codes, because the server's text and go-mail's message name the recipient;
// any other error text is redacted.
func logError(err error, to string) string {
	var se *gomail.SendError
	if errors.As(err, &se) {
		return fmt.Sprintf("smtp: %s (code %d %s, temporary %t)",
			se.Reason, se.ErrorCode(), se.EnhancedStatusCode(), se.IsTemp())
	}
	return redact(err.Error(), to)
}

// redact replaces every occurrence of the recipient, as stored and as parsed address,
// by "<recipient>", ignoring case.
func redact(text, to string) string {
	needles := []string{strings.TrimSpace(to)}
	if a, err := parseAddress(to); err == nil {
		needles = append(needles, a.Address)
		if local, _, ok := strings.Cut(a.Address, "@"); ok && len(local) >= 3 {
			needles = append(needles, local+"@") // e.g. a server echoing a rewritten domain
		}
	}
	for _, n := range needles {
		if n != "" {
			text = replaceFold(text, n, "<recipient>")
		}
	}
	return text
}

// replaceFold replaces all occurrences of old in s by repl, ignoring ASCII case.
func replaceFold(s, old, repl string) string {
	ls, lo := asciiLower(s), asciiLower(old)
	var b strings.Builder
	for {
		i := strings.Index(ls, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, ls = s[i+len(old):], ls[i+len(old):]
	}
}

// asciiLower lower-cases ASCII letters only, so byte offsets stay the same.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// truncate shortens s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	const ellipsis = "…"
	if len(s) <= n {
		return s
	}
	s = s[:n-len(ellipsis)]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + ellipsis
}
