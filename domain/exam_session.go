package domain

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// 考试批次 (issue 13, first part): an exam session covers some posts, has the two
// subjects with their times, venues with rooms and seats, and a cut-off for assigning
// candidates. The admin assigns confirmed applications, the arrangement (考场编排) seats
// them and gives each a 准考证号, and publishing schedules every seated application.
// Check-in, scores and results come later: they attach to the candidates of a session.

// ExamState is the state of an exam session: 编排中 → 已发布 → 已结束.
type ExamState string

// Exam session states.
const (
	ExamArranging ExamState = "arranging"
	ExamPublished ExamState = "published"
	ExamEnded     ExamState = "ended"
)

var examStates = vocab[ExamState]{{ExamArranging, "编排中"}, {ExamPublished, "已发布"}, {ExamEnded, "已结束"}}

// Label is the state as staff read it.
func (s ExamState) Label() string { return examStates.label(s) }

// UnmarshalText reads a stored state (see vocab.decode).
func (s *ExamState) UnmarshalText(b []byte) error {
	*s = examStates.decode(b)
	return nil
}

// Open reports whether the session still holds its candidates (a candidate is in at most
// one open session).
func (s ExamState) Open() bool { return s != ExamEnded }

// The two subjects of the exam (DOMAIN.md §4), in the order they are sat.
const (
	SubjectBasic    = "专业基础知识"
	SubjectPractice = "专业管理实务"
)

// Limits of a session.
const (
	MaxRoomSeats      = 200  // seats in one room
	MaxSessionSeats   = 9999 // the ticket number's sequence has four digits
	MaxSessionsInYear = 99   // the ticket number's session number has two digits
)

// ExamRoom is one room (考场) of a venue with its number of seats.
type ExamRoom struct {
	Name  string
	Seats int
}

// ExamVenue is a venue (考点) with its address and rooms.
type ExamVenue struct {
	Name, Address string
	Rooms         []ExamRoom
}

// Label is the venue as the ticket shows it: its name with the address.
func (v ExamVenue) Label() string { return v.Name + "（" + v.Address + "）" }

// ExamPlan is what the admin types for a session: name, posts, subject times, venues
// and the assignment cut-off.
type ExamPlan struct {
	Name     string
	Posts    []string      // post codes covered
	Subjects []ExamSubject // SubjectBasic then SubjectPractice
	Venues   []ExamVenue
	Cutoff   time.Time // the last day (China date, midnight UTC) on which candidates are assigned
}

// Capacity is the number of seats of all rooms.
func (p ExamPlan) Capacity() int {
	n := 0
	for _, v := range p.Venues {
		for _, r := range v.Rooms {
			n += r.Seats
		}
	}
	return n
}

// Covers reports whether the session is for the post.
func (p ExamPlan) Covers(post string) bool { return slices.Contains(p.Posts, post) }

// ExamCandidate is an application assigned to a session, with its place once arranged.
type ExamCandidate struct {
	AppID, AppNumber, TraineeID, Name string
	PostCode, CityCode, AgencyID      string
	// Blocked is why the candidate cannot be published (set by the arrangement); a
	// blocked candidate has no seat.
	Blocked string `json:",omitempty"`
	Ticket  string `json:",omitempty"`
	// Venue and Room index the session's Venues and that venue's Rooms; Seat counts from
	// 1, and 0 means not seated.
	Venue, Room, Seat int
}

// HeldBack is a candidate whom an open exam session holds back (ExamCandidate.Blocked),
// with the session's name: what the candidate's agency must see to act.
type HeldBack struct {
	Session string
	Name    string
	AppNo   string
	Reason  string
}

// Seated reports whether the candidate has a seat.
func (c ExamCandidate) Seated() bool { return c.Seat > 0 }

// ExamSession is an exam session (考试批次) with its candidates.
type ExamSession struct {
	ID string
	// Year and Number make the session's part of the ticket numbers: the year of its
	// first subject and its number among that year's sessions.
	Year, Number int
	ExamPlan
	State      ExamState
	Candidates []ExamCandidate
	// Arranged is set by the arrangement and cleared when candidates are added or the
	// rooms change, so that publishing needs a current arrangement.
	Arranged bool
	// Pending is set with publishing, and with a change of a published session that
	// changes a ticket, until every seated candidate's application reads the session's
	// exam: the store brings them in line in batches (a session's applications do not fit
	// in one Badger transaction), and a crash in between is resumed from this flag.
	Pending bool `json:",omitempty"`
	// Closing is set while the results are being confirmed (成绩确认, in batches like
	// publishing), from ClosingAt; EndResults clears it and the session is 已结束.
	Closing     bool      `json:",omitempty"`
	ClosingAt   time.Time `json:",omitempty"`
	EndedAt     time.Time `json:",omitempty"`
	Rev         int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time `json:",omitempty"`
}

