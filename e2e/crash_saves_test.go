package e2e

import (
	"context"
	"errors"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCrashAcknowledgedSavesSurviveUnderConcurrentLoad is the group-commit check of issue
// 15: signed-in trainees save their profile step again and again, concurrently, each save
// with a new numbered address, while the server is SIGKILLed round after round. On a fresh
// start every trainee's stored address must be the last save the server acknowledged
// (303) or a later one it received before it died, never an earlier one: no
// acknowledged save is lost, whichever commit group it was made durable with.
func TestCrashAcknowledgedSavesSurviveUnderConcurrentLoad(t *testing.T) {
	const (
		rounds  = 5
		workers = 16
	)
	data := t.TempDir()
	proxyEnv := []string{"SITEPRO_TRUSTED_PROXIES=127.0.0.1"}
	type saver struct {
		who        trainee
		acked      int // the last save acknowledged
		sent       int // the last save sent
		registered bool
	}
	var (
		mu       sync.Mutex
		savers   []*saver
		unexpect []string
	)
	profile := func(csrf string, k int) url.Values {
		return url.Values{"_csrf": {csrf}, "education": {"大学本科"}, "school": {"郑州大学"}, "major": {"土木工程"},
			"graduation": {"2012-07"}, "employer": {"某建筑公司"}, "credit_code": {"91350100M000100Y43"},
			"work_start": {"2012-08"}, "address": {"郑州市测试路" + strconv.Itoa(k) + "号"}}
	}
	for i := range workers {
		savers = append(savers, &saver{who: makeTrainee("save", i+1)})
	}
	for round := 1; round <= rounds; round++ {
		srv := startServer(t, serverOpts{Data: data, Env: proxyEnv})
		tr := &http.Transport{MaxIdleConnsPerHost: workers}
		ctx, cancel := context.WithCancel(context.Background())
		var killed atomic.Bool
		var saves atomic.Int64
		var wg sync.WaitGroup
		for i, sv := range savers {
			wg.Go(func() {
				fail := func(err error) {
					if !killed.Load() {
						mu.Lock()
						unexpect = append(unexpect, err.Error())
						mu.Unlock()
					}
				}
				// Sign in: register the first time (each from its own address, past the
				// per-address throttle), log in after that.
				c := newHTTPClient(tr)
				hdr := http.Header{"X-Forwarded-For": {fmt.Sprintf("10.77.%d.%d", round, i)}}
				mu.Lock()
				registered := sv.registered
				mu.Unlock()
				var ok bool
				var err error
				if registered {
					ok, err = loginHTTP(ctx, c, srv.URL, sv.who.ID, sv.who.Password)
				} else {
					ok, err = registerHTTP(ctx, c, srv.URL, sv.who, hdr)
				}
				if !ok {
					var se *statusError
					if errors.As(err, &se) || err == nil { // an answer, not a cut: always unexpected
						mu.Lock()
						unexpect = append(unexpect, fmt.Sprint("sign in: ", err))
						mu.Unlock()
					} else {
						fail(err)
					}
					return
				}
				mu.Lock()
				sv.registered = true
				k := sv.sent
				mu.Unlock()
				csrf, err := formPage(ctx, c, srv.URL+"/register/profile", nil)
				if err != nil {
					fail(err)
					return
				}
				for !killed.Load() {
					k++
					mu.Lock()
					sv.sent = k
					mu.Unlock()
					status, loc, body, err := postForm(ctx, c, srv.URL+"/register/profile", profile(csrf, k), nil)
					switch {
					case status == http.StatusSeeOther && loc == "/":
						mu.Lock()
						sv.acked = k
						mu.Unlock()
						saves.Add(1)
					case err != nil && killed.Load():
						return // cut off by the kill
					default:
						fail(fmt.Errorf("save %d: %d %s %v %s", k, status, loc, err, lastChars(visibleText(body), 200)))
						return
					}
				}
			})
		}
		wait := time.Duration(1500+rand.IntN(1001)) * time.Millisecond
		time.Sleep(wait)
		killed.Store(true)
		srv.kill()
		cancel()
		wg.Wait()
		tr.CloseIdleConnections()
		t.Logf("round %d: SIGKILL after %v; %d concurrent saves acknowledged", round, wait, saves.Load())
	}
	for _, u := range unexpect[:min(len(unexpect), 5)] {
		t.Errorf("unexpected answer: %s", u)
	}

	srv := startServer(t, serverOpts{Data: data, Env: proxyEnv})
	checkTr := &http.Transport{}
	addr := regexp.MustCompile(`name="address"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="address"`)
	num := regexp.MustCompile(`测试路(\d+)号`)
	var checked, lost int
	for _, sv := range savers {
		if sv.acked == 0 {
			continue
		}
		c := newHTTPClient(checkTr)
		ok, err := loginHTTP(context.Background(), c, srv.URL, sv.who.ID, sv.who.Password)
		if err != nil || !ok {
			t.Errorf("%s: cannot log in after the crashes (ok %v, %v)", sv.who.Name, ok, err)
			continue
		}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/register/profile", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body [1 << 16]byte
		nr, _ := fullRead(resp, body[:])
		m := addr.FindStringSubmatch(string(body[:nr]))
		got := 0
		if m != nil {
			if n := num.FindStringSubmatch(html.UnescapeString(m[1] + m[2])); n != nil {
				got, _ = strconv.Atoi(n[1])
			}
		}
		checked++
		if got < sv.acked || got > sv.sent {
			lost++
			t.Errorf("%s: stored save %d, but save %d was acknowledged (last sent %d)", sv.who.Name, got, sv.acked, sv.sent)
		}
	}
	checkTr.CloseIdleConnections()
	srv.stop(t)
	t.Logf("%d trainees with acknowledged saves checked; %d lost an acknowledged save (must be 0)", checked, lost)
	if checked == 0 {
		t.Fatal("no save was acknowledged")
	}
}

// fullRead reads a response body into buf and closes it.
func fullRead(resp *http.Response, buf []byte) (int, error) {
	defer resp.Body.Close()
	n := 0
	for n < len(buf) {
		m, err := resp.Body.Read(buf[n:])
		n += m
		if err != nil {
			break
		}
	}
	return n, nil
}
