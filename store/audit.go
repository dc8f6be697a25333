package store

import (
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

type auditRec struct {
	V int
	domain.AuditEntry
}

func writeAudit(txn *badger.Txn, e domain.AuditEntry) error {
	return putJSON(txn, auditKey(e.At, newID()[:8]), auditRec{V: 1, AuditEntry: e})
}

// Audit records an event that is not part of another use case, such as a login.
func (s *Store) Audit(e domain.AuditEntry) error {
	return s.update(func(txn *badger.Txn) error { return writeAudit(txn, e) })
}

// AuditFilter narrows the audit list; empty fields match everything.
type AuditFilter struct {
	Action string
	Actor  string
	Since  time.Time
}

// AuditLog returns matching entries, newest first.
func (s *Store) AuditLog(f AuditFilter, limit int) ([]domain.AuditEntry, error) {
	var out []domain.AuditEntry
	err := s.view(func(txn *badger.Txn) error {
		// Newest first: stop at the limit or at the first entry older than Since.
		return scanUntil(txn, auditPrefix(), true, func(r *auditRec) bool {
			e := r.AuditEntry
			if !f.Since.IsZero() && e.At.Before(f.Since) {
				return false
			}
			if (f.Action == "" || e.Action == f.Action) && (f.Actor == "" || strings.Contains(e.Actor, f.Actor)) {
				out = append(out, e)
			}
			return len(out) < limit
		})
	})
	return out, err
}