// ExamSessionInput is the session form as typed.
type ExamSessionInput struct {
	Name                                     string
	Posts                                    []string
	BasicDate, BasicStart, BasicEnd          string
	PracticeDate, PracticeStart, PracticeEnd string
	Cutoff                                   string
	Venues                                   []ExamVenueInput
	// Catalog is the catalog in force (目录与规则设置) the posts are checked against;
	// nil means the national catalog.
	Catalog []Post
}

// ExamVenueInput is one venue of the form; Rooms is one room a line: its name and its
// number of seats, e.g. "第1考场 30".
type ExamVenueInput struct {
	Name, Address, Rooms string
}

// Blank reports whether nothing was typed for the venue (the form's spare venue).
func (v ExamVenueInput) Blank() bool {
	return strings.TrimSpace(v.Name+v.Address+v.Rooms) == ""
}

var chinaZone = time.FixedZone("CST", 8*3600)

// Validate checks the form and returns the plan, with every field's error at once.
func (in ExamSessionInput) Validate() (ExamPlan, error) {
	fe := FieldErrors{}
	var p ExamPlan
	p.Name = strings.TrimSpace(in.Name)
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 60 {
		fe.Add("name", "请填写考试批次名称（不超过60个字），如“2027年第1期施工员、质量员考试”")
	} else if _, err := CleanText(p.Name, "考试批次名称", 60, true); err != nil {
		fe.Add("name", MessageOf(err))
	}
	cat := in.Catalog
	if cat == nil {
		cat = DefaultPosts()
	}
	for _, code := range in.Posts {
		i := slices.IndexFunc(cat, func(p Post) bool { return p.Code == code })
		if i < 0 || !cat[i].Enabled {
			fe.Add("posts", "请只选择目录中可报名的岗位")
		} else if !slices.Contains(p.Posts, code) {
			p.Posts = append(p.Posts, code)
		}
	}
	if len(p.Posts) == 0 {
		fe.Add("posts", "请至少选择一个本批次考试的岗位")
	}
	slices.Sort(p.Posts)
	basic := subjectOf(SubjectBasic, "basic", in.BasicDate, in.BasicStart, in.BasicEnd, fe)
	practice := subjectOf(SubjectPractice, "practice", in.PracticeDate, in.PracticeStart, in.PracticeEnd, fe)
	p.Subjects = []ExamSubject{basic, practice}
	if !basic.End.IsZero() && !practice.Start.IsZero() && practice.Start.Before(basic.End) {
		fe.Add("practice_start", "专业管理实务应在专业基础知识结束之后开始")
	}
	if d, err := time.Parse("2006-01-02", strings.TrimSpace(in.Cutoff)); err != nil {
		fe.Add("cutoff", "请填写安排考生的截止日期，如 2027-03-01")
	} else {
		p.Cutoff = d
		if !basic.Start.IsZero() && !d.Before(ChinaDay(basic.Start)) {
			fe.Add("cutoff", "安排考生的截止日期应早于第一科考试的日期")
		}
	}
	for i, v := range in.Venues {
		if v.Blank() {
			continue
		}
		p.Venues = append(p.Venues, venueOf(i, v, fe))
	}
	if len(p.Venues) == 0 {
		fe.Add("venues", "请至少填写一个考点，包括名称、地址和考场")
	}
	if n := p.Capacity(); n > MaxSessionSeats {
		fe.Add("venues", fmt.Sprintf("一个考试批次最多 %d 个座位，现在共 %d 个，请分成两个批次", MaxSessionSeats, n))
	}
	return p, fe.Err()
}

