package handlers

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"sitepro/domain"
)

// BenchmarkExamDayLookup500InFlight: POST /exam-day/:id/lookup over real TCP with 500
// invigilator requests in flight (500 workers, 2,000 requests), each typing a ticket
// number and getting the candidate page (session, CSRF, store lookup, render); then the
// same for POST /exam-day/:id/checkin answering 已签到. Prints req/s, p50 and p99.
func BenchmarkExamDayLookup500InFlight(b *testing.B) {
	e, base := rbEnv(b)
	t := e.t
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	tr, appID := seatedCandidate(t, e, "410102199003071230", "王芳", ag)
	_ = tr
	sess := publishExamDay(t, e, ag)
	a := examDayTicket(t, e, mustTrainee(t, e, "410102199003071230").ID, appID)
	setClock(e, time.Date(2027, 1, 20, 0, 30, 0, 0, time.UTC))
	hash, err := hasher.Hash(context.Background(), pwOK)
	if err != nil {
		b.Fatal(err)
	}
	rev := rbStaff(b, e, hash, ag.ID, "reva")
	h := hello(b)
	n := max(b.N, 2000)
	form := url.Values{"ticket": {a.Exam.TicketNumber}, "_csrf": {rev.csrf}}
	hr := runLoad(b, n, 500, func(c *http.Client, _ int) error { return get(c, h+"/") })
	r := runLoad(b, n, 500, func(cl *http.Client, _ int) error {
		return postForm(cl, base+"/exam-day/"+sess.ID+"/lookup", form, rbCookie(rev), true, 200)
	})
	report(b, "examday_lookup", r, hr)
	must(t, rev.post("/exam-day/"+sess.ID+"/checkin", url.Values{"ticket": {a.Exam.TicketNumber}}), 200)
	r = runLoad(b, n, 500, func(cl *http.Client, _ int) error {
		return postForm(cl, base+"/exam-day/"+sess.ID+"/checkin", form, rbCookie(rev), true, 409)
	})
	report(b, "examday_rescan", r, hr)
}
