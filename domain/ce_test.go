package domain

import (
	"strings"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// noonCN is noon of a calendar day in Beijing time, as an instant.
func noonCN(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 4, 0, 0, 0, time.UTC) }

func TestAnniversaryAndCycleAt(t *testing.T) {
	for _, tc := range []struct {
		name       string
		issued, at time.Time
		ok         bool
		no         int
		start, end time.Time
	}{
		{"year of issue: no cycle yet", day(2021, 9, 15), day(2022, 9, 14), false, 0, time.Time{}, time.Time{}},
		{"first anniversary starts cycle 1", day(2021, 9, 15), day(2022, 9, 15), true, 1, day(2022, 9, 15), day(2023, 9, 14)},
		{"last day of cycle 1", day(2021, 9, 15), day(2023, 9, 14), true, 1, day(2022, 9, 15), day(2023, 9, 14)},
		{"across a year boundary", day(2021, 9, 15), day(2024, 1, 1), true, 2, day(2023, 9, 15), day(2024, 9, 14)},
		{"issued 1 January: cycles are calendar years", day(2020, 1, 1), day(2022, 12, 31), true, 2, day(2022, 1, 1), day(2022, 12, 31)},
		{"issued 31 December", day(2020, 12, 31), day(2022, 1, 1), true, 1, day(2021, 12, 31), day(2022, 12, 30)},
		// 29 February: the anniversary is 28 February in years without one.
		{"Feb 29 issue, non-leap anniversary", day(2020, 2, 29), day(2021, 2, 28), true, 1, day(2021, 2, 28), day(2022, 2, 27)},
		{"Feb 29 issue, the day before", day(2020, 2, 29), day(2021, 2, 27), false, 0, time.Time{}, time.Time{}},
		{"Feb 29 issue, cycle ending before a leap day", day(2020, 2, 29), day(2024, 2, 28), true, 3, day(2023, 2, 28), day(2024, 2, 28)},
		{"Feb 29 issue, leap anniversary", day(2020, 2, 29), day(2024, 2, 29), true, 4, day(2024, 2, 29), day(2025, 2, 27)},
		{"a leap day inside an ordinary cycle", day(2021, 3, 1), day(2024, 2, 29), true, 2, day(2023, 3, 1), day(2024, 2, 29)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := CycleAt(tc.issued, tc.at)
			if ok != tc.ok || c.No != tc.no || !c.Start.Equal(tc.start) || !c.End.Equal(tc.end) {
				t.Fatalf("CycleAt = %+v %v, want no %d %s–%s %v", c, ok, tc.no, tc.start, tc.end, tc.ok)
			}
		})
	}
	if got := Anniversary(day(2020, 2, 29), 100); !got.Equal(day(2120, 2, 29)) {
		t.Errorf("2120 is a leap year: %s", got)
	}
	if got := Anniversary(day(2000, 2, 29), 100); !got.Equal(day(2100, 2, 28)) {
		t.Errorf("2100 is not a leap year: %s", got)
	}
}

func TestCyclesAreContiguousAndUseBeijingTime(t *testing.T) {
	issued := day(2020, 2, 29)
	cs := Cycles(issued, noonCN(2030, 6, 1))
	if len(cs) != 10 || cs[0].No != 1 || cs[9].No != 10 {
		t.Fatalf("cycles: %d", len(cs))
	}
	for i := 1; i < len(cs); i++ {
		if !cs[i].Start.Equal(cs[i-1].End.AddDate(0, 0, 1)) {
			t.Fatalf("gap or overlap between %s and %s", cs[i-1].Label(), cs[i].Label())
		}
	}
	if Cycles(day(2021, 9, 15), noonCN(2022, 9, 1)) != nil {
		t.Error("cycles in the year of issue")
	}
	// 20:00 UTC on 14 September is 04:00 on 15 September in Beijing: the new cycle has begun.
	cur, _ := CurrentCycle(day(2021, 9, 15), time.Date(2026, 9, 14, 20, 0, 0, 0, time.UTC))
	if cur.No != 5 {
		t.Errorf("cycle at 04:00 Beijing time on the anniversary: %d, want 5", cur.No)
	}
	cur, _ = CurrentCycle(day(2021, 9, 15), time.Date(2026, 9, 14, 15, 59, 0, 0, time.UTC))
	if cur.No != 4 {
		t.Errorf("cycle at 23:59 Beijing time the day before: %d, want 4", cur.No)
	}
	if l := cur.Label(); l != "第4周期（2025年9月15日—2026年9月14日）" {
		t.Errorf("label %q", l)
	}
}

