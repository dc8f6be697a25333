package testkit

import (
	"testing"
	"time"
)

func TestIDCheckOfKnownNumbers(t *testing.T) {
	for _, id := range []string{"11010519491231002X", "440524188001010014", "410102199003071230"} {
		if got := IDCheck(id[:17]); got != id[17] {
			t.Errorf("IDCheck(%s) = %c, want %c", id[:17], got, id[17])
		}
	}
}

func TestIDNumber(t *testing.T) {
	birth := time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC)
	if got := IDNumber("410102", birth, 123); got != "410102199003071230" {
		t.Errorf("IDNumber = %s, want 410102199003071230", got)
	}
	if got := IDNumber("410105", birth, 1001); got[14:17] != "001" {
		t.Errorf("sequence 1001 gives %s, want it taken modulo 1000", got)
	}
}
