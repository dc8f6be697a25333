package store

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
)

// statsIDNumber is the i-th valid ID number of a trainee born on 1990-03-07 in 郑州.
func statsIDNumber(i int) string {
	first := fmt.Sprintf("41010219900307%03d", i)
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for j, c := range first {
		sum += int(c-'0') * w[j]
	}
	return first + string("10X98765432"[sum%11])
}

// submitFor registers a trainee and submits an application for post at agency ag.
func submitFor(t *testing.T, s *Store, i int, ag domain.Agency, post string) (domain.User, domain.Application) {
	t.Helper()
	u, err := s.CreateTrainee(registration(t, statsIDNumber(i)), "h", NewToken(), t0)
	if err != nil {
		t.Fatal(err)
	}
	a := fillApp(t, s, u, ag)
	if post != "111" {
		if a, err = s.SaveStep(u.ID, a.ID, domain.StepInput{Step: domain.StepPost, Post: post}, t0); err != nil {
			t.Fatal(err)
		}
	}
	if a, err = s.SubmitApplication(u, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	return u, a
}

// decide applies decisions in order, failing the test on the first error.
func decide(t *testing.T, s *Store, who domain.User, id string, ds ...domain.Decision) {
	t.Helper()
	for _, d := range ds {
		if _, err := s.DecideApplication(who, id, d, t0); err != nil {
			t.Fatalf("%s: %v", d.Kind, err)
		}
	}
}

// statsCells reads the statistics as an admin, cells sorted so two reads compare.
func statsCells(t *testing.T, s *Store) StatsData {
	t.Helper()
	d, err := s.Stats(domain.User{Role: domain.RoleAdmin}, t0)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(d.Cells, func(a, b domain.StatsCell) int {
		return cmpStr(fmt.Sprint(a), fmt.Sprint(b))
	})
	return d
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// tableOf renders a table as "row: count count … = total" lines for comparison.
func tableOf(t domain.StatsTable) []string {
	var out []string
	for _, r := range t.Rows {
		line := r.Key + ":"
		for i, n := range r.Counts {
			if n > 0 {
				line += " " + t.Columns[i] + "=" + strconv.Itoa(n)
			}
		}
		out = append(out, line)
	}
	return out
}

// assertRebuildAgrees rebuilds the counters from the records and checks they equal the
// counters kept transaction by transaction.
func assertRebuildAgrees(t *testing.T, s *Store) {
	t.Helper()
	kept := statsCells(t, s)
	if err := s.rebuildStats(); err != nil {
		t.Fatal(err)
	}
	rebuilt := statsCells(t, s)
	if fmt.Sprint(kept.Cells) != fmt.Sprint(rebuilt.Cells) || fmt.Sprint(kept.Hours) != fmt.Sprint(rebuilt.Hours) {
		t.Fatalf("counters kept in transactions differ from a rebuild:\nkept    %v %v\nrebuilt %v %v", kept.Cells, kept.Hours, rebuilt.Cells, rebuilt.Hours)
	}
}

func TestStatsCountApplicationsByStatusCityPostAgency(t *testing.T) {
	s, dir := openTemp(t)
	agA, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	agB, _ := s.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	revA := domain.User{ID: "ra", Role: domain.RoleReviewer, AgencyID: agA.ID, Name: "甲"}
	revB := domain.User{ID: "rb", Role: domain.RoleReviewer, AgencyID: agB.ID, Name: "乙"}
	admin := domain.User{ID: "ad", Role: domain.RoleAdmin, Name: "管理员", Username: "admin"}
	confirm := domain.Decision{Kind: domain.AppConfirmDecision}
	exam := domain.Exam{TicketNumber: "1", Venue: "考点", Room: "1", Seat: "1",
		Subjects: []domain.ExamSubject{{Name: "专业基础知识", Start: t0, End: t0.Add(time.Hour)}}}
	schedule := domain.Decision{Kind: domain.AppScheduleDecision, Exam: &exam}
	result := domain.Decision{Kind: domain.AppResultDecision, PassMarks: domain.DefaultExamSettings()}

	u1, a1 := submitFor(t, s, 1, agA, "111") // stays submitted, then deleted
	_, a2 := submitFor(t, s, 2, agA, "112")  // confirmed
	u3, a3 := submitFor(t, s, 3, agB, "111") // returned, then resubmitted
	_, a4 := submitFor(t, s, 4, agA, "111")  // passed, then certified
	_, a5 := submitFor(t, s, 5, agA, "111")  // absent
	_, a6 := submitFor(t, s, 6, agB, "111")  // failed
	decide(t, s, revA, a2.ID, confirm)
	decide(t, s, revB, a3.ID, domain.Decision{Kind: domain.AppReturnDecision, Reasons: []string{domain.ReturnReasonsList[0]}})
	decide(t, s, revA, a4.ID, confirm)
	decide(t, s, admin, a4.ID, schedule, domain.Decision{Kind: domain.AppScoresDecision, Scores: &domain.Scores{Basic: domain.Points(80), Practice: domain.Points(75)}}, result)
	decide(t, s, revA, a5.ID, confirm)
	decide(t, s, admin, a5.ID, schedule, domain.Decision{Kind: domain.AppScoresDecision, Scores: &domain.Scores{Absent: true}}, result)
	decide(t, s, revB, a6.ID, confirm)
	decide(t, s, admin, a6.ID, schedule, domain.Decision{Kind: domain.AppScoresDecision, Scores: &domain.Scores{Basic: domain.Points(50), Practice: domain.Points(75)}}, result)
	if _, _, err := s.IssueCertificate(admin, a4.ID, t0); err != nil {
		t.Fatal(err)
	}

	d := statsCells(t, s)
	byAgency := domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsApps, By: domain.DimAgency})
	want := []string{
		agA.ID + ": submitted=1 confirmed=1 failed=1 certified=1",
		agB.ID + ": returned=1 failed=1",
	}
	if got := tableOf(byAgency); fmt.Sprint(got) != fmt.Sprint(want) || byAgency.Total != 6 {
		t.Fatalf("by agency:\n got %q\nwant %q (total %d)", got, want, byAgency.Total)
	}
	byPost := domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsApps, By: domain.DimPost, City: "410100"})
	want = []string{"111: submitted=1 failed=1 certified=1", "112: confirmed=1"}
	if got := tableOf(byPost); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("by post in 郑州:\n got %q\nwant %q", got, want)
	}
	failedByCity := domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsApps, By: domain.DimCity, Status: "failed", Post: "111"})
	want = []string{"410100: failed=1", "410300: failed=1"}
	if got := tableOf(failedByCity); fmt.Sprint(got) != fmt.Sprint(want) || len(failedByCity.Columns) != 1 {
		t.Fatalf("failed by city:\n got %q\nwant %q", got, want)
	}
	rates := domain.PassRates(d.Cells, domain.StatsFilter{Kind: domain.StatsApps}, domain.DimAgency)
	if fmt.Sprint(rates) != fmt.Sprint([]domain.PassRow{{Key: agA.ID, Passed: 1, Absent: 1, Total: 2}, {Key: agB.ID, Failed: 1, Total: 1}}) ||
		rates[0].Permille() != 500 {
		t.Fatalf("pass rates: %+v", rates)
	}
	certs := domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsCerts, By: domain.DimCity})
	if got := tableOf(certs); fmt.Sprint(got) != fmt.Sprint([]string{"410100: valid=1"}) {
		t.Fatalf("certificates: %q", got)
	}
	assertRebuildAgrees(t, s)

	// Status changes move the counts: a deletion and a resubmission.
	if err := s.DeleteApplication(u1.ID, a1.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitApplication(u3, a3.ID, t0); err != nil {
		t.Fatal(err)
	}
	// A legacy certificate of an agency the system does not know, expired by its date.
	old := cert(u3.ID, "豫建安C(2016)0012345", time.Date(2016, 5, 20, 0, 0, 0, 0, time.UTC))
	old.AgencyName, old.ValidUntil, old.PostCode = "已撤销的培训学校", time.Date(2019, 5, 19, 0, 0, 0, 0, time.UTC), "110"
	if _, err := s.AddCertificate(old); err != nil {
		t.Fatal(err)
	}
	d = statsCells(t, s)
	want = []string{
		agA.ID + ": confirmed=1 failed=1 certified=1",
		agB.ID + ": submitted=1 failed=1",
	}
	if got := tableOf(domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsApps, By: domain.DimAgency})); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after changes:\n got %q\nwant %q", got, want)
	}
	want = []string{": expired=1", "410100: valid=1"} // equal totals: by key
	if got := tableOf(domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsCerts, By: domain.DimCity})); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("certificates after import:\n got %q\nwant %q", got, want)
	}
	if got := tableOf(domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsCerts, By: domain.DimAgency, Status: "expired"})); fmt.Sprint(got) != fmt.Sprint([]string{"name:已撤销的培训学校: expired=1"}) {
		t.Fatalf("legacy agency by name: %q", got)
	}
	assertRebuildAgrees(t, s)

	// A store written before the counters existed gets them when it opens.
	kept := statsCells(t, s)
	if err := s.db.DropPrefix([]byte(pStats), migratedKey(migStats)); err != nil {
		t.Fatal(err)
	}
	if d := statsCells(t, s); len(d.Cells) != 0 {
		t.Fatalf("counters left after dropping them: %v", d.Cells)
	}
	s.Close()
	s2, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := statsCells(t, s2); fmt.Sprint(got.Cells) != fmt.Sprint(kept.Cells) {
		t.Fatalf("migration built %v, want %v", got.Cells, kept.Cells)
	}
	if _, err := s2.Stats(revA, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a reviewer read the statistics: %v", err)
	}
}

