package domain

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// 成绩录入 (issue 13): a subject's score is 0 to 100 with at most one decimal. It is kept
// in tenths, so that comparing with a pass mark is exact, and stored as a JSON decimal
// number ("80.5"), so that records written when scores were whole numbers ("80") read
// the same.

// Score is a subject's score in tenths of a point (805 is 80.5).
type Score int

// Points is a whole-point score (Points(80) is 80.0).
func Points(n int) Score { return Score(n * 10) }

// String is the score as people write it: "80", "80.5".
func (s Score) String() string {
	if s%10 == 0 {
		return strconv.Itoa(int(s) / 10)
	}
	return strconv.Itoa(int(s)/10) + "." + strconv.Itoa(int(s)%10)
}

// Reaches reports whether the score is at least the pass mark (whole points).
func (s Score) Reaches(mark int) bool { return s >= Points(mark) }

// MarshalJSON writes the score as a decimal number.
func (s Score) MarshalJSON() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalJSON reads a decimal number (whole numbers from older records included);
// anything beyond one decimal is rounded to the nearest tenth.
func (s *Score) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if string(b) == "null" || len(b) == 0 {
		*s = 0
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	if f < 0 {
		*s = Score(f*10 - 0.5)
	} else {
		*s = Score(f*10 + 0.5)
	}
	return nil
}

// AbsentMark is what a score cell says for a subject the candidate missed.
const AbsentMark = "缺考"

// ParseScore reads a score as typed for subject: 0 to 100 with at most one decimal
// (full-width digits and a comma for the point are accepted). absent is true when the
// cell says 缺考. The error is the Chinese message for the cell.
func ParseScore(subject, v string) (sc Score, absent bool, err error) {
	v = strings.TrimSpace(fullWidthDigits(v))
	if v == AbsentMark {
		return 0, true, nil
	}
	bad := Err(CodeInvalid, subject+"的分数应为 0 到 100 之间的数，最多一位小数，如 78 或 78.5；没参加考试请勾选“缺考”")
	if v == "" {
		return 0, false, Err(CodeInvalid, "请填写"+subject+"的分数；没参加考试请勾选“缺考”")
	}
	v = strings.Replace(v, ",", ".", 1)
	whole, frac, dotted := strings.Cut(v, ".")
	if whole == "" || len(whole) > 3 || len(frac) > 1 || (dotted && frac == "") || !digitsOnly(whole) || !digitsOnly(frac) {
		return 0, false, bad
	}
	n, _ := strconv.Atoi(whole)
	t := 0
	if frac != "" {
		t = int(frac[0] - '0')
	}
	sc = Score(n*10 + t)
	if sc > Points(100) {
		return 0, false, bad
	}
	return sc, false, nil
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// fullWidthDigits turns full-width digits and the full-width point into ASCII, as a
// Chinese input method may type them.
func fullWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．' || r == '。':
			return '.'
		}
		return r
	}, s)
}

// ScoreInput is one candidate's row of the grid (or line of an import) as typed.
type ScoreInput struct {
	Basic, Practice string
	Absent          bool // 缺考 for the whole exam
}

// Scores checks the row: with 缺考 ticked no score may be typed; otherwise each subject
// is a score or 缺考 for that subject. Errors are per field: basic, practice.
func (in ScoreInput) Scores() (Scores, error) {
	b, p := strings.TrimSpace(in.Basic), strings.TrimSpace(in.Practice)
	if in.Absent {
		if (b != "" && b != AbsentMark) || (p != "" && p != AbsentMark) {
			return Scores{}, FieldErrors{"absent": "已勾选“缺考”，不能再填写分数：请清空分数，或取消“缺考”"}
		}
		return Scores{Absent: true, BasicAbsent: true, PracticeAbsent: true}, nil
	}
	fe := FieldErrors{}
	var s Scores
	var err error
	if s.Basic, s.BasicAbsent, err = ParseScore(SubjectBasic, b); err != nil {
		fe.Add("basic", MessageOf(err))
	}
	if s.Practice, s.PracticeAbsent, err = ParseScore(SubjectPractice, p); err != nil {
		fe.Add("practice", MessageOf(err))
	}
	if err := fe.Err(); err != nil {
		return Scores{}, err
	}
	return s.normal(), nil
}

