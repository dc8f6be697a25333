package domain

import (
	"bytes"
	"strconv"
	"strings"
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
