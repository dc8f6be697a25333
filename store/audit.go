package store

import (
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// auditRec is an audit entry as stored. V1 records hold the Chinese label as the action,
// V2 records its English code; domain.AuditAction's UnmarshalText reads both as the code
// (tolerant decoding: nothing is rewritten on disk).
type auditRec struct {
	V int
	domain.AuditEntry
}

func writeAudit(txn *badger.Txn, e domain.AuditEntry) error {
	return putJSON(txn, auditKey(e.At, newID()[:8]), auditRec{V: 2, AuditEntry: e})
}

// Audit records an event that is not part of another use case, such as a login.
func (s *Store) Audit(e domain.AuditEntry) error {
	return s.update(func(txn *badger.Txn) error { return writeAudit(txn, e) })
}

// AuditFilter narrows the audit list; empty fields match everything. Action is a code; a
// label (as in filters written before actions were typed) is read as its code.
type AuditFilter struct {
	Action domain.AuditAction
	Actor  string
	Since  time.Time
}

// AuditLog returns matching entries, newest first.
func (s *Store) AuditLog(f AuditFilter, limit int) ([]domain.AuditEntry, error) {
	var out []domain.AuditEntry
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = auditEntries(txn, f, limit)
		return err
	})
	return out, err
}

// auditEntries reads matching entries newest first, stopping at the limit or at the first
// entry older than Since.
func auditEntries(txn *badger.Txn, f AuditFilter, limit int) ([]domain.AuditEntry, error) {
	var out []domain.AuditEntry
	action := domain.AuditActionOf(string(f.Action))
	err := scanUntil(txn, auditPrefix(), true, func(r *auditRec) bool {
		e := r.AuditEntry
		if !f.Since.IsZero() && e.At.Before(f.Since) {
			return false
		}
		if (action == "" || e.Action == action) && (f.Actor == "" || strings.Contains(e.Actor, f.Actor)) {
			out = append(out, e)
		}
		return len(out) < limit
	})
	return out, err
}