// normal makes the absence flags agree: absent from both subjects is 缺考 for the exam,
// and 缺考 for the exam is absent from both; a missed subject has no score.
func (s Scores) normal() Scores {
	if s.BasicAbsent && s.PracticeAbsent {
		s.Absent = true
	}
	if s.Absent {
		s.BasicAbsent, s.PracticeAbsent = true, true
	}
	if s.BasicAbsent {
		s.Basic = 0
	}
	if s.PracticeAbsent {
		s.Practice = 0
	}
	return s
}

// Missed reports whether the candidate was absent from the subject (SubjectBasic or
// SubjectPractice); older records know only absence from the whole exam.
func (s Scores) Missed(subject string) bool {
	if s.Absent {
		return true
	}
	if subject == SubjectBasic {
		return s.BasicAbsent
	}
	return s.PracticeAbsent
}

// Text is a subject's score as shown: "78.5 分" or "缺考".
func (s Scores) Text(subject string) string {
	if s.Missed(subject) {
		return AbsentMark
	}
	if subject == SubjectBasic {
		return s.Basic.String() + " 分"
	}
	return s.Practice.String() + " 分"
}

// Cell is a subject's score as the grid shows it for editing: "78.5", "缺考".
func (s Scores) Cell(subject string) string {
	if s.Absent {
		return ""
	}
	if s.Missed(subject) {
		return AbsentMark
	}
	if subject == SubjectBasic {
		return s.Basic.String()
	}
	return s.Practice.String()
}

// ErrExamNotPublished refuses scores for a session not yet published.
var ErrExamNotPublished = Err(CodeConflict, "考试批次还没有发布，不能录入成绩：请先完成考场编排并发布。")

// ErrExamResultsConfirmed refuses entering scores once the session's results are
// confirmed (已结束): a correction is a 成绩复核.
var ErrExamResultsConfirmed = Err(CodeConflict, "本考试批次的成绩已确认，不能再录入；如需更正，请由管理员在成绩确认页做成绩复核。")

// ErrNotInExam refuses a score for an application that is not a seated candidate of the
// session.
var ErrNotInExam = Err(CodeInvalid, "这名考生不在本考试批次中，请刷新页面后再试。")

// resultsStale is how long a started confirmation of results is taken as still running:
// after it, confirming again resumes an interrupted one.
const resultsStale = 10 * time.Minute

// CanScore reports whether scores may be entered: only while the session is published
// and its results are not being confirmed.
func (s ExamSession) CanScore() error {
	switch {
	case s.State == ExamArranging:
		return ErrExamNotPublished
	case s.State == ExamEnded || s.Closing:
		return ErrExamResultsConfirmed
	}
	return nil
}

// BeginResults starts confirming the results (成绩确认): every seated candidate must have
// a score or 缺考 (missing is how many do not). Only one confirmation runs: a second one
// while the first is under way is refused, and one started more than resultsStale ago
// (interrupted) is resumed.
func (s ExamSession) BeginResults(missing int, now time.Time) (ExamSession, error) {
	switch {
	case s.State == ExamArranging:
		return s, ErrExamNotPublished
	case s.State == ExamEnded:
		return s, Err(CodeConflict, "本考试批次的成绩已经确认过了。")
	case s.Pending:
		return s, Err(CodeConflict, "本批次的发布还没有全部完成：请先在考试批次页面点击“完成发布”，再确认成绩。")
	case s.Closing && now.Sub(s.ClosingAt) < resultsStale:
		return s, Err(CodeConflict, "另一位管理员正在确认本批次的成绩，请稍后刷新页面查看结果。")
	case missing > 0:
		return s, Err(CodeConflict, fmt.Sprintf("还有 %d 名考生没有成绩：请先录入他们的分数，没参加考试的请勾选“缺考”，再确认成绩。", missing))
	}
	s.Closing, s.ClosingAt = true, now
	s.Rev++
	s.UpdatedAt = now
	return s, nil
}

// EndResults closes the session once every result is confirmed: 已结束.
func (s ExamSession) EndResults(now time.Time) ExamSession {
	s.State, s.Closing = ExamEnded, false
	s.EndedAt, s.UpdatedAt = now, now
	s.Rev++
	return s
}

// ScoreRow is one seated candidate of a score sheet: the candidate with their room, the
// masked ID number, and their application's state and scores.
type ScoreRow struct {
	ExamCandidate
	Room     string // the room's name (the venue's when there are several)
	MaskedID string
	Status   AppStatus
	Scores   *Scores
	// CheckInAbsent are the subjects the check-in records the candidate 缺考 for (the
	// grid prefills them; a score for them is refused).
	CheckInAbsent []string
}

// Scored reports whether the row has a score or 缺考 entered.
func (r ScoreRow) Scored() bool { return r.Scores != nil }

