package store

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// 历史证书导入 (issue 12). A province file has some 200,000 lines: far more than one
// Badger transaction may hold, so an import cannot be a single transaction and is a job
// in steps instead, each step one transaction, arranged so that a crash at any point
// leaves either nothing imported or a job that finishes when resumed:
//
//  1. StartLegacyImport writes the job record (state checking), the uploaded file and the
//     active-job marker together. At most one import is unfinished at a time.
//  2. The runner (RunLegacyImport, cert_legacy_run.go, started in the background by the
//     handlers with the export package's streaming reader) streams the file, parses every
//     line and checks it against the store in read-only batches (CheckLegacyCerts),
//     keeping only a set of the numbers seen. Nothing is written but progress. A file with any bad line ends here:
//     RejectLegacyImport stores the report and deletes the file (all or nothing).
//  3. BeginLegacyWrite marks the job writing; WriteLegacyBatch then writes a few hundred
//     lines per transaction and, in the same transaction, advances the job's cursor (the
//     last file row written) and counts. A crash between batches loses nothing: resuming
//     skips the rows up to the cursor; a batch is all or nothing by itself.
//  4. FinishLegacyImport marks the job done, writes the audit entry and deletes the file.
//
// Re-running any step is harmless because a line is idempotent by its number: a number
// already held by the same person with the same data is "unchanged", never written twice.
// Should a batch meet a number taken since the check (an admin issued it meanwhile), the
// job turns to rollback: RollbackLegacyStep deletes what the job added, in batches, through
// the job's index, and the job ends rejected with that line's error, so the rule "a bad
// line writes nothing" holds even then. Resuming a job in any unfinished state is
// RunLegacyImport's state switch, called again at server start and whenever an admin
// opens the import pages; the job lives in the store only, nothing in memory.

// legacyJobRec is the stored form of an import job.
type legacyJobRec struct {
	V int
	domain.LegacyImport
	Cursor int // file row of the last line written
}

// legacyHolder is what an imported certificate knows of its holder before and after the
// holder registers: the ID number and name exactly as the file gave them.
type legacyHolder struct {
	HolderIDNo string `json:",omitempty"` // never in a URL or log line
	HolderName string `json:",omitempty"`
	ImportJob  string `json:",omitempty"`
}

// ErrLegacyBusy is the answer to a second import while one is unfinished.
var ErrLegacyBusy = domain.Err(domain.CodeConflict, "另一个历史证书导入尚未完成，请等它完成后再导入（页面会显示进度）")

// StartLegacyImport stores an uploaded file as a new import job in state checking. The
// file stays in the store until the job finishes, so that a restart can resume the job.
func (s *Store) StartLegacyImport(actor domain.User, fileName string, data []byte, now time.Time) (domain.LegacyImport, error) {
	if actor.Role != domain.RoleAdmin {
		return domain.LegacyImport{}, errNotFound
	}
	j := domain.LegacyImport{ID: newTimeID(now), FileName: fileName, ActorID: actor.ID, Actor: actor.AuditName(),
		State: domain.LegacyChecking, CreatedAt: now, UpdatedAt: now}
	err := s.update(func(txn *badger.Txn) error {
		active, err := getString(txn, certImportActiveKey())
		if err == nil && active != "" {
			return ErrLegacyBusy
		}
		if err != nil && err != errNotFound {
			return err
		}
		if err := txn.Set(certImportBlobKey(j.ID), data); err != nil {
			return err
		}
		if err := txn.Set(certImportActiveKey(), []byte(j.ID)); err != nil {
			return err
		}
		return putJSON(txn, certImportKey(j.ID), legacyJobRec{V: 1, LegacyImport: j})
	})
	return j, err
}

// LegacyImport returns an import job and the file row up to which it has been written.
func (s *Store) LegacyImport(id string) (domain.LegacyImport, int, error) {
	var r legacyJobRec
	err := s.view(func(txn *badger.Txn) error { return getJSON(txn, certImportKey(id), &r) })
	return r.LegacyImport, r.Cursor, err
}

// LegacyImportFile returns the uploaded file of an unfinished job.
func (s *Store) LegacyImportFile(id string) ([]byte, error) {
	var b []byte
	err := s.view(func(txn *badger.Txn) error {
		item, err := txn.Get(certImportBlobKey(id))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		b, err = item.ValueCopy(nil)
		return err
	})
	return b, err
}

// ActiveLegacyImport returns the unfinished import job, or not found when there is none.
func (s *Store) ActiveLegacyImport() (domain.LegacyImport, error) {
	var r legacyJobRec
	err := s.view(func(txn *badger.Txn) error {
		id, err := getString(txn, certImportActiveKey())
		if err != nil {
			return err
		}
		return getJSON(txn, certImportKey(id), &r)
	})
	return r.LegacyImport, err
}

