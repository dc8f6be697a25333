package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// seedExamCandidates writes n confirmed applications of trainees with confirmed photos
// straight into the store (the wizard's and the reviewers' use cases are measured
// elsewhere), in transactions of 100, over posts 101 and 111.
func seedExamCandidates(tb testing.TB, s *Store, ag domain.Agency, n int) {
	tb.Helper()
	for start := 0; start < n; start += 100 {
		err := s.update(func(txn *badger.Txn) error {
			for i := start; i < min(n, start+100); i++ {
				u := domain.User{ID: newID(), Role: domain.RoleTrainee, Name: fmt.Sprintf("考生%d", i), Email: "c@example.com"}
				if err := putJSON(txn, userKey(u.ID), userRec{V: 1, User: u}); err != nil {
					return err
				}
				p := domain.Photo{OwnerID: u.ID, ID: newID(), Status: domain.PhotoConfirmed}
				if err := putJSON(txn, photoKey(u.ID), photoRec{V: 1, Photo: p}); err != nil {
					return err
				}
				a := domain.Application{ID: newID(), Number: fmt.Sprintf("XQ20261126%05d", i), TraineeID: u.ID, Status: domain.AppConfirmed,
					CityCode: "410100", AgencyID: ag.ID, PostCode: []string{"101", "101", "111"}[i%3], CreatedAt: t0, SubmittedAt: t0, UpdatedAt: t0}
				a.Timeline = []domain.Event{{At: t0, What: "提交报名", Actor: u.Name}, {At: t0, What: "机构确认", Actor: "审核员"}}
				if err := txn.Set(appTraineeKey(u.ID, a.ID), nil); err != nil {
					return err
				}
				if err := appRecords.save(txn, domain.Application{}, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkExamSession5000 measures the store's side of a 5,000-candidate session once:
// assigning everyone, the arrangement (reading 5,000 photo statuses and writing the
// session), and publishing (5,000 applications scheduled with their mails).
func BenchmarkExamSession5000(b *testing.B) {
	const n = 5000
	for b.Loop() {
		b.StopTimer()
		s, err := Open(b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
		seedExamCandidates(b, s, ag, n)
		in := examSessionInput(roomsText(125, 40))
		sess, err := s.CreateExamSession(examAdmin, in, examDay)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t := time.Now()
		added, err := s.AssignExamCandidates(examAdmin, sess.ID, ExamFilter{}, examDay)
		if err != nil || added != n {
			b.Fatalf("assign: %d %v", added, err)
		}
		assign := time.Since(t)
		t = time.Now()
		if _, err := s.ArrangeExamSession(examAdmin, sess.ID, examDay); err != nil {
			b.Fatal(err)
		}
		arrange := time.Since(t)
		t = time.Now()
		_, published, err := s.PublishExamSession(examAdmin, sess.ID, examDay)
		if err != nil || published != n {
			b.Fatalf("publish: %d %v", published, err)
		}
		publish := time.Since(t)
		b.ReportMetric(float64(assign.Milliseconds()), "ms-assign")
		b.ReportMetric(float64(arrange.Milliseconds()), "ms-arrange")
		b.ReportMetric(float64(publish.Milliseconds()), "ms-publish")
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

func roomsText(rooms, seats int) string {
	out := ""
	for i := range rooms {
		out += fmt.Sprintf("第%d考场 %d\n", i+1, seats)
	}
	return out
}
