package domain

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// 考场签到 (issue 13, exam day): invigilators check candidates in per subject. Whoever is
// not checked in when a subject ends is 缺考 for it, unless an invigilator corrected it
// with a reason (audited). The state is a pure function of the attendance record, the
// subject's end and now: nothing has to run at the end of a subject.

// AttendanceState is a candidate's state for one subject.
type AttendanceState string

// Attendance states (computed, never stored).
const (
	AttendWaiting AttendanceState = "waiting" // not checked in, the subject has not ended
	AttendPresent AttendanceState = "present" // 已签到
	AttendAbsent  AttendanceState = "absent"  // 缺考
)

var attendanceStates = vocab[AttendanceState]{{AttendWaiting, "未签到"}, {AttendPresent, "已签到"}, {AttendAbsent, "缺考"}}

// Label is the state as invigilators read it.
func (s AttendanceState) Label() string { return attendanceStates.label(s) }

// SubjectAttendance is what happened for one candidate in one subject.
type SubjectAttendance struct {
	Subject   string
	CheckedAt time.Time `json:",omitzero"`
	By, ByID  string    `json:",omitempty"` // who checked in (audit name, user ID)
	// A correction overrides the rule: Present says what the correction decided.
	Corrected   bool      `json:",omitempty"`
	Present     bool      `json:",omitempty"`
	Reason      string    `json:",omitempty"`
	CorrectedBy string    `json:",omitempty"`
	CorrectedAt time.Time `json:",omitzero"`
}

// Attendance is one candidate's attendance in a session, one entry per subject seen.
type Attendance struct {
	SessionID, AppID string
	Subjects         []SubjectAttendance
	Rev              int
}

// Of returns the entry of a subject (zero when nothing happened yet).
func (a Attendance) Of(subject string) SubjectAttendance {
	for _, s := range a.Subjects {
		if s.Subject == subject {
			return s
		}
	}
	return SubjectAttendance{Subject: subject}
}

func (a *Attendance) set(e SubjectAttendance) {
	a.Subjects = slices.Clone(a.Subjects)
	if i := slices.IndexFunc(a.Subjects, func(s SubjectAttendance) bool { return s.Subject == e.Subject }); i >= 0 {
		a.Subjects[i] = e
		return
	}
	a.Subjects = append(a.Subjects, e)
}

// StateAt is the rule: a correction decides; otherwise a check-in is 已签到; otherwise
// the candidate is 缺考 once the subject has ended (now at or after its end) and 未签到
// before.
func (e SubjectAttendance) StateAt(end, now time.Time) AttendanceState {
	switch {
	case e.Corrected && e.Present:
		return AttendPresent
	case e.Corrected:
		return AttendAbsent
	case !e.CheckedAt.IsZero():
		return AttendPresent
	case !now.Before(end):
		return AttendAbsent
	}
	return AttendWaiting
}

// State is the candidate's state for subject s at now.
func (a Attendance) State(s ExamSubject, now time.Time) AttendanceState {
	return a.Of(s.Name).StateAt(s.End, now)
}

// AbsentSubjects names the subjects the candidate is 缺考 for at now (for score entry:
// a subject listed here is prefilled 缺考).
func (a Attendance) AbsentSubjects(subjects []ExamSubject, now time.Time) []string {
	var out []string
	for _, s := range subjects {
		if a.State(s, now) == AttendAbsent {
			out = append(out, s.Name)
		}
	}
	return out
}

// CheckInOpen refuses a check-in for a subject outside its day (Beijing time) or after
// its end: after the end the candidate is 缺考 and only a correction with a reason
// changes that.
func CheckInOpen(s ExamSubject, now time.Time) error {
	if !ChinaDay(now).Equal(ChinaDay(s.Start)) && now.Before(s.Start) {
		return Err(CodeConflict, s.Name+"在 "+s.Start.In(chinaZone).Format("2006-01-02 15:04")+" 开考，考试当天才能签到")
	}
	if !now.Before(s.End) {
		return Err(CodeConflict, s.Name+"已于 "+s.End.In(chinaZone).Format("01-02 15:04")+" 结束，未签到的考生记为缺考。如考生确实参加了考试，请在下方“更正”并写明原因。")
	}
	return nil
}

