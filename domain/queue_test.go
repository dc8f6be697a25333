package domain

import "testing"

// TestQueuesKeepTheirEventNames: the queue codes are the SSE event names the pages listen
// for, so they are pinned.
func TestQueuesKeepTheirEventNames(t *testing.T) {
	got := Queues()
	if len(got) != 3 || got[0] != "apps" || got[1] != "photos" || got[2] != "ce" {
		t.Fatalf("queues %q", got)
	}
	for _, q := range got {
		if q.Label() == string(q) {
			t.Errorf("%s has no label", q)
		}
	}
}
