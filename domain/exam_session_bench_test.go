package domain

import (
	"testing"
	"time"
)

// BenchmarkArrange5000 arranges a 5,000-candidate session of three posts in 125 rooms of
// 40 seats, 3% of them blocked by their photo.
func BenchmarkArrange5000(b *testing.B) {
	s := examSession(b, roomsOf(125, 40))
	posts := []string{"101", "101", "101", "101", "106", "106", "106", "111", "111"}
	cs := make([]ExamCandidate, 5000)
	for i := range cs {
		cs[i] = cand(i, posts[i*7%len(posts)])
	}
	photos := allConfirmed(cs)
	for i := 0; i < len(cs); i += 33 {
		photos[cs[i].TraineeID] = PhotoPending
	}
	s = assigned(b, s, cs)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := s.Arrange(photos, examNow); err != nil {
			b.Fatal(err)
		}
	}
	per := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(per*1000, "ms/arrangement")
	b.ReportMetric(5000/per, "candidates/s")
}
