package store

import (
	"fmt"
	"runtime/debug"
	"testing"
	"time"

	"sitepro/domain"
)

// BenchmarkPhotoQueue100k stores 100,000 trainees with a pending photo spread over 50
// agencies (every tenth trainee applied to a second agency too), written the way a store
// of the previous schema holds them, then reopens the store (the reopen time includes
// building the per-agency photo index) and measures a reviewer's photo queue and the
// console's counts.
//
//	go test ./store -run '^$' -bench PhotoQueue100k -benchtime 20x
func BenchmarkPhotoQueue100k(b *testing.B) {
	const photos, agencyCount = 100_000, 50
	dir := b.TempDir()
	s, err := Open(dir, nil)
	must(b, err)
	agencies := make([]string, agencyCount)
	for i := range agencies {
		a, err := s.PutAgency(domain.Agency{Name: fmt.Sprintf("机构%d", i), CityCode: "410100"})
		must(b, err)
		agencies[i] = a.ID
	}
	start := time.Now()
	seedPendingPhotos(b, s, agencies, photos)
	seed := time.Since(start)
	must(b, s.Close())
	debug.FreeOSMemory()
	start = time.Now()
	s, err = Open(dir, nil)
	must(b, err)
	reopen := time.Since(start)
	defer s.Close()
	reviewer := domain.User{ID: "r", Role: domain.RoleReviewer, AgencyID: agencies[agencyCount/2], Name: "审核员"}
	b.Run("PhotoQueue", func(b *testing.B) {
		b.ReportAllocs()
		rows := 0
		for b.Loop() {
			r, err := s.PhotoQueue(reviewer, "", 0)
			must(b, err)
			rows = len(r.Rows)
		}
		b.ReportMetric(float64(rows), "rows")
	})
	b.Run("QueueCounts", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			_, p, err := s.QueueCounts(reviewer)
			must(b, err)
			n = p
		}
		b.ReportMetric(float64(n), "photos")
	})
	b.Logf("seeded %d pending photos in %v; reopened in %v", photos, seed.Round(time.Millisecond), reopen.Round(time.Millisecond))
}

// seedPendingPhotos writes n trainees, each with a pending photo and linked to one agency
// (every tenth to a second one), in write batches, as a store of the schema before the
// per-agency photo index holds them: without that index and its migration marker.
func seedPendingPhotos(tb testing.TB, s *Store, agencies []string, n int) {
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		u := domain.User{ID: newID(), Role: domain.RoleTrainee, Name: "王芳", IDNumber: fmt.Sprintf("4101021990%08d", i)}
		p := domain.Photo{}.Uploaded(u.ID, newID(), 358, 441, 20_000, at.Add(time.Duration(i)*time.Second))
		must(tb, setJSON(wb, userKey(u.ID), userRec{V: 1, User: u}))
		must(tb, setJSON(wb, photoKey(u.ID), photoRec{V: 1, Photo: p}))
		must(tb, wb.Set(photoOwnerKey(p.ID), []byte(u.ID)))
		must(tb, wb.Set(photoPendingKey(p.UploadedAt, u.ID), nil))
		links := []string{agencies[i%len(agencies)]}
		if i%10 == 0 {
			links = append(links, agencies[(i/10)%len(agencies)])
		}
		for _, a := range links {
			must(tb, wb.Set(agencyTraineeKey(a, u.ID), nil))
			must(tb, wb.Set(traineeAgencyKey(u.ID, a), nil))
		}
	}
	must(tb, wb.Delete(migratedKey(migPhotoAgencyIndex)))
	must(tb, wb.Flush())
}
