package handlers

import (
	"bufio"
	"net"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
)

// SSE timing: a heartbeat well under proxies' idle timeouts, and a lifetime cap after
// which the browser reconnects (and re-fetches, so nothing is missed).
const (
	sseHeartbeat = 15 * time.Second
	sseLifetime  = 30 * time.Minute
	// sseWriteWindow is how long one event may take to reach the client. It is renewed
	// before every write, so the server's WriteTimeout (counted from the start of the
	// response) does not cut every stream off after a minute.
	sseWriteWindow = 20 * time.Second
)

// Open streams per session (a reviewer may keep a few tabs) and per user (a few
// browsers); beyond them a stream is refused with 429 and htmx's SSE extension retries
// with back-off. The queues themselves still load and refresh by ordinary GETs.
const (
	sseMaxPerSession = 6
	sseMaxPerUser    = 12
)

// streamCounts counts the open SSE streams of each session and user.
type streamCounts struct {
	mu sync.Mutex
	n  map[string]int // "s:"+session id or "u:"+user id → open streams
}

// acquire counts one more stream for the session and user, or reports false when either
// is at its cap.
func (sc *streamCounts) acquire(session, user string) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.n == nil {
		sc.n = map[string]int{}
	}
	if sc.n["s:"+session] >= sseMaxPerSession || sc.n["u:"+user] >= sseMaxPerUser {
		return false
	}
	sc.n["s:"+session]++
	sc.n["u:"+user]++
	return true
}

func (sc *streamCounts) release(session, user string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, k := range []string{"s:" + session, "u:" + user} {
		if sc.n[k]--; sc.n[k] <= 0 {
			delete(sc.n, k)
		}
	}
}

// events is the live-queue doorbell: tiny events named by the changed domain.Queue for
// the reviewer's own agency; the page then GETs its rows. The stream ends as soon as the
// client hangs up (watchClose), at the lifetime cap, or at shutdown, and its broker
// subscription and stream count go with it.
func (s *Server) events(c *fiber.Ctx) error {
	u := currentUser(c)
	sid, uid, agency, who := sess(c).ID(), u.ID, u.AgencyID, *u
	if !s.streams.acquire(sid, uid) {
		c.Set(fiber.HeaderRetryAfter, "30")
		return domain.Err(domain.CodeThrottled, "同时打开的审核页面太多，实时更新已暂停。请关闭不用的页面；队列仍可刷新页面查看。")
	}
	ch, cancel := s.d.Store.Events.Subscribe(agency)
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no")
	// The close watcher reads the connection: never reuse it for another request.
	c.Context().SetConnectionClose()
	conn := c.Context().Conn()
	gone := watchClose(conn)
	done, beat := s.d.Done, s.sseBeat
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer s.streams.release(sid, uid)
		defer cancel()
		hb := time.NewTicker(beat)
		defer hb.Stop()
		life := time.NewTimer(sseLifetime)
		defer life.Stop()
		write := func(msg string) bool {
			if conn != nil {
				_ = conn.SetWriteDeadline(time.Now().Add(sseWriteWindow))
			}
			_, err := w.WriteString(msg)
			return err == nil && w.Flush() == nil
		}
		// Catch up after a reconnect: ask the page to refresh its queues now.
		catchUp := "retry: 2000\n\n"
		for _, q := range domain.Queues() {
			catchUp += sseEvent(q)
		}
		if !write(catchUp) {
			return
		}
		for {
			var msg string
			select {
			case q := <-ch:
				msg = sseEvent(q)
			case <-hb.C:
				if !s.streamAllowed(who) { // 账号管理: disabled, moved, or its sessions ended (admin_staff.go)
					return
				}
				msg = ": ping\n\n"
			case <-gone:
				return
			case <-life.C:
				return
			case <-done:
				return
			}
			if !write(msg) {
				return
			}
		}
	})
	return nil
}

// sseEvent is the server-sent event that rings queue q; the data is a placeholder.
func sseEvent(q domain.Queue) string { return "event: " + string(q) + "\ndata: 1\n\n" }

// watchClose returns a channel that is closed when the client hangs up. An SSE client
// sends nothing after its request, so the first read from the connection that ends (EOF,
// reset) is the hang-up: without this a stream would notice only at its next write, a
// heartbeat later. The caller marks the response Connection: close, so the watcher can never
// consume a later request on the same connection, and it ends when the server closes it.
func watchClose(conn net.Conn) <-chan struct{} {
	gone := make(chan struct{})
	if conn == nil {
		return gone
	}
	go func() {
		defer close(gone)
		_ = conn.SetReadDeadline(time.Time{}) // the request's ReadTimeout no longer applies
		var b [64]byte
		for {
			if _, err := conn.Read(b[:]); err != nil {
				return
			}
		}
	}()
	return gone
}
