// Package mail delivers the messages that the rest of the system writes to the outbox.
//
// State changes that notify someone store a domain.Message in the same transaction as the
// change (see sitepro/store). A Worker reads the due messages from an Outbox, hands each one
// to a Transport and records the outcome: MarkSent on success, MarkFailed with a back-off
// (domain.RetryDelay) on failure, until domain.MaxMailAttempts is reached.
//
// Two transports exist. SMTPTransport sends through an SMTP server with go-mail, TLS
// mandatory by default and with timeouts on every step. RecordTransport is used when no SMTP
// server is configured: it sends nothing, so the messages stay readable in the outbox store,
// and in demo mode it writes them to the log so that reset links can be followed.
//
// This is the only package that imports go-mail. Logs written here never contain the body
// or the recipient address of a message (personal data); they identify a message by its
// ID and Kind only. The one exception is RecordTransport in demo mode, whose purpose is to
// show the message.
package mail
