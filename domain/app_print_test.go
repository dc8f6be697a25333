package domain

import (
	"slices"
	"testing"
)

func TestPrintOutsFollowTheLifecycle(t *testing.T) {
	exam := &Exam{TicketNumber: "1", Venue: "考点"}
	cases := []struct {
		name string
		a    Application
		want []PrintOut
	}{
		{"draft", Application{Status: AppDraft}, nil},
		{"draft with a token left from before", Application{Status: AppDraft, VerifyToken: "t"}, nil},
		{"submitted", Application{Status: AppSubmitted, VerifyToken: "t"}, []PrintOut{PrintForm, PrintPledge}},
		{"rejected", Application{Status: AppRejected, VerifyToken: "t"}, []PrintOut{PrintForm, PrintPledge}},
		{"scheduled", Application{Status: AppScheduled, VerifyToken: "t", Exam: exam}, []PrintOut{PrintForm, PrintPledge, PrintTicket}},
	}
	for _, c := range cases {
		if got := c.a.PrintOuts(); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		for _, p := range []PrintOut{PrintForm, PrintPledge, PrintTicket} {
			err := c.a.CanPrint(p)
			if (err == nil) != slices.Contains(c.want, p) || (err != nil && CodeOf(err) != CodeConflict) {
				t.Errorf("%s: CanPrint(%s) = %v", c.name, p, err)
			}
		}
	}
	if _, ok := ParsePrintOut("../ticket"); ok {
		t.Fatal("unknown print-out parsed")
	}
}
