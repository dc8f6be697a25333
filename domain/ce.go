package domain

import (
	"strconv"
	"strings"
	"time"
)

// Continuing education (继续教育, DOMAIN.md §6): the yearly cycles of a certificate, the
// learning hours counted in each, and what they mean for the certificate's status.

// HalfHours counts learning time in half hours, the smallest unit a course is recorded
// in. An integer count keeps sums exact: 0.5 + 0.5 + … never drifts the way floating
// point would, and "7.999" cannot be smuggled in as almost eight hours.
type HalfHours int

// WholeHours converts a number of whole hours, as the settings state them.
func WholeHours(n int) HalfHours { return HalfHours(2 * n) }

// String writes the hours as people read them: "2", "2.5".
func (h HalfHours) String() string {
	if h < 0 {
		return "-" + (-h).String()
	}
	s := strconv.Itoa(int(h) / 2)
	if h%2 != 0 {
		s += ".5"
	}
	return s
}

// ParseHours reads the hours of a course: a positive number in half-hour steps ("2",
// "1.5", "２．５", "3学时") of at most maxHours. One decimal place is the most allowed, and
// it must be 0 or 5, so fractions such as 0.01 or 7.99 are refused instead of rounded.
func ParseHours(raw string, maxHours int) (HalfHours, error) {
	v := strings.TrimSpace(raw)
	if len(v) > 32 {
		return 0, Err(CodeInvalid, "学时格式不正确，请填写如 2 或 1.5 这样的数字")
	}
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(v, "学时"), "小时"))
	v = fullWidthDigits(v)
	if v == "" {
		return 0, Err(CodeInvalid, "请填写学时")
	}
	whole, frac, hasDot := strings.Cut(v, ".")
	if strings.HasPrefix(v, "-") {
		return 0, Err(CodeInvalid, "学时必须是正数，请填写如 2 或 1.5 这样的数字")
	}
	if !allDigits(whole) || len(whole) > 3 || (hasDot && !allDigits(frac)) {
		return 0, Err(CodeInvalid, "学时格式不正确，请填写如 2 或 1.5 这样的数字")
	}
	if hasDot && (len(frac) != 1 || (frac != "0" && frac != "5")) {
		return 0, Err(CodeInvalid, "学时按半小时计，小数点后只能是 .5（例如 1.5），不能是 "+v)
	}
	h := HalfHours(2 * atoi(whole))
	if frac == "5" {
		h++
	}
	switch {
	case h <= 0:
		return 0, Err(CodeInvalid, "学时必须大于0")
	case h > WholeHours(maxHours):
		return 0, Err(CodeInvalid, "每条学习记录最多"+strconv.Itoa(maxHours)+"学时；更长的课程请按天分别记录")
	}
	return h, nil
}

// CourseCategory is the learning category (类别) of a course: 公共 or 专业.
type CourseCategory string

// Learning categories. The codes are stored; the labels are the manual's words.
const (
	CategoryPublic       CourseCategory = "public"
	CategoryProfessional CourseCategory = "professional"
)

var courseCategories = vocab[CourseCategory]{{CategoryPublic, "公共"}, {CategoryProfessional, "专业"}}

// Label is the category as the catalog and the learning records show it.
func (c CourseCategory) Label() string { return courseCategories.label(c) }

// Valid reports whether c is one of the two categories.
func (c CourseCategory) Valid() bool { return c == CategoryPublic || c == CategoryProfessional }

// CourseCategories lists the categories in display order.
func CourseCategories() []CourseCategory { return courseCategories.codes() }

// ParseCategory reads a category from a form or an import file, as the code or as its
// label (公共, 专业); ok is false for anything else.
func ParseCategory(s string) (CourseCategory, bool) {
	return courseCategories.parse(strings.TrimSpace(s))
}

// UnmarshalText reads a stored category: a code, or the Chinese label that records
// written before the codes hold (see vocab.decode).
func (c *CourseCategory) UnmarshalText(b []byte) error {
	*c = courseCategories.decode(b)
	return nil
}