// subjectOf reads one subject's date and times (Beijing time).
func subjectOf(name, field, date, start, end string, fe FieldErrors) ExamSubject {
	s := ExamSubject{Name: name}
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(date), chinaZone)
	if err != nil {
		fe.Add(field+"_date", "请填写"+name+"的考试日期，如 2027-03-20")
		return s
	}
	clock := func(f, v, what string) time.Time {
		t, err := time.Parse("15:04", strings.TrimSpace(v))
		if err != nil {
			fe.Add(f, "请填写"+name+"的"+what+"，如 09:00")
			return time.Time{}
		}
		return d.Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute)
	}
	s.Start = clock(field+"_start", start, "开始时间")
	s.End = clock(field+"_end", end, "结束时间")
	if !s.Start.IsZero() && !s.End.IsZero() && !s.End.After(s.Start) {
		fe.Add(field+"_end", name+"的结束时间应晚于开始时间")
		s.End = time.Time{}
	}
	return s
}

// venueOf reads one venue of the form; field names are venue.<i>.name/address/rooms.
func venueOf(i int, in ExamVenueInput, fe FieldErrors) ExamVenue {
	f := "venue." + strconv.Itoa(i) + "."
	v := ExamVenue{Name: strings.TrimSpace(in.Name), Address: strings.TrimSpace(in.Address)}
	if v.Name == "" || utf8.RuneCountInString(v.Name) > 40 {
		fe.Add(f+"name", "请填写考点名称（不超过40个字）")
	}
	if v.Address == "" || utf8.RuneCountInString(v.Address) > 100 {
		fe.Add(f+"address", "请填写考点地址（不超过100个字）")
	}
	for line := range strings.Lines(in.Rooms) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		cut := strings.LastIndexAny(line, " \t　")
		name, seats := "", 0
		if cut > 0 {
			name = strings.TrimSpace(line[:cut])
			seats, _ = strconv.Atoi(strings.TrimSpace(line[cut:]))
		}
		switch {
		case name == "" || seats < 1 || seats > MaxRoomSeats || utf8.RuneCountInString(name) > 20:
			fe.Add(f+"rooms", fmt.Sprintf("“%s”写法不对：每行写一个考场的名称和座位数（1到%d），中间空一格，如“第1考场 30”", line, MaxRoomSeats))
		case slices.ContainsFunc(v.Rooms, func(r ExamRoom) bool { return r.Name == name }):
			fe.Add(f+"rooms", "考场“"+name+"”写了两次，请给每个考场不同的名称")
		default:
			v.Rooms = append(v.Rooms, ExamRoom{Name: name, Seats: seats})
		}
	}
	if len(v.Rooms) == 0 {
		fe.Add(f+"rooms", "请至少填写一个考场，每行一个，如“第1考场 30”")
	}
	return v
}

// Input is the form of the plan as stored, for editing.
func (p ExamPlan) Input() ExamSessionInput {
	in := ExamSessionInput{Name: p.Name, Posts: p.Posts}
	if !p.Cutoff.IsZero() {
		in.Cutoff = p.Cutoff.Format("2006-01-02")
	}
	day := func(t time.Time) string { return t.In(chinaZone).Format("2006-01-02") }
	clock := func(t time.Time) string { return t.In(chinaZone).Format("15:04") }
	if len(p.Subjects) == 2 {
		b, pr := p.Subjects[0], p.Subjects[1]
		in.BasicDate, in.BasicStart, in.BasicEnd = day(b.Start), clock(b.Start), clock(b.End)
		in.PracticeDate, in.PracticeStart, in.PracticeEnd = day(pr.Start), clock(pr.Start), clock(pr.End)
	}
	for _, v := range p.Venues {
		var rooms []string
		for _, r := range v.Rooms {
			rooms = append(rooms, r.Name+" "+strconv.Itoa(r.Seats))
		}
		in.Venues = append(in.Venues, ExamVenueInput{Name: v.Name, Address: v.Address, Rooms: strings.Join(rooms, "\n")})
	}
	return in
}

// NewExamSession is a session in 编排中 with the plan, its year (of its first subject)
// and its number in that year.
func NewExamSession(id string, number int, p ExamPlan, now time.Time) (ExamSession, error) {
	if number < 1 || number > MaxSessionsInYear {
		return ExamSession{}, Err(CodeConflict, fmt.Sprintf("一年最多安排 %d 个考试批次，今年已满", MaxSessionsInYear))
	}
	return ExamSession{ID: id, Year: p.Year(), Number: number, ExamPlan: p, State: ExamArranging,
		Rev: 1, CreatedAt: now, UpdatedAt: now}, nil
}

