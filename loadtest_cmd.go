package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"sitepro/domain"
	"sitepro/loadtest"
	"sitepro/password"
	"sitepro/store"
)

// loadtestPassword is every load-test trainee's password.
const loadtestPassword = "Loadtest-2026-peak"

// loadtestCmd runs the province-peak load test (issue 15, package loadtest). Without
// -target it prepares the trainees in a fresh temporary data directory, starts this binary's
// server on it (a child process on a free loopback port, so that its RSS and CPU are its
// own), runs the test and stops the server. With -target it loads a running server whose
// data directory was prepared with -prepare -data DIR beforehand.
func loadtestCmd(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	users := fs.Int("users", 5000, "concurrent trainees")
	duration := fs.Duration("duration", 3*time.Minute, "the measured open-loop window")
	thinkMin := fs.Duration("think-min", 5*time.Second, "shortest time between two actions of a user")
	thinkMax := fs.Duration("think-max", 15*time.Second, "longest time between two actions of a user")
	logins := fs.Int("logins", 8, "logins in flight at once while users sign in")
	target := fs.String("target", "", "base URL of a running server (its data prepared with -prepare); empty: start one")
	data := fs.String("data", "", "with -prepare: the data directory to add the trainees to (the server must be stopped)")
	prepare := fs.Bool("prepare", false, "only create the -users trainees in -data, then exit")
	pid := fs.Int("server-pid", 0, "with -target: the server's process id, to report its RSS and CPU")
	seed := fs.Uint64("seed", 1, "seed of the random schedule")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *users < 1 {
		return errors.New("loadtest: -users must be at least 1")
	}
	if *prepare {
		if *data == "" {
			return errors.New("loadtest: -prepare needs -data")
		}
		return prepareTrainees(*data, *users, out)
	}
	raiseOpenFiles(out)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *target == "" {
		dir, err := os.MkdirTemp("", "sitepro-loadtest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if err := prepareTrainees(filepath.Join(dir, "data"), *users, out); err != nil {
			return err
		}
		srv, err := startServer(ctx, dir)
		if err != nil {
			return err
		}
		defer srv.stop()
		*target, *pid = srv.url, srv.cmd.Process.Pid
		fmt.Fprintf(out, "loadtest: server pid %d on %s (its log: %s)\n", *pid, srv.url, srv.log)
	}
	cfg := loadtest.Config{Target: *target, Users: *users, Duration: *duration, ThinkMin: *thinkMin, ThinkMax: *thinkMax,
		Logins: *logins, Login: loadtest.IDNumber, Password: loadtestPassword, Seed: *seed, Progress: out}
	var cpu0, self0 time.Duration
	var load0, psi0 string
	watch := &rssWatch{pid: *pid}
	cfg.Progress = progressThen(out, func() {
		self0, load0, psi0 = procCPU(os.Getpid()), loadAvg(), cpuPressure()
		if *pid > 0 {
			cpu0 = procCPU(*pid)
			watch.start()
		}
	})
	res, err := loadtest.Run(ctx, cfg)
	watch.stop()
	res.Print(out)
	pct := func(d time.Duration) float64 { return 100 * d.Seconds() / max(res.Window.Seconds(), 0.001) }
	if *pid > 0 {
		cpu := procCPU(*pid) - cpu0
		fmt.Fprintf(out, "server: CPU %.1f s in the window (%.0f%% of one core), RSS %.0f MB at the end (%.0f MB heap and stacks, %.0f MB mapped files), %.0f MB at most in the window\n",
			cpu.Seconds(), pct(cpu), procMB(*pid, "VmRSS"), procMB(*pid, "RssAnon"), procMB(*pid, "RssFile"), watch.peak())
	}
	self := procCPU(os.Getpid()) - self0
	fmt.Fprintf(out, "load generator: CPU %.1f s in the window (%.0f%% of one core)\n", self.Seconds(), pct(self))
	fmt.Fprintf(out, "machine (%d CPUs): load average %s at the start of the window, %s at its end; CPU pressure (share of the last minute runnable work waited for a CPU) %s%% and %s%%\n",
		runtime.NumCPU(), load0, loadAvg(), psi0, cpuPressure())
	if err != nil {
		return err
	}
	if n := res.Errors(); n > 0 {
		return fmt.Errorf("loadtest: %d errors", n)
	}
	return nil
}

