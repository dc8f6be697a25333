package store

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// msgRec is an outbox record. Version 1 holds a message rendered when it was enqueued
// (Subject and Body); version 2 holds a domain.Notification, rendered when it is sent.
// Both decode into domain.Message: a version 1 record simply has no Notification, so
// messages enqueued before notifications were typed are still sent and shown.
type msgRec struct {
	V int
	domain.Message
}

// msgRecord is the record to store for m.
func msgRecord(m domain.Message) msgRec {
	if m.Notification != nil {
		return msgRec{V: 2, Message: m}
	}
	return msgRec{V: 1, Message: m}
}

// enqueue writes a message to the outbox inside the caller's transaction.
func enqueue(txn *badger.Txn, m domain.Message, now time.Time) error {
	m.ID = newTimeID(now)
	m.CreatedAt, m.NextAttempt = now, now
	if err := putJSON(txn, outboxKey(m.ID), msgRecord(m)); err != nil {
		return err
	}
	return txn.Set(outboxPendingKey(m.ID), nil)
}

// DueMessages returns up to limit unsent messages whose next attempt is due, oldest first.
// While storage is low nothing is due: the worker could send a message but not mark it
// sent, and would send it again on every pass.
func (s *Store) DueMessages(now time.Time, limit int) ([]domain.Message, error) {
	if s.Space().Low || limit <= 0 {
		return nil, nil
	}
	var out []domain.Message
	err := s.view(func(txn *badger.Txn) error {
		return scanKeys(txn, outboxPendingPrefix(), func(k []byte) (bool, error) {
			var r msgRec
			if err := getJSON(txn, outboxKey(parseOutboxPendingKey(k)), &r); err != nil {
				return false, err
			}
			if !r.NextAttempt.After(now) && r.Attempts < domain.MaxMailAttempts {
				out = append(out, r.Message)
			}
			return len(out) < limit, nil
		})
	})
	return out, err
}

func (s *Store) modifyMessage(id string, fn func(m *domain.Message) (pending bool)) error {
	return s.update(func(txn *badger.Txn) error {
		var r msgRec
		if err := getJSON(txn, outboxKey(id), &r); err != nil {
			return err
		}
		if !fn(&r.Message) {
			if err := txn.Delete(outboxPendingKey(id)); err != nil {
				return err
			}
			if !r.Sent() { // given up: the admin home shows it (admin_index.go)
				if err := txn.Set(outboxFailedKey(id), nil); err != nil {
					return err
				}
			}
		}
		return putJSON(txn, outboxKey(id), r)
	})
}

// MarkSent records that the transport accepted the message.
func (s *Store) MarkSent(id string, at time.Time) error {
	return s.modifyMessage(id, func(m *domain.Message) bool {
		m.SentAt = at
		return false
	})
}

// MarkFailed records a failed attempt and when to try again; after MaxMailAttempts, or at
// once when next is zero, the message stays visible to admins but is no longer retried.
func (s *Store) MarkFailed(id string, at time.Time, errText string, next time.Time) error {
	return s.modifyMessage(id, func(m *domain.Message) bool {
		m.Attempts++
		if next.IsZero() {
			m.Attempts = domain.MaxMailAttempts
		}
		m.LastError, m.NextAttempt = errText, next
		return m.Attempts < domain.MaxMailAttempts
	})
}

// RecentMessages returns the newest messages first, for the admin's outbox page.
func (s *Store) RecentMessages(limit int) ([]domain.Message, error) {
	var out []domain.Message
	err := s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, outboxPrefix(), true, limit, func(r *msgRec) { out = append(out, r.Message) })
	})
	return out, err
}