// Year is the year (Beijing time) of the plan's first subject: the year of its tickets.
func (p ExamPlan) Year() int {
	if len(p.Subjects) == 0 {
		return 0
	}
	return p.Subjects[0].Start.In(chinaZone).Year()
}

// ErrExamNotArranging refuses a change that is only possible before publishing.
var ErrExamNotArranging = Err(CodeConflict, "考试批次已发布，考生和座位不能再调整。")

// Edit replaces the plan. Before publishing, a change of venues or rooms drops the
// arrangement (run it again). After publishing, the seated candidates keep their seats:
// venues and rooms can be renamed or get more seats, times can change, but no room or
// venue can be dropped or shrunk below a seat in use. The year cannot change (it is in
// the ticket numbers).
func (s ExamSession) Edit(p ExamPlan, now time.Time) (ExamSession, error) {
	if s.State == ExamEnded {
		return s, Err(CodeConflict, "考试批次已结束，不能再修改。")
	}
	if p.Year() != s.Year {
		return s, FieldErrors{"basic_date": fmt.Sprintf("准考证号中含有考试年份 %d，考试日期不能改到别的年份；请新建一个考试批次", s.Year)}
	}
	fe := FieldErrors{}
	for _, c := range s.Candidates {
		if !p.Covers(c.PostCode) {
			fe.Add("posts", "本批次已有“"+PostLabel(c.PostCode)+"”的考生（如"+c.Name+"），不能去掉这个岗位；请先把他们移出本批次")
		}
	}
	if s.State == ExamPublished {
		if len(p.Venues) != len(s.Venues) {
			fe.Add("venues", "考试批次已发布，考点不能增减，只能修改名称、地址和考场名称或增加座位")
		}
		for _, c := range s.Candidates {
			if !c.Seated() || c.Venue >= len(p.Venues) {
				continue
			}
			v := p.Venues[c.Venue]
			f := "venue." + strconv.Itoa(c.Venue) + ".rooms"
			if len(v.Rooms) != len(s.Venues[c.Venue].Rooms) {
				fe.Add(f, "考试批次已发布，考场不能增减，只能修改名称或增加座位")
			} else if r := v.Rooms[c.Room]; r.Seats < c.Seat {
				fe.Add(f, fmt.Sprintf("考场“%s”已有考生坐在 %d 号座位，座位数不能少于 %d", r.Name, c.Seat, c.Seat))
			}
		}
	} else if !slices.EqualFunc(p.Venues, s.Venues, sameRooms) {
		s.unseatAll()
	}
	if err := fe.Err(); err != nil {
		return s, err
	}
	before := s
	s.ExamPlan = p
	s.Rev++
	s.UpdatedAt = now
	if s.State == ExamPublished && len(ExamChanged(before, s)) > 0 {
		s.Pending = true
	}
	return s, nil
}

func sameRooms(a, b ExamVenue) bool { return slices.Equal(a.Rooms, b.Rooms) }

func (s *ExamSession) unseatAll() {
	for i := range s.Candidates {
		c := &s.Candidates[i]
		c.Venue, c.Room, c.Seat, c.Ticket, c.Blocked = 0, 0, 0, "", ""
	}
	s.Arranged = false
}

// CanAssign refuses assigning candidates after publishing or after the cut-off day.
func (s ExamSession) CanAssign(now time.Time) error {
	if s.State != ExamArranging {
		return ErrExamNotArranging
	}
	if ChinaDay(now).After(s.Cutoff) {
		return Err(CodeConflict, "已过本批次安排考生的截止日期（"+s.Cutoff.Format("2006-01-02")+"），如需安排请先修改截止日期")
	}
	return nil
}

// Assign adds candidates not yet in the session and returns how many were added; the
// arrangement must then be run again.
func (s ExamSession) Assign(cs []ExamCandidate, now time.Time) (ExamSession, int, error) {
	if err := s.CanAssign(now); err != nil {
		return s, 0, err
	}
	have := make(map[string]bool, len(s.Candidates))
	for _, c := range s.Candidates {
		have[c.AppID] = true
	}
	s.Candidates = slices.Clone(s.Candidates)
	added := 0
	for _, c := range cs {
		if have[c.AppID] || !s.Covers(c.PostCode) {
			continue
		}
		have[c.AppID] = true
		c.Venue, c.Room, c.Seat, c.Ticket, c.Blocked = 0, 0, 0, "", ""
		s.Candidates = append(s.Candidates, c)
		added++
	}
	if added > 0 {
		s.Arranged = false
		s.Rev++
		s.UpdatedAt = now
	}
	return s, added, nil
}