func TestParseHours(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want HalfHours
		err  string
	}{
		{"2", 4, ""}, {"1.5", 3, ""}, {"8", 16, ""}, {"0.5", 1, ""}, {"２．５", 5, ""}, {"3学时", 6, ""}, {" 4.0 ", 8, ""},
		{"", 0, "请填写学时"}, {"0", 0, "大于0"}, {"0.0", 0, "大于0"}, {"-1", 0, "正数"}, {"-0.5", 0, "正数"},
		{"8.5", 0, "最多8学时"}, {"1000", 0, "格式"}, {"1.25", 0, ".5"}, {"7.99", 0, ".5"}, {"0.01", 0, ".5"},
		{"1.3", 0, ".5"}, {"1e1", 0, "格式"}, {"NaN", 0, "格式"}, {"Inf", 0, "格式"}, {"0x10", 0, "格式"},
		{"1,5", 0, "格式"}, {".5", 0, "格式"}, {"5.", 0, ".5"}, {strings.Repeat("9", 40), 0, "格式"},
	} {
		got, err := ParseHours(tc.in, 8)
		if tc.err == "" {
			if err != nil || got != tc.want {
				t.Errorf("ParseHours(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
			continue
		}
		if err == nil || CodeOf(err) != CodeInvalid || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseHours(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
		}
	}
	for h, s := range map[HalfHours]string{0: "0", 1: "0.5", 4: "2", 65: "32.5", -3: "-1.5"} {
		if h.String() != s {
			t.Errorf("%d half hours = %q, want %q", int(h), h.String(), s)
		}
	}
}

// rec is a learning record of h hours on a day.
func rec(on time.Time, cat CourseCategory, h float64) LearningRecord {
	return LearningRecord{CompletedOn: on, Category: cat, Hours: HalfHours(h * 2)}
}

func TestProgressCountsOnlyTheCycleAndSaysWhatIsMissing(t *testing.T) {
	s := DefaultCESettings()
	c, _ := CycleAt(day(2021, 9, 15), day(2026, 10, 1)) // 2026-09-15 – 2027-09-14
	records := []LearningRecord{
		rec(day(2026, 9, 14), CategoryProfessional, 8), // the previous cycle
		rec(day(2026, 9, 15), CategoryProfessional, 8), // first day counts
		rec(day(2027, 1, 2), CategoryPublic, 6.5),      // across the new year
		rec(day(2027, 9, 14), CategoryProfessional, 4), // last day counts
		rec(day(2027, 9, 15), CategoryPublic, 8),       // the next cycle
	}
	p := Progress(c, records, s, noonCN(2027, 9, 14))
	if len(p.Records) != 3 || p.Total != 37 || p.Professional != 24 || p.Ended {
		t.Fatalf("progress: %+v", p)
	}
	// 18.5 of 32 hours, 12 of 22 professional: 10 professional missing, 13.5 in total.
	if p.MissingProfessional != 20 || p.Missing != 27 || p.Met() || !p.Deadline().Equal(day(2027, 9, 14)) {
		t.Fatalf("missing: %v total, %v professional", p.Missing, p.MissingProfessional)
	}
	// Enough hours but too few professional ones: the professional gap is what is missing.
	public := []LearningRecord{rec(day(2026, 10, 1), CategoryPublic, 8), rec(day(2026, 10, 2), CategoryPublic, 8),
		rec(day(2026, 10, 3), CategoryPublic, 8), rec(day(2026, 10, 4), CategoryPublic, 8), rec(day(2026, 10, 5), CategoryProfessional, 8)}
	p = Progress(c, public, s, noonCN(2027, 9, 15))
	if p.Total != WholeHours(40) || p.Missing != WholeHours(14) || p.MissingProfessional != WholeHours(14) || !p.Ended || !p.Assessed {
		t.Fatalf("public-heavy: %+v", p)
	}
}

// hoursIn spreads h hours (professional share prof) over a cycle's first days.
func hoursIn(c Cycle, h, prof int) []LearningRecord {
	var out []LearningRecord
	for i := 0; h > 0; i++ {
		n := min(h, 8)
		cat := CategoryPublic
		if prof > 0 {
			n, cat = min(n, prof), CategoryProfessional
			prof -= n
		}
		out = append(out, rec(c.Start.AddDate(0, 0, i), cat, float64(n)))
		h -= n
	}
	return out
}

func TestComplianceAcrossCycles(t *testing.T) {
	s := DefaultCESettings()
	s.AssessFrom = day(2022, 1, 1)
	cert := Certificate{IssuedOn: day(2021, 9, 15), Status: CertValid}
	cyc := func(n int) Cycle { c, _ := CycleAt(cert.IssuedOn, Anniversary(cert.IssuedOn, n)); return c }
	with := func(parts ...[]LearningRecord) []LearningRecord {
		var out []LearningRecord
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		records []LearningRecord
		now     time.Time
		want    CertificateStatus
		note    string
	}{
		{"year of issue", nil, noonCN(2022, 9, 1), CertValid, ""},
		{"first cycle running, nothing yet", nil, noonCN(2023, 9, 14), CertValid, ""},
		{"first cycle ended empty", nil, noonCN(2023, 9, 15), CertCENotMet, "第1周期"},
		{"first cycle met", hoursIn(cyc(1), 32, 22), noonCN(2023, 9, 15), CertValid, ""},
		{"first cycle short of professional hours", hoursIn(cyc(1), 40, 21), noonCN(2023, 9, 15), CertCENotMet, "专业课21学时"},
		{"two cycles below 64 together", with(hoursIn(cyc(1), 40, 22), hoursIn(cyc(2), 20, 20)), noonCN(2024, 9, 15), CertExpired, "合计60学时"},
		{"two cycles exactly 64", with(hoursIn(cyc(1), 32, 22), hoursIn(cyc(2), 32, 22)), noonCN(2024, 9, 15), CertValid, ""},
		{"an unmet year made up by the next", with(hoursIn(cyc(1), 20, 10), hoursIn(cyc(2), 48, 22)), noonCN(2024, 9, 15), CertValid, ""},
		{"an unmet year, the next still running", with(hoursIn(cyc(1), 20, 10), hoursIn(cyc(2), 8, 8)), noonCN(2024, 9, 14), CertCENotMet, "第1周期"},
		{"retraining is final", with(hoursIn(cyc(1), 10, 10), hoursIn(cyc(2), 10, 10), hoursIn(cyc(3), 64, 30), hoursIn(cyc(4), 64, 30)), noonCN(2026, 9, 15), CertExpired, "第1、2周期"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cert.Compliance(tc.records, s, tc.now)
			if got.Status != tc.want || !strings.Contains(got.Note, tc.note) {
				t.Fatalf("Compliance = %+v, want %s with %q", got, tc.want, tc.note)
			}
		})
	}
}