func TestStatsLearningCompliancePerAgency(t *testing.T) {
	f := newCEFixture(t)
	e := f.confirmed(t, f.cert.Number)
	other := f.draft(t, f.other, f.otherCert.Number, f.agB)
	if _, err := f.s.SubmitEnrolment(f.other, other.ID, t0); err != nil {
		t.Fatal(err)
	}
	prof, _ := f.s.AddCourse(f.revA, domain.CourseInput{Title: "建筑施工技术", Category: "专业", Hours: "8"}, t0)
	pub, _ := f.s.AddCourse(f.revA, domain.CourseInput{Title: "法律法规", Category: "公共", Hours: "8"}, t0)
	day := func(n int) time.Time { return time.Date(2026, 10, n, 0, 0, 0, 0, time.UTC) }
	compliance := func() []domain.ComplianceRow {
		d := statsCells(t, f.s)
		return domain.ComplianceByAgency(d.Hours, d.Settings, func(string, string) bool { return true }, t0)
	}
	if got := compliance(); fmt.Sprint(got) != fmt.Sprint([]domain.ComplianceRow{{Agency: f.agA.ID, Enrolled: 1}}) {
		t.Fatalf("before learning: %+v", got)
	}
	for i, c := range []domain.Course{prof, prof, prof, pub} {
		if _, err := f.s.RecordLearning(f.revA, e.ID, c.ID, day(i+1), t0); err != nil {
			t.Fatal(err)
		}
	}
	if got := compliance(); got[0].Met != 1 || got[0].Permille() != 1000 {
		t.Fatalf("32 hours, 24 professional: %+v", got)
	}
	d := statsCells(t, f.s)
	ce := domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsCE, By: domain.DimAgency})
	want := []string{f.agA.ID + ": completed=1", f.agB.ID + ": pending=1"}
	got := tableOf(ce)
	slices.Sort(got) // equal totals: by key, and keys are random
	slices.Sort(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("enrolments:\n got %q\nwant %q", got, want)
	}
	// A year on, the cycle has ended: nobody is in a running cycle.
	if got := domain.ComplianceByAgency(d.Hours, d.Settings, func(string, string) bool { return true }, t0.AddDate(1, 0, 0)); len(got) != 0 {
		t.Fatalf("ended cycle still counted: %+v", got)
	}
	assertRebuildAgrees(t, f.s)
	if err := f.s.DeleteEnrolment(f.other.ID, other.ID, t0); err != nil {
		t.Fatal(err)
	}
	d = statsCells(t, f.s)
	if got := tableOf(domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsCE, By: domain.DimAgency})); len(got) != 1 {
		t.Fatalf("deleted enrolment still counted: %q", got)
	}
	assertRebuildAgrees(t, f.s)
}