// Candidate finds a candidate by application ID.
func (s ExamSession) Candidate(appID string) (ExamCandidate, bool) {
	i := slices.IndexFunc(s.Candidates, func(c ExamCandidate) bool { return c.AppID == appID })
	if i < 0 {
		return ExamCandidate{}, false
	}
	return s.Candidates[i], true
}

// CandidateByRef finds a candidate by application number or ticket number, as an admin
// types it.
func (s ExamSession) CandidateByRef(ref string) (ExamCandidate, bool) {
	ref = strings.ToUpper(strings.TrimSpace(ref))
	if ref == "" {
		return ExamCandidate{}, false
	}
	i := slices.IndexFunc(s.Candidates, func(c ExamCandidate) bool { return c.AppNumber == ref || c.Ticket == ref })
	if i < 0 {
		return ExamCandidate{}, false
	}
	return s.Candidates[i], true
}

// Remove takes a candidate out of the session before publishing; their seat stays free.
func (s ExamSession) Remove(appID string, now time.Time) (ExamSession, error) {
	if s.State != ExamArranging {
		return s, ErrExamNotArranging
	}
	i := slices.IndexFunc(s.Candidates, func(c ExamCandidate) bool { return c.AppID == appID })
	if i < 0 {
		return s, Err(CodeInvalid, "这名考生不在本考试批次中，请刷新页面后再试")
	}
	s.Candidates = slices.Delete(slices.Clone(s.Candidates), i, i+1)
	s.Rev++
	s.UpdatedAt = now
	return s, nil
}

// Move seats a candidate at a free seat (venue, room, seat as the page numbers them from
// 1) before publishing; the ticket number stays.
func (s ExamSession) Move(appID string, venue, room, seat int, now time.Time) (ExamSession, error) {
	if s.State != ExamArranging {
		return s, ErrExamNotArranging
	}
	if !s.Arranged {
		return s, Err(CodeConflict, "请先完成考场编排，再调整座位")
	}
	i := slices.IndexFunc(s.Candidates, func(c ExamCandidate) bool { return c.AppID == appID })
	if i < 0 {
		return s, Err(CodeInvalid, "这名考生不在本考试批次中，请刷新页面后再试")
	}
	if s.Candidates[i].Blocked != "" {
		return s, Err(CodeConflict, "这名考生被暂缓安排（"+s.Candidates[i].Blocked+"），不能安排座位")
	}
	venue, room = venue-1, room-1
	if venue < 0 || venue >= len(s.Venues) || room < 0 || room >= len(s.Venues[venue].Rooms) {
		return s, FieldErrors{"room": "请选择本批次的一个考场"}
	}
	r := s.Venues[venue].Rooms[room]
	if seat < 1 || seat > r.Seats {
		return s, FieldErrors{"seat": fmt.Sprintf("考场“%s”的座位号是 1 到 %d", r.Name, r.Seats)}
	}
	for j, c := range s.Candidates {
		if j != i && c.Seated() && c.Venue == venue && c.Room == room && c.Seat == seat {
			return s, FieldErrors{"seat": fmt.Sprintf("考场“%s”的 %d 号座位已有考生 %s，请选择空座位", r.Name, seat, c.Name)}
		}
	}
	s.Candidates = slices.Clone(s.Candidates)
	c := &s.Candidates[i]
	c.Venue, c.Room, c.Seat = venue, room, seat
	s.Rev++
	s.UpdatedAt = now
	return s, nil
}

// PhotoBlock is why a candidate whose personal photo is not confirmed cannot be
// published (the ticket carries the photo), saying who does what; "" when confirmed.
func PhotoBlock(p PhotoStatus) string {
	switch p {
	case PhotoConfirmed:
		return ""
	case PhotoPending:
		return "个人照片待确认：请培训机构审核员确认学员的个人照片，然后重新编排"
	case PhotoReturned:
		return "个人照片已退回：请学员按退回原因重新上传个人照片，经培训机构确认后重新编排"
	}
	return "未上传个人照片：请学员上传个人照片，经培训机构确认后重新编排"
}