// CurrentSubject is the subject an invigilator checks in for at now: the first one whose
// check-in is open; ok is false when none is.
func CurrentSubject(subjects []ExamSubject, now time.Time) (ExamSubject, bool) {
	for _, s := range subjects {
		if CheckInOpen(s, now) == nil {
			return s, true
		}
	}
	return ExamSubject{}, false
}

// SubjectNamed finds a subject by name.
func SubjectNamed(subjects []ExamSubject, name string) (ExamSubject, bool) {
	i := slices.IndexFunc(subjects, func(s ExamSubject) bool { return s.Name == name })
	if i < 0 {
		return ExamSubject{}, false
	}
	return subjects[i], true
}

// ErrAlreadyCheckedIn says a second scan of the same ticket changed nothing.
func ErrAlreadyCheckedIn(name, subject string, e SubjectAttendance) error {
	who := ""
	if e.By != "" {
		who = "由" + e.By
	}
	return Err(CodeConflict, name+"已签到（"+subject+"，"+e.CheckedAt.In(chinaZone).Format("15:04")+who+"签到），无需重复签到。")
}

// CheckIn marks the candidate 已签到 for subject s at now. A second check-in of the same
// subject is refused with ErrAlreadyCheckedIn (name is the candidate's, for the message).
func (a Attendance) CheckIn(s ExamSubject, name string, by User, now time.Time) (Attendance, error) {
	if err := CheckInOpen(s, now); err != nil {
		return a, err
	}
	e := a.Of(s.Name)
	if e.StateAt(s.End, now) == AttendPresent {
		return a, ErrAlreadyCheckedIn(name, s.Name, e)
	}
	e.CheckedAt, e.By, e.ByID = now, by.AuditName(), by.ID
	e.Corrected, e.Present = false, false // a check-in after a correction to 缺考 is in force (the audit log keeps the correction)
	a.set(e)
	a.Rev++
	return a, nil
}

// CorrectionInput is the correction form: the subject, the state it should have and why.
type CorrectionInput struct {
	Subject string
	Present bool
	Reason  string
}

// Correct overrides the rule for a subject with a reason (2 to 200 characters): a
// candidate who sat the exam but was not scanned, or a check-in made by mistake. Only
// a change is accepted.
func (a Attendance) Correct(subjects []ExamSubject, in CorrectionInput, by User, now time.Time) (Attendance, AttendanceState, error) {
	s, ok := SubjectNamed(subjects, in.Subject)
	if !ok {
		return a, "", FieldErrors{"subject": "请选择要更正的科目"}
	}
	reason := strings.TrimSpace(in.Reason)
	if n := utf8.RuneCountInString(reason); n < 2 || n > 200 {
		return a, "", FieldErrors{"reason": "请写明更正的原因（2到200个字），如“考生到场，扫码时网络中断未记录”"}
	}
	if _, err := CleanText(reason, "更正原因", 200, true); err != nil {
		return a, "", FieldErrors{"reason": MessageOf(err)}
	}
	want := AttendAbsent
	if in.Present {
		want = AttendPresent
	}
	e := a.Of(s.Name)
	before := e.StateAt(s.End, now)
	if before == want {
		return a, before, Err(CodeConflict, s.Name+"已经是“"+want.Label()+"”，无需更正。")
	}
	e.Corrected, e.Present, e.Reason, e.CorrectedBy, e.CorrectedAt = true, in.Present, reason, by.AuditName(), now
	a.set(e)
	a.Rev++
	return a, before, nil
}

// TicketRef is what an invigilator typed or scanned: a 准考证号, or the URL of the
// ticket's QR code (/d/<token>, the public document check), resolved by the store.
type TicketRef struct {
	Ticket, Token string
}

