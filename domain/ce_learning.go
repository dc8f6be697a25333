package domain

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Course is one entry of an agency's continuing-education catalog (课程目录).
type Course struct {
	ID        string
	AgencyID  string
	Title     string
	Category  CourseCategory
	Hours     HalfHours
	CreatedAt time.Time
}

// CourseInput is the typed form of a new course.
type CourseInput struct{ Title, Category, Hours string }

// Validate checks a new course against the settings and returns it, or every field error.
func (in CourseInput) Validate(s CESettings) (Course, error) {
	fe := FieldErrors{}
	title, err := CleanText(in.Title, "课程名称", 60, true)
	if err != nil {
		fe.Add("title", MessageOf(err))
	}
	cat, ok := ParseCategory(in.Category)
	if !ok {
		fe.Add("category", "请选择课程类别：公共课或专业课")
	}
	h, err := ParseHours(in.Hours, s.MaxRecordHours)
	if err != nil {
		fe.Add("hours", MessageOf(err))
	}
	if len(fe) > 0 {
		return Course{}, fe
	}
	return Course{Title: title, Category: cat, Hours: h}, nil
}

// CourseKey is how course titles are compared: white space and letter case do not make
// two courses different, so an import can name a course as the catalog spells it or not.
func CourseKey(title string) string {
	return strings.ToUpper(strings.Join(strings.FieldsFunc(title, unicode.IsSpace), ""))
}

// LearningRecord is one completed course of a certificate holder (学习记录).
type LearningRecord struct {
	ID          string
	EnrolID     string
	CertID      string
	TraineeID   string
	AgencyID    string
	CourseID    string
	Course      string // the title when it was recorded
	Category    CourseCategory
	Hours       HalfHours
	CompletedOn time.Time // a calendar date (midnight UTC)
	RecordedAt  time.Time
	RecordedBy  string
	// Rev is raised by every correction (ce_records.go), so that a correction made on an
	// older revision is refused (StaleRecord); UpdatedBy and UpdatedAt say whose it was.
	Rev       int       `json:",omitempty"`
	UpdatedBy string    `json:",omitempty"`
	UpdatedAt time.Time `json:",omitempty"`
}

// NewLearningRecord builds the record of a course completed on a day for an enrolment and
// checks it: the enrolment takes learning, the hours are positive and within the
// per-record limit, the category is known, and the day lies in the enrolment's cycle and
// not in the future (Beijing time).
func NewLearningRecord(e Enrolment, c Course, day time.Time, s CESettings, now time.Time) (LearningRecord, error) {
	r := LearningRecord{EnrolID: e.ID, CertID: e.CertID, TraineeID: e.TraineeID, AgencyID: e.AgencyID, CourseID: c.ID,
		Course: c.Title, Category: c.Category, Hours: c.Hours, CompletedOn: dateOf(day), RecordedAt: now}
	switch {
	case !e.Status.Learning():
		return r, Err(CodeConflict, "这份报名还没有被确认（"+e.Status.Label()+"），不能记录学时")
	case c.Hours <= 0 || c.Hours > WholeHours(s.MaxRecordHours):
		return r, FieldErrors{"course": "课程学时应大于0且不超过" + strconv.Itoa(s.MaxRecordHours) + "学时"}
	case !c.Category.Valid():
		return r, FieldErrors{"course": "课程类别应为公共或专业"}
	case day.IsZero():
		return r, FieldErrors{"date": "请填写完成日期"}
	case r.CompletedOn.After(ChinaDay(now)):
		return r, FieldErrors{"date": "完成日期不能晚于今天"}
	case !e.Cycle.Contains(r.CompletedOn):
		return r, FieldErrors{"date": "完成日期不在报名的" + e.Cycle.Label() + "内"}
	}
	return r, nil
}

