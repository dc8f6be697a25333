package views

import (
	"slices"
	"strconv"
	"time"

	"sitepro/domain"
)

// ExamFormModel is the create or edit form of an exam session; Session is the stored one
// (zero when creating). Venues is how many venue blocks were typed (one spare is added).
type ExamFormModel struct {
	Session domain.ExamSession
	Form    Form
	Posts   []string
	Venues  int
	Catalog []domain.Post // the catalog in force (目录与规则设置); nil: the national one
}

func (m ExamFormModel) catalog() []domain.Post {
	if m.Catalog == nil {
		return domain.DefaultPosts()
	}
	return m.Catalog
}

// ExamSessionModel is a session's page: its plan, its arrangement and its actions.
// Problem is a refused action's message.
type ExamSessionModel struct {
	Session  domain.ExamSession
	Agencies map[string]string // agency ID → name
	Problem  string
	Move     Form // the move form as typed: who, room, seat
	// Room is the room whose seats are shown ("<venue>.<room>" from 1; "" for the first):
	// one room at a time keeps a session of thousands light.
	Room string
}

// pickRoom is the room the page shows the seats of: the chosen one, else the first.
func pickRoom(rooms []ExamRoomView, value string) ExamRoomView {
	for _, rv := range rooms {
		if rv.Value == value {
			return rv
		}
	}
	return rooms[0]
}

// ExamAssignModel is the assign page: the filter and what it would add, before acting.
type ExamAssignModel struct {
	Session   domain.ExamSession
	Filter    Form // city, agency, post
	Agencies  []domain.Agency
	Count     int
	ByPost    map[string]int
	Elsewhere int
	Closed    string // why nobody can be assigned now
}

// examFields is the order of the session form's fields, for its error summary.
var examFields = []string{"name", "posts", "basic_date", "basic_start", "basic_end", "practice_date", "practice_start",
	"practice_end", "cutoff", "venues"}

func venueField(i int, name string) string { return "venue." + strconv.Itoa(i) + "." + name }

// venueBlocks numbers the venue blocks of the form: those typed and one spare.
func venueBlocks(n int) []int {
	out := make([]int, n+1)
	for i := range out {
		out[i] = i
	}
	return out
}

func examAction(s domain.ExamSession) string {
	if s.ID == "" {
		return "/admin/exams"
	}
	return "/admin/exams/" + s.ID
}

// examSubjectText is a subject's date and time, Beijing time.
func examSubjectText(s domain.ExamSubject) string {
	return examDay(s.Start) + " " + examTime(s)
}

func examStateClass(s domain.ExamState) string {
	switch s {
	case domain.ExamPublished:
		return "tag ok"
	case domain.ExamArranging:
		return "tag warn"
	}
	return "tag"
}

// ExamRoomView is one room of the arrangement with its seated candidates in seat order.
type ExamRoomView struct {
	Venue, Room string
	Value       string // "<venue>.<room>" from 1, as the move form sends it
	Seats       int
	Candidates  []domain.ExamCandidate
}

// examRooms groups the seated candidates by room, in seat order.
func examRooms(s domain.ExamSession) []ExamRoomView {
	var out []ExamRoomView
	first := make([]int, len(s.Venues)) // index in out of each venue's first room
	for v, venue := range s.Venues {
		first[v] = len(out)
		for r, room := range venue.Rooms {
			out = append(out, ExamRoomView{Venue: venue.Name, Room: room.Name, Seats: room.Seats,
				Value: strconv.Itoa(v+1) + "." + strconv.Itoa(r+1)})
		}
	}
	for _, c := range s.Candidates {
		if c.Seated() && c.Venue < len(first) && c.Room < len(s.Venues[c.Venue].Rooms) {
			rv := &out[first[c.Venue]+c.Room]
			rv.Candidates = append(rv.Candidates, c)
		}
	}
	for i := range out {
		slices.SortFunc(out[i].Candidates, func(a, b domain.ExamCandidate) int { return a.Seat - b.Seat })
	}
	return out
}

// examRoomOptions are the rooms a candidate can be moved to.
func examRoomOptions(s domain.ExamSession) []Option {
	var out []Option
	for _, rv := range examRooms(s) {
		out = append(out, Option{Value: rv.Value, Label: rv.Venue + " " + rv.Room + "（" + strconv.Itoa(rv.Seats) + "座）"})
	}
	return out
}

func examBlocked(s domain.ExamSession) []domain.ExamCandidate {
	var out []domain.ExamCandidate
	for _, c := range s.Candidates {
		if !c.Seated() && c.Blocked != "" {
			out = append(out, c)
		}
	}
	return out
}

func examUnseated(s domain.ExamSession) []domain.ExamCandidate {
	var out []domain.ExamCandidate
	for _, c := range s.Candidates {
		if !c.Seated() && c.Blocked == "" {
			out = append(out, c)
		}
	}
	return out
}

func examPostNames(codes []string) string {
	s := ""
	for i, c := range codes {
		if i > 0 {
			s += "、"
		}
		s += postLabel(c)
	}
	return s
}

func examPostOptions(s domain.ExamSession) []Option {
	var out []Option
	for _, c := range s.Posts {
		out = append(out, Option{Value: c, Label: postLabel(c)})
	}
	return out
}

func cutoffText(t time.Time) string { return t.Format("2006年1月2日") }

func examSeated(s domain.ExamSession) int {
	seated, _, _ := s.Counts()
	return seated
}

// examSeatedRooms are the rooms with someone seated, for the print-outs.
func examSeatedRooms(s domain.ExamSession) []ExamRoomView {
	var out []ExamRoomView
	for _, rv := range examRooms(s) {
		if len(rv.Candidates) > 0 {
			out = append(out, rv)
		}
	}
	return out
}

// examSeatGrid is every seat of a room in order, with its candidate or empty.
func examSeatGrid(rv ExamRoomView) []domain.ExamCandidate {
	out := make([]domain.ExamCandidate, rv.Seats)
	for i := range out {
		out[i].Seat = i + 1
	}
	for _, c := range rv.Candidates {
		if c.Seat >= 1 && c.Seat <= rv.Seats {
			out[c.Seat-1] = c
		}
	}
	return out
}

// examSheetLinks are the session page's print-outs.
func examSheetLinks(s domain.ExamSession) []Option {
	var out []Option
	for _, sh := range domain.ExamSheets() {
		out = append(out, Option{Value: "/admin/exams/" + s.ID + "/print/" + string(sh), Label: "打印" + sh.Label()})
	}
	return out
}

// maxListed bounds the unseated and blocked lists of the session page.
const maxListed = 200

func firstCandidates(cs []domain.ExamCandidate) []domain.ExamCandidate {
	return cs[:min(len(cs), maxListed)]
}

// examPrintRooms are the rooms a print-out covers: the chosen one, else every room with
// someone seated.
func examPrintRooms(m ExamPrintModel) []ExamRoomView {
	var out []ExamRoomView
	for _, rv := range examSeatedRooms(m.Session) {
		if m.Room == "" || rv.Value == m.Room {
			out = append(out, rv)
		}
	}
	return out
}

// examRoomSheetLinks are the print-outs of one room.
func examRoomSheetLinks(s domain.ExamSession, room string) []Option {
	var out []Option
	for _, o := range examSheetLinks(s) {
		out = append(out, Option{Value: o.Value + "?room=" + room, Label: o.Label})
	}
	return out
}
