package store

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

var examAdmin = domain.User{ID: "ad1", Username: "admin", Name: "管理员", Role: domain.RoleAdmin}

func examSessionInput(rooms string) domain.ExamSessionInput {
	return domain.ExamSessionInput{Name: "2027年第1期考试", Posts: []string{"101", "111"},
		BasicDate: "2027-03-20", BasicStart: "09:00", BasicEnd: "11:00",
		PracticeDate: "2027-03-20", PracticeStart: "14:00", PracticeEnd: "16:30", Cutoff: "2027-03-01",
		Venues: []domain.ExamVenueInput{{Name: "郑州考点", Address: "金水区纬五路12号", Rooms: rooms}}}
}

// confirmedApp registers trainee i, has them apply to ag for post and the agency confirm
// it; with photo, the trainee's personal photo is confirmed too.
func confirmedApp(t *testing.T, s *Store, ag domain.Agency, i int, post string, photo bool) domain.Application {
	t.Helper()
	id := examIDNumber(i)
	u, err := s.CreateTrainee(registration(t, id), "h", NewToken(), t0)
	if err != nil {
		t.Fatal(err)
	}
	a := fillApp(t, s, u, ag)
	if a, err = s.SaveStep(u.ID, a.ID, domain.StepInput{Step: domain.StepPost, Post: post}, t0); err != nil {
		t.Fatal(err)
	}
	if a, err = s.SubmitApplication(u, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	rev := domain.User{ID: "r-" + ag.ID, Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员"}
	if a, err = s.DecideApplication(rev, a.ID, domain.Decision{Kind: domain.AppConfirmDecision}, t0); err != nil {
		t.Fatal(err)
	}
	if photo {
		if _, err := s.UploadPhoto(u.ID, []byte("jpeg"), 358, 441, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DecidePhoto(rev, u.ID, domain.Decision{Kind: domain.PhotoConfirmDecision}, t0); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// examIDNumber is a valid ID number of the i-th test trainee (born in 1990, from
// Zhengzhou), with its GB 11643 check character.
func examIDNumber(i int) string {
	s := "410105" + time.Date(1990, 1, 1+i/900, 0, 0, 0, 0, time.UTC).Format("20060102") + fmt.Sprintf("%03d", i%900)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for j, w := range weights {
		sum += int(s[j]-'0') * w
	}
	return s + string("10X98765432"[sum%11])
}

var examDay = time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)

func TestExamSessionAssignArrangePublish(t *testing.T) {
	s, _ := openTemp(t)
	zz, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	ly, _ := s.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	var apps []domain.Application
	for i, tc := range []struct {
		ag    domain.Agency
		post  string
		photo bool
	}{{zz, "101", true}, {zz, "111", true}, {zz, "101", false}, {ly, "101", true}, {zz, "106", true}} {
		apps = append(apps, confirmedApp(t, s, tc.ag, i, tc.post, tc.photo))
	}
	if _, err := s.CreateExamSession(domain.User{Role: domain.RoleReviewer}, examSessionInput("第1考场 2"), examDay); err == nil {
		t.Fatal("a reviewer created a session")
	}
	if _, err := s.CreateExamSession(examAdmin, examSessionInput("第1考场"), examDay); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("invalid rooms: %v", err)
	}
	sess, err := s.CreateExamSession(examAdmin, examSessionInput("第1考场 2\n第2考场 1"), examDay)
	if err != nil || sess.Number != 1 || sess.Year != 2027 || sess.State != domain.ExamArranging {
		t.Fatalf("create: %+v %v", sess, err)
	}
	other, _ := s.CreateExamSession(examAdmin, examSessionInput("第1考场 30"), examDay)
	if other.Number != 2 {
		t.Fatalf("second session of the year numbered %d", other.Number)
	}

	// Counts before acting: the session covers 101 and 111, so the 106 application is
	// not offered; by city, only Zhengzhou's.
	pre, err := s.ExamAssignPreview(examAdmin, sess.ID, ExamFilter{CityCode: "410100"})
	if err != nil || len(pre.Candidates) != 3 || pre.ByPost["101"] != 2 || pre.ByPost["111"] != 1 {
		t.Fatalf("preview: %+v %v", pre, err)
	}
	if n, err := s.AssignExamCandidates(examAdmin, sess.ID, ExamFilter{CityCode: "410100"}, examDay); err != nil || n != 3 {
		t.Fatalf("assign Zhengzhou: %d %v", n, err)
	}
	// At most one open session: the other session sees them as elsewhere.
	pre, _ = s.ExamAssignPreview(examAdmin, other.ID, ExamFilter{})
	if len(pre.Candidates) != 1 || pre.Elsewhere != 3 {
		t.Fatalf("other session's preview: %+v", pre)
	}
	if n, err := s.AssignExamCandidates(examAdmin, sess.ID, ExamFilter{AgencyID: ly.ID, PostCode: "101"}, examDay); err != nil || n != 1 {
		t.Fatalf("assign Luoyang 101: %d %v", n, err)
	}
	if _, err := s.AssignExamCandidates(examAdmin, sess.ID, ExamFilter{}, examDay); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("assigning nobody: %v", err)
	}
	if _, err := s.AssignExamCandidates(examAdmin, other.ID, ExamFilter{}, time.Date(2027, 3, 2, 0, 0, 0, 0, time.UTC)); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("assigned after the cut-off: %v", err)
	}

	// Arrange: the trainee without a photo is blocked; three seated in three seats.
	sess, err = s.ArrangeExamSession(examAdmin, sess.ID, examDay)
	if seated, blocked, all := sess.Counts(); err != nil || seated != 3 || blocked != 1 || all != 4 {
		t.Fatalf("arrange: %d %d %d %v", seated, blocked, all, err)
	}
	if c, _ := sess.Candidate(apps[2].ID); c.Blocked == "" {
		t.Fatalf("no photo, not blocked: %+v", c)
	}
	// Remove one, move another to the freed seat.
	gone, _ := sess.Candidate(apps[3].ID)
	if sess, err = s.RemoveExamCandidate(examAdmin, sess.ID, apps[3].ID, examDay); err != nil {
		t.Fatal(err)
	}
	if sess, err = s.MoveExamCandidate(examAdmin, sess.ID, apps[0].ID, gone.Venue+1, gone.Room+1, gone.Seat, examDay); err != nil {
		t.Fatal(err)
	}
	if pre, _ = s.ExamAssignPreview(examAdmin, other.ID, ExamFilter{}); len(pre.Candidates) != 1 || pre.Candidates[0].AppID != apps[3].ID {
		t.Fatalf("the removed candidate is not free for another session: %+v", pre)
	}

	sess, n, err := s.PublishExamSession(examAdmin, sess.ID, examDay)
	if err != nil || n != 2 || sess.State != domain.ExamPublished {
		t.Fatalf("publish: %d %v", n, err)
	}
	for _, a := range apps[:2] {
		got, _ := s.ApplicationOf(a.TraineeID, a.ID)
		c, _ := sess.Candidate(a.ID)
		e := got.Exam
		if got.Status != domain.AppScheduled || e == nil || e.SessionID != sess.ID || e.TicketNumber != c.Ticket ||
			e.Room != sess.Venues[0].Rooms[c.Room].Name || e.Seat != fmt.Sprint(c.Seat) || len(e.Subjects) != 2 ||
			e.Venue != "郑州考点（金水区纬五路12号）" {
			t.Fatalf("scheduled application: %s %+v", got.Status, e)
		}
	}
	if got, _ := s.ApplicationOf(apps[2].TraineeID, apps[2].ID); got.Status != domain.AppConfirmed {
		t.Fatalf("blocked application: %s", got.Status)
	}
	if got := notifications(t, s, domain.NotifyExamScheduled); len(got) != 2 {
		t.Fatalf("%d scheduled mails", len(got))
	}
	if got := notifications(t, s, domain.NotifyExamBlocked); len(got) != 1 || got[0].Notification.Subject != apps[2].ID {
		t.Fatalf("blocked mails: %+v", got)
	}
	if f, err := s.MailFacts(*notifications(t, s, domain.NotifyExamBlocked)[0].Notification); err != nil ||
		f.Application.ID != apps[2].ID || f.Photo.StatusOrNone() != domain.PhotoNone || f.Agency.ID != zz.ID {
		t.Fatalf("blocked mail facts: %+v %v", f.Photo, err)
	}
	// The blocked one is free for a later session; the published ones are scheduled now.
	if pre, _ = s.ExamAssignPreview(examAdmin, other.ID, ExamFilter{}); len(pre.Candidates) != 2 || pre.Elsewhere != 0 {
		t.Fatalf("after publishing: %+v", pre)
	}
	for _, err := range []error{
		func() error { _, err := s.ArrangeExamSession(examAdmin, sess.ID, examDay); return err }(),
		func() error { _, err := s.RemoveExamCandidate(examAdmin, sess.ID, apps[0].ID, examDay); return err }(),
		func() error { _, _, err := s.PublishExamSession(examAdmin, sess.ID, examDay); return err }(),
	} {
		if domain.CodeOf(err) != domain.CodeConflict {
			t.Errorf("changed after publishing: %v", err)
		}
	}

	// A later start after publishing: both are told, and their tickets read the new time.
	in := sess.Input()
	in.BasicStart = "09:30"
	sess, told, err := s.UpdateExamSession(examAdmin, sess.ID, in, examDay)
	if err != nil || told != 2 || len(notifications(t, s, domain.NotifyExamChanged)) != 2 {
		t.Fatalf("time change: %d %v", told, err)
	}
	got, _ := s.ApplicationOf(apps[0].TraineeID, apps[0].ID)
	if !got.Exam.Subjects[0].Start.Equal(sess.Subjects[0].Start) || got.Timeline[len(got.Timeline)-1].What != "考试安排变更" {
		t.Fatalf("ticket after the change: %+v", got.Exam.Subjects)
	}
	// A room shrunk below its candidates is refused, nothing changed.
	in.Venues[0].Rooms = "第1考场 1\n第2考场 1"
	if _, _, err := s.UpdateExamSession(examAdmin, sess.ID, in, examDay); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("room shrunk: %v", err)
	}
	log, _ := s.AuditLog(AuditFilter{}, 100)
	seen := map[domain.AuditAction]int{}
	for _, e := range log {
		seen[e.Action]++
	}
	for _, a := range []domain.AuditAction{domain.AuditExamCreate, domain.AuditExamAssign, domain.AuditExamArrange, domain.AuditExamMove,
		domain.AuditExamRemove, domain.AuditExamPublish, domain.AuditExamUpdate} {
		if seen[a] == 0 {
			t.Errorf("no audit entry %s", a)
		}
	}
	if seen[domain.AuditAppSchedule] != 2 {
		t.Errorf("%d schedule audit entries", seen[domain.AuditAppSchedule])
	}
}

