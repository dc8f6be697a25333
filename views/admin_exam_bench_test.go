package views

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
)

// BenchmarkAdminExamPage5000 renders the arrangement page of a 5,000-candidate session
// (125 rooms of 40 seats) and reports its size.
func BenchmarkAdminExamPage5000(b *testing.B) {
	var rooms strings.Builder
	for i := range 125 {
		fmt.Fprintf(&rooms, "第%d考场 40\n", i+1)
	}
	in := domain.ExamSessionInput{Name: "2027年第1期考试", Posts: []string{"101", "111"}, BasicDate: "2027-03-20",
		BasicStart: "09:00", BasicEnd: "11:00", PracticeDate: "2027-03-20", PracticeStart: "14:00", PracticeEnd: "16:00",
		Cutoff: "2027-03-01", Venues: []domain.ExamVenueInput{{Name: "郑州考点", Address: "金水区", Rooms: rooms.String()}}}
	plan, err := in.Validate()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	s, _ := domain.NewExamSession("S1", 1, plan, now)
	cs := make([]domain.ExamCandidate, 5000)
	photos := map[string]domain.PhotoStatus{}
	for i := range cs {
		cs[i] = domain.ExamCandidate{AppID: fmt.Sprintf("%032d", i), AppNumber: fmt.Sprintf("XQ2026112600%05d", i), TraineeID: fmt.Sprint(i),
			Name: "考生" + fmt.Sprint(i), PostCode: []string{"101", "111"}[i%2], CityCode: "410100", AgencyID: "G1"}
		photos[cs[i].TraineeID] = domain.PhotoConfirmed
	}
	s, _, _ = s.Assign(cs, now)
	if s, err = s.Arrange(photos, now); err != nil {
		b.Fatal(err)
	}
	m := ExamSessionModel{Session: s, Agencies: map[string]string{"G1": "郑州中心"}, Move: Form{Values: map[string]string{}}}
	p := Page{Title: s.Name, CSRF: "token"}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := AdminExam(p, m).Render(context.Background(), &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KB/page")
}
