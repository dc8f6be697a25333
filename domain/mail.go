package domain

import (
	"strings"
	"time"
	"unicode"
)

// Message is one e-mail in the outbox. It is written in the same transaction as the state
// change that causes it, so a notification is never lost nor sent for a change that was
// rolled back. It holds either a Notification, rendered into Subject and Body with the
// mail templates when it is sent or shown, or (records written before notifications were
// typed) Subject and Body as final text, worded as the site shows the same event.
type Message struct {
	ID           string
	To           string // the address at the time of the event
	Subject      string
	Body         string
	Kind         string        // e.g. "confirm_email", "password_reset"; for the demo mailbox page
	Notification *Notification `json:",omitempty"` // nil for a message stored as final text
	CreatedAt    time.Time
	Attempts     int
	NextAttempt  time.Time
	SentAt       time.Time // zero while unsent
	LastError    string
}

// Rendered reports whether Subject and Body are final text, i.e. there is nothing left to
// render.
func (m Message) Rendered() bool { return m.Notification == nil }

// Sent reports whether the message has been handed to the mail transport.
func (m Message) Sent() bool { return !m.SentAt.IsZero() }

// RetryDelay is the back-off after the given number of failed attempts: 30 s doubling up
// to one hour, so a mail server outage does not turn into a flood of retries.
func RetryDelay(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	if d > time.Hour {
		d = time.Hour
	}
	return d
}

// MaxMailAttempts is how often the worker tries a message before it gives up and leaves
// it for an admin to see on the outbox page.
const MaxMailAttempts = 12

// linkNote replaces every link on the outbox page.
const linkNote = "〔此处为发给收件人的链接，出于安全不显示〕"

// RedactedBody is the body as staff may read it on the outbox page: every web address is
// replaced by a note that a link was sent. Reset and confirmation links are live credentials
// (whoever opens one within its lifetime takes over the account), and staff never need to
// open a link from someone else's mail, so none is shown, whatever its path.
func (m Message) RedactedBody() string {
	var b strings.Builder
	rest := m.Body
	for {
		i := indexLink(rest)
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i])
		b.WriteString(linkNote)
		rest = rest[i:]
		end := strings.IndexFunc(rest, unicode.IsSpace)
		if end < 0 {
			return b.String()
		}
		rest = rest[end:]
	}
}

// indexLink is the position of the first http:// or https:// in s, or -1.
func indexLink(s string) int {
	i, j := strings.Index(s, "http://"), strings.Index(s, "https://")
	if i < 0 || (j >= 0 && j < i) {
		return j
	}
	return i
}
