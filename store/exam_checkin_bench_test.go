package store

import (
	"slices"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
)

// BenchmarkCheckIn500InFlight: a published 1,000-candidate session; 500 invigilators
// (goroutines, half admins, half reviewers of the agency) each look a candidate up by
// ticket number and check them in, all released at once, then 500 more scan tickets that
// are already checked in (the 已签到 answer). Prints p50/p99 of each step.
func BenchmarkCheckIn500InFlight(b *testing.B) {
	const n, inFlight = 1000, 500
	for b.Loop() {
		b.StopTimer()
		s, err := Open(b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
		seedExamCandidates(b, s, ag, n)
		sess, err := s.CreateExamSession(examAdmin, examSessionInput(roomsText(25, 40)), examDay)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.AssignExamCandidates(examAdmin, sess.ID, ExamFilter{}, examDay); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ArrangeExamSession(examAdmin, sess.ID, examDay); err != nil {
			b.Fatal(err)
		}
		if sess, _, err = s.PublishExamSession(examAdmin, sess.ID, examDay); err != nil {
			b.Fatal(err)
		}
		rev := domain.User{ID: "rev", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "监考"}
		run := func(wantErr bool) (lookup, checkin []time.Duration) {
			lookup, checkin = make([]time.Duration, inFlight), make([]time.Duration, inFlight)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range inFlight {
				wg.Go(func() {
					inv := rev
					if i%2 == 0 {
						inv = examAdmin
					}
					ref := domain.TicketRef{Ticket: sess.Candidates[i].Ticket}
					<-start
					t := time.Now()
					if _, err := s.CheckInLookup(inv, sess.ID, ref); err != nil {
						b.Error(err)
					}
					lookup[i] = time.Since(t)
					t = time.Now()
					_, err := s.CheckIn(inv, sess.ID, ref, "", checkinAt)
					checkin[i] = time.Since(t)
					if (err != nil) != wantErr {
						b.Error(err)
					}
				})
			}
			b.StartTimer()
			close(start)
			wg.Wait()
			b.StopTimer()
			return lookup, checkin
		}
		lookup, checkin := run(false)
		_, again := run(true)
		pct := func(d []time.Duration, p float64) float64 {
			d = slices.Clone(d)
			slices.Sort(d)
			return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000
		}
		b.ReportMetric(pct(lookup, .5), "ms-lookup-p50")
		b.ReportMetric(pct(lookup, .99), "ms-lookup-p99")
		b.ReportMetric(pct(checkin, .5), "ms-checkin-p50")
		b.ReportMetric(pct(checkin, .99), "ms-checkin-p99")
		b.ReportMetric(pct(again, .5), "ms-rescan-p50")
		b.ReportMetric(pct(again, .99), "ms-rescan-p99")
		if att, _ := s.ExamAttendance(sess.ID); len(att) != inFlight {
			b.Fatalf("%d attendance records, want %d", len(att), inFlight)
		}
		s.Close()
		b.StartTimer()
	}
}
