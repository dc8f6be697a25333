package store

import (
	"fmt"
	"runtime/debug"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
	"sitepro/testkit"
)

// BenchmarkRSS100kApplications stores 100,000 submitted applications (1,000 trainees in
// 10 agencies, written in batches through the same records and indexes the use cases
// write), reopens the store and serves typical reads, then reports the process RSS.
func BenchmarkRSS100kApplications(b *testing.B) {
	dir := b.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	const trainees, perTrainee = 1000, 100
	agencies := make([]string, 10)
	for i := range agencies {
		a, _ := s.PutAgency(domain.Agency{Name: fmt.Sprintf("机构%d", i), CityCode: "410100"})
		agencies[i] = a.ID
	}
	wb := s.db.NewWriteBatch()
	users := make([]string, trainees)
	for t := range users {
		u := domain.User{ID: newID(), Role: domain.RoleTrainee, Name: "王芳", IDNumber: fmt.Sprintf("4101021990%08d", t)}
		users[t] = u.ID
		must(b, setJSON(wb, userKey(u.ID), userRec{V: 1, User: u}))
	}
	must(b, wb.Flush())
	for t, uid := range users {
		err := s.update(func(txn *badger.Txn) error {
			for k := range perTrainee {
				at := start.Add(time.Duration(t*perTrainee+k) * time.Second)
				a := domain.Application{ID: newTimeID(at), Number: fmt.Sprintf("XQ%09d", t*perTrainee+k), TraineeID: uid,
					Status: domain.AppSubmitted, AgencyID: agencies[k%len(agencies)], PostCode: "101", CityCode: "410100",
					Employment: "待业", CreatedAt: at, SubmittedAt: at, UpdatedAt: at,
					Timeline: []domain.Event{{At: at, What: "提交报名", Actor: "本人"}}}
				if err := txn.Set(appTraineeKey(uid, a.ID), nil); err != nil {
					return err
				}
				if err := appRecords.save(txn, domain.Application{}, a); err != nil {
					return err
				}
			}
			return nil
		})
		must(b, err)
	}
	seed := time.Since(start)
	must(b, s.Close())
	debug.FreeOSMemory() // report what serving needs, not the seeding's garbage
	s, err = Open(dir, nil)
	must(b, err)
	defer s.Close()
	reviewer := domain.User{Role: domain.RoleReviewer, AgencyID: agencies[0]}
	for b.Loop() {
		if _, err := s.ApplicationsOf(users[len(users)/2]); err != nil {
			b.Fatal(err)
		}
		if _, err := s.AppQueue(reviewer, "", QueueFilter{Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(seed.Seconds(), "seed_s")
	b.ReportMetric(testkit.ProcStatusMB("VmRSS"), "RSS_MB")
	b.ReportMetric(testkit.ProcStatusMB("VmHWM"), "peak_RSS_incl_seeding_MB")
}

func setJSON(wb *badger.WriteBatch, k []byte, v any) error {
	b, err := jsonMarshal(v)
	if err != nil {
		return err
	}
	return wb.Set(k, b)
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
