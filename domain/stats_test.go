package domain

import (
	"testing"
	"time"
)

func TestStatsTableFiltersAndOrders(t *testing.T) {
	cells := []StatsCell{
		{Kind: StatsApps, Agency: "a", City: "410100", Post: "111", Status: "submitted", N: 2},
		{Kind: StatsApps, Agency: "b", City: "410300", Post: "111", Status: "passed", Result: ResultPass, N: 3},
		{Kind: StatsApps, Agency: "b", City: "410300", Post: "112", Status: "failed", Result: ResultAbsent, N: 1},
		{Kind: StatsCE, Agency: "a", City: "410100", Post: "111", Status: "pending", N: 5},
	}
	tb := BuildStatsTable(cells, StatsFilter{Kind: StatsApps, By: DimAgency})
	if tb.Total != 6 || len(tb.Rows) != 2 || tb.Rows[0].Key != "b" || tb.Rows[0].Total != 4 || tb.Max() != 4 {
		t.Fatalf("table: %+v", tb)
	}
	if tb := BuildStatsTable(cells, StatsFilter{Kind: StatsApps, By: DimPost, Status: "pending"}); len(tb.Columns) != 0 || tb.Total != 0 {
		t.Fatalf("a status of another kind counted: %+v", tb)
	}
	if tb := BuildStatsTable(cells, StatsFilter{Kind: StatsApps, By: DimCity, Post: "111"}); tb.Total != 5 || tb.Rows[0].Key != "410300" {
		t.Fatalf("post filter: %+v", tb)
	}
	rates := PassRates(cells, StatsFilter{Kind: StatsApps, Status: "submitted"}, DimCity)
	if len(rates) != 1 || rates[0] != (PassRow{Key: "410300", Passed: 3, Absent: 1, Total: 4}) || FormatPermille(rates[0].Permille()) != "75.0%" {
		t.Fatalf("pass rates: %+v", rates)
	}
	if FormatPermille(PassRow{Passed: 2, Total: 3}.Permille()) != "66.7%" || (PassRow{}).Permille() != 0 {
		t.Error("permille rounding")
	}
	if HasSessions(cells) {
		t.Error("sessions without any")
	}
	if ParseStatsKind("bogus") != StatsApps || ParseStatsKind("ce") != StatsCE || ParseStatsDim("x") != DimAgency {
		t.Error("defaults")
	}
}

func TestComplianceByAgencyCountsRunningCycles(t *testing.T) {
	s := DefaultCESettings()
	running := Cycle{No: 5, Start: time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 9, 14, 0, 0, 0, 0, time.UTC)}
	ended := Cycle{No: 4, Start: time.Date(2025, 9, 15, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 9, 14, 0, 0, 0, 0, time.UTC)}
	hours := []CycleHours{
		{Agency: "a", Post: "111", Cycle: running, Total: WholeHours(32), Professional: WholeHours(22)},
		{Agency: "a", Post: "111", Cycle: running, Total: WholeHours(40), Professional: WholeHours(21)},
		{Agency: "a", Post: "112", Cycle: ended, Total: WholeHours(40), Professional: WholeHours(30)},
		{Agency: "b", Post: "112", Cycle: running},
	}
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	got := ComplianceByAgency(hours, s, func(string, string) bool { return true }, now)
	if len(got) != 2 || got[0] != (ComplianceRow{Agency: "a", Enrolled: 2, Met: 1}) || got[1] != (ComplianceRow{Agency: "b", Enrolled: 1}) {
		t.Fatalf("compliance: %+v", got)
	}
	if got := ComplianceByAgency(hours, s, func(_, post string) bool { return post == "112" }, now); len(got) != 1 || got[0].Agency != "b" {
		t.Fatalf("post filter: %+v", got)
	}
}

func TestStatsTableWithoutEmptyColumns(t *testing.T) {
	cells := []StatsCell{
		{Kind: StatsCE, Agency: "a", Status: "pending", N: 2},
		{Kind: StatsCE, Agency: "b", Status: "completed", N: 1},
	}
	tb := BuildStatsTable(cells, StatsFilter{Kind: StatsCE, By: DimAgency}).WithoutEmptyColumns()
	if len(tb.Columns) != 2 || tb.Columns[0] != "pending" || tb.Columns[1] != "completed" || tb.Totals[1] != 1 ||
		tb.Rows[0].Key != "a" || len(tb.Rows[0].Counts) != 2 || tb.Rows[0].Counts[0] != 2 || tb.Rows[1].Counts[1] != 1 || tb.Total != 3 {
		t.Fatalf("compact table: %+v", tb)
	}
}

func TestPassRatesBySessionOnceSessionsExist(t *testing.T) {
	cells := []StatsCell{
		{Kind: StatsApps, Agency: "a", Status: "passed", Result: ResultPass, Session: "2027-03", N: 3},
		{Kind: StatsApps, Agency: "a", Status: "failed", Result: ResultFail, Session: "2027-03", N: 1},
		{Kind: StatsApps, Agency: "a", Status: "failed", Result: ResultFail, N: 2},
	}
	if !HasSessions(cells) || DimSession.Label() != "考试场次" {
		t.Fatal("sessions not seen")
	}
	got := PassRates(cells, StatsFilter{Kind: StatsApps}, DimSession)
	if len(got) != 2 || got[0] != (PassRow{Key: "2027-03", Passed: 3, Failed: 1, Total: 4}) || got[1].Key != "" {
		t.Fatalf("by session: %+v", got)
	}
}