// ResultGroup is a pass count of one post or agency.
type ResultGroup struct {
	Key, Label                 string
	Sat, Passed, Absent, Count int
}

// Rate is the pass rate of those who sat the exam, in whole percent ("—" when none sat).
func (g ResultGroup) Rate() string {
	if g.Sat == 0 {
		return "—"
	}
	return strconv.Itoa((g.Passed*100+g.Sat/2)/g.Sat) + "%"
}

// ScoreBins is the number of bars of the histogram: 0–9, 10–19, …, 90–100.
const ScoreBins = 10

// ResultSummary is what the 成绩确认 page shows of a session: the distribution of the
// scores of each subject, pass counts by post and agency (under the pass marks, as
// they would be confirmed), and who has no score yet.
type ResultSummary struct {
	Basic, Practice [ScoreBins]int
	Total           ResultGroup
	ByPost          []ResultGroup
	ByAgency        []ResultGroup
	Missing         []ScoreRow
}

// Summarize counts the rows; agencyName names an agency by ID.
func Summarize(rows []ScoreRow, pass ExamSettings, agencyName func(string) string) ResultSummary {
	var out ResultSummary
	posts, agencies := map[string]*ResultGroup{}, map[string]*ResultGroup{}
	group := func(m map[string]*ResultGroup, key, label string) *ResultGroup {
		if g, ok := m[key]; ok {
			return g
		}
		g := &ResultGroup{Key: key, Label: label}
		m[key] = g
		return g
	}
	bin := func(s Score) int { return min(int(s)/100, ScoreBins-1) }
	for _, r := range rows {
		gs := []*ResultGroup{&out.Total, group(posts, r.PostCode, PostLabel(r.PostCode)), group(agencies, r.AgencyID, agencyName(r.AgencyID))}
		for _, g := range gs {
			g.Count++
		}
		if r.Scores == nil {
			out.Missing = append(out.Missing, r)
			continue
		}
		sc := *r.Scores
		if !sc.Missed(SubjectBasic) {
			out.Basic[bin(sc.Basic)]++
		}
		if !sc.Missed(SubjectPractice) {
			out.Practice[bin(sc.Practice)]++
		}
		res := sc.Result
		if !sc.Confirmed || res == "" {
			res = sc.Judge(pass)
		}
		for _, g := range gs {
			switch res {
			case ResultAbsent:
				g.Absent++
			case ResultPass:
				g.Sat++
				g.Passed++
			default:
				g.Sat++
			}
		}
	}
	sorted := func(m map[string]*ResultGroup) []ResultGroup {
		var gs []ResultGroup
		for _, g := range m {
			gs = append(gs, *g)
		}
		slices.SortFunc(gs, func(a, b ResultGroup) int { return cmp.Compare(a.Key, b.Key) })
		return gs
	}
	out.ByPost, out.ByAgency = sorted(posts), sorted(agencies)
	return out
}

// ScoreImportHeader is the header of a score import file (成绩导入) and its template.
var ScoreImportHeader = []string{"准考证号", "姓名", SubjectBasic, SubjectPractice, "缺考"}

// MaxScoreImportLines bounds one import: a session has at most MaxSessionSeats seats.
const MaxScoreImportLines = MaxSessionSeats

// ScoreImportLine is one line of a score import, checked for its shape.
type ScoreImportLine struct {
	Line         int
	Ticket, Name string
	Scores       Scores
}

// absentCell reads the 缺考 column: empty or 否 is not absent; 是, 缺考, √, 1 or Y is.
func absentCell(v string) (bool, bool) {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "", "否", "0", "N", "NO":
		return false, true
	case "是", "缺考", "√", "1", "Y", "YES":
		return true, true
	}
	return false, false
}