// prepareTrainees creates n trainees through the store's use cases (registration, the
// notice agreed), all with one password hashed once: hashing 5,000 passwords would take
// minutes and is not what the test measures.
func prepareTrainees(dir string, n int, out io.Writer) error {
	start := time.Now()
	st, err := store.Open(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer st.Close()
	hash, err := password.NewHasher(1).Hash(context.Background(), loadtestPassword)
	if err != nil {
		return err
	}
	notice, err := st.CurrentText(domain.TextNotice)
	if err != nil {
		return err
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	now := time.Now()
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := prepareTrainee(st, i, hash, notice.Version, now); err != nil {
					mu.Lock()
					first = cmpOr(first, fmt.Errorf("loadtest: trainee %d: %w", i, err))
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil {
		fmt.Fprintf(out, "loadtest: %d trainees ready in %s (%v)\n", n, dir, time.Since(start).Round(time.Millisecond))
	}
	return first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func prepareTrainee(st *store.Store, i int, hash, notice string, now time.Time) error {
	id, err := domain.ParseIDNumber(loadtest.IDNumber(i), now)
	if err != nil {
		return err
	}
	reg := domain.Registration{ID: id, Name: "王芳", Mobile: "13812345678", Email: fmt.Sprintf("lt%d@example.com", i)}
	u, err := retryConflict(func() (domain.User, error) { return st.CreateTrainee(reg, hash, store.NewToken(), now) })
	if errors.Is(err, store.ErrIDTaken) {
		return nil // prepared by an earlier run
	}
	if err != nil {
		return err
	}
	_, err = retryConflict(func() (domain.User, error) { return st.AgreeNotice(u.ID, notice, now) })
	return err
}

// retryConflict repeats a use case that lost a write conflict to another preparing worker.
func retryConflict[T any](fn func() (T, error)) (T, error) {
	for range 50 {
		v, err := fn()
		if domain.CodeOf(err) != domain.CodeConflict || errors.Is(err, store.ErrIDTaken) {
			return v, err
		}
		time.Sleep(time.Millisecond)
	}
	return fn()
}

// child is a server started by loadtestCmd.
type child struct {
	cmd  *exec.Cmd
	url  string
	log  string
	done chan struct{}
}

// startServer runs `sitepro serve` from this binary on dir/data and a free loopback port,
// and waits until it answers.
func startServer(ctx context.Context, dir string) (*child, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "serve", "-addr", addr, "-data", filepath.Join(dir, "data"), "-origin", "http://"+addr)
	// The access log goes nowhere (as to a log shipper); warnings and errors are kept.
	cmd.Stderr = logFile
	cmd.Env = append(os.Environ(), "SITEPRO_DEMO=", "SITEPRO_SMTP_URL=", "SITEPRO_KEY_FILE=", "SITEPRO_TRUSTED_PROXIES=")
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	c := &child{cmd: cmd, url: "http://" + addr, log: logPath, done: make(chan struct{})}
	go func() { cmd.Wait(); logFile.Close(); close(c.done) }()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if r, err := http.Get(c.url + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return c, nil
			}
		}
		select {
		case <-c.done:
			return nil, fmt.Errorf("loadtest: the server stopped while starting; see %s", logPath)
		case <-ctx.Done():
			c.stop()
			return nil, ctx.Err()
		default:
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, errors.New("loadtest: the server did not answer within 60 s")
		}
	}
}

func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// raiseOpenFiles lifts this process's open-file limit to its hard limit: every user keeps a
// connection open (the server started here inherits the limit).
func raiseOpenFiles(out io.Writer) {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) != nil || l.Cur >= l.Max {
		return
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		fmt.Fprintln(out, "loadtest: could not raise the open-file limit:", err)
	}
}

// progressThen passes progress lines on and calls fn when the open-loop window begins.
func progressThen(out io.Writer, fn func()) io.Writer {
	return progressWriter{out: out, fn: fn}
}

type progressWriter struct {
	out io.Writer
	fn  func()
}

func (p progressWriter) Write(b []byte) (int, error) {
	if strings.Contains(string(b), "window of") {
		p.fn()
	}
	return p.out.Write(b)
}

// procCPU is the user+system CPU time the process has used.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from the 3rd (state) on
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)        // utime, field 14
	st, _ := strconv.ParseInt(f[12], 10, 64)        // stime, field 15
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}

// loadAvg is the machine's one-minute load average, as text: on a shared machine it says
// whether the figures were measured with the CPUs to themselves.
func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// cpuPressure is the kernel's CPU pressure (PSI "some avg60", in percent): how much of the
// last minute runnable tasks waited for a CPU. Near 0 the figures are the server's own;
// near 100 they mostly measure the queue for the CPUs.
func cpuPressure() string {
	b, _ := os.ReadFile("/proc/pressure/cpu")
	for _, f := range strings.Fields(string(b)) {
		if v, ok := strings.CutPrefix(f, "avg60="); ok {
			return v
		}
	}
	return "?"
}

// procMB reads a memory field (VmRSS, VmHWM) of /proc/PID/status in MB.
func procMB(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// rssWatch samples the server's RSS every half second during the window.
type rssWatch struct {
	pid  int
	mu   sync.Mutex
	max  float64
	quit chan struct{}
	wg   sync.WaitGroup
}

func (w *rssWatch) start() {
	w.quit = make(chan struct{})
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			w.mu.Lock()
			w.max = max(w.max, procMB(w.pid, "VmRSS"))
			w.mu.Unlock()
			select {
			case <-t.C:
			case <-w.quit:
				return
			}
		}
	}()
}

func (w *rssWatch) stop() {
	if w.quit != nil {
		close(w.quit)
		w.wg.Wait()
	}
}

func (w *rssWatch) peak() float64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.max
}
