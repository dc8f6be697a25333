package store

import (
	"sync"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// publishedExam is a published session with three seated candidates: two of agency A
// (posts 101 and 111) and one of agency B.
func publishedExam(t *testing.T, s *Store) (sess domain.ExamSession, a, b domain.Agency, apps []domain.Application) {
	t.Helper()
	a, _ = s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	b, _ = s.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	apps = []domain.Application{confirmedApp(t, s, a, 1, "101", true), confirmedApp(t, s, a, 2, "111", true), confirmedApp(t, s, b, 3, "101", true)}
	sess, err := s.CreateExamSession(examAdmin, examSessionInput("第1考场 2\n第2考场 2"), examDay)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AssignExamCandidates(examAdmin, sess.ID, ExamFilter{}, examDay); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArrangeExamSession(examAdmin, sess.ID, examDay); err != nil {
		t.Fatal(err)
	}
	if sess, _, err = s.PublishExamSession(examAdmin, sess.ID, examDay); err != nil {
		t.Fatal(err)
	}
	return sess, a, b, apps
}

func TestScoresReviewerScopeAndRules(t *testing.T) {
	s, _ := openTemp(t)
	sess, a, b, apps := publishedExam(t, s)
	ra := domain.User{ID: "ra", Name: "甲审核员", Role: domain.RoleReviewer, AgencyID: a.ID}
	rb := domain.User{ID: "rb", Name: "乙审核员", Role: domain.RoleReviewer, AgencyID: b.ID}
	trainee := domain.User{ID: apps[0].TraineeID, Role: domain.RoleTrainee}

	sheet, err := s.ScoreSheet(ra, sess.ID, "", t0)
	if err != nil || len(sheet.Rows) != 2 {
		t.Fatalf("reviewer A sees %d rows, %v", len(sheet.Rows), err)
	}
	for _, r := range sheet.Rows {
		if r.AgencyID != a.ID || r.MaskedID == "" || r.MaskedID == examIDNumber(1) {
			t.Fatalf("row %+v", r)
		}
	}
	if all, _ := s.ScoreSheet(examAdmin, sess.ID, "", t0); len(all.Rows) != 3 {
		t.Fatalf("admin sees %d rows", len(all.Rows))
	}
	if _, err := s.ScoreSheet(trainee, sess.ID, "", t0); err != errNotFound {
		t.Fatalf("trainee sheet: %v", err)
	}
	if list, err := s.ScoringSessions(rb); err != nil || len(list) != 1 || list[0].Seated != 1 {
		t.Fatalf("reviewer B's sessions: %+v %v", list, err)
	}

	// Reviewer B cannot score A's candidate: not found, and nothing written.
	if _, err := s.EnterScores(rb, sess.ID, apps[0].ID, domain.ScoreInput{Basic: "80", Practice: "80"}, examDay); err != errNotFound {
		t.Fatalf("B scored A's candidate: %v", err)
	}
	if got := appOf(t, s, apps[0].ID); got.Scores != nil {
		t.Fatal("scores written for a refused row")
	}
	// A score with 缺考 ticked, out of range, or with two decimals is refused.
	for _, in := range []domain.ScoreInput{{Basic: "80", Absent: true}, {Basic: "100.5", Practice: "60"}, {Basic: "60.25", Practice: "60"}} {
		if _, err := s.EnterScores(ra, sess.ID, apps[0].ID, in, examDay); domain.CodeOf(err) != domain.CodeInvalid {
			t.Fatalf("%+v accepted: %v", in, err)
		}
	}
	row, err := s.EnterScores(ra, sess.ID, apps[0].ID, domain.ScoreInput{Basic: "78.5", Practice: "60"}, examDay)
	if err != nil || row.Scores == nil || row.Scores.Basic != 785 || row.Status != domain.AppScored {
		t.Fatalf("entered: %+v %v", row, err)
	}
	// An application not in the session.
	if _, err := s.EnterScores(examAdmin, sess.ID, "no-such-app", domain.ScoreInput{Basic: "60", Practice: "60"}, examDay); err != domain.ErrNotInExam {
		t.Fatalf("unknown application: %v", err)
	}
	// A session not yet published.
	draft, _ := s.CreateExamSession(examAdmin, examSessionInput("第1考场 2"), examDay)
	if _, err := s.EnterScores(examAdmin, draft.ID, apps[2].ID, domain.ScoreInput{Basic: "60", Practice: "60"}, examDay); err != domain.ErrExamNotPublished {
		t.Fatalf("unpublished session: %v", err)
	}
}

func TestConfirmResultsOneWinnerAndEnds(t *testing.T) {
	s, _ := openTemp(t)
	sess, _, _, apps := publishedExam(t, s)
	if _, err := s.EnterScores(examAdmin, sess.ID, apps[0].ID, domain.ScoreInput{Basic: "60", Practice: "59.9"}, examDay); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmExamResults(examAdmin, sess.ID, examDay); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("confirmed with two scores missing: %v", err)
	}
	res, err := s.ExamResultsOf(examAdmin, sess.ID, t0)
	if err != nil || len(res.Summary.Missing) != 2 || res.Summary.Total.Sat != 1 || res.Summary.Total.Passed != 0 {
		t.Fatalf("summary: %+v %v", res.Summary, err)
	}
	if _, err := s.EnterScores(examAdmin, sess.ID, apps[1].ID, domain.ScoreInput{Basic: "88", Practice: "61.5"}, examDay); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnterScores(examAdmin, sess.ID, apps[2].ID, domain.ScoreInput{Absent: true}, examDay); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	results := make([]error, 4)
	counts := make([]int, 4)
	for i := range results {
		wg.Go(func() { counts[i], results[i] = s.ConfirmExamResults(examAdmin, sess.ID, examDay) })
	}
	wg.Wait()
	wins, total := 0, 0
	for i, err := range results {
		total += counts[i]
		if err == nil {
			wins++
		} else if domain.CodeOf(err) != domain.CodeConflict {
			t.Fatalf("loser's error: %v", err)
		}
	}
	if wins != 1 || total != 3 {
		t.Fatalf("%d winners judged %d applications", wins, total)
	}
	want := []domain.AppStatus{domain.AppFailed, domain.AppPassed, domain.AppFailed}
	results2 := []domain.ExamResult{domain.ResultFail, domain.ResultPass, domain.ResultAbsent}
	for i, a := range apps {
		got := appOf(t, s, a.ID)
		if got.Status != want[i] || got.Scores.Result != results2[i] || !got.Scores.Confirmed {
			t.Fatalf("app %d: %s %+v", i, got.Status, got.Scores)
		}
	}
	// The statistics counters moved with the applications (appRecords.save).
	byResult := map[domain.ExamResult]int{}
	for _, c := range statsCells(t, s).Cells {
		if c.Result != "" {
			byResult[c.Result] += c.N
		}
	}
	if byResult[domain.ResultPass] != 1 || byResult[domain.ResultFail] != 1 || byResult[domain.ResultAbsent] != 1 {
		t.Fatalf("statistics by result: %v", byResult)
	}
	if n := len(notifications(t, s, domain.NotifyExamResult)); n != 3 {
		t.Fatalf("%d result mails", n)
	}
	ended, _ := s.ExamSession(sess.ID)
	if ended.State != domain.ExamEnded || ended.Closing {
		t.Fatalf("session %s closing=%v", ended.State, ended.Closing)
	}
	if _, err := s.EnterScores(examAdmin, sess.ID, apps[0].ID, domain.ScoreInput{Basic: "60", Practice: "60"}, examDay); err != domain.ErrExamResultsConfirmed {
		t.Fatalf("scores after confirmation: %v", err)
	}
}

