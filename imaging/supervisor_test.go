package imaging_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/imaging"
	"sitepro/testkit"
)

const wantUnprocessable = "图片无法处理，请换一张"

// newSupervisor starts a supervisor whose log the test can read; faults lets its workers
// crash or hang on request. Its workers are ended when the test ends.
func newSupervisor(t testing.TB, opts imaging.Options, faults bool) (*imaging.Supervisor, *testkit.SyncBuffer) {
	t.Helper()
	logs := &testkit.SyncBuffer{} // workers' failures are written to it from several goroutines
	log := slog.New(slog.NewTextHandler(logs, nil))
	newSup := imaging.NewSupervisor
	if faults {
		newSup = imaging.NewSupervisorWithFaults
	}
	s, err := newSup(opts, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, logs
}

// wantGone waits until pid has been reaped; the supervisor reaps before it answers, so the
// process must already be gone when this is called.
func wantGone(t *testing.T, pid int) {
	t.Helper()
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
		t.Fatalf("worker %d still exists", pid)
	}
}

func TestSupervisedResultsMatchTheInProcessPipeline(t *testing.T) {
	s, _ := newSupervisor(t, imaging.Options{}, false)
	p := newPipeline(t, imaging.Options{})
	for _, tc := range []struct {
		name string
		kind imaging.Kind
		data []byte
		w, h int
	}{
		{"portrait", imaging.Portrait, photo1600(), 358, 441},
		{"document", imaging.Document, encodeJPEG(t, colourImage(1200, 800), 85), 1200, 800},
		{"rotated WebP", imaging.Portrait, webpKeepingEXIF(t, encodeJPEG(t, halves(1600, 1200), 92, exifSegment("Phone", 6, true))), 358, 441},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Normalize(t.Context(), tc.kind, tc.data)
			wantClean(t, got, err, tc.w, tc.h)
			want, err := p.Normalize(t.Context(), tc.kind, tc.data)
			wantClean(t, want, err, tc.w, tc.h)
			if !bytes.Equal(got.JPEG, want.JPEG) {
				t.Fatalf("the worker's JPEG (%d bytes) differs from the in-process one (%d bytes)", len(got.JPEG), len(want.JPEG))
			}
		})
	}
	// A rejection keeps its message across the process boundary.
	_, err := s.Normalize(t.Context(), imaging.Document, encodeJPEG(t, toGray(grayScan(1240, 1754, [3]int{})), 85))
	wantRejected(t, err, wantGrayscale)
}

// TestCrashedWorkerCostsOneJob aborts a worker in the middle of a job, as libvips does on a
// failed assertion: that upload gets a clear message, the crash is logged with the worker's
// stderr and exit status, and the next upload starts a fresh worker and succeeds.
func TestCrashedWorkerCostsOneJob(t *testing.T) {
	s, logs := newSupervisor(t, imaging.Options{MaxConcurrent: 1}, true)
	doc := encodeJPEG(t, colourImage(1200, 800), 85)
	res, err := s.Normalize(t.Context(), imaging.Document, doc)
	wantClean(t, res, err, 1200, 800)
	crashed := s.WorkerPIDs()
	if len(crashed) != 1 {
		t.Fatalf("workers %v; want one", crashed)
	}

	err = s.Fault(t.Context(), "abort")
	wantRejected(t, err, wantUnprocessable)
	wantGone(t, crashed[0])
	if pids := s.WorkerPIDs(); len(pids) != 0 {
		t.Fatalf("workers %v after the crash; want none until the next job", pids)
	}
	log := logs.String()
	for _, want := range []string{"imaging worker failed a job", "SIGABRT", "status=", "kind=", "bytes="} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}

	res, err = s.Normalize(t.Context(), imaging.Document, doc)
	wantClean(t, res, err, 1200, 800)
	if pids := s.WorkerPIDs(); len(pids) != 1 || pids[0] == crashed[0] || s.Started() != 2 {
		t.Fatalf("workers %v (%d started) after the next job; want one new worker", pids, s.Started())
	}
}

// TestCrashLeavesOtherJobsAlone crashes one worker while the other keeps processing uploads:
// none of those jobs notices.
func TestCrashLeavesOtherJobsAlone(t *testing.T) {
	s, _ := newSupervisor(t, imaging.Options{MaxConcurrent: 2}, true)
	var wg sync.WaitGroup
	others := make([]error, 4)
	wg.Go(func() {
		for i := range others {
			var res imaging.Result
			if res, others[i] = s.Normalize(t.Context(), imaging.Portrait, photo1600()); others[i] == nil && res.Width != 358 {
				others[i] = fmt.Errorf("result %d×%d", res.Width, res.Height)
			}
		}
	})
	for range 2 {
		wantRejected(t, s.Fault(t.Context(), "abort"), wantUnprocessable)
	}
	wg.Wait()
	for i, err := range others {
		if err != nil {
			t.Errorf("job %d beside the crashes: %v", i, err)
		}
	}
	res, err := s.Normalize(t.Context(), imaging.Document, encodeJPEG(t, colourImage(800, 600), 85))
	wantClean(t, res, err, 800, 600)
}

