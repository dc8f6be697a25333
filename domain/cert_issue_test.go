package domain

import (
	"testing"
	"time"
)

// A certificate issued in the early hours in Henan carries Henan's date, not UTC's.
func TestIssueDatesTheCertificateInBeijingTime(t *testing.T) {
	now := time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC) // 2027-01-01 04:00 in Beijing
	a := Application{Status: AppPassed, TraineeID: "u1", PostCode: "101"}
	out, c, err := a.Issue(NewCertNumber(DefaultCertSettings(), 2027, "101", 1), DefaultCertSettings(), "郑州中心", "管理员", now)
	if err != nil || out.Status != AppCertified {
		t.Fatal(err)
	}
	if want := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC); !c.IssuedOn.Equal(want) {
		t.Fatalf("issued on %v, want %v", c.IssuedOn, want)
	}
	if err := CheckNewCertNumber(c.Number, c.IssuedOn, c.PostCode); err != nil {
		t.Fatalf("number %s does not match its own issue date: %v", c.Number, err)
	}
}
