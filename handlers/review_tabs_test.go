package handlers

import (
	"bufio"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
)

// sseEvents reads the named events of one stream into a channel until the stream ends.
func sseEvents(r *bufio.Reader) <-chan string {
	ch := make(chan string, 64)
	go func() {
		defer close(ch)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if name, ok := strings.CutPrefix(line, "event: "); ok {
				ch <- strings.TrimSpace(name)
			}
		}
	}()
	return ch
}

// waitEvent reads events until the queue q rings (others are skipped), or fails.
func waitEvent(t *testing.T, events <-chan string, q domain.Queue) {
	t.Helper()
	timeout := time.After(5 * time.Second) // a bound for a broken build; the event comes at once
	var skipped []string
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended before %q rang (skipped %q)", q, skipped)
			}
			if ev == string(q) {
				return
			}
			skipped = append(skipped, ev)
		case <-timeout:
			t.Fatalf("%q did not ring within 5s (skipped %q)", q, skipped)
		}
	}
}

// wantCounts asserts the tab counts that the live refresh fetches for the reviewer: each
// count swapped out of band by its id, and nothing else in the answer.
func wantCounts(t *testing.T, c *client, apps, photos, ce int) {
	t.Helper()
	r := hx(c, "/review/counts")
	must(t, r, 200)
	for q, n := range map[domain.Queue]int{domain.QueueApps: apps, domain.QueuePhotos: photos, domain.QueueCE: ce} {
		want := `id="count-` + string(q) + `" data-testid="count-` + string(q) + `" hx-swap-oob="true">` + strconv.Itoa(n) + "</span>"
		if !strings.Contains(r.body, want) {
			t.Errorf("the counts answer lacks %s:\n%s", want, r.body)
		}
	}
	if strings.Count(r.body, "<span") != 3 || strings.Contains(r.body, "<html") {
		t.Errorf("the counts answer carries more than the three counts:\n%s", r.body)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the counts answer may be cached: Cache-Control %q", r.header.Get("Cache-Control"))
	}
}

// TestReviewTabCountsFollowTheDoorbell (issue 14): every console page with a live queue
// has, inside its SSE element, the element that re-fetches the tab counts on every
// queue's doorbell; each change (an application submitted and confirmed, a photo uploaded,
// a continuing-education enrolment) rings its queue on the agency's stream, and the counts
// answer then has the new numbers — of the agency alone.
func TestReviewTabCountsFollowTheDoorbell(t *testing.T) {
	e, base := servedEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	revA := e.reviewer(agA.ID, "reva")
	revB := e.reviewer(agB.ID, "revb")

	for _, path := range []string{"/review", "/review/photos", "/review/ce"} {
		r := revA.get(path)
		must(t, r, 200, `id="count-apps"`, `id="count-photos"`, `id="count-ce"`, `aria-current="page"`)
		i := strings.Index(r.body, `sse-connect="/review/events"`)
		if i < 0 {
			t.Fatalf("%s has no live element", path)
		}
		live := r.body[i:]
		live = live[:strings.Index(live, `id="rows"`)]
		for _, want := range []string{`hx-get="/review/counts"`, `hx-swap="none"`, "sse:apps delay:150ms", "sse:photos delay:150ms", "sse:ce delay:150ms"} {
			if !strings.Contains(live, want) {
				t.Errorf("%s: the counts refresh inside the live element lacks %s:\n%s", path, want, live)
			}
		}
	}
	wantCounts(t, revA, 0, 0, 0)

	r, closeIt := sseClient(t, base, revA)
	defer closeIt()
	events := sseEvents(r)
	for _, q := range domain.Queues() { // the catch-up of a new stream rings every queue
		waitEvent(t, events, q)
	}

	trainee, app := submittedApp(t, e, idA, "王芳", agA)
	waitEvent(t, events, domain.QueueApps)
	wantCounts(t, revA, 1, 0, 0)

	must(t, trainee.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
	waitEvent(t, events, domain.QueuePhotos)
	wantCounts(t, revA, 1, 1, 0)

	holder := e.registered(ceID1, "王建国")
	e.addCert(e.holderOf(ceID1), "412021101000123", nil)
	ceEnrol(t, holder, "412021101000123", agA)
	waitEvent(t, events, domain.QueueCE)
	wantCounts(t, revA, 1, 1, 1)

	revA.get("/review/apps/" + app) // the CSRF token of the page the decision is made on
	must(t, revA.post("/review/apps/"+app+"/confirm", url.Values{}), 303)
	waitEvent(t, events, domain.QueueApps)
	wantCounts(t, revA, 0, 1, 1)

	// Another agency's reviewer counts nothing of agency A.
	wantCounts(t, revB, 0, 0, 0)
	must(t, revB.get("/review"), 200, `id="count-apps" data-testid="count-apps">0<`)
}
