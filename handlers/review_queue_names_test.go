package handlers

import (
	"io"
	"testing"

	"sitepro/domain"
)

// TestQueueEventNamesInHTMLAndStream: the queue pages listen for the same event names the
// stream sends (the domain.Queue codes), unchanged since they were plain strings: the
// stream opens with one catch-up event per queue, and each page triggers on its own (its
// first rows come with the page, so it no longer fetches them on load: the catch-up
// refreshes them once the stream is open).
func TestQueueEventNamesInHTMLAndStream(t *testing.T) {
	e, base := servedEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "A", CityCode: "410100"})
	rev := e.reviewer(ag.ID, "reva")
	must(t, rev.get("/review"), 200, `hx-trigger="sse:apps"`)
	must(t, rev.get("/review/photos"), 200, `hx-trigger="sse:photos"`)
	must(t, rev.get("/review/ce"), 200, `hx-trigger="sse:ce"`)

	r, stop := sseClient(t, base, rev)
	defer stop()
	want := "retry: 2000\n\nevent: apps\ndata: 1\n\nevent: photos\ndata: 1\n\nevent: ce\ndata: 1\n\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil || string(got) != want {
		t.Fatalf("catch-up %q %v, want %q", got, err, want)
	}
}