// RecentLegacyImports lists the latest import jobs, newest first, without their reports.
func (s *Store) RecentLegacyImports(limit int) ([]domain.LegacyImport, error) {
	var out []domain.LegacyImport
	err := s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, certImportPrefix(), true, limit, func(r *legacyJobRec) {
			r.Errors = nil
			out = append(out, r.LegacyImport)
		})
	})
	return out, err
}

// modifyJob changes a job record within txn.
func modifyJob(txn *badger.Txn, id string, now time.Time, fn func(r *legacyJobRec) error) (legacyJobRec, error) {
	var r legacyJobRec
	if err := getJSON(txn, certImportKey(id), &r); err != nil {
		return r, err
	}
	if err := fn(&r); err != nil {
		return r, err
	}
	r.UpdatedAt = now
	return r, putJSON(txn, certImportKey(id), r)
}

// errJobState is returned when a step does not fit the job's state (a second runner, or a
// finished job): the caller stops.
var errJobState = domain.Err(domain.CodeConflict, "导入任务的状态已经改变")

// LegacyCheckProgress records how far checking has come, for the progress bar.
func (s *Store) LegacyCheckProgress(id string, lines, checked, errCount int, now time.Time) error {
	return s.update(func(txn *badger.Txn) error {
		_, err := modifyJob(txn, id, now, func(r *legacyJobRec) error {
			if r.State != domain.LegacyChecking {
				return errJobState
			}
			r.Lines, r.Checked, r.ErrorCount = lines, checked, errCount
			return nil
		})
		return err
	})
}

// RejectLegacyImport ends a job that found bad lines (or an unusable file) before
// anything was written: it keeps the report, deletes the file and writes the audit entry.
func (s *Store) RejectLegacyImport(id, problem string, errs []domain.LineError, errCount, lines int, now time.Time) (domain.LegacyImport, error) {
	return s.endJob(id, now, func(r *legacyJobRec) error {
		if r.State != domain.LegacyChecking && r.State != domain.LegacyRollback {
			return errJobState
		}
		r.State, r.Problem, r.Errors, r.ErrorCount = domain.LegacyRejected, problem, errs, errCount
		if lines > 0 {
			r.Lines = lines
		}
		r.Added, r.Unchanged, r.Attached, r.Written, r.Cursor = 0, 0, 0, 0, 0
		return nil
	})
}

// BeginLegacyWrite turns a fully checked job without errors to writing.
func (s *Store) BeginLegacyWrite(id string, lines int, now time.Time) error {
	return s.update(func(txn *badger.Txn) error {
		_, err := modifyJob(txn, id, now, func(r *legacyJobRec) error {
			if r.State != domain.LegacyChecking {
				return errJobState
			}
			r.State, r.Lines, r.Checked = domain.LegacyWriting, lines, lines
			return nil
		})
		return err
	})
}

// FinishLegacyImport marks a written job done, deletes its file, frees the import slot
// and writes the audit entry with the counts.
func (s *Store) FinishLegacyImport(id string, now time.Time) (domain.LegacyImport, error) {
	return s.endJob(id, now, func(r *legacyJobRec) error {
		if r.State != domain.LegacyWriting {
			return errJobState
		}
		r.State = domain.LegacyDone
		return nil
	})
}

// endJob finishes a job in one transaction: state change, file and marker gone, audit.
func (s *Store) endJob(id string, now time.Time, fn func(r *legacyJobRec) error) (domain.LegacyImport, error) {
	var out legacyJobRec
	err := s.update(func(txn *badger.Txn) error {
		r, err := modifyJob(txn, id, now, func(r *legacyJobRec) error {
			if err := fn(r); err != nil {
				return err
			}
			r.FinishedAt = now
			return nil
		})
		if err != nil {
			return err
		}
		out = r
		for _, k := range [][]byte{certImportBlobKey(id), certImportActiveKey()} {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: r.ActorID, Actor: r.Actor, Action: domain.AuditLegacyImport,
			Object: r.ID, Detail: legacyAuditDetail(r.LegacyImport)})
	})
	return out.LegacyImport, err
}

// legacyAuditDetail is the audit entry's account of a job: the file and its counts.
func legacyAuditDetail(j domain.LegacyImport) string {
	var b strings.Builder
	b.WriteString(j.FileName + "：" + strconv.Itoa(j.Lines) + " 行，")
	if j.State == domain.LegacyDone {
		b.WriteString("新增 " + strconv.Itoa(j.Added) + " 张（其中 " + strconv.Itoa(j.Attached) + " 张已归入已注册学员），未变 " + strconv.Itoa(j.Unchanged) + " 张")
	} else {
		b.WriteString("有错误，未导入（" + strconv.Itoa(j.ErrorCount) + " 处错误）")
	}
	return b.String()
}