// TestHungWorkerIsKilled gives a job that never ends to a worker: at Timeout the worker is
// killed, the upload gets a clear message, and the next one works.
func TestHungWorkerIsKilled(t *testing.T) {
	const timeout = 3 * time.Second
	s, logs := newSupervisor(t, imaging.Options{MaxConcurrent: 1, Timeout: timeout}, true)
	doc := encodeJPEG(t, colourImage(800, 600), 85)
	res, err := s.Normalize(t.Context(), imaging.Document, doc)
	wantClean(t, res, err, 800, 600)
	hung := s.WorkerPIDs()

	start := time.Now()
	err = s.Fault(t.Context(), "hang")
	wantRejected(t, err, wantUnprocessable)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v does not wrap the deadline", err)
	}
	if elapsed := time.Since(start); elapsed < timeout {
		t.Errorf("answered after %v, before the %v timeout", elapsed, timeout)
	}
	for _, pid := range hung {
		wantGone(t, pid)
	}
	if !strings.Contains(logs.String(), "killed after") {
		t.Errorf("log does not say the worker was killed:\n%s", logs)
	}
	res, err = s.Normalize(t.Context(), imaging.Document, doc)
	wantClean(t, res, err, 800, 600)
}

// TestBusyWorkersAnswerBusy: with every worker taken, an upload waits until Timeout and is
// told the system is busy, as in-process; a cancelled request is busy at once.
func TestBusyWorkersAnswerBusy(t *testing.T) {
	s, _ := newSupervisor(t, imaging.Options{MaxConcurrent: 1, Timeout: time.Second}, false)
	doc := encodeJPEG(t, colourImage(800, 600), 85)
	release := s.HoldSlots(1)
	_, err := s.Normalize(t.Context(), imaging.Document, doc)
	if code, msg := userError(t, err); code != domain.CodeThrottled || msg != wantBusy {
		t.Fatalf("got %s %q; want throttled %q", code, msg, wantBusy)
	}
	release()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Normalize(ctx, imaging.Document, doc); !errors.Is(err, context.Canceled) ||
		domain.CodeOf(err) != domain.CodeThrottled {
		t.Fatalf("cancelled request: %v", err)
	}
	res, err := s.Normalize(t.Context(), imaging.Document, doc)
	wantClean(t, res, err, 800, 600)
}

// TestWorkerMemoryIsLimited reads the limits the kernel applies to a live worker, shows that
// C code in it cannot allocate beyond them, and that the largest photo the pixel limit
// admits still fits.
func TestWorkerMemoryIsLimited(t *testing.T) {
	s, _ := newSupervisor(t, imaging.Options{}, true)
	err := s.Fault(t.Context(), "alloc")
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("malloc beyond the limit: %v; want refused", err)
	}
	pids := s.WorkerPIDs()
	if len(pids) != 1 {
		t.Fatalf("workers %v; want one", pids)
	}
	limits := procFile(t, pids[0], "limits")
	wantLimit := fmt.Sprintf("%d", imaging.DefaultWorkerMemory)
	if !strings.Contains(limitLine(limits, "Max data size"), wantLimit) {
		t.Errorf("data limit not %s:\n%s", wantLimit, limits)
	}
	if !strings.Contains(limitLine(limits, "Max core file size"), " 0 ") {
		t.Errorf("core dumps not off:\n%s", limits)
	}
	if raceEnabled {
		t.Skip("the 40 MP photo takes minutes to encode under the race detector")
	}
	for _, kind := range []imaging.Kind{imaging.Portrait, imaging.Document} {
		res, err := s.Normalize(t.Context(), kind, photo40MP())
		if err != nil {
			t.Fatalf("40 MP %v under the worker's limit: %v", kind, err)
		}
		t.Logf("40 MP %v: %d×%d; worker peak RSS %s", kind, res.Width, res.Height,
			limitLine(procFile(t, s.WorkerPIDs()[0], "status"), "VmHWM"))
	}
}

// procFile reads /proc/<pid>/<name>.
func procFile(t *testing.T, pid int, name string) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// limitLine returns the line of a /proc file that starts with prefix.
func limitLine(text, prefix string) string {
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), prefix) {
			return sc.Text()
		}
	}
	return ""
}

func TestCloseEndsTheWorkers(t *testing.T) {
	s, _ := newSupervisor(t, imaging.Options{}, false)
	doc := encodeJPEG(t, colourImage(800, 600), 85)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			res, err := s.Normalize(t.Context(), imaging.Document, doc)
			wantClean(t, res, err, 800, 600)
		})
	}
	wg.Wait()
	pids := s.WorkerPIDs()
	if len(pids) == 0 {
		t.Fatal("no worker started")
	}
	_ = s.Close()
	for _, pid := range pids {
		wantGone(t, pid)
	}
	_, err := s.Normalize(t.Context(), imaging.Document, doc)
	if code, _ := userError(t, err); code != domain.CodeThrottled {
		t.Fatalf("after Close: %v; want busy", err)
	}
}

// TestWorkerRepliesAreChecked: a worker is trusted no more than the upload it processed.
func TestWorkerRepliesAreChecked(t *testing.T) {
	doc := encodeJPEG(t, colourImage(640, 480), 85)
	portrait := encodeJPEG(t, colourImage(358, 441), 85)
	for _, tc := range []struct {
		name string
		kind imaging.Kind
		w, h int
		data []byte
		ok   bool
	}{
		{"document", imaging.Document, 640, 480, doc, true},
		{"portrait", imaging.Portrait, 358, 441, portrait, true},
		{"wrong stated size", imaging.Document, 480, 640, doc, false},
		{"portrait of the wrong size", imaging.Portrait, 640, 480, doc, false},
		{"truncated JPEG", imaging.Document, 640, 480, doc[:len(doc)/2], false},
		{"HTML", imaging.Document, 640, 480, []byte(htmlFile), false},
		{"PNG", imaging.Document, 640, 480, encodePNG(t, colourImage(640, 480)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := imaging.CheckReply(tc.kind, tc.w, tc.h, tc.data)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantRejected(t, err, wantUnprocessable)
		})
	}
}