// ErrSeatsShort is the overflow of an arrangement: how many seats are missing.
func ErrSeatsShort(candidates, seats int) error {
	return Err(CodeConflict, fmt.Sprintf("座位不够：可安排的考生 %d 名，考场座位共 %d 个，还差 %d 个座位。请增加考场或座位，或移出部分考生后再编排。",
		candidates, seats, candidates-seats))
}

// Arrange is the 考场编排: deterministic, whatever order the candidates were assigned in.
// Candidates whose photo (photos, by trainee ID) is not confirmed are blocked with the
// reason; the others are ordered by post so that neighbours have different posts where
// the mix allows (at each seat, the post with the most candidates left other than the
// neighbour's), then seated room by room, seat by seat, and numbered in that order:
// 准考证号 = year (4) + the candidate's city code (6) + session number (2) + sequence (4),
// unique because the sequence is unique in the session and the session number in the
// year. More candidates than seats is an error naming how many seats are missing.
func (s ExamSession) Arrange(photos map[string]PhotoStatus, now time.Time) (ExamSession, error) {
	if s.State != ExamArranging {
		return s, ErrExamNotArranging
	}
	cs := slices.Clone(s.Candidates)
	slices.SortFunc(cs, func(a, b ExamCandidate) int {
		return cmp.Or(cmp.Compare(a.AppNumber, b.AppNumber), cmp.Compare(a.AppID, b.AppID))
	})
	groups := map[string][]int{} // post → indexes into cs, in order
	var posts []string
	eligible := 0
	for i := range cs {
		c := &cs[i]
		c.Venue, c.Room, c.Seat, c.Ticket = 0, 0, 0, ""
		if c.Blocked = PhotoBlock(photos[c.TraineeID]); c.Blocked != "" {
			continue
		}
		if _, ok := groups[c.PostCode]; !ok {
			posts = append(posts, c.PostCode)
		}
		groups[c.PostCode] = append(groups[c.PostCode], i)
		eligible++
	}
	if seats := s.Capacity(); eligible > seats {
		return s, ErrSeatsShort(eligible, seats)
	}
	slices.Sort(posts)
	order := interleave(posts, groups, eligible)
	k := 0
	for v, venue := range s.Venues {
		for r, room := range venue.Rooms {
			for seat := 1; seat <= room.Seats && k < len(order); seat++ {
				c := &cs[order[k]]
				k++
				c.Venue, c.Room, c.Seat = v, r, seat
				c.Ticket = s.ticketNumber(c.CityCode, k)
			}
		}
	}
	s.Candidates = cs
	s.Arranged = true
	s.Rev++
	s.UpdatedAt = now
	return s, nil
}

// interleave orders the candidates' indexes so that consecutive ones differ in post
// where possible: each time the post with the most left that is not the previous one
// (ties: the lower post code).
func interleave(posts []string, groups map[string][]int, n int) []int {
	next := make([]int, len(posts)) // how many of each post are placed
	order := make([]int, 0, n)
	last := -1
	for len(order) < n {
		best := -1
		for p := range posts {
			left := len(groups[posts[p]]) - next[p]
			if left == 0 || p == last {
				continue
			}
			if best < 0 || left > len(groups[posts[best]])-next[best] {
				best = p
			}
		}
		if best < 0 {
			best = last // only the previous post is left
		}
		order = append(order, groups[posts[best]][next[best]])
		next[best]++
		last = best
	}
	return order
}

func (s ExamSession) ticketNumber(city string, seq int) string {
	if len(city) != 6 {
		city = "000000"
	}
	b := make([]byte, 0, 16)
	b = appendPadded(b, s.Year, 4)
	b = append(b, city...)
	b = appendPadded(b, s.Number, 2)
	return string(appendPadded(b, seq, 4))
}

// appendPadded appends n in decimal with leading zeros to width digits.
func appendPadded(b []byte, n, width int) []byte {
	var d [8]byte
	digits := strconv.AppendInt(d[:0], int64(n), 10)
	for range width - len(digits) {
		b = append(b, '0')
	}
	return append(b, digits...)
}

// Unseated counts the candidates neither seated nor blocked: they need an arrangement.
func (s ExamSession) Unseated() int {
	n := 0
	for _, c := range s.Candidates {
		if !c.Seated() && c.Blocked == "" {
			n++
		}
	}
	return n
}