// TestExamConcurrentArrangingNeverDoublesASeat: admins re-running the arrangement and
// moving candidates onto the same free seat at the same moment: exactly one move wins,
// and no seat is ever given twice.
func TestExamConcurrentArrangingNeverDoublesASeat(t *testing.T) {
	s, _ := openTemp(t)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	for i := range 12 {
		confirmedApp(t, s, ag, i, []string{"101", "111"}[i%2], true)
	}
	sess, err := s.CreateExamSession(examAdmin, examSessionInput("第1考场 8\n第2考场 8"), examDay)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AssignExamCandidates(examAdmin, sess.ID, ExamFilter{}, examDay); err != nil {
		t.Fatal(err)
	}
	if sess, err = s.ArrangeExamSession(examAdmin, sess.ID, examDay); err != nil {
		t.Fatal(err)
	}
	free := 8 // room 2 (index 1) has seats 5..8 free: 12 candidates fill 8 + 4
	var wg sync.WaitGroup
	var mu sync.Mutex
	moved, refused := 0, 0
	for i, c := range sess.Candidates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%3 == 0 {
				if _, err := s.ArrangeExamSession(examAdmin, sess.ID, examDay); err != nil {
					t.Errorf("arrange: %v", err)
				}
			}
			_, err := s.MoveExamCandidate(examAdmin, sess.ID, c.AppID, 1, 2, free, examDay)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				moved++
			} else if fe, ok := err.(domain.FieldErrors); ok && fe["seat"] != "" {
				refused++
			} else {
				t.Errorf("move: %v", err)
			}
		}()
	}
	wg.Wait()
	got, _ := s.ExamSession(sess.ID)
	seats := map[[3]int]string{}
	for _, c := range got.Candidates {
		k := [3]int{c.Venue, c.Room, c.Seat}
		if !c.Seated() {
			t.Fatalf("unseated: %+v", c)
		}
		if seats[k] != "" {
			t.Fatalf("seat %v given to %s and %s", k, seats[k], c.AppID)
		}
		seats[k] = c.AppID
	}
	// A move lands only on a free seat; a later re-arrangement frees it again, so more
	// than one move can win over time, but never two onto one seat at once.
	if moved < 1 || moved+refused != len(sess.Candidates) {
		t.Fatalf("moved %d, refused %d", moved, refused)
	}
}