func TestExportStatsIsAudited(t *testing.T) {
	s, _ := openTemp(t)
	admin := domain.User{ID: "ad", Role: domain.RoleAdmin, Name: "管理员", Username: "admin"}
	if _, err := s.ExportStats(domain.User{Role: domain.RoleReviewer}, StatsExport{At: t0}); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a reviewer exported: %v", err)
	}
	if _, err := s.ExportStats(admin, StatsExport{What: "新取证报名 按培训机构", At: t0}); err != nil {
		t.Fatal(err)
	}
	got := exports(t, s, domain.AuditStatsExport)
	if len(got) != 1 || got[0].Detail != "新取证报名 按培训机构" || got[0].ActorID != admin.ID {
		t.Fatalf("audit: %+v", got)
	}
}

// TestStatsCountersExactUnderConcurrentDecisions: reviewers confirming applications of
// the same agency, city and post at once all move the same two counters; the retried
// transactions leave them exact.
func TestStatsCountersExactUnderConcurrentDecisions(t *testing.T) {
	s, _ := openTemp(t)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	rev := domain.User{ID: "ra", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "甲"}
	const n = 8
	ids := make([]string, n)
	for i := range ids {
		_, a := submitFor(t, s, 10+i, ag, "111")
		ids[i] = a.ID
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if _, err := s.DecideApplication(rev, id, domain.Decision{Kind: domain.AppConfirmDecision}, t0); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	d := statsCells(t, s)
	if got := tableOf(domain.BuildStatsTable(d.Cells, domain.StatsFilter{Kind: domain.StatsApps})); fmt.Sprint(got) != fmt.Sprint([]string{ag.ID + ": confirmed=8"}) {
		t.Fatalf("after concurrent confirmations: %q", got)
	}
	assertRebuildAgrees(t, s)
}

// TestStatsPassRatesPerExamSession: confirmed results are counted per exam session and
// named by the session's name, in the counters kept by the transactions and in a
// rebuild alike; results before sessions existed belong to no session.
func TestStatsPassRatesPerExamSession(t *testing.T) {
	s, _ := openTemp(t)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	rev := domain.User{ID: "ra", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "甲"}
	admin := domain.User{ID: "ad", Role: domain.RoleAdmin, Name: "管理员", Username: "admin"}
	in := func(session, name string) domain.Decision {
		e := domain.Exam{SessionID: session, Session: name, TicketNumber: "1", Venue: "考点", Room: "1", Seat: "1",
			Subjects: []domain.ExamSubject{{Name: "专业基础知识", Start: t0, End: t0.Add(time.Hour)}}}
		return domain.Decision{Kind: domain.AppScheduleDecision, Exam: &e}
	}
	result := domain.Decision{Kind: domain.AppResultDecision, PassMarks: domain.DefaultExamSettings()}
	scores := func(b, p int) domain.Decision {
		return domain.Decision{Kind: domain.AppScoresDecision, Scores: &domain.Scores{Basic: domain.Points(b), Practice: domain.Points(p)}}
	}
	for i, c := range []struct {
		session, name string
		basic         int
	}{{"s1", "2027年第一批", 80}, {"s1", "2027年第一批", 40}, {"s2", "2027年第二批", 90}, {"", "", 70}} {
		_, a := submitFor(t, s, 10+i, ag, "111")
		decide(t, s, rev, a.ID, domain.Decision{Kind: domain.AppConfirmDecision})
		decide(t, s, admin, a.ID, in(c.session, c.name), scores(c.basic, 75), result)
	}
	want := fmt.Sprint([]domain.PassRow{{Key: "2027年第一批", Passed: 1, Failed: 1, Total: 2}, {Key: "", Passed: 1, Total: 1},
		{Key: "2027年第二批", Passed: 1, Total: 1}})
	kept := domain.PassRates(statsCells(t, s).Cells, domain.StatsFilter{Kind: domain.StatsApps}, domain.DimSession)
	if fmt.Sprint(kept) != want {
		t.Fatalf("pass rates per session:\n got %+v\nwant %s", kept, want)
	}
	if err := s.rebuildStats(); err != nil {
		t.Fatal(err)
	}
	if rebuilt := domain.PassRates(statsCells(t, s).Cells, domain.StatsFilter{Kind: domain.StatsApps}, domain.DimSession); fmt.Sprint(rebuilt) != want {
		t.Fatalf("after a rebuild:\n got %+v\nwant %s", rebuilt, want)
	}
}
