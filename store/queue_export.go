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
	return exportAudited(s, viewer, domain.AuditAppExport, x.At, func(txn *badger.Txn) ([]QueueRow, error) {
		p, err := appQueue(txn, viewer, "", f)
		return p.Rows, err
	})
}

// ExportCEQueue is ExportAppQueue for the continuing-education queue.
func (s *Store) ExportCEQueue(viewer domain.User, x CEQueueExport) ([]CERow, error) {
	f := x.Filter
	f.After, f.Limit = "", exportLimit
	return exportAudited(s, viewer, domain.AuditEnrolExport, x.At, func(txn *badger.Txn) ([]CERow, error) {
		p, err := ceQueue(txn, viewer, f)
		return p.Rows, err
	})
}

// exportAudited reads every row an export asks for and writes its audit entry in one
// transaction, so the entry counts exactly the rows returned and a failed export returns
// no rows and leaves no entry; both queues' exports go through here.
func exportAudited[R any](s *Store, viewer domain.User, action domain.AuditAction, at time.Time, read func(txn *badger.Txn) ([]R, error)) ([]R, error) {
	var rows []R
	err := s.update(func(txn *badger.Txn) error {
		var err error
		if rows, err = read(txn); err != nil {
			return err
		}
		return writeAudit(txn, exportEntry(viewer, action, len(rows), at))
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