// dateOf is the calendar date of t in t's own location, as midnight UTC. Issue and
// completion dates are stored that way, so their date is what was written down.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ChinaDay is the calendar date of the instant now in Beijing time (UTC+8), as midnight
// UTC: a learning day, a cycle and a deadline end at midnight in Henan whatever the
// server's clock zone is.
func ChinaDay(now time.Time) time.Time {
	return dateOf(now.In(time.FixedZone("CST", 8*3600)))
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// Anniversary is the date k years after issued. A certificate issued on 29 February has
// its anniversary on 28 February in years without one — not 1 March — so that its cycle
// still starts and ends in the month printed on the certificate.
func Anniversary(issued time.Time, k int) time.Time {
	y, m, d := issued.Date()
	y += k
	if m == time.February && d == 29 && !isLeap(y) {
		d = 28
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Cycle is one yearly continuing-education period of a certificate. Cycle n runs from the
// n-th anniversary of the issue date to the day before the (n+1)-th: the year of issue
// itself is covered by the training that led to the certificate, so learning is due "from
// the year after issue". Start and End are inclusive calendar dates (midnight UTC).
type Cycle struct {
	No         int
	Start, End time.Time
}

// cycleNo builds cycle k of a certificate issued on issued.
func cycleNo(issued time.Time, k int) Cycle {
	return Cycle{No: k, Start: Anniversary(issued, k), End: Anniversary(issued, k+1).AddDate(0, 0, -1)}
}

// Contains reports whether the calendar date of d lies in the cycle.
func (c Cycle) Contains(d time.Time) bool {
	day := dateOf(d)
	return !day.Before(c.Start) && !day.After(c.End)
}

// Label names the cycle as trainees read it: "第5周期（2026年9月15日—2027年9月14日）".
func (c Cycle) Label() string {
	if c.No == 0 {
		return "未确定周期"
	}
	return "第" + strconv.Itoa(c.No) + "周期（" + c.Start.Format("2006年1月2日") + "—" + c.End.Format("2006年1月2日") + "）"
}

// CycleAt returns the cycle of a certificate issued on issued that contains the calendar
// date day; ok is false before the first anniversary.
func CycleAt(issued, day time.Time) (Cycle, bool) {
	issued, day = dateOf(issued), dateOf(day)
	k := day.Year() - issued.Year()
	if Anniversary(issued, k).After(day) {
		k--
	}
	if k < 1 {
		return Cycle{}, false
	}
	return cycleNo(issued, k), true
}

// CurrentCycle is the cycle running today (Beijing time); ok is false in the year of issue.
func CurrentCycle(issued, now time.Time) (Cycle, bool) { return CycleAt(issued, ChinaDay(now)) }

// Cycles lists every cycle that has started by today (Beijing time), oldest first; the
// last one is the current cycle. It is empty in the year of issue.
func Cycles(issued, now time.Time) []Cycle {
	cur, ok := CurrentCycle(issued, now)
	if !ok {
		return nil
	}
	out := make([]Cycle, 0, cur.No)
	for k := 1; k <= cur.No; k++ {
		out = append(out, cycleNo(issued, k))
	}
	return out
}

// CycleProgress is the learning of one cycle measured against the settings: what has
// been done, what is still missing, and whether the cycle is over and counts.
type CycleProgress struct {
	Cycle
	Records                        []LearningRecord
	Total, Professional            HalfHours
	Required, ProfessionalRequired HalfHours
	// Missing is how many more hours are needed; it is at least MissingProfessional,
	// because professional hours count towards the total too.
	Missing, MissingProfessional HalfHours
	// Ended means the cycle's last day has passed; Assessed means it also counts for the
	// certificate's status (it started on or after CESettings.AssessFrom).
	Ended, Assessed bool
}

// Met reports whether the cycle reached both the yearly and the professional minimum.
func (p CycleProgress) Met() bool { return p.Missing == 0 }

// Deadline is the last day on which learning counts for this cycle.
func (p CycleProgress) Deadline() time.Time { return p.End }

// Progress measures the records whose completion date lies in cycle c.
func Progress(c Cycle, records []LearningRecord, s CESettings, now time.Time) CycleProgress {
	p := CycleProgress{Cycle: c, Required: WholeHours(s.HoursPerYear), ProfessionalRequired: WholeHours(s.ProfessionalMin)}
	for _, r := range records {
		if !c.Contains(r.CompletedOn) {
			continue
		}
		p.Records = append(p.Records, r)
		p.Total += r.Hours
		if r.Category == CategoryProfessional {
			p.Professional += r.Hours
		}
	}
	p.MissingProfessional = max(0, p.ProfessionalRequired-p.Professional)
	p.Missing = max(p.Required-p.Total, p.MissingProfessional)
	p.Ended = ChinaDay(now).After(c.End)
	p.Assessed = p.Ended && !c.Start.Before(dateOf(s.AssessFrom))
	return p
}

// CertificateProgress measures every cycle of a certificate that has started, newest
// first, as the 学习记录 page lists them.
func CertificateProgress(issued time.Time, records []LearningRecord, s CESettings, now time.Time) []CycleProgress {
	cycles := Cycles(issued, now)
	out := make([]CycleProgress, len(cycles))
	for i, c := range cycles {
		out[len(cycles)-1-i] = Progress(c, records, s, now)
	}
	return out
}

// Compliance is a certificate's status with the reason when continuing education set it.
type Compliance struct {
	Status CertificateStatus
	Note   string
}

// Compliance decides the status a certificate shows once continuing education is taken
// into account. Only assessed cycles count (ended, and started on or after AssessFrom):
//
//   - 注销, 撤销 and a printed expiry date that has passed (失效) stand as they are, and a
//     legacy certificate with a printed expiry date is governed by that date alone: the
//     learning rules keep only electronic certificates (no expiry) valid.
//   - 失效 (needs retraining): some two consecutive assessed cycles together have fewer
//     than TwoYearMin hours. This is final — later learning cannot repair it.
//   - 继续教育未达标: the last ended cycle is assessed and below HoursPerYear in total or
//     below ProfessionalMin in professional hours. The holder may still enrol and catch
//     up; the status clears when a later cycle is met.
//   - 有效 otherwise, including while the current cycle is still running.
func (c Certificate) Compliance(records []LearningRecord, s CESettings, now time.Time) Compliance {
	st := c.EffectiveStatus(now)
	if st == CertCENotMet {
		st = CertValid // a stored 未达标 is recomputed from the records
	}
	if st != CertValid || !c.ValidUntil.IsZero() {
		return Compliance{Status: st}
	}
	progress := CertificateProgress(c.IssuedOn, records, s, now) // newest first
	ended := make([]CycleProgress, 0, len(progress))
	for i := len(progress) - 1; i >= 0; i-- {
		if progress[i].Ended {
			ended = append(ended, progress[i]) // oldest first
		}
	}
	for i := 1; i < len(ended); i++ {
		a, b := ended[i-1], ended[i]
		if a.Assessed && b.Assessed && a.Total+b.Total < WholeHours(s.TwoYearMin) {
			return Compliance{Status: CertExpired, Note: "第" + strconv.Itoa(a.No) + "、" + strconv.Itoa(b.No) + "周期合计" +
				(a.Total + b.Total).String() + "学时，少于连续两年" + strconv.Itoa(s.TwoYearMin) + "学时的要求，证书失效，需要重新参加培训考核"}
		}
	}
	if n := len(ended); n > 0 && ended[n-1].Assessed && !ended[n-1].Met() {
		last := ended[n-1]
		return Compliance{Status: CertCENotMet, Note: last.Label() + "完成" + last.Total.String() + "学时（专业课" +
			last.Professional.String() + "学时），未达到每年" + strconv.Itoa(s.HoursPerYear) + "学时、其中专业课" +
			strconv.Itoa(s.ProfessionalMin) + "学时的要求"}
	}
	return Compliance{Status: CertValid}
}
