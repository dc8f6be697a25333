package domain

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

var examNow = time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)

func examInput() ExamSessionInput {
	return ExamSessionInput{Name: "2027年第1期考试", Posts: []string{"101", "106", "111"},
		BasicDate: "2027-03-20", BasicStart: "09:00", BasicEnd: "11:00",
		PracticeDate: "2027-03-20", PracticeStart: "14:00", PracticeEnd: "16:30",
		Cutoff: "2027-03-01",
		Venues: []ExamVenueInput{{Name: "郑州考点", Address: "金水区纬五路12号", Rooms: "第1考场 3\n第2考场 2"}, {}}}
}

func examSession(t testing.TB, rooms string) ExamSession {
	t.Helper()
	in := examInput()
	in.Venues[0].Rooms = rooms
	p, err := in.Validate()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewExamSession("S1", 3, p, examNow)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func cand(i int, post string) ExamCandidate {
	return ExamCandidate{AppID: fmt.Sprintf("A%04d", i), AppNumber: fmt.Sprintf("XQ%06d", i), TraineeID: fmt.Sprintf("U%04d", i),
		Name: fmt.Sprintf("考生%d", i), PostCode: post, CityCode: "410100", AgencyID: "G1"}
}

func allConfirmed(cs []ExamCandidate) map[string]PhotoStatus {
	m := map[string]PhotoStatus{}
	for _, c := range cs {
		m[c.TraineeID] = PhotoConfirmed
	}
	return m
}

func assigned(t testing.TB, s ExamSession, cs []ExamCandidate) ExamSession {
	t.Helper()
	s, n, err := s.Assign(cs, examNow)
	if err != nil || n != len(cs) {
		t.Fatalf("assign: %d of %d, %v", n, len(cs), err)
	}
	return s
}

func TestExamSessionInputValidate(t *testing.T) {
	p, err := examInput().Validate()
	if err != nil {
		t.Fatal(err)
	}
	if p.Capacity() != 5 || len(p.Venues) != 1 || p.Venues[0].Rooms[1] != (ExamRoom{"第2考场", 2}) || p.Year() != 2027 {
		t.Fatalf("plan: %+v", p)
	}
	if got := p.Subjects[0].Start.UTC(); !got.Equal(time.Date(2027, 3, 20, 1, 0, 0, 0, time.UTC)) || p.Subjects[1].Name != SubjectPractice {
		t.Fatalf("subject times are Beijing time: %v %+v", got, p.Subjects)
	}
	if back, err := p.Input().Validate(); err != nil || back.Capacity() != 5 || !back.Subjects[1].End.Equal(p.Subjects[1].End) {
		t.Fatalf("Input round trip: %+v %v", back, err)
	}
	for _, tc := range []struct {
		edit  func(*ExamSessionInput)
		field string
	}{
		{func(in *ExamSessionInput) { in.Name = " " }, "name"},
		{func(in *ExamSessionInput) { in.Posts = nil }, "posts"},
		{func(in *ExamSessionInput) { in.Posts = []string{"110"} }, "posts"},
		{func(in *ExamSessionInput) { in.BasicDate = "3月20日" }, "basic_date"},
		{func(in *ExamSessionInput) { in.BasicEnd = "08:00" }, "basic_end"},
		{func(in *ExamSessionInput) { in.PracticeStart = "10:00" }, "practice_start"},
		{func(in *ExamSessionInput) { in.Cutoff = "" }, "cutoff"},
		{func(in *ExamSessionInput) { in.Cutoff = "2027-03-20" }, "cutoff"},
		{func(in *ExamSessionInput) { in.Venues = nil }, "venues"},
		{func(in *ExamSessionInput) { in.Venues[0].Address = "" }, "venue.0.address"},
		{func(in *ExamSessionInput) { in.Venues[0].Rooms = "第1考场" }, "venue.0.rooms"},
		{func(in *ExamSessionInput) { in.Venues[0].Rooms = "第1考场 0" }, "venue.0.rooms"},
		{func(in *ExamSessionInput) { in.Venues[0].Rooms = "A 3\nA 4" }, "venue.0.rooms"},
		{func(in *ExamSessionInput) { in.Venues[0].Rooms = roomsOf(60, 200) }, "venues"},
	} {
		in := examInput()
		in.Venues = slices.Clone(in.Venues)
		tc.edit(&in)
		_, err := in.Validate()
		fe, _ := err.(FieldErrors)
		if fe[tc.field] == "" {
			t.Errorf("%s: no error, got %v", tc.field, err)
		}
	}
}

func roomsOf(n, seats int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "第%d考场 %d\n", i+1, seats)
	}
	return b.String()
}