// Counts are the session's candidates: seated, blocked, and all.
func (s ExamSession) Counts() (seated, blocked, all int) {
	for _, c := range s.Candidates {
		if c.Seated() {
			seated++
		} else if c.Blocked != "" {
			blocked++
		}
	}
	return seated, blocked, len(s.Candidates)
}

// Publish makes the arrangement final. photos are the candidates' photo statuses now: a
// seated candidate whose photo is no longer confirmed is blocked (and not published).
// The caller schedules each seated candidate's application with ExamFor.
func (s ExamSession) Publish(photos map[string]PhotoStatus, now time.Time) (ExamSession, error) {
	if s.State != ExamArranging {
		return s, Err(CodeConflict, "考试批次已发布。")
	}
	if !s.Arranged || s.Unseated() > 0 {
		return s, Err(CodeConflict, "还有考生没有安排座位，请先进行考场编排，再发布。")
	}
	s.Candidates = slices.Clone(s.Candidates)
	seated := 0
	for i := range s.Candidates {
		c := &s.Candidates[i]
		if !c.Seated() {
			continue
		}
		if why := PhotoBlock(photos[c.TraineeID]); why != "" {
			c.Blocked, c.Venue, c.Room, c.Seat, c.Ticket = why, 0, 0, 0, ""
			continue
		}
		seated++
	}
	if seated == 0 {
		return s, Err(CodeConflict, "本批次没有可以发布的考生：请先安排考生并完成考场编排。")
	}
	s.State, s.Pending = ExamPublished, true
	s.PublishedAt, s.UpdatedAt = now, now
	s.Rev++
	return s, nil
}

// ExamFor is the exam on the ticket of a seated candidate.
func (s ExamSession) ExamFor(c ExamCandidate) Exam {
	v := s.Venues[c.Venue]
	return Exam{SessionID: s.ID, Session: s.Name, TicketNumber: c.Ticket, Venue: v.Label(),
		Room: v.Rooms[c.Room].Name, Seat: strconv.Itoa(c.Seat), Subjects: slices.Clone(s.Subjects)}
}

// ExamChanged lists the seated candidates whose ticket reads differently in after than
// in before (a time, a venue or a room changed): they are told.
func ExamChanged(before, after ExamSession) []ExamCandidate {
	var out []ExamCandidate
	for _, c := range after.Candidates {
		if !c.Seated() {
			continue
		}
		old, ok := before.Candidate(c.AppID)
		if !ok || !old.Seated() || !before.ExamFor(old).Same(after.ExamFor(c)) {
			out = append(out, c)
		}
	}
	return out
}

// Same reports whether two exams read the same on the ticket: the session's name is not
// on it (Exam.Session keeps the name at scheduling), so renaming a session tells nobody.
func (e Exam) Same(o Exam) bool {
	return e.SessionID == o.SessionID && e.TicketNumber == o.TicketNumber &&
		e.Venue == o.Venue && e.Room == o.Room && e.Seat == o.Seat &&
		slices.EqualFunc(e.Subjects, o.Subjects, func(a, b ExamSubject) bool {
			return a.Name == b.Name && a.Start.Equal(b.Start) && a.End.Equal(b.End)
		})
}

// Reschedule replaces the exam of a scheduled application after a published session
// changed (time, venue or room), with a timeline entry.
func (a Application) Reschedule(e Exam, by string, now time.Time) (Application, error) {
	if a.Status != AppScheduled || a.Exam == nil || a.Exam.SessionID != e.SessionID {
		return a, conflict(a, "调整考试安排")
	}
	a.Exam = &e
	a.log(now, "考试安排变更", by, e.Venue+" "+e.Room)
	return a, nil
}

// ExamCandidateOf is an application as a candidate: only a confirmed application can be
// assigned.
func ExamCandidateOf(a Application, name string) (ExamCandidate, error) {
	if a.Status != AppConfirmed {
		return ExamCandidate{}, conflict(a, "安排考试")
	}
	return ExamCandidate{AppID: a.ID, AppNumber: a.Number, TraineeID: a.TraineeID, Name: name,
		PostCode: a.PostCode, CityCode: a.CityCode, AgencyID: a.AgencyID}, nil
}
