package handlers

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sitepro/domain"
)

// submittedApp runs the real wizard for a new trainee and submits it to agency ag.
func submittedApp(t *testing.T, e *env, id, name string, ag domain.Agency) (*client, string) {
	t.Helper()
	c := e.registered(id, name)
	app := startWizard(t, c)
	submitWizard(t, c, app, ag, "111", name)
	return c, app
}

// fillWizard answers every step of the trainee's draft app for agency ag and post, signed
// by name, and uploads the three documents, so that 核对信息 is next.
func fillWizard(t *testing.T, c *client, app string, ag domain.Agency, post, name string) {
	t.Helper()
	base := "/apply/" + app + "/"
	for _, st := range []struct {
		step string
		v    url.Values
	}{
		{"employment", url.Values{"employment": {"待业"}}},
		{"city", url.Values{"city": {ag.CityCode}}},
		{"agency", url.Values{"agency": {ag.ID}, "phone": {"13812345678"}, "education": {"大学本科"}}},
		{"post", url.Values{"post": {post}}},
		{"resume", url.Values{}},
		{"pledge", url.Values{"signature": {name}, "agree": {"1"}}},
	} {
		must(t, c.post(base+st.step, st.v), 303)
	}
	img := colourJPEG(t, 800, 600, false)
	for _, st := range []string{"id-front", "id-back", "diploma"} {
		must(t, c.upload(base+st, "file", "a.jpg", img), 303)
	}
}

// submitWizard fills the draft app (fillWizard), opens 核对信息 and submits.
func submitWizard(t *testing.T, c *client, app string, ag domain.Agency, post, name string) {
	t.Helper()
	fillWizard(t, c, app, ag, post, name)
	c.get("/apply/" + app + "/check")
	must(t, c.post("/apply/"+app+"/submit", url.Values{"confirm": {"1"}}), 303)
}