func TestComplianceRespectsAssessFromAndOtherStatuses(t *testing.T) {
	s := DefaultCESettings() // assessed from 2026-01-01
	cert := Certificate{IssuedOn: day(2021, 9, 15), Status: CertValid}
	// Cycles 1–4 started before 2026 and are presumed met; cycle 5 is running.
	if got := cert.Compliance(nil, s, noonCN(2026, 11, 26)); got.Status != CertValid {
		t.Fatalf("before the first assessed cycle ends: %+v", got)
	}
	// Cycle 5 (from 2026-09-15) is assessed once it ends; cycle 4 is never assessed, so
	// the two-year rule needs cycle 6 too.
	if got := cert.Compliance(nil, s, noonCN(2027, 9, 15)); got.Status != CertCENotMet {
		t.Fatalf("first assessed cycle ended empty: %+v", got)
	}
	if got := cert.Compliance(nil, s, noonCN(2028, 9, 15)); got.Status != CertExpired {
		t.Fatalf("two assessed cycles empty: %+v", got)
	}
	for _, c := range []Certificate{
		{IssuedOn: day(2021, 9, 15), Status: CertRevoked},
		{IssuedOn: day(2021, 9, 15), Status: CertCancelled},
		{IssuedOn: day(2016, 5, 20), ValidUntil: day(2019, 5, 19), Status: CertValid, Legacy: true},
	} {
		if got := c.Compliance(nil, s, noonCN(2030, 1, 1)); got.Status != c.EffectiveStatus(noonCN(2030, 1, 1)) {
			t.Errorf("%+v: %+v", c, got)
		}
	}
	// A legacy certificate still within its printed validity is governed by that date.
	dated := Certificate{IssuedOn: day(2026, 1, 10), ValidUntil: day(2029, 1, 9), Status: CertValid}
	if got := dated.Compliance(nil, s, noonCN(2028, 6, 1)); got.Status != CertValid {
		t.Errorf("dated certificate: %+v", got)
	}
	// A stored 未达标 is recomputed.
	stored := Certificate{IssuedOn: day(2021, 9, 15), Status: CertCENotMet}
	if got := stored.Compliance(nil, s, noonCN(2026, 11, 26)); got.Status != CertValid {
		t.Errorf("stored 未达标: %+v", got)
	}
}

func TestCertificateProgressNewestFirst(t *testing.T) {
	ps := CertificateProgress(day(2021, 9, 15), nil, DefaultCESettings(), noonCN(2026, 11, 26))
	if len(ps) != 5 || ps[0].No != 5 || ps[4].No != 1 || ps[0].Ended || !ps[1].Ended || ps[1].Assessed {
		t.Fatalf("progress list: %+v", ps)
	}
}