// ParseScoreImport checks the shape of a score import: the header, every line's ticket
// number and scores (the grid's rules: 0 to 100 with one decimal, no score with 缺考),
// and ticket numbers twice in the file. It returns the lines and every line's errors;
// err is set when the file as a whole cannot be used.
func ParseScoreImport(rows [][]string) (lines []ScoreImportLine, errs []LineError, err error) {
	if len(rows) == 0 {
		return nil, nil, Err(CodeInvalid, "文件是空的。第一行应为表头："+strings.Join(ScoreImportHeader, "、"))
	}
	if got := trimRow(rows[0]); strings.Join(got, "|") != strings.Join(ScoreImportHeader, "|") &&
		strings.Join(got, "|") != strings.Join(ScoreImportHeader[:4], "|") {
		return nil, nil, Err(CodeInvalid, "表头（第一行）应为五列：“"+strings.Join(ScoreImportHeader, "、")+"”，按这个顺序；您的文件第一行是：“"+
			strings.Join(got, "、")+"”。请下载模板，按模板填写")
	}
	seen := map[string]int{}
	for i, row := range rows[1:] {
		cells := trimRow(row)
		if len(cells) == 0 {
			continue
		}
		get := func(i int) string {
			if i < len(cells) {
				return cells[i]
			}
			return ""
		}
		l := ScoreImportLine{Line: i + 2, Ticket: strings.ToUpper(get(0)), Name: get(1)}
		var msgs []string
		if len(cells) > len(ScoreImportHeader) {
			msgs = append(msgs, "多出了第6列及以后的内容，只能有五列")
		}
		absent, ok := absentCell(get(4))
		if !ok {
			msgs = append(msgs, "“缺考”一列只能填“是”或留空")
		}
		switch {
		case l.Ticket == "":
			msgs = append(msgs, "没有填写准考证号")
		case seen[l.Ticket] > 0:
			msgs = append(msgs, "准考证号 "+l.Ticket+" 与第"+strconv.Itoa(seen[l.Ticket])+"行重复")
		default:
			seen[l.Ticket] = l.Line
		}
		sc, err := ScoreInput{Basic: get(2), Practice: get(3), Absent: absent}.Scores()
		if fe, isFE := err.(FieldErrors); isFE {
			for _, k := range []string{"absent", "basic", "practice"} {
				if m := fe[k]; m != "" {
					msgs = append(msgs, m)
				}
			}
		}
		l.Scores = sc
		for _, m := range msgs {
			errs = append(errs, LineError{Line: l.Line, Message: m})
		}
		lines = append(lines, l)
	}
	switch {
	case len(lines) == 0:
		return nil, nil, Err(CodeInvalid, "文件中只有表头，没有成绩")
	case len(lines) > MaxScoreImportLines:
		return nil, nil, Err(CodeInvalid, "一次最多导入"+strconv.Itoa(MaxScoreImportLines)+"行")
	}
	return lines, errs, nil
}

// CorrectScores is a 成绩复核: a correction of confirmed scores, with its reason. The
// result is judged again under the pass marks and the application moves with it (考试合格
// ↔ 考试不合格); a certified application cannot be corrected here (its certificate would
// have to be revoked first). The timeline keeps the scores before and after.
func (a Application) CorrectScores(s Scores, pass ExamSettings, reason, by string, now time.Time) (Application, error) {
	if a.Scores == nil || !a.Scores.Confirmed || (a.Status != AppPassed && a.Status != AppFailed) {
		if a.Status == AppCertified {
			return a, Err(CodeConflict, "这份报名已发证，不能再复核成绩；如成绩确有错误，请先撤销证书。")
		}
		return a, conflict(a, "成绩复核")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return a, FieldErrors{"reason": "请填写成绩复核的原因，考生会在邮件中看到"}
	}
	reason, err := CleanText(reason, "复核原因", 200, true)
	if err != nil {
		return a, FieldErrors{"reason": MessageOf(err)}
	}
	if err := pass.Validate(); err != nil {
		return a, Err(CodeInvalid, "合格分数线设置有误，请检查考试设置后再复核成绩")
	}
	s = s.normal()
	if s.Basic < 0 || s.Basic > Points(100) || s.Practice < 0 || s.Practice > Points(100) {
		return a, Err(CodeInvalid, "分数应在 0 到 100 之间")
	}
	before := *a.Scores
	s.Confirmed, s.Result = true, s.Judge(pass)
	if s.Basic == before.Basic && s.Practice == before.Practice && s.Absent == before.Absent &&
		s.BasicAbsent == before.BasicAbsent && s.PracticeAbsent == before.PracticeAbsent {
		return a, FieldErrors{"basic": "分数与已确认的成绩相同，没有需要更正的内容"}
	}
	a.Scores = &s
	a.Status = AppFailed
	if s.Result == ResultPass {
		a.Status = AppPassed
	}
	a.log(now, "成绩复核："+s.Result.Label(), by, ScoresChange(before, s)+"；原因："+reason)
	return a, nil
}

// ScoresChange is the before → after of a correction, for the timeline and the audit.
func ScoresChange(before, after Scores) string {
	text := func(s Scores) string { return s.Text(SubjectBasic) + "、" + s.Text(SubjectPractice) }
	return text(before) + " → " + text(after)
}
