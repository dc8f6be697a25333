package domain

import (
	"strconv"
	"time"
)

// CESettings are the continuing-education rules that the province may set differently
// (DOMAIN.md §6, *configurable*). They are data: the store keeps the province's overrides
// and every rule in this package takes them as an argument, so no limit is written into
// the code that applies it.
type CESettings struct {
	// HoursPerYear is the minimum of learning hours in each yearly cycle.
	HoursPerYear int
	// ProfessionalMin is how many of those hours must be 专业 (professional) courses.
	ProfessionalMin int
	// TwoYearMin is the minimum over two consecutive completed cycles; below it the
	// certificate becomes 失效 and the holder has to be trained and examined again.
	TwoYearMin int
	// MaxRecordHours is the most hours one learning record (one course on one day) may
	// carry; a longer course is recorded on several days.
	MaxRecordHours int
	// MinAge and MaxAge bound the age, in full years on the day of enrolment, at which a
	// holder may enrol.
	MinAge, MaxAge int
	// AssessFrom is the first day of the province's learning records in this system.
	// Only cycles that start on or after it count for a certificate's status: earlier
	// cycles were recorded on paper and are presumed met, so that moving to the system
	// does not turn every older certificate 失效 overnight.
	AssessFrom time.Time
}

// DefaultCESettings returns the rules of DOMAIN.md §6: 32 hours a year of which 22
// professional, 64 over two years, at most 8 hours per record (a full training day).
//
// The age limits are 18 to 65. Eighteen is the age of full civil capacity, below which
// nobody may hold a site post; 65 lies above the statutory retirement age (raised towards
// 63 for men from 2025) and leaves room for the retired professionals whom site companies
// commonly re-employ, while still stopping enrolments made with a deceased or very old
// holder's certificate. AssessFrom is 1 January 2026, the year this system took over the
// learning records; the province sets its real start date.
func DefaultCESettings() CESettings {
	return CESettings{HoursPerYear: 32, ProfessionalMin: 22, TwoYearMin: 64, MaxRecordHours: 8,
		MinAge: 18, MaxAge: 65, AssessFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// Validate reports settings that could not be applied consistently, all at once, so
// that an admin changing one number cannot make the rules contradict each other.
func (s CESettings) Validate() error {
	fe := FieldErrors{}
	if s.HoursPerYear < 1 || s.HoursPerYear > 200 {
		fe.Add("hours_per_year", "每年学时要求应在1到200之间")
	}
	if s.ProfessionalMin < 0 || s.ProfessionalMin > s.HoursPerYear {
		fe.Add("professional_min", "专业课学时要求不能为负数，也不能超过每年学时要求（"+strconv.Itoa(s.HoursPerYear)+"）")
	}
	if s.TwoYearMin < 0 || s.TwoYearMin > 2*s.HoursPerYear {
		fe.Add("two_year_min", "两年学时要求不能为负数，也不能超过每年学时要求的两倍")
	}
	if s.MaxRecordHours < 1 || s.MaxRecordHours > 24 {
		fe.Add("max_record_hours", "每条学习记录的学时上限应在1到24之间")
	}
	if s.MinAge < 16 || s.MaxAge > 100 || s.MinAge >= s.MaxAge {
		fe.Add("age", "报名年龄范围应在16到100周岁之间，且下限小于上限")
	}
	if s.AssessFrom.IsZero() {
		fe.Add("assess_from", "请填写开始考核学时的日期")
	}
	return fe.Err()
}

// AgeOn is a person's age in full years on day: the birthday itself counts, and someone
// born on 29 February has their birthday on 1 March in other years.
func AgeOn(birth, day time.Time) int {
	by, bm, bd := birth.Date()
	dy, dm, dd := day.Date()
	age := dy - by
	if dm < bm || (dm == bm && dd < bd) {
		age--
	}
	return age
}

// CheckAge returns the message for a holder outside the enrolment age range on day, or
// "" when they may enrol. An unknown birth date (zero) is not refused here: trainees'
// birth dates come from checked ID numbers.
func (s CESettings) CheckAge(birth, day time.Time) string {
	if birth.IsZero() {
		return ""
	}
	age := AgeOn(birth, day)
	if age < s.MinAge || age > s.MaxAge {
		return "继续教育报名年龄应在" + strconv.Itoa(s.MinAge) + "至" + strconv.Itoa(s.MaxAge) +
			"周岁之间，您目前" + strconv.Itoa(age) + "周岁，不能在线报名。如有疑问请联系培训机构"
	}
	return ""
}

// ExamSettings are the exam's pass marks per subject (DOMAIN.md §4, *configurable*): a
// candidate passes with at least PassBasic in 专业基础知识 and PassPractice in 专业管理实务,
// each paper out of 100. Like CESettings they are data, passed to the rule that uses them.
type ExamSettings struct {
	PassBasic, PassPractice int
}

// DefaultExamSettings are the pass marks of DOMAIN.md §4: 60 in both subjects.
func DefaultExamSettings() ExamSettings { return ExamSettings{PassBasic: 60, PassPractice: 60} }

// Validate reports pass marks outside 1 to 100, all at once: 0 would pass everyone who
// sat the exam, and above 100 nobody could pass.
func (s ExamSettings) Validate() error {
	fe := FieldErrors{}
	if s.PassBasic < 1 || s.PassBasic > 100 {
		fe.Add("pass_basic", "专业基础知识的合格分数线应在1到100之间")
	}
	if s.PassPractice < 1 || s.PassPractice > 100 {
		fe.Add("pass_practice", "专业管理实务的合格分数线应在1到100之间")
	}
	return fe.Err()
}
