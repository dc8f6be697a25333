package store

import (
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// exportLimit bounds the rows one export reads: far more than an agency's queue holds.
const exportLimit = 100_000

// AppQueueExport is a reviewer's export of their agency's application queue: every row
// the filter matches (its After and Limit are ignored), at the time given.
type AppQueueExport struct {
	Filter QueueFilter
	At     time.Time
}

// CEQueueExport is a reviewer's export of their agency's continuing-education queue:
// every row the filter matches (its After and Limit are ignored), at the time given.
type CEQueueExport struct {
	Filter CEFilter
	At     time.Time
}

// ExportAppQueue returns the rows of the export and records it in the audit log in the
// same transaction: the entry counts exactly the rows returned, and a failed export
// (storage low, a refused viewer) returns no rows and leaves no entry. Only reviewers
// export, their own agency's queue.
func (s *Store) ExportAppQueue(viewer domain.User, x AppQueueExport) ([]QueueRow, error) {
	if viewer.Role != domain.RoleReviewer {
		return nil, errNotFound
	}
	f := x.Filter
	f.After, f.Limit = "", exportLimit
	var rows []QueueRow
	err := s.update(func(txn *badger.Txn) error {
		p, err := appQueue(txn, viewer, "", f)
		if err != nil {
			return err
		}
		rows = p.Rows
		return writeAudit(txn, exportEntry(viewer, domain.AuditAppExport, len(rows), x.At))
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// ExportCEQueue is ExportAppQueue for the continuing-education queue.
func (s *Store) ExportCEQueue(viewer domain.User, x CEQueueExport) ([]CERow, error) {
	f := x.Filter
	f.After, f.Limit = "", exportLimit
	var rows []CERow
	err := s.update(func(txn *badger.Txn) error {
		p, err := ceQueue(txn, viewer, f)
		if err != nil {
			return err
		}
		rows = p.Rows
		return writeAudit(txn, exportEntry(viewer, domain.AuditEnrolExport, len(rows), x.At))
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func exportEntry(viewer domain.User, a domain.AuditAction, rows int, at time.Time) domain.AuditEntry {
	return domain.AuditEntry{At: at, ActorID: viewer.ID, Actor: viewer.AuditName(), Action: a,
		Detail: strconv.Itoa(rows) + " 条"}
}