func TestReviewerQueueScopeDecisionsAndExport(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	trainee, app := submittedApp(t, e, idA, "王芳", agA)
	revA := e.reviewer(agA.ID, "reva")
	revA2 := e.reviewer(agA.ID, "reva2")
	revB := e.reviewer(agB.ID, "revb")

	must(t, revA.get("/review"), 200, "郑州中心", `data-testid="tab-apps"`)
	rows := revA.do("GET", "/review/apps/rows", nil, map[string]string{"HX-Request": "true"})
	must(t, rows, 200, "王芳", `data-testid="queue-row"`, "共 1 条")
	if strings.Contains(rows.body, "<html") {
		t.Fatal("the htmx rows request got a whole page")
	}
	must(t, revA.get("/review/apps/rows"), 200, "<html", "王芳") // without JS: a page
	must(t, revA.do("GET", "/review/apps/rows?q=李", nil, map[string]string{"HX-Request": "true"}), 200, "共 0 条", "没有符合筛选条件的报名")
	must(t, revA.do("GET", "/review/apps/rows?from=2026-05-02&to=2026-05-01", nil, map[string]string{"HX-Request": "true"}), 200, "开始日期晚于结束日期")
	must(t, revA.get("/review?city=410300"), 200, `data-testid="clear-filters"`)
	must(t, revB.do("GET", "/review/apps/rows", nil, map[string]string{"HX-Request": "true"}), 200, "共 0 条", "队列是空的")
	// Agency B guesses A's application and its images.
	must(t, revB.get("/review/apps/"+app), 404)
	must(t, revB.post("/review/apps/"+app+"/confirm", url.Values{}), 404)
	a, _ := e.st.ApplicationOf(mustTrainee(t, e, idA).ID, app)
	must(t, revB.get("/documents/"+a.IDFront), 404)
	detail := revA.get("/review/apps/" + app)
	must(t, detail, 200, `data-testid="id-number">`+idA+"<", `data-testid="documents"`, "/documents/"+a.IDFront,
		`data-testid="decide-photo"`, "个人照片未上传") // the trainee has no photo yet
	must(t, revA2.get("/review/apps/"+app), 200, "正在由 reva审核员 审核")
	must(t, revA.get("/documents/"+a.IDFront), 200)
	// Return needs a reason.
	must(t, revA.post("/review/apps/"+app+"/return", url.Values{"note": {""}}), 422, `data-testid="err-reasons"`)
	// Two reviewers decide at once: exactly one wins.
	var wg sync.WaitGroup
	res := make([]resp, 2)
	for i, c := range []*client{revA, revA2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 0 {
				res[i] = c.post("/review/apps/"+app+"/return", url.Values{"reasons": {domain.ReturnReasonsList[0]}, "note": {"请重拍身份证"}})
			} else {
				res[i] = c.post("/review/apps/"+app+"/confirm", url.Values{})
			}
		}()
	}
	wg.Wait()
	got, _ := e.st.ApplicationOf(mustTrainee(t, e, idA).ID, app)
	if got.Status != domain.AppReturned && got.Status != domain.AppConfirmed {
		t.Fatalf("after two decisions: %s", got.Status)
	}
	loser := revA2
	if got.Status == domain.AppConfirmed {
		loser = revA
	}
	must(t, loser.get("/review/apps/"+app), 200, "无法")
	if n := len(got.Timeline); n != 3 {
		t.Fatalf("timeline has %d events, want 3 (start, submit, one decision)", n)
	}
	if countMail(e, "application_decision") != 1 {
		t.Fatal("decision mail not exactly once")
	}
	if got.Status == domain.AppReturned {
		must(t, trainee.get("/apply/"+app), 200, "退回原因", "请重拍身份证")
		// The home page puts it first, with the reason and a way to it.
		must(t, trainee.get("/"), 200, `data-testid="home-returned"`, got.Number, "请重拍身份证", `href="/apply/`+app+`"`)
	} else if strings.Contains(trainee.get("/").body, `data-testid="home-returned"`) {
		t.Error("the home page shows a confirmed application as returned")
	}
	// One entry per detail page shown to staff (revA, revA2, the refused return shown
	// again, the loser's look), none for the image its page loads (issue 14).
	if log, _ := e.st.AuditLog(storeFilter("查看证件图片"), 10); len(log) != 4 || !strings.HasPrefix(log[3].Detail, "打开报名详情") {
		t.Fatalf("staff views of ID images audited: %d %+v", len(log), log)
	}
	// Exports contain the rows and are audited.
	csv := revA.get("/review/apps/export.csv?status=all")
	if csv.status != 200 || !strings.Contains(csv.body, "王芳") || !strings.Contains(csv.header.Get("Content-Disposition"), ".csv") {
		t.Fatalf("csv export: %d %q", csv.status, csv.body)
	}
	x := revA.get("/review/apps/export.xlsx?status=all")
	f, err := excelize.OpenReader(strings.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	if xr, _ := f.GetRows("报名"); len(xr) != 2 || xr[1][1] != "王芳" {
		t.Fatalf("xlsx rows: %v", xr)
	}
	if log, _ := e.st.AuditLog(storeFilter("导出报名队列"), 10); len(log) != 2 {
		t.Fatalf("exports audited: %d", len(log))
	}
	must(t, trainee.get("/review"), 403)
}

func TestBulkConfirmAndPhotoQueue(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	_, a1 := submittedApp(t, e, idA, "王芳", ag)
	t2, a2 := submittedApp(t, e, idB, "李四", ag)
	rev := e.reviewer(ag.ID, "rev")
	rev.get("/review")
	r := rev.post("/review/apps/bulk-confirm", url.Values{"ids": {a1, a2}})
	must(t, r, 303)
	must(t, rev.get("/review"), 200, "已确认 2 份报名")
	// Photo queue: a pending photo of an applicant appears and can be returned with a reason.
	t2.get("/profile/photo")
	must(t, t2.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
	must(t, rev.do("GET", "/review/photos/rows", nil, map[string]string{"HX-Request": "true"}), 200, "李四", `data-testid="photo-row"`)
	u2 := mustTrainee(t, e, idB)
	must(t, rev.post("/review/photos/"+u2.ID+"/return", url.Values{"reason": {""}}), 303)
	if p, _ := e.st.PhotoOf(u2.ID); p.Status != domain.PhotoPending {
		t.Fatal("photo returned without a reason")
	}
	must(t, rev.post("/review/photos/"+u2.ID+"/return", url.Values{"reason": {"背景不是纯色"}}), 303)
	must(t, t2.get("/profile/photo"), 200, "已退回", "背景不是纯色")
	must(t, t2.get("/"), 200, `data-testid="home-photo-returned"`, "背景不是纯色", `href="/profile/photo"`)
	if countMail(e, "photo_decision") != 1 {
		t.Fatal("photo decision mail missing")
	}
}

// sseClient opens the events stream over real TCP with the client's cookies.
func sseClient(t *testing.T, base string, c *client) (*bufio.Reader, func()) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/review/events", nil)
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %v %v", err, resp)
	}
	return bufio.NewReader(resp.Body), func() { resp.Body.Close() }
}