func TestArrangeCapacity(t *testing.T) {
	s := examSession(t, "第1考场 3\n第2考场 2")
	var cs []ExamCandidate
	for i := range 7 {
		cs = append(cs, cand(i, "101"))
	}
	s = assigned(t, s, cs)
	_, err := s.Arrange(allConfirmed(cs), examNow)
	if CodeOf(err) != CodeConflict || !strings.Contains(MessageOf(err), "还差 2 个座位") {
		t.Fatalf("overflow: %v", err)
	}
	// Blocked candidates need no seat: with two photos missing, five fit exactly.
	photos := allConfirmed(cs)
	delete(photos, cs[0].TraineeID)
	photos[cs[1].TraineeID] = PhotoPending
	got, err := s.Arrange(photos, examNow)
	if seated, blocked, all := got.Counts(); err != nil || seated != 5 || blocked != 2 || all != 7 || !got.Arranged {
		t.Fatalf("exactly full: %d %d %d %v", seated, blocked, all, err)
	}
	seen := map[[3]int]bool{}
	for _, c := range got.Candidates {
		if !c.Seated() {
			continue
		}
		k := [3]int{c.Venue, c.Room, c.Seat}
		if seen[k] || c.Seat > got.Venues[c.Venue].Rooms[c.Room].Seats {
			t.Fatalf("seat %v twice or beyond the room", k)
		}
		seen[k] = true
	}
}

func TestArrangeBlocked(t *testing.T) {
	s := examSession(t, "第1考场 30")
	cs := []ExamCandidate{cand(1, "101"), cand(2, "101"), cand(3, "101"), cand(4, "101")}
	s = assigned(t, s, cs)
	photos := map[string]PhotoStatus{"U0001": PhotoConfirmed, "U0002": PhotoPending, "U0003": PhotoReturned}
	got, err := s.Arrange(photos, examNow)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A0001": "", "A0002": "待确认", "A0003": "已退回", "A0004": "未上传"}
	for _, c := range got.Candidates {
		if !strings.Contains(c.Blocked, want[c.AppID]) || (want[c.AppID] == "") != c.Seated() || (c.Blocked != "") != (c.Ticket == "") {
			t.Errorf("%s: blocked %q seated %v ticket %q", c.AppID, c.Blocked, c.Seated(), c.Ticket)
		}
	}
	// A photo returned between arrangement and publishing blocks at publishing.
	photos["U0001"] = PhotoReturned
	if _, err := got.Publish(photos, examNow); CodeOf(err) != CodeConflict {
		t.Fatalf("published with nobody left: %v", err)
	}
}

func TestArrangeDeterministic(t *testing.T) {
	s := examSession(t, roomsOf(4, 30))
	var cs []ExamCandidate
	posts := []string{"101", "101", "101", "106", "106", "111"}
	for i := range 100 {
		cs = append(cs, cand(i, posts[i%len(posts)]))
	}
	photos := allConfirmed(cs)
	first, err := assigned(t, s, cs).Arrange(photos, examNow)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		shuffled := slices.Clone(cs)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again, err := assigned(t, s, shuffled).Arrange(photos, examNow)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(first.Candidates, again.Candidates) {
			t.Fatal("the same candidates in another order give another arrangement")
		}
		// Re-running on an arranged session gives the same seats too.
		if twice, _ := again.Arrange(photos, examNow); !slices.Equal(twice.Candidates, again.Candidates) {
			t.Fatal("re-running the arrangement moved candidates")
		}
	}
}

// seatsInOrder lists the seated candidates room by room, seat by seat.
func seatsInOrder(s ExamSession) []ExamCandidate {
	var out []ExamCandidate
	for _, c := range s.Candidates {
		if c.Seated() {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b ExamCandidate) int {
		return (a.Venue-b.Venue)*1_000_000 + (a.Room-b.Room)*1000 + a.Seat - b.Seat
	})
	return out
}

func TestArrangeSeparatesPosts(t *testing.T) {
	for _, tc := range []struct {
		posts      []string
		roomsSeats string
	}{
		{[]string{"101", "101", "101", "106", "106", "111"}, "第1考场 12"},
		{[]string{"101", "106"}, "第1考场 5\n第2考场 7"},
		{[]string{"101", "101", "101", "106"}, "第1考场 12"}, // 9 of 101 and 3 of 106: five 101s must sit together
	} {
		s := examSession(t, tc.roomsSeats)
		var cs []ExamCandidate
		for i := range 12 {
			cs = append(cs, cand(i, tc.posts[i%len(tc.posts)]))
		}
		got, err := assigned(t, s, cs).Arrange(allConfirmed(cs), examNow)
		if err != nil {
			t.Fatal(err)
		}
		seq := seatsInOrder(got)
		touch := 0
		count := map[string]int{}
		for i, c := range seq {
			count[c.PostCode]++
			if i > 0 && seq[i-1].PostCode == c.PostCode {
				touch++
			}
		}
		// The least possible: the biggest post's surplus over all the others (the seats
		// are counted as one row across rooms, which is stricter than per room).
		most := 0
		for _, n := range count {
			most = max(most, n)
		}
		least := max(0, most-(len(seq)-most)-1)
		if touch != least {
			t.Errorf("posts %v: %d neighbours of the same post, the least possible is %d", tc.posts, touch, least)
		}
	}
}