func appOf(t *testing.T, s *Store, id string) domain.Application {
	t.Helper()
	var a domain.Application
	if err := s.view(func(txn *badger.Txn) error {
		var err error
		a, err = loadApp(txn, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestImportScoresAllOrNothingAndScoped: a file with one bad line (an unknown ticket,
// another agency's candidate for a reviewer) writes nothing; a clean one writes all.
func TestImportScoresAllOrNothingAndScoped(t *testing.T) {
	s, _ := openTemp(t)
	sess, a, _, apps := publishedExam(t, s)
	ra := domain.User{ID: "ra", Name: "甲审核员", Role: domain.RoleReviewer, AgencyID: a.ID}
	ticket := func(i int) string { c, _ := sess.Candidate(apps[i].ID); return c.Ticket }
	name := func(i int) string { c, _ := sess.Candidate(apps[i].ID); return c.Name }
	parse := func(rows ...[]string) ([]domain.ScoreImportLine, []domain.LineError) {
		lines, errs, err := domain.ParseScoreImport(append([][]string{domain.ScoreImportHeader}, rows...))
		if err != nil {
			t.Fatal(err)
		}
		return lines, errs
	}
	// Reviewer A: their two candidates, plus B's candidate and an unknown ticket.
	lines, perrs := parse([]string{ticket(0), name(0), "70", "80"}, []string{ticket(1), name(1), "", "", "是"},
		[]string{ticket(2), name(2), "90", "90"}, []string{"2027999999999999", "某人", "60", "60"})
	rep, err := s.ImportScores(ra, sess.ID, lines, perrs, examDay)
	if err != nil || len(rep.Errors) != 2 || rep.Errors[0].Line != 4 || rep.Errors[1].Line != 5 || rep.Written != 0 {
		t.Fatalf("report: %+v %v", rep, err)
	}
	for _, app := range apps {
		if appOf(t, s, app.ID).Scores != nil {
			t.Fatal("a refused import wrote scores")
		}
	}
	// A wrong name is reported too.
	lines, perrs = parse([]string{ticket(0), "别人", "70", "80"})
	if rep, _ := s.ImportScores(ra, sess.ID, lines, perrs, examDay); len(rep.Errors) != 1 {
		t.Fatalf("wrong name: %+v", rep)
	}
	lines, perrs = parse([]string{ticket(0), name(0), "70", "80"}, []string{ticket(1), name(1), "", "", "是"})
	rep, err = s.ImportScores(ra, sess.ID, lines, perrs, examDay)
	if err != nil || len(rep.Errors) != 0 || rep.Written != 2 {
		t.Fatalf("clean import: %+v %v", rep, err)
	}
	if got := appOf(t, s, apps[0].ID); got.Scores == nil || got.Scores.Basic != 700 || got.Status != domain.AppScored {
		t.Fatalf("imported: %+v", got.Scores)
	}
	if got := appOf(t, s, apps[1].ID); got.Scores == nil || !got.Scores.Absent {
		t.Fatalf("imported absent: %+v", got.Scores)
	}
	tpl, err := s.ScoreTemplate(ra, sess.ID, t0)
	if err != nil || len(tpl) != 2 || tpl[0][2] != "70" {
		t.Fatalf("template: %v %v", tpl, err)
	}
}

// TestCorrectScoresAfterConfirmation: 成绩复核 only once the session has ended, with a
// reason; a failed candidate who applied again for the post cannot be made 合格 until
// that application is gone; the correction is audited and mailed.
func TestCorrectScoresAfterConfirmation(t *testing.T) {
	s, _ := openTemp(t)
	sess, a, _, apps := publishedExam(t, s)
	c0, _ := sess.Candidate(apps[0].ID)
	for i, in := range []domain.ScoreInput{{Basic: "59.5", Practice: "80"}, {Basic: "80", Practice: "80"}, {Absent: true}} {
		if _, err := s.EnterScores(examAdmin, sess.ID, apps[i].ID, in, examDay); err != nil {
			t.Fatal(err)
		}
	}
	fix := domain.ScoreInput{Basic: "60", Practice: "80"}
	if _, err := s.CorrectScores(examAdmin, sess.ID, c0.Ticket, fix, "复查", examDay); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("a correction before confirmation: %v", err)
	}
	if _, err := s.ConfirmExamResults(examAdmin, sess.ID, examDay); err != nil {
		t.Fatal(err)
	}
	ra := domain.User{ID: "ra", Role: domain.RoleReviewer, AgencyID: a.ID}
	if _, err := s.CorrectScores(ra, sess.ID, c0.Ticket, fix, "复查", examDay); err != errNotFound {
		t.Fatalf("a reviewer corrected: %v", err)
	}
	if _, err := s.CorrectScores(examAdmin, sess.ID, c0.Ticket, fix, "", examDay); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("no reason: %v", err)
	}
	// The failed trainee applied again for the same post (101).
	var u domain.User
	if err := s.view(func(txn *badger.Txn) error { var err error; u, err = loadUser(txn, apps[0].TraineeID); return err }); err != nil {
		t.Fatal(err)
	}
	again := fillApp(t, s, u, a)
	if _, err := s.SaveStep(u.ID, again.ID, domain.StepInput{Step: domain.StepPost, Post: "101"}, examDay); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CorrectScores(examAdmin, sess.ID, c0.Ticket, fix, "试卷复查漏计0.5分", examDay); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("two open applications for the post: %v", err)
	}
	if err := s.DeleteApplication(u.ID, again.ID, examDay); err != nil {
		t.Fatal(err)
	}
	got, err := s.CorrectScores(examAdmin, sess.ID, c0.Ticket, fix, "试卷复查漏计0.5分", examDay)
	if err != nil || got.Status != domain.AppPassed || got.Scores.Basic != 600 {
		t.Fatalf("corrected: %+v %v", got.Scores, err)
	}
	if n := len(notifications(t, s, domain.NotifyExamCorrected)); n != 1 {
		t.Fatalf("%d correction mails", n)
	}
}