// TestExamConcurrentAssignmentOneSessionEach: two admins assigning everybody to two
// sessions at once: every candidate ends up in exactly one.
func TestExamConcurrentAssignmentOneSessionEach(t *testing.T) {
	s, _ := openTemp(t)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	for i := range 10 {
		confirmedApp(t, s, ag, i, "101", true)
	}
	var ids []string
	for range 2 {
		sess, err := s.CreateExamSession(examAdmin, examSessionInput("第1考场 30"), examDay)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sess.ID)
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = s.AssignExamCandidates(examAdmin, id, ExamFilter{}, examDay) // the loser finds nobody left
		}()
	}
	wg.Wait()
	in := map[string]int{}
	total := 0
	for _, id := range ids {
		sess, _ := s.ExamSession(id)
		for _, c := range sess.Candidates {
			in[c.AppID]++
			total++
		}
	}
	if total != 10 || len(in) != 10 {
		t.Fatalf("%d assignments of %d candidates", total, len(in))
	}
}

// TestExamPublishInBatchesAndResumes: 250 candidates (more than one batch) are all
// scheduled and mailed; an interrupted publishing (the flag still set, an application
// still confirmed) is finished by publishing again, without scheduling anyone twice.
func TestExamPublishInBatchesAndResumes(t *testing.T) {
	s, _ := openTemp(t)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	const n = 2*examSyncBatch + 50
	seedExamCandidates(t, s, ag, n)
	sess, err := s.CreateExamSession(examAdmin, examSessionInput(roomsText(5, 60)), examDay)
	if err != nil {
		t.Fatal(err)
	}
	if added, err := s.AssignExamCandidates(examAdmin, sess.ID, ExamFilter{}, examDay); err != nil || added != n {
		t.Fatalf("assign: %d %v", added, err)
	}
	if _, err := s.ArrangeExamSession(examAdmin, sess.ID, examDay); err != nil {
		t.Fatal(err)
	}
	sess, published, err := s.PublishExamSession(examAdmin, sess.ID, examDay)
	if err != nil || published != n || sess.Pending || len(notifications(t, s, domain.NotifyExamScheduled)) != n {
		t.Fatalf("publish: %d %v pending %v", published, err, sess.Pending)
	}
	// Interrupt it after the fact: one application back to confirmed, the flag set.
	c := sess.Candidates[n-1]
	err = s.update(func(txn *badger.Txn) error {
		a, err := loadApp(txn, c.AppID)
		if err != nil {
			return err
		}
		old := a
		a.Status, a.Exam = domain.AppConfirmed, nil
		if err := appRecords.save(txn, old, a); err != nil {
			return err
		}
		cur, _ := loadExam(txn, sess.ID)
		cur.Pending = true
		return putExam(txn, cur)
	})
	if err != nil {
		t.Fatal(err)
	}
	sess, published, err = s.PublishExamSession(examAdmin, sess.ID, examDay)
	if err != nil || published != n || sess.Pending || len(notifications(t, s, domain.NotifyExamScheduled)) != n+1 {
		t.Fatalf("resumed: %d %v pending %v", published, err, sess.Pending)
	}
	got, _ := s.ApplicationOf(c.TraineeID, c.AppID)
	if got.Status != domain.AppScheduled || got.Exam.TicketNumber != c.Ticket {
		t.Fatalf("resumed application: %s %+v", got.Status, got.Exam)
	}
}

// TestExamSessionNumbersUnderConcurrentCreates: ten admins creating sessions of one year
// at once get the numbers 1 to 10, each once (the ticket numbers rely on it).
func TestExamSessionNumbersUnderConcurrentCreates(t *testing.T) {
	s, _ := openTemp(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[int]int{}
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sess, err := s.CreateExamSession(examAdmin, examSessionInput("第1考场 30"), examDay)
			if err != nil {
				t.Errorf("create: %v", err)
				return
			}
			mu.Lock()
			got[sess.Number]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	for n := 1; n <= 10; n++ {
		if got[n] != 1 {
			t.Fatalf("numbers: %v", got)
		}
	}
}
