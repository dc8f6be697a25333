package store

import (
	"strconv"
	"testing"
	"time"

	"sitepro/domain"
)

// BenchmarkExamScores2000 measures the store's side of scoring a published
// 2,000-candidate session: the admin's whole grid, one row saved, an import of every
// score (checked, then written in batches), and the confirmation of the results (2,000
// applications judged with their mails, in batches).
func BenchmarkExamScores2000(b *testing.B) {
	const n = 2000
	for b.Loop() {
		b.StopTimer()
		s, err := Open(b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
		seedExamCandidates(b, s, ag, n)
		sess, err := s.CreateExamSession(examAdmin, examSessionInput(roomsText(50, 40)), examDay)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.AssignExamCandidates(examAdmin, sess.ID, ExamFilter{}, examDay); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ArrangeExamSession(examAdmin, sess.ID, examDay); err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.PublishExamSession(examAdmin, sess.ID, examDay); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t := time.Now()
		sheet, err := s.ScoreSheet(examAdmin, sess.ID, "", t0)
		if err != nil || len(sheet.Rows) != n {
			b.Fatalf("sheet: %d %v", len(sheet.Rows), err)
		}
		grid := time.Since(t)
		t = time.Now()
		if _, err := s.EnterScores(examAdmin, sess.ID, sheet.Rows[0].AppID, domain.ScoreInput{Basic: "61", Practice: "70.5"}, examDay); err != nil {
			b.Fatal(err)
		}
		row := time.Since(t)
		rows := [][]string{domain.ScoreImportHeader}
		for i, r := range sheet.Rows {
			rows = append(rows, []string{r.Ticket, r.Name, strconv.Itoa(40 + i%60), strconv.Itoa(50+i%50) + ".5", ""})
		}
		t = time.Now()
		lines, perrs, err := domain.ParseScoreImport(rows)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := s.ImportScores(examAdmin, sess.ID, lines, perrs, examDay)
		if err != nil || rep.Written != n {
			b.Fatalf("import: %+v %v", rep, err)
		}
		imp := time.Since(t)
		t = time.Now()
		confirmed, err := s.ConfirmExamResults(examAdmin, sess.ID, examDay)
		if err != nil || confirmed != n {
			b.Fatalf("confirm: %d %v", confirmed, err)
		}
		confirm := time.Since(t)
		b.ReportMetric(float64(grid.Milliseconds()), "grid-ms")
		b.ReportMetric(float64(row.Microseconds()), "row-µs")
		b.ReportMetric(float64(imp.Milliseconds()), "import-ms")
		b.ReportMetric(float64(confirm.Milliseconds()), "confirm-ms")
		b.StopTimer()
		_ = s.Close()
		b.StartTimer()
	}
}
