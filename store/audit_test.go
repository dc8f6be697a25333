package store

import (
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// TestAuditReadsEntriesWrittenBeforeActionsWereTyped: version 1 records hold the Chinese
// label as the action. They are read back as codes (tolerant decoding, nothing rewritten),
// so filtering by code finds old and new entries alike; text no label matches stays a
// legacy action, shown as stored and filterable by that text.
func TestAuditReadsEntriesWrittenBeforeActionsWereTyped(t *testing.T) {
	s, _ := openTemp(t)
	old := func(at time.Time, action string) {
		t.Helper()
		err := s.update(func(txn *badger.Txn) error {
			// The record exactly as version 1 wrote it: the action is a plain string.
			rec := struct {
				V                                      int
				At                                     time.Time
				ActorID, Actor, Action, Object, Detail string
			}{V: 1, At: at, ActorID: "u1", Actor: "管理员（admin）", Action: action, Object: "o1"}
			return putJSON(txn, auditKey(at, newID()[:8]), rec)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	old(t0, "下载备份")
	old(t0.Add(time.Second), "已停用的操作")
	if err := s.Audit(domain.AuditEntry{At: t0.Add(2 * time.Second), Actor: "管理员（admin）", Action: domain.AuditBackupDownload}); err != nil {
		t.Fatal(err)
	}
	all, err := s.AuditLog(AuditFilter{}, 10)
	if err != nil || len(all) != 3 {
		t.Fatalf("all entries: %+v %v", all, err)
	}
	if all[2].Action != domain.AuditBackupDownload || all[2].Action.Label() != "下载备份" {
		t.Errorf("old entry read as %q (%s)", all[2].Action, all[2].Action.Label())
	}
	if a := all[1].Action; a.Known() || a.Label() != "已停用的操作" {
		t.Errorf("legacy action read as %q (%s)", a, a.Label())
	}
	for _, f := range []domain.AuditAction{domain.AuditBackupDownload, "下载备份"} {
		if got, _ := s.AuditLog(AuditFilter{Action: f}, 10); len(got) != 2 {
			t.Errorf("filter %q: %d entries, want the old and the new one", f, len(got))
		}
	}
	if got, _ := s.AuditLog(AuditFilter{Action: "已停用的操作"}, 10); len(got) != 1 || got[0].Object != "o1" {
		t.Errorf("filter by legacy text: %+v", got)
	}
	// New entries store the code, never the label.
	err = s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, auditPrefix(), true, 1, func(r *auditRec) {
			if r.V != 2 || r.AuditEntry.Action != domain.AuditBackupDownload {
				t.Errorf("new record stored as V%d %q", r.V, r.AuditEntry.Action)
			}
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}