func readEvent(r *bufio.Reader, within time.Duration) (string, bool) {
	ch := make(chan string, 1)
	go func() {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				ch <- ""
				return
			}
			if strings.HasPrefix(line, "event: apps") {
				ch <- "apps"
				return
			}
		}
	}()
	select {
	case ev := <-ch:
		return ev, ev != ""
	case <-time.After(within):
		return "", false
	}
}

func TestSSEDeliveryIsolationAndCleanup(t *testing.T) {
	e, base := servedEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "A", CityCode: "410100"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "B", CityCode: "410300"})
	ra, closeA := sseClient(t, base, e.reviewer(agA.ID, "reva"))
	rb, closeB := sseClient(t, base, e.reviewer(agB.ID, "revb"))
	// Both get the catch-up event on connect.
	if _, ok := readEvent(ra, 2*time.Second); !ok {
		t.Fatal("no catch-up event for A")
	}
	if _, ok := readEvent(rb, 2*time.Second); !ok {
		t.Fatal("no catch-up event for B")
	}
	submittedApp(t, e, idA, "王芳", agA)
	if _, ok := readEvent(ra, 2*time.Second); !ok {
		t.Fatal("agency A was not told about its new application")
	}
	if _, ok := readEvent(rb, 700*time.Millisecond); ok {
		t.Fatal("agency B was told about agency A's application")
	}
	if n := e.st.Events.Subscribers(); n != 2 {
		t.Fatalf("subscribers = %d", n)
	}
	closeA()
	closeB()
	deadline := time.Now().Add(2 * time.Second) // heartbeat is 200 ms in tests
	for e.st.Events.Subscribers() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := e.st.Events.Subscribers(); n != 0 {
		t.Fatalf("%d SSE streams still running after their clients left", n)
	}
	// A trainee cannot subscribe at all.
	tr := e.registered("440524188001010014", "李四")
	req, _ := http.NewRequest("GET", base+"/review/events", nil)
	for k, v := range tr.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("trainee subscribing: %d", resp.StatusCode)
	}
}

// TestSSEStreamsDoNotBlockShutdown opens a live stream and shuts the server down: closing
// Deps.Done ends the stream at once, so the graceful shutdown finishes quickly.
func TestSSEStreamsDoNotBlockShutdown(t *testing.T) {
	e := newEnv(t)
	done := make(chan struct{})
	app, err := New(Deps{Store: e.st, Hasher: hasher, Images: testImages{pipeline}, Now: e.clock.Now,
		Origin: "http://127.0.0.1", Done: done, SSEHeartbeat: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	e.app = app
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "A", CityCode: "410100"})
	r, closeStream := sseClient(t, "http://"+ln.Addr().String(), e.reviewer(ag.ID, "rev"))
	defer closeStream()
	if _, ok := readEvent(r, 2*time.Second); !ok {
		t.Fatal("stream not open")
	}
	start := time.Now()
	close(done)
	if err := app.ShutdownWithTimeout(5 * time.Second); err != nil {
		t.Fatalf("shutdown with an open stream: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("shutdown took %v with an open stream", d)
	}
	if n := e.st.Events.Subscribers(); n != 0 {
		t.Fatalf("%d subscriptions left after shutdown", n)
	}
}
