package views

import (
	"strconv"

	"sitepro/domain"
)

// 成绩录入 and 成绩确认 (issue 13): the score grid of a session (admin: every candidate;
// reviewer: their agency's), one small form a row, and the admin's results page.

// ScoreGridModel is a session's score grid. Base is the grid's address (admin or
// reviewer), Back the page it returns to.
type ScoreGridModel struct {
	Base, Back string
	Session    domain.ExamSession
	Rows       []domain.ScoreRow
	Room       string // "<venue>.<room>" from 1; "" for every room
	Rooms      []Option
	// Typed is the refused row as typed, with its errors, shown again in place.
	Typed   map[string]Form
	Problem string
}

// closed is why scores cannot be entered now ("" when they can).
func (m ScoreGridModel) closed() string {
	if err := m.Session.CanScore(); err != nil {
		return domain.MessageOf(err)
	}
	return ""
}

// ScoreRowModel is one row of the grid.
type ScoreRowModel struct {
	Base, Room, CSRF string
	Row              domain.ScoreRow
	Form             Form // as typed (a refused row) or as stored
	Saved            bool // just saved (htmx answer)
	Closed           bool
}

// ScoreRowForm is a row's form as stored.
func ScoreRowForm(r domain.ScoreRow) Form {
	f := Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}
	if r.Scores != nil {
		f.Values["basic"] = r.Scores.Cell(domain.SubjectBasic)
		f.Values["practice"] = r.Scores.Cell(domain.SubjectPractice)
		if r.Scores.Absent {
			f.Values["absent"] = "1"
		}
		return f
	}
	// Nothing entered yet: the subjects the check-in records as 缺考 are prefilled so.
	for _, subject := range r.CheckInAbsent {
		if subject == domain.SubjectBasic {
			f.Values["basic"] = domain.AbsentMark
		} else {
			f.Values["practice"] = domain.AbsentMark
		}
	}
	if len(r.CheckInAbsent) == 2 {
		f.Values["basic"], f.Values["practice"], f.Values["absent"] = "", "", "1"
	}
	return f
}

func (m ScoreGridModel) row(r domain.ScoreRow, csrf string) ScoreRowModel {
	f, typed := m.Typed[r.AppID]
	if !typed {
		f = ScoreRowForm(r)
	}
	return ScoreRowModel{Base: m.Base, Room: m.Room, CSRF: csrf, Row: r, Form: f, Closed: m.closed() != ""}
}

func scoreFormID(r domain.ScoreRow) string { return "score-" + r.AppID }

func (m ScoreRowModel) errorText() string {
	for _, k := range []string{"absent", "basic", "practice", "row"} {
		if e := m.Form.Errors[k]; e != "" {
			return e
		}
	}
	return ""
}

// scoreCounts is how many rows have a score or 缺考.
func scoreCounts(rows []domain.ScoreRow) (scored, all int) {
	for _, r := range rows {
		if r.Scored() {
			scored++
		}
	}
	return scored, len(rows)
}

// ScoreRooms are the session's rooms that seat candidates, for the grid's room filter.
func ScoreRooms(s domain.ExamSession) []Option {
	var out []Option
	for _, rv := range examRooms(s) {
		if len(rv.Candidates) > 0 {
			out = append(out, Option{Value: rv.Value, Label: rv.Venue + " " + rv.Room})
		}
	}
	return out
}

func scoreStatus(r domain.ScoreRow) string {
	switch {
	case r.Scores == nil:
		return "未录入"
	case r.Scores.Confirmed:
		return "已确认：" + r.Scores.Result.Label()
	}
	return "已录入"
}

// ReviewExamsModel is the reviewer's list of sessions with their agency's candidates.
type ReviewExamsModel struct {
	Sessions []ScoringSession
}

// ScoringSession is a session with the reviewer's candidates counted.
type ScoringSession struct {
	Session        domain.ExamSession
	Seated, Scored int
}

// ExamResultsModel is the admin's 成绩确认 page of a session.
type ExamResultsModel struct {
	Session domain.ExamSession
	Pass    domain.ExamSettings
	Summary domain.ResultSummary
	Problem string
	Correct Form // the 成绩复核 form as typed
}

// correctFields is the order of the 成绩复核 form's fields, for its error summary.
var correctFields = []string{"who", "absent", "basic", "practice", "reason"}

// scoreBars are a subject's histogram bars: 0–9, 10–19, …, 90–100.
func scoreBars(bins [domain.ScoreBins]int) []Bar {
	top := 0
	for _, n := range bins {
		top = max(top, n)
	}
	out := make([]Bar, 0, len(bins))
	for i, n := range bins {
		label := strconv.Itoa(i*10) + "–" + strconv.Itoa(i*10+9) + " 分"
		if i == domain.ScoreBins-1 {
			label = "90–100 分"
		}
		per := 0
		if top > 0 {
			per = n * 1000 / top
		}
		out = append(out, Bar{Label: label, Per: per, Text: strconv.Itoa(n) + " 人"})
	}
	return out
}

// ScoreImportModel is the 成绩导入 page of a session and, after an upload, its report.
type ScoreImportModel struct {
	Base       string // the grid's address; the page is Base + "/import"
	Session    domain.ExamSession
	Candidates int
	Done       bool
	Error      string // the file as a whole cannot be used
	Lines      int
	Errors     []domain.LineError
	Written    int
}
