package handlers

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/store"
)

// slowBeatEnv serves the app over real TCP with an hour-long SSE heartbeat, so that a
// stream freed after its client left was freed by noticing the hang-up, not by a write.
func slowBeatEnv(t *testing.T) (*env, string) {
	t.Helper()
	e := newEnv(t)
	done := make(chan struct{})
	app, err := New(Deps{Store: e.st, Hasher: hasher, Images: testImages{pipeline}, Now: e.clock.Now,
		Origin: "https://sitepro.test", Done: done, SSEHeartbeat: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	e.app = app
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() {
		close(done)
		_ = app.ShutdownWithTimeout(5 * time.Second)
	})
	return e, "http://" + ln.Addr().String()
}

// waitSubscribers waits, on the broker's change signal, until it has want subscribers.
func waitSubscribers(t *testing.T, b *store.Broker, want int) {
	t.Helper()
	timeout := time.After(5 * time.Second) // a bound for a broken build, far below the heartbeat
	for {
		changed := b.Changed()
		if n := b.Subscribers(); n == want {
			return
		} else {
			select {
			case <-changed:
			case <-timeout:
				t.Fatalf("broker has %d subscribers, want %d", n, want)
			}
		}
	}
}

// openStream opens the SSE route with c's cookies and returns the response (body open).
func openStream(t *testing.T, base string, c *client) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/review/events", nil)
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSSEStreamCapsPerSessionAndUser: one session may hold sseMaxPerSession streams and
// one user sseMaxPerUser; more are refused with 429 until one closes.
func TestSSEStreamCapsPerSessionAndUser(t *testing.T) {
	e, base := slowBeatEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "A", CityCode: "410100"})
	rev := e.reviewer(ag.ID, "rev")
	var open []func()
	for i := 0; i < sseMaxPerSession; i++ {
		r, closeIt := sseClient(t, base, rev)
		if _, ok := readEvent(r, 2*time.Second); !ok {
			t.Fatalf("stream %d: no catch-up event", i)
		}
		open = append(open, closeIt)
	}
	refused := func(c *client) {
		t.Helper()
		res := openStream(t, base, c)
		defer res.Body.Close()
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("a stream over the cap: status %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
		}
		if body, _ := io.ReadAll(res.Body); !strings.Contains(string(body), "同时打开的审核页面太多") {
			t.Fatalf("the refusal does not say why: %.300s", body)
		}
	}
	refused(rev)
	waitSubscribers(t, e.st.Events, sseMaxPerSession)
	// Closing one frees its place at once.
	open[0]()
	waitSubscribers(t, e.st.Events, sseMaxPerSession-1)
	_, reopened := sseClient(t, base, rev)
	open[0] = reopened
	refused(rev)
	// More sessions of the same reviewer, up to the per-user cap.
	for n := sseMaxPerSession; n < sseMaxPerUser; n++ {
		if n%sseMaxPerSession == 0 {
			rev = e.client()
			must(t, rev.login("rev", pwOK), 303)
		}
		_, closeIt := sseClient(t, base, rev)
		open = append(open, closeIt)
	}
	other := e.client()
	must(t, other.login("rev", pwOK), 303)
	refused(other)
	// Another reviewer is not affected.
	_, closeB := sseClient(t, base, e.reviewer(ag.ID, "rev2"))
	open = append(open, closeB)
	waitSubscribers(t, e.st.Events, sseMaxPerUser+1)
	for _, c := range open {
		c()
	}
	waitSubscribers(t, e.st.Events, 0)
}

// TestSSEClosedStreamFreedAtOnce: with an hour-long heartbeat, a stream whose client hangs
// up leaves the broker at once (no write is needed to notice).
func TestSSEClosedStreamFreedAtOnce(t *testing.T) {
	e, base := slowBeatEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "A", CityCode: "410100"})
	rev := e.reviewer(ag.ID, "rev")
	// A raw connection, closed by the client without reading further.
	conn, err := net.Dial("tcp", base[len("http://"):])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET /review/events HTTP/1.1\r\nHost: x\r\nCookie: "+rev.cookieHeader()+"\r\n\r\n")
	br := bufio.NewReader(conn)
	if status, err := br.ReadString('\n'); err != nil || status != "HTTP/1.1 200 OK\r\n" {
		t.Fatalf("events: %q %v", status, err)
	}
	r, closeIt := sseClient(t, base, rev)
	if _, ok := readEvent(r, 2*time.Second); !ok {
		t.Fatal("no catch-up event")
	}
	waitSubscribers(t, e.st.Events, 2)
	start := time.Now()
	conn.Close()
	waitSubscribers(t, e.st.Events, 1)
	closeIt()
	waitSubscribers(t, e.st.Events, 0)
	t.Logf("both streams freed %v after their clients left (heartbeat 1 h)", time.Since(start).Round(time.Millisecond))
}
