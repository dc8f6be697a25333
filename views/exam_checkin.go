package views

import (
	"time"

	"sitepro/domain"
)

// 考场签到 (issue 13, exam day): the invigilator's pages.

// ExamDayModel is one session's exam-day page: the ticket form, the rooms with their
// counts and, when a room is chosen, its candidates.
type ExamDayModel struct {
	Session    domain.ExamSession // for a reviewer: only their agency's candidates
	Attendance map[string]domain.Attendance
	Now        time.Time
	Room       string // the chosen room ("<venue>.<room>" from 1), "" for none
	Form       Form   // the ticket form
}

// CheckInModel is the page of one looked-up candidate.
type CheckInModel struct {
	SessionID string
	Form      Form // the ticket form, for the next candidate
	Candidate *domain.CheckInCandidate
	Problem   string // why nothing was done (a second scan, another session's ticket …)
	Done      string // what was done
	Correct   Form   // the correction form
	Now       time.Time
}

// RoomCount is one room with how many of its candidates are in each state per subject.
type RoomCount struct {
	ExamRoomView
	Subjects []SubjectCount
}

// SubjectCount counts one subject's states.
type SubjectCount struct {
	Name                     string
	Present, Absent, Waiting int
}

func (m ExamDayModel) state(c domain.ExamCandidate, s domain.ExamSubject) domain.AttendanceState {
	return m.Attendance[c.AppID].State(s, m.Now)
}

// roomCounts are the rooms with seated candidates, with their counts per subject.
func (m ExamDayModel) roomCounts() []RoomCount {
	var out []RoomCount
	for _, rv := range examRooms(m.Session) {
		if len(rv.Candidates) == 0 {
			continue
		}
		rc := RoomCount{ExamRoomView: rv}
		for _, s := range m.Session.Subjects {
			sc := SubjectCount{Name: s.Name}
			for _, c := range rv.Candidates {
				switch m.state(c, s) {
				case domain.AttendPresent:
					sc.Present++
				case domain.AttendAbsent:
					sc.Absent++
				default:
					sc.Waiting++
				}
			}
			rc.Subjects = append(rc.Subjects, sc)
		}
		out = append(out, rc)
	}
	return out
}

// chosenRoom is the room whose list is shown (ok false when none is chosen).
func (m ExamDayModel) chosenRoom() (ExamRoomView, bool) {
	for _, rv := range examRooms(m.Session) {
		if rv.Value == m.Room && m.Room != "" {
			return rv, true
		}
	}
	return ExamRoomView{}, false
}

// currentSubject names the subject whose check-in is open now ("" when none).
func currentSubject(subjects []domain.ExamSubject, now time.Time) string {
	if s, ok := domain.CurrentSubject(subjects, now); ok {
		return s.Name
	}
	return ""
}

func attendClass(s domain.AttendanceState) string {
	switch s {
	case domain.AttendPresent:
		return "tag ok"
	case domain.AttendAbsent:
		return "tag warn"
	}
	return "tag"
}

// checkInSubjects are the subjects the candidate can be checked in for now.
func checkInSubjects(c domain.CheckInCandidate, now time.Time) []domain.ExamSubject {
	var out []domain.ExamSubject
	for _, s := range c.Exam.Subjects {
		if domain.CheckInOpen(s, now) == nil && c.Attendance.State(s, now) != domain.AttendPresent {
			out = append(out, s)
		}
	}
	return out
}

func subjectOptions(subjects []domain.ExamSubject) []Option {
	var out []Option
	for _, s := range subjects {
		out = append(out, Option{Value: s.Name, Label: s.Name})
	}
	return out
}

var correctStates = []Option{{Value: "present", Label: "已签到（考生到场参加了考试）"}, {Value: "absent", Label: "缺考（考生没有参加考试，或签到有误）"}}

func hm(t time.Time) string { return t.In(chinaTZ).Format("15:04") }