// ParseTicketRef reads a typed ticket number (spaces ignored) or a scanned /d/<token> URL.
func ParseTicketRef(s string) (TicketRef, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/d/"); i >= 0 {
		tok := s[i+3:]
		if j := strings.IndexAny(tok, "?#/"); j >= 0 {
			tok = tok[:j]
		}
		if t, err := url.PathUnescape(tok); err == nil && t != "" && len(t) <= 64 {
			return TicketRef{Token: t}, nil
		}
		return TicketRef{}, FieldErrors{"ticket": "扫到的二维码不是本系统的准考证，请手工输入准考证号"}
	}
	if strings.Contains(s, "://") {
		return TicketRef{}, FieldErrors{"ticket": "扫到的二维码不是准考证上的二维码，请扫描准考证右上角的二维码，或手工输入准考证号"}
	}
	t := strings.Map(func(r rune) rune {
		if r == ' ' || r == '　' || r == '-' {
			return -1
		}
		return r
	}, s)
	if t == "" {
		return TicketRef{}, FieldErrors{"ticket": "请输入准考证号（16位数字），或扫描准考证上的二维码"}
	}
	if len(t) != 16 || strings.Trim(t, "0123456789") != "" {
		return TicketRef{}, FieldErrors{"ticket": "准考证号是16位数字，“" + truncate(s, 40) + "”不对，请核对后重新输入"}
	}
	return TicketRef{Ticket: t}, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ErrTicketUnknown is a ticket number no candidate holds (bad input, not a missing
// page: the invigilator types again).
func ErrTicketUnknown(ticket string) error {
	if ticket == "" {
		return Err(CodeInvalid, "没有找到这张准考证，请核对后手工输入准考证号")
	}
	return Err(CodeInvalid, "没有找到准考证号 "+ticket+" 的考生，请核对后重新输入")
}

// CheckInCandidate is one candidate as the invigilator sees them: the ID number masked,
// the photo by its ID (served, and audited, by /photos/:id).
type CheckInCandidate struct {
	AppID, AppNumber, AgencyID string
	Name, MaskedID             string
	PhotoID                    string // the confirmed personal photo ("" when none)
	Exam                       Exam
	Attendance                 Attendance
}

// ErrTicketOtherSession is a ticket of another exam session.
func ErrTicketOtherSession(ticket, session string) error {
	if session == "" {
		session = "另一个考试批次"
	} else {
		session = "另一个考试批次“" + session + "”"
	}
	return Err(CodeConflict, "准考证号 "+ticket+" 属于"+session+"，不是本场考试的考生，请核对考生的准考证和考试安排。")
}

// ErrTicketOtherAgency is a candidate of this session that the reviewer's agency does not
// hold: an admin or a reviewer of that candidate's agency checks them in.
var ErrTicketOtherAgency = Err(CodeConflict, "这名考生不是本培训机构的学员，您不能为其签到；请由管理员或其所在培训机构的审核员签到。")

// InvigilationOpen reports whether the session's exam-day pages are offered: published,
// until seven days after its last subject (time for corrections).
func (s ExamSession) InvigilationOpen(now time.Time) bool {
	if s.State != ExamPublished || len(s.Subjects) == 0 {
		return false
	}
	return now.Before(s.Subjects[len(s.Subjects)-1].End.Add(7 * 24 * time.Hour))
}

// ExamToday reports whether a subject of the session is sat today (Beijing time).
func (s ExamSession) ExamToday(now time.Time) bool {
	return slices.ContainsFunc(s.Subjects, func(x ExamSubject) bool { return ChinaDay(x.Start).Equal(ChinaDay(now)) })
}

// ScoreAgainstAttendance refuses scores for a subject the candidate is 缺考 for by the
// check-in (absent: AbsentSubjects): the rule "whoever is not checked in when a subject
// ends is 缺考 for it" holds unless the check-in is corrected with a reason.
func ScoreAgainstAttendance(sc Scores, absent []string) error {
	fe := FieldErrors{}
	for _, subject := range absent {
		if sc.Missed(subject) {
			continue
		}
		field := "basic"
		if subject == SubjectPractice {
			field = "practice"
		}
		fe.Add(field, "考场签到记录该考生"+subject+"缺考，不能录入分数；如考生确实参加了考试，请先在“考场签到”中更正并写明原因")
	}
	return fe.Err()
}

// CheckInLines say, per subject of the exam, how the candidate stands at the check-in at
// now, for the trainee's application page: "已签到（12月5日 08:41）", "未签到", "缺考"
// (with the correction's reason when one decided it).
func (a Attendance) CheckInLines(subjects []ExamSubject, now time.Time) []string {
	var out []string
	for _, sub := range subjects {
		e := a.Of(sub.Name)
		line := sub.Name + "：" + e.StateAt(sub.End, now).Label()
		switch {
		case e.Corrected:
			line += "（已更正：" + e.Reason + "）"
		case !e.CheckedAt.IsZero():
			line += "（" + e.CheckedAt.In(chinaZone).Format("1月2日 15:04") + "）"
		}
		out = append(out, line)
	}
	return out
}
