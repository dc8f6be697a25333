package store

import (
	"strconv"
	"testing"
	"time"

	"sitepro/domain"
)

// BenchmarkAuditPage200 reads the audit page's 200 newest entries with their objects
// resolved: 50 agencies, 50 staff accounts and 50 ids that name nothing any more (each
// tried against every kind, the worst case), four entries per object, as the page does
// in one read transaction. It reports the time per page and per entry.
func BenchmarkAuditPage200(b *testing.B) {
	s, err := Open(b.TempDir(), nil)
	must(b, err)
	b.Cleanup(func() { _ = s.Close() })
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	var objects []string
	for i := range 50 {
		ag, err := s.PutAgency(domain.Agency{Name: "机构" + strconv.Itoa(i), CityCode: "410100"})
		must(b, err)
		u, err := s.CreateStaff(domain.User{Role: domain.RoleReviewer, Username: "rev" + strconv.Itoa(i), Name: "审核员", AgencyID: ag.ID}, now)
		must(b, err)
		objects = append(objects, ag.ID, u.ID, newID())
	}
	for i := range 4 * len(objects) {
		must(b, s.Audit(domain.AuditEntry{At: now.Add(time.Duration(i) * time.Second), Actor: "测试", Action: domain.AuditAgencyUpdate, Object: objects[i%len(objects)]}))
	}
	b.ResetTimer()
	for b.Loop() {
		rows, err := s.AuditPage(AuditFilter{}, 200)
		if err != nil || len(rows) != 200 || rows[0].Obj.Kind == "" {
			b.Fatalf("%v %d", err, len(rows))
		}
	}
	perPage := float64(b.Elapsed().Microseconds()) / float64(b.N)
	b.ReportMetric(perPage, "µs/page")
	b.ReportMetric(perPage/200, "µs/entry")
}
