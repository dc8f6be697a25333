package handlers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/static"
)

// The read-side benchmark (issue 15): the real app and a bare Fiber hello are served by a
// child process (this test binary started again, see perfChild), so the server's CPU per
// request is read from /proc/<child>/stat and excludes the load generator's. The load is
// 64 keep-alive connections on loopback, each sending one request at a time, with a small
// raw HTTP/1.1 client so that the client's own cost stays far below the server's. Every
// phase runs in each of five rounds (SITEPRO_PERF_ROUNDS), interleaved; the figures are
// the medians of the rounds and the ratios are taken within a round, so machines and
// noise compare.

// perfChildEnv, when set, makes TestMain serve the benchmark's fixture instead of running
// tests; its value is a file for a CPU profile of the serving child, or "1".
const perfChildEnv = "SITEPRO_PERF_CHILD"

// perfFixture is what the child tells the parent: where to send what.
type perfFixture struct {
	Hello, App string   // host:port of the bare hello and of the app
	Cookies    []string // one signed-in trainee session each
	Steps      []string // each trainee's draft wizard step page
	CSS        string   // a hashed static asset
}

// perfChild serves the fixture until its stdin closes. It is called from TestMain.
func perfChild() int {
	t := &testing.T{}
	e, base := servedEnv(t)
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("hello") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	go app.Listener(ln)
	fx := perfFixture{Hello: ln.Addr().String(), App: strings.TrimPrefix(base, "http://")}
	for w := range 8 {
		c := e.registered(benchID(w), "王芳")
		c.get("/apply")
		c.post("/apply/agree", url.Values{})
		r := c.post("/apply/new", url.Values{})
		if r.status != fiber.StatusSeeOther {
			fmt.Fprintln(os.Stderr, "no draft:", r.status)
			return 1
		}
		e.addCert(e.holderOf(benchID(w)), fmt.Sprintf("4120211010%05d", w), nil)
		fx.Cookies = append(fx.Cookies, c.cookieHeader())
		fx.Steps = append(fx.Steps, r.header.Get("Location"))
	}
	set, _ := static.Load()
	fx.CSS = set.URL("app.css")
	if p := os.Getenv(perfChildEnv); p != "1" {
		f, err := os.Create(p)
		if err == nil {
			_ = pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
		defer func() { // and what was allocated, in p.allocs (go tool pprof -sample_index=alloc_space)
			if f, err := os.Create(p + ".allocs"); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	_ = json.NewEncoder(os.Stdout).Encode(fx)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// rawClient is one keep-alive HTTP/1.1 connection.
type rawClient struct {
	c net.Conn
	r *bufio.Reader
}

func dialRaw(addr string) (*rawClient, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &rawClient{c: c, r: bufio.NewReaderSize(c, 64<<10)}, nil
}

// do sends a prepared request and reads the answer; it returns the status, the body's
// length and the response's Content-Encoding.
func (rc *rawClient) do(req []byte) (status, n int, enc string, err error) {
	if _, err = rc.c.Write(req); err != nil {
		return
	}
	line, err := rc.r.ReadSlice('\n')
	if err != nil {
		return
	}
	if len(line) < 12 {
		return 0, 0, "", fmt.Errorf("bad status line %q", line)
	}
	status, _ = strconv.Atoi(string(line[9:12]))
	n, chunked := -1, false
	for {
		h, err := rc.r.ReadSlice('\n')
		if err != nil {
			return 0, 0, "", err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		k, v, _ := bytes.Cut(h, []byte(":"))
		v = bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			n, _ = strconv.Atoi(string(v))
		case bytes.EqualFold(k, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(v, []byte("chunked"))
		case bytes.EqualFold(k, []byte("Content-Encoding")):
			enc = string(v)
		}
	}
	if chunked {
		return status, 0, enc, fmt.Errorf("chunked answer")
	}
	if n < 0 {
		return status, 0, enc, fmt.Errorf("no Content-Length")
	}
	_, err = rc.r.Discard(n)
	return status, n, enc, err
}

func rawRequest(host, path, cookie, acceptEncoding string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: sitepro-bench\r\nAccept: text/html\r\n", path, host)
	if cookie != "" {
		fmt.Fprintf(&b, "Cookie: %s\r\n", cookie)
	}
	if acceptEncoding != "" {
		fmt.Fprintf(&b, "Accept-Encoding: %s\r\n", acceptEncoding)
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// procCPU is the child's user+system CPU time so far.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; the fields after it are space-separated.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * (time.Second / 100), nil // USER_HZ is 100 on Linux
}

type perfPhase struct {
	name, host string
	reqs       [][]byte // requests, spread over the connections
	wantEnc    string
}

type perfResult struct {
	rps, cpuUS, bytes float64
}

// runPhase drives conns connections for d after a short warm-up and measures throughput,
// the child's CPU per request and the body size.
func runPhase(pid, conns int, d time.Duration, p perfPhase) (perfResult, error) {
	cls := make([]*rawClient, conns)
	for i := range cls {
		c, err := dialRaw(p.host)
		if err != nil {
			return perfResult{}, err
		}
		defer c.c.Close()
		cls[i] = c
	}
	var (
		measuring, stop atomic.Bool
		count, size     atomic.Int64
		firstErr        error
		errOnce         sync.Once
		wg              sync.WaitGroup
	)
	for i, c := range cls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := p.reqs[i%len(p.reqs)]
			for !stop.Load() {
				status, n, enc, err := c.do(req)
				if err == nil && (status != 200 || enc != p.wantEnc) {
					err = fmt.Errorf("%s: status %d, encoding %q", p.name, status, enc)
				}
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					stop.Store(true)
					return
				}
				if measuring.Load() {
					count.Add(1)
					size.Add(int64(n))
				}
			}
		}()
	}
	time.Sleep(d / 5)
	cpu0, err := procCPU(pid)
	if err != nil {
		return perfResult{}, err
	}
	t0 := time.Now()
	measuring.Store(true)
	time.Sleep(d)
	measuring.Store(false)
	el := time.Since(t0)
	cpu1, _ := procCPU(pid)
	stop.Store(true)
	wg.Wait()
	if firstErr != nil {
		return perfResult{}, firstErr
	}
	n := float64(count.Load())
	return perfResult{rps: n / el.Seconds(), cpuUS: float64((cpu1 - cpu0).Microseconds()) / n, bytes: float64(size.Load()) / n}, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkSignedInGET measures, in one run, a bare Fiber hello, the signed-in pages of a
// trainee (报名记录 /apply, 证书信息 /certificates, a 新取证 wizard step), the public login
// page plain, gzip, brotli and as a browser asks for it, and a static asset plain and
// gzip: req/s at c64,
// server CPU µs per request, bytes per answer and each one's ratio to hello (req/s ratio
// "_vs_hello", CPU ratio "_cpu_vs_hello" = hello's CPU per request / this one's).
func BenchmarkSignedInGET(b *testing.B) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	prof := "1"
	if p := os.Getenv("SITEPRO_PERF_PROFILE"); p != "" {
		prof = p // the serving child writes its CPU profile there
	}
	cmd.Env = append(os.Environ(), perfChildEnv+"="+prof)
	cmd.Stderr = os.Stderr
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { in.Close(); cmd.Wait() }()
	var fx perfFixture
	if err := json.NewDecoder(out).Decode(&fx); err != nil {
		b.Fatal("child fixture: ", err)
	}
	pid := cmd.Process.Pid
	signedIn := func(name string, path func(i int) string) perfPhase {
		p := perfPhase{name: name, host: fx.App}
		for i, ck := range fx.Cookies {
			p.reqs = append(p.reqs, rawRequest(fx.App, path(i), ck, ""))
		}
		return p
	}
	one := func(name, host, path, enc, wantEnc string) perfPhase {
		return perfPhase{name: name, host: host, reqs: [][]byte{rawRequest(host, path, "", enc)}, wantEnc: wantEnc}
	}
	phases := []perfPhase{
		one("hello", fx.Hello, "/", "", ""),
		signedIn("records", func(int) string { return "/apply" }),
		signedIn("certificates", func(int) string { return "/certificates" }),
		signedIn("step", func(i int) string { return fx.Steps[i] }),
		one("login", fx.App, "/login", "", ""),
		one("login_gzip", fx.App, "/login", "gzip", "gzip"),
		one("login_br", fx.App, "/login", "br", "br"),                             // fiber's fastest brotli, for comparison
		one("login_browser", fx.App, "/login", "gzip, deflate, br, zstd", "gzip"), // what browsers get
		one("static", fx.App, fx.CSS, "", ""),
		one("static_gzip", fx.App, fx.CSS, "gzip, deflate, br, zstd", "gzip"),
	}
	if only := os.Getenv("SITEPRO_PERF_ONLY"); only != "" { // e.g. "hello,records" while profiling
		phases = slices.DeleteFunc(phases, func(p perfPhase) bool {
			return p.name != "hello" && !slices.Contains(strings.Split(only, ","), p.name)
		})
	}
	// Five rounds: on this VM one round's CPU ratio to hello varies by ±20 %, so the median
	// of three still moved by ±10 % from run to run.
	rounds, conns := 5, 64
	if s := os.Getenv("SITEPRO_PERF_ROUNDS"); s != "" {
		rounds, _ = strconv.Atoi(s)
	}
	d := 1200 * time.Millisecond
	if s := os.Getenv("SITEPRO_PERF_PHASE"); s != "" {
		d, _ = time.ParseDuration(s)
	}
	res := map[string][]perfResult{}
	for range rounds {
		for _, p := range phases {
			r, err := runPhase(pid, conns, d, p)
			if err != nil {
				b.Fatal(err)
			}
			res[p.name] = append(res[p.name], r)
		}
	}
	for _, p := range phases {
		var rps, cpu, size, vs, cpuVs []float64
		for i, r := range res[p.name] {
			h := res["hello"][i]
			rps, cpu, size = append(rps, r.rps), append(cpu, r.cpuUS), append(size, r.bytes)
			vs, cpuVs = append(vs, r.rps/h.rps), append(cpuVs, h.cpuUS/r.cpuUS)
		}
		b.ReportMetric(median(rps), p.name+"_req/s")
		b.ReportMetric(median(cpu), p.name+"_cpu_µs/req")
		if p.name != "hello" {
			b.ReportMetric(median(vs), p.name+"_vs_hello")
			b.ReportMetric(median(cpuVs), p.name+"_cpu_vs_hello")
			b.ReportMetric(median(size), p.name+"_bytes")
			b.Logf("%s: CPU ratio to hello per round %.3f", p.name, cpuVs)
		}
	}
}
