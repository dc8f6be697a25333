package store

import (
	"errors"
	"testing"
	"time"

	"sitepro/domain"
)

// lowSpace points the store's space guard at a fake disk with room to spare and returns
// a function that makes storage low (writes refused with ErrNoSpace).
func lowSpace(s *Store) (low func()) {
	d := &fakeDisk{}
	d.free.Store(1 << 40)
	s.space.statfs = d.statfs
	s.Space()
	return func() {
		d.free.Store(s.Space().Reserve - 1)
		s.Space()
	}
}

// exports returns the audit entries of one kind of export.
func exports(t *testing.T, s *Store, a domain.AuditAction) []domain.AuditEntry {
	t.Helper()
	log, err := s.AuditLog(AuditFilter{Action: a}, 10)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// TestExportAppQueueAuditsInTheSameTransaction: the export returns every row the filter
// matches (all pages) with its audit entry written in the same transaction, counting
// exactly those rows; a refused viewer and an export while storage is low return no rows
// and leave no entry.
func TestExportAppQueueAuditsInTheSameTransaction(t *testing.T) {
	s, _ := openTemp(t)
	low := lowSpace(s)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州", CityCode: "410100"})
	if _, err := s.SubmitApplication(u, fillApp(t, s, u, ag).ID, t0); err != nil {
		t.Fatal(err)
	}
	rev := domain.User{ID: "r1", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员", Username: "rev"}

	rows, err := s.ExportAppQueue(rev, AppQueueExport{Filter: QueueFilter{Status: "all", Limit: 1, After: "ff"}, At: t0})
	if err != nil || len(rows) != 1 || rows[0].Name != u.Name {
		t.Fatalf("export: %+v %v", rows, err)
	}
	log := exports(t, s, domain.AuditAppExport)
	if len(log) != 1 || log[0].Detail != "1 条" || log[0].ActorID != rev.ID || !log[0].At.Equal(t0) {
		t.Fatalf("export audit: %+v", log)
	}
	if rows, err := s.ExportAppQueue(rev, AppQueueExport{Filter: QueueFilter{Query: "无此人"}, At: t0.Add(time.Minute)}); err != nil || len(rows) != 0 {
		t.Fatalf("filtered export: %+v %v", rows, err)
	}
	if log := exports(t, s, domain.AuditAppExport); len(log) != 2 || log[0].Detail != "0 条" {
		t.Fatalf("filtered export audit: %+v", log)
	}

	for _, who := range []domain.User{u, {ID: "a1", Role: domain.RoleAdmin, Name: "管理员"}} {
		if rows, err := s.ExportAppQueue(who, AppQueueExport{At: t0}); domain.CodeOf(err) != domain.CodeNotFound || rows != nil {
			t.Errorf("%s export: %+v %v", who.Role, rows, err)
		}
	}
	low()
	if rows, err := s.ExportAppQueue(rev, AppQueueExport{At: t0}); !errors.Is(err, ErrNoSpace) || rows != nil {
		t.Fatalf("export while storage is low: %+v %v, want no rows and ErrNoSpace", rows, err)
	}
	if log := exports(t, s, domain.AuditAppExport); len(log) != 2 {
		t.Fatalf("refused exports were audited: %+v", log)
	}
}

// TestExportCEQueueAuditsInTheSameTransaction: the same for the continuing-education
// queue, scoped to the reviewer's own agency.
func TestExportCEQueueAuditsInTheSameTransaction(t *testing.T) {
	f := newCEFixture(t)
	s := f.s
	low := lowSpace(s)
	e := f.draft(t, f.u, f.cert.Number, f.agA)
	if _, err := s.SubmitEnrolment(f.u, e.ID, t0); err != nil {
		t.Fatal(err)
	}
	rows, err := s.ExportCEQueue(f.revA, CEQueueExport{Filter: CEFilter{Limit: 1, After: "ff"}, At: t0})
	if err != nil || len(rows) != 1 || rows[0].EnrolID != e.ID {
		t.Fatalf("export: %+v %v", rows, err)
	}
	if rows, err := s.ExportCEQueue(f.revB, CEQueueExport{At: t0.Add(time.Minute)}); err != nil || len(rows) != 0 {
		t.Fatalf("another agency's export: %+v %v", rows, err)
	}
	log := exports(t, s, domain.AuditEnrolExport)
	if len(log) != 2 || log[1].Detail != "1 条" || log[1].ActorID != f.revA.ID || log[0].Detail != "0 条" {
		t.Fatalf("export audit: %+v", log)
	}
	if rows, err := s.ExportCEQueue(f.u, CEQueueExport{At: t0}); domain.CodeOf(err) != domain.CodeNotFound || rows != nil {
		t.Errorf("trainee export: %+v %v", rows, err)
	}
	low()
	if rows, err := s.ExportCEQueue(f.revA, CEQueueExport{At: t0}); !errors.Is(err, ErrNoSpace) || rows != nil {
		t.Fatalf("export while storage is low: %+v %v, want no rows and ErrNoSpace", rows, err)
	}
	if log := exports(t, s, domain.AuditEnrolExport); len(log) != 2 {
		t.Fatalf("refused exports were audited: %+v", log)
	}
}