// ParseDate reads a calendar date written as 2026-11-20, 2026/11/20, 2026.11.20,
// 2026年11月20日 or 20261120 (full-width digits too) and returns it as midnight UTC.
func ParseDate(raw, field string) (time.Time, error) {
	bad := Err(CodeInvalid, field+"格式不正确，请按“年-月-日”填写，例如 2026-11-20")
	if len(raw) > 64 {
		return time.Time{}, bad
	}
	v := strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' || r == '－' || r == '．' || r == '／' {
			r -= '０' - '0' // full-width forms sit at a fixed offset from ASCII
		}
		switch {
		case unicode.IsSpace(r), r == '日':
			return -1
		case r == '年' || r == '月' || r == '.' || r == '/':
			return '-'
		}
		return r
	}, raw)
	if v == "" {
		return time.Time{}, Err(CodeInvalid, "请填写"+field+"，例如 2026-11-20")
	}
	parts := strings.Split(v, "-")
	if len(parts) == 1 && len(v) == 8 {
		parts = []string{v[:4], v[4:6], v[6:]}
	}
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 ||
		!allDigits(parts[0]) || !allDigits(parts[1]) || !allDigits(parts[2]) {
		return time.Time{}, bad
	}
	y, m, d := atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1990 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, Err(CodeInvalid, field+"不是真实的日期，请检查年、月、日")
	}
	return t, nil
}

// ImportHeader is the first row an import file of learning records must have.
var ImportHeader = []string{"证书编号", "姓名", "课程名称", "完成日期"}

// MaxImportLines bounds one import, so that it is checked and written in a single
// transaction (all or nothing) of bounded size.
const MaxImportLines = 1000

// ImportLine is one parsed data line of an import; Line is the spreadsheet row number
// (the header is row 1).
type ImportLine struct {
	Line       int
	CertNumber string
	Name       string
	Course     string
	Date       time.Time
}

// LineError is the error of one line of an import, shown to the reviewer line by line.
type LineError struct {
	Line    int
	Message string
}

// ParseImport checks the shape of an import: the header, every line's fields and date,
// and duplicates within the file (same certificate, course and date). It returns the lines
// and every line's errors; err is set when the file as a whole cannot be used (wrong
// columns, no lines, too many lines).
func ParseImport(rows [][]string) (lines []ImportLine, errs []LineError, err error) {
	if len(rows) == 0 {
		return nil, nil, Err(CodeInvalid, "文件是空的。第一行应为表头："+strings.Join(ImportHeader, "、"))
	}
	if got := trimRow(rows[0]); strings.Join(got, "|") != strings.Join(ImportHeader, "|") {
		return nil, nil, Err(CodeInvalid, "表头（第一行）应为四列：“"+strings.Join(ImportHeader, "、")+"”，按这个顺序；您的文件第一行是：“"+
			strings.Join(got, "、")+"”。请下载模板，按模板填写")
	}
	seen := map[string]int{}
	for i, row := range rows[1:] {
		cells := trimRow(row)
		if len(cells) == 0 {
			continue
		}
		l, msgs := parseImportLine(i+2, cells)
		if len(msgs) == 0 {
			k := NormalizeCertNumber(l.CertNumber) + "|" + CourseKey(l.Course) + "|" + l.Date.Format("20060102")
			if first, dup := seen[k]; dup {
				msgs = append(msgs, "与第"+strconv.Itoa(first)+"行重复（同一证书、课程和完成日期）")
			} else {
				seen[k] = l.Line
			}
		}
		for _, m := range msgs {
			errs = append(errs, LineError{Line: l.Line, Message: m})
		}
		lines = append(lines, l)
	}
	switch {
	case len(lines) == 0:
		return nil, nil, Err(CodeInvalid, "文件中只有表头，没有学习记录")
	case len(lines) > MaxImportLines:
		return nil, nil, Err(CodeInvalid, "一次最多导入"+strconv.Itoa(MaxImportLines)+"行，请分成几个文件导入")
	}
	return lines, errs, nil
}

// trimRow trims every cell (and a byte-order mark) and drops empty cells at the end.
func trimRow(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func parseImportLine(n int, cells []string) (ImportLine, []string) {
	get := func(i int) string {
		if i < len(cells) {
			return cells[i]
		}
		return ""
	}
	l := ImportLine{Line: n, CertNumber: NormalizeCertNumber(get(0)), Name: get(1), Course: get(2)}
	var msgs []string
	if len(cells) > len(ImportHeader) {
		msgs = append(msgs, "多出了第"+strconv.Itoa(len(ImportHeader)+1)+"列及以后的内容，只能有四列")
	}
	for i, v := range []string{l.CertNumber, l.Name, l.Course} {
		if v == "" {
			msgs = append(msgs, "缺少"+ImportHeader[i])
		} else if _, err := CleanText(v, ImportHeader[i], 60, true); err != nil {
			msgs = append(msgs, MessageOf(err))
		}
	}
	d, err := ParseDate(get(3), "完成日期")
	if err != nil {
		msgs = append(msgs, MessageOf(err))
	}
	l.Date = d
	return l, msgs
}
