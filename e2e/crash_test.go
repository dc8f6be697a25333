package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitepro/testkit"
)

// TestCrashAcknowledgedRegistrationsSurvive SIGKILLs the server again and again while
// trainees register concurrently, then checks on a fresh start that every registration
// the server acknowledged (303 to /register/profile) can log in. It also checks that no
// run of the server wrote an ID number to its logs.
func TestCrashAcknowledgedRegistrationsSurvive(t *testing.T) {
	const (
		rounds  = 6
		workers = 8
	)
	// The log check finds an ID number standing on its own, not digits inside a hex token.
	probe := makeTrainee("probe", 1).ID
	for _, line := range []string{`{"id":"` + probe + `"}`, "身份证号" + probe, "/reset/" + probe + " x"} {
		if !idInLogs.MatchString(line) {
			t.Fatalf("the log check misses the ID number in %q", line)
		}
	}
	if idInLogs.MatchString(`{"id":"18ebad48fd195360468762535374b4a2"}`) {
		t.Fatalf("the log check takes a hex message id for an ID number")
	}

	data := t.TempDir()
	// Every registration comes from its own client address (X-Forwarded-For from the trusted
	// loopback proxy), so the per-IP registration throttle (20 per address) does not cap
	// what a round can acknowledge; this test is about durability, not throttling.
	proxyEnv := []string{"SITEPRO_TRUSTED_PROXIES=127.0.0.1"}

	var (
		mu       sync.Mutex
		acked    []trainee
		unexpect []string // HTTP answers other than the acknowledgement
		logs     []string // output of every run
		next     atomic.Int64
	)
	perRound := make([]int, 0, rounds)
	for round := 1; round <= rounds; round++ {
		srv := startServer(t, serverOpts{Data: data, Env: proxyEnv})
		tr := &http.Transport{MaxIdleConnsPerHost: workers}
		ctx, cancel := context.WithCancel(context.Background())
		var before int
		mu.Lock()
		before = len(acked)
		mu.Unlock()
		var attempts, transportErrs atomic.Int64
		var killed atomic.Bool
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for !killed.Load() {
					n := int(next.Add(1))
					who := makeTrainee("crash", n)
					hdr := http.Header{"X-Forwarded-For": {fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)}}
					attempts.Add(1)
					ok, err := registerHTTP(ctx, newHTTPClient(tr), srv.URL, who, hdr)
					var se *statusError
					switch {
					case ok:
						mu.Lock()
						acked = append(acked, who)
						mu.Unlock()
					case errors.As(err, &se):
						mu.Lock()
						unexpect = append(unexpect, se.Error())
						mu.Unlock()
					case killed.Load():
						transportErrs.Add(1) // the server was killed mid-request
					default:
						mu.Lock()
						unexpect = append(unexpect, err.Error())
						mu.Unlock()
					}
				}
			})
		}
		wait := time.Duration(300+rand.IntN(601)) * time.Millisecond
		time.Sleep(wait)
		killed.Store(true) // no new attempts; those in flight are cut off
		srv.kill()
		cancel()
		wg.Wait()
		tr.CloseIdleConnections()
		mu.Lock()
		n := len(acked) - before
		mu.Unlock()
		perRound = append(perRound, n)
		logs = append(logs, srv.Logs())
		t.Logf("round %d: SIGKILL after %v; %d registrations acknowledged, %d attempts, %d cut off by the kill",
			round, wait, n, attempts.Load(), transportErrs.Load())
	}

	for _, u := range unexpect[:min(len(unexpect), 5)] {
		t.Errorf("unexpected answer while registering: %s", u)
	}
	if len(unexpect) > 5 {
		t.Errorf("… and %d more unexpected answers", len(unexpect)-5)
	}
	if len(acked) == 0 {
		t.Fatalf("no registration was acknowledged in %d rounds", rounds)
	}

	// Restart on the same data and log in as every acknowledged trainee.
	srv := startServer(t, serverOpts{Data: data, Env: proxyEnv})
	checkTr := &http.Transport{}
	var missing []string
	var verr []string
	var wg sync.WaitGroup
	jobs := make(chan trainee)
	for range 4 {
		wg.Go(func() {
			for who := range jobs {
				ok, err := loginHTTP(context.Background(), newHTTPClient(checkTr), srv.URL, who.ID, who.Password)
				mu.Lock()
				switch {
				case err != nil:
					verr = append(verr, err.Error())
				case !ok:
					missing = append(missing, who.Name+" "+who.Email)
				}
				mu.Unlock()
			}
		})
	}
	for _, who := range acked {
		jobs <- who
	}
	close(jobs)
	wg.Wait()
	// Hang up first: a connection the client dialled but never used would hold up the
	// shutdown (see TestSIGTERMStopsWithinSecondsWithOpenConnection).
	checkTr.CloseIdleConnections()
	srv.stop(t)
	logs = append(logs, srv.Logs())

	t.Logf("acknowledged per round: %v; total %d; acknowledged but missing after restart: %d",
		perRound, len(acked), len(missing))
	for _, e := range verr[:min(len(verr), 5)] {
		t.Errorf("login check failed: %s", e)
	}
	if len(missing) > 0 {
		t.Errorf("%d acknowledged registrations are missing after the crashes (must be 0), e.g. %v",
			len(missing), missing[:min(len(missing), 5)])
	}

	// No ID number in any log line of any run.
	for i, l := range logs {
		for _, line := range strings.Split(l, "\n") {
			if idInLogs.MatchString(line) {
				t.Errorf("run %d: a server log line contains an ID number: %s", i+1, lastChars(line, 400))
			}
		}
		if strings.Contains(l, "crash-密码") {
			t.Errorf("run %d: the server logs contain a password", i+1)
		}
	}
}