func TestArrangeTicketNumbers(t *testing.T) {
	s := examSession(t, "第1考场 3\n第2考场 3")
	cs := []ExamCandidate{cand(1, "101"), cand(2, "106"), cand(3, "111"), cand(4, "101")}
	cs[1].CityCode = "410300"
	got, err := assigned(t, s, cs).Arrange(allConfirmed(cs), examNow)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, c := range seatsInOrder(got) {
		want := fmt.Sprintf("2027%s03%04d", c.CityCode, i+1)
		if c.Ticket != want || seen[c.Ticket] || len(c.Ticket) != 16 {
			t.Errorf("seat %d: ticket %q, want %q", i+1, c.Ticket, want)
		}
		seen[c.Ticket] = true
	}
	if _, err := NewExamSession("S", 100, got.ExamPlan, examNow); CodeOf(err) != CodeConflict {
		t.Fatalf("a 100th session of the year: %v", err)
	}
}

func TestExamSessionMoveRemovePublish(t *testing.T) {
	s := examSession(t, "第1考场 2\n第2考场 2")
	cs := []ExamCandidate{cand(1, "101"), cand(2, "106"), cand(3, "111")}
	s = assigned(t, s, cs)
	if _, err := s.Move("A0001", 1, 1, 1, examNow); CodeOf(err) != CodeConflict {
		t.Fatalf("move before arranging: %v", err)
	}
	if _, err := s.Publish(allConfirmed(cs), examNow); CodeOf(err) != CodeConflict {
		t.Fatalf("published unarranged: %v", err)
	}
	s, err := s.Arrange(allConfirmed(cs), examNow)
	if err != nil {
		t.Fatal(err)
	}
	taken := seatsInOrder(s)[0]
	if _, err := s.Move("A0003", taken.Venue+1, taken.Room+1, taken.Seat, examNow); !strings.Contains(MessageOf(err)+fmt.Sprint(err), "seat") {
		t.Fatalf("moved onto a taken seat: %v", err)
	}
	if _, err := s.Move("A0003", 1, 2, 3, examNow); err == nil {
		t.Fatal("moved beyond the room")
	}
	moved, err := s.Move("A0003", 1, 2, 2, examNow)
	if c, _ := moved.Candidate("A0003"); err != nil || c.Room != 1 || c.Seat != 2 {
		t.Fatalf("move: %+v %v", c, err)
	}
	removed, err := moved.Remove("A0002", examNow)
	if _, in := removed.Candidate("A0002"); err != nil || in || len(moved.Candidates) != 3 {
		t.Fatalf("remove: %v", err)
	}
	pub, err := removed.Publish(allConfirmed(cs), examNow)
	if err != nil || pub.State != ExamPublished || pub.State.Label() != "已发布" || !pub.Pending {
		t.Fatalf("publish: %v %s", err, pub.State)
	}
	c, _ := pub.Candidate("A0003")
	e := pub.ExamFor(c)
	if e.SessionID != "S1" || e.Room != "第2考场" || e.Seat != "2" || e.Venue != "郑州考点（金水区纬五路12号）" || len(e.Subjects) != 2 {
		t.Fatalf("exam: %+v", e)
	}
	for _, err := range []error{
		func() error { _, err := pub.Remove("A0001", examNow); return err }(),
		func() error { _, err := pub.Move("A0001", 1, 2, 1, examNow); return err }(),
		func() error { _, _, err := pub.Assign([]ExamCandidate{cand(9, "101")}, examNow); return err }(),
		func() error { _, err := pub.Arrange(allConfirmed(cs), examNow); return err }(),
	} {
		if CodeOf(err) != CodeConflict {
			t.Errorf("changed after publishing: %v", err)
		}
	}
}

