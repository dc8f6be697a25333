package domain

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultCESettingsAreValidAndAsDocumented(t *testing.T) {
	s := DefaultCESettings()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.HoursPerYear != 32 || s.ProfessionalMin != 22 || s.TwoYearMin != 64 || s.MaxRecordHours != 8 || s.MinAge != 18 || s.MaxAge != 65 {
		t.Fatalf("defaults differ from DOMAIN.md §6: %+v", s)
	}
}

func TestCESettingsValidate(t *testing.T) {
	for _, tc := range []struct {
		field string
		mod   func(*CESettings)
	}{
		{"hours_per_year", func(s *CESettings) { s.HoursPerYear = 0 }},
		{"professional_min", func(s *CESettings) { s.ProfessionalMin = 40 }},
		{"professional_min", func(s *CESettings) { s.ProfessionalMin = -1 }},
		{"two_year_min", func(s *CESettings) { s.TwoYearMin = 65 + 64 }},
		{"max_record_hours", func(s *CESettings) { s.MaxRecordHours = 0 }},
		{"age", func(s *CESettings) { s.MinAge, s.MaxAge = 60, 50 }},
		{"assess_from", func(s *CESettings) { s.AssessFrom = time.Time{} }},
	} {
		s := DefaultCESettings()
		tc.mod(&s)
		fe, ok := s.Validate().(FieldErrors)
		if !ok || fe[tc.field] == "" {
			t.Errorf("%s: %v", tc.field, s.Validate())
		}
	}
}

func TestAgeAndCheckAge(t *testing.T) {
	s := DefaultCESettings()
	birth := day(2008, 2, 29)
	if AgeOn(birth, day(2026, 2, 28)) != 17 || AgeOn(birth, day(2026, 3, 1)) != 18 {
		t.Error("a 29 February birthday counts from 1 March in ordinary years")
	}
	if msg := s.CheckAge(birth, day(2026, 2, 28)); !strings.Contains(msg, "18至65周岁") || !strings.Contains(msg, "17周岁") {
		t.Errorf("under age: %q", msg)
	}
	if msg := s.CheckAge(birth, day(2026, 3, 1)); msg != "" {
		t.Errorf("just 18: %q", msg)
	}
	if msg := s.CheckAge(day(1960, 1, 1), day(2026, 1, 1)); !strings.Contains(msg, "66周岁") {
		t.Errorf("over age: %q", msg)
	}
	if msg := s.CheckAge(day(1961, 1, 2), day(2026, 1, 1)); msg != "" {
		t.Errorf("64 may enrol: %q", msg)
	}
}