// TestSecondProcessOnSameDataDirFailsFast starts a second server on the data directory of a
// running one: it must exit at once with a non-zero status and say why, in Chinese, while
// the first keeps serving.
func TestSecondProcessOnSameDataDirFailsFast(t *testing.T) {
	first := startServer(t, serverOpts{})

	var out testkit.SyncBuffer
	second := exec.Command(serverBin)
	second.Env = serverEnv("SITEPRO_ADDR="+freeAddr(t), "SITEPRO_DATA="+first.Data)
	second.Stdout, second.Stderr = &out, &out
	start := time.Now()
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- second.Wait() }()
	select {
	case err := <-done:
		elapsed := time.Since(start)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 {
			t.Errorf("second process exited with %v, want a non-zero exit status", err)
		}
		if !strings.Contains(out.String(), "另一个 sitepro 进程") {
			t.Errorf("second process output does not mention 另一个 sitepro 进程:\n%s", out.String())
		}
		t.Logf("second process exited after %v with %v: %s", elapsed.Round(time.Millisecond), err, strings.TrimSpace(out.String()))
	case <-time.After(5 * time.Second):
		_ = second.Process.Kill()
		<-done
		t.Fatalf("second process on the same data dir still running after 5s; output:\n%s", out.String())
	}

	if err := first.waitHealthy(2 * time.Second); err != nil {
		t.Errorf("first server unhealthy after the second one tried to start: %v", err)
	}
	first.stop(t)
}

// TestSIGTERMStopsWithinSecondsWithOpenConnection stops the server while a client holds a
// connection on which it has not sent a request yet, as browsers do with the sockets they
// open ahead of time. Such a connection has nothing to finish: the server must still exit
// with status 0 within 10 s of SIGTERM.
func TestSIGTERMStopsWithinSecondsWithOpenConnection(t *testing.T) {
	srv := startServer(t, serverOpts{})
	conn, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	time.Sleep(100 * time.Millisecond) // let the server accept it
	srv.stop(t)
}