func TestExamSessionEditAfterPublish(t *testing.T) {
	s := examSession(t, "第1考场 2\n第2考场 2")
	cs := []ExamCandidate{cand(1, "101"), cand(2, "106"), cand(3, "111")}
	s, _ = assigned(t, s, cs).Arrange(allConfirmed(cs), examNow)
	pub, err := s.Publish(allConfirmed(cs), examNow)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(*ExamSessionInput)) (ExamSession, error) {
		in := pub.Input()
		f(&in)
		p, err := in.Validate()
		if err != nil {
			return pub, err
		}
		return pub.Edit(p, examNow)
	}
	// A room renamed: only its candidates are affected.
	got, err := edit(func(in *ExamSessionInput) { in.Venues[0].Rooms = "第1考场 2\n第九考场 2" })
	if ch := ExamChanged(pub, got); err != nil || len(ch) != 1 || ch[0].Room != 1 {
		t.Fatalf("room renamed: %v %+v", err, ch)
	}
	// A later start: everyone, and the applications need bringing in line (Pending).
	pub.Pending = false
	got, err = edit(func(in *ExamSessionInput) { in.BasicStart = "09:30" })
	if ch := ExamChanged(pub, got); err != nil || len(ch) != 3 || !got.Pending {
		t.Fatalf("time changed: %v %d %v", err, len(ch), got.Pending)
	}
	if same, _ := edit(func(in *ExamSessionInput) { in.Name = "改个名字" }); same.Pending {
		t.Fatal("a new name does not change any ticket, yet the session waits for its applications")
	}
	if ch := ExamChanged(pub, pub); len(ch) != 0 {
		t.Fatal("nothing changed but candidates are told")
	}
	// A room shrunk below a used seat, a room dropped, another year: refused.
	for _, f := range []func(*ExamSessionInput){
		func(in *ExamSessionInput) { in.Venues[0].Rooms = "第1考场 1\n第2考场 2" },
		func(in *ExamSessionInput) { in.Venues[0].Rooms = "第1考场 4" },
		func(in *ExamSessionInput) {
			in.BasicDate, in.PracticeDate, in.Cutoff = "2028-03-20", "2028-03-20", "2028-03-01"
		},
	} {
		if _, err := edit(f); CodeOf(err) != CodeInvalid {
			t.Errorf("accepted: %v", err)
		}
	}
	// A post with candidates cannot be dropped.
	in0 := pub.Input()
	in0.Posts = []string{"101"}
	if p, err := in0.Validate(); err != nil {
		t.Fatal(err)
	} else if _, err := pub.Edit(p, examNow); err == nil || !strings.Contains(err.(FieldErrors)["posts"], "不能去掉") {
		t.Fatalf("dropped a post with candidates: %v", err)
	}
	// Before publishing, new rooms drop the arrangement.
	in := s.Input()
	in.Venues[0].Rooms = "第1考场 5"
	p, _ := in.Validate()
	re, err := s.Edit(p, examNow)
	if err != nil || re.Arranged || re.Unseated() != 3 {
		t.Fatalf("rooms changed before publishing: %v %+v", err, re)
	}
}

func TestApplicationReschedule(t *testing.T) {
	e := Exam{SessionID: "S1", TicketNumber: "1", Venue: "考点", Subjects: []ExamSubject{{Name: SubjectBasic}}}
	a, err := Application{Status: AppConfirmed}.Apply(Decision{Kind: AppScheduleDecision, Exam: &e}, "管理员", examNow)
	if err != nil {
		t.Fatal(err)
	}
	e2 := e
	e2.Room = "第2考场"
	b, err := a.Reschedule(e2, "管理员", examNow)
	if err != nil || b.Exam.Room != "第2考场" || b.Timeline[len(b.Timeline)-1].What != "考试安排变更" {
		t.Fatalf("reschedule: %v %+v", err, b.Exam)
	}
	e2.SessionID = "S2"
	if _, err := a.Reschedule(e2, "管理员", examNow); CodeOf(err) != CodeConflict {
		t.Fatalf("another session's exam: %v", err)
	}
	if _, err := ExamCandidateOf(a, "x"); CodeOf(err) != CodeConflict {
		t.Fatalf("a scheduled application assigned again: %v", err)
	}
}

func TestExamSheets(t *testing.T) {
	for _, s := range ExamSheets() {
		if got, ok := ParseExamSheet(string(s)); !ok || got != s || s.Label() == string(s) {
			t.Errorf("%s: %v %q", s, ok, s.Label())
		}
	}
	if _, ok := ParseExamSheet("门贴"); ok {
		t.Error("a label parsed as a URL segment")
	}
}

func TestExamCandidateByRef(t *testing.T) {
	s := examSession(t, "第1考场 3")
	cs := []ExamCandidate{cand(1, "101"), cand(2, "106")}
	s, _ = assigned(t, s, cs).Arrange(allConfirmed(cs), examNow)
	c2, _ := s.Candidate("A0002")
	for _, ref := range []string{"XQ000002", " xq000002 ", c2.Ticket} {
		if got, ok := s.CandidateByRef(ref); !ok || got.AppID != "A0002" {
			t.Errorf("%q: %+v %v", ref, got, ok)
		}
	}
	for _, ref := range []string{"", "XQ0000", "A0002"} {
		if _, ok := s.CandidateByRef(ref); ok {
			t.Errorf("%q found", ref)
		}
	}
}
