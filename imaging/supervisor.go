package imaging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"sitepro/domain"
)

// Normalizer is what Pipeline and Supervisor share, so that a caller can take either: the
// server isolates libvips in workers, while a one-off tool may run it in-process.
type Normalizer interface {
	Normalize(ctx context.Context, kind Kind, data []byte) (Result, error)
}

// Supervisor normalises uploads like Pipeline, but runs every libvips job in a worker
// process of the same binary: MaxConcurrent workers, one job at a time each, every worker
// under its own memory limit, killed when a job overruns Timeout and started again for the
// next job. A job that crashes or overruns its worker costs that one upload, which is
// answered "图片无法处理，请换一张"; the server keeps serving. The checks that need no
// libvips (size, format, container, shape) run here first, so that most hostile files are
// refused without starting a worker. Safe for concurrent use; Close ends the workers.
type Supervisor struct {
	opts  Options
	log   *slog.Logger
	exe   string
	env   []string
	slots chan *child // MaxConcurrent entries; nil means no worker is running in that slot

	mu      sync.Mutex
	closed  bool
	live    map[*child]struct{}
	started int
}

// closeGrace is how long Close lets a worker finish its job before killing it.
const closeGrace = 2 * time.Second

// errClosed is the cause reported for jobs that arrive after Close.
var errClosed = errors.New("imaging: supervisor closed")

// NewSupervisor returns a supervisor with opts that logs its workers' failures to log
// (slog.Default if nil). Workers start on first use. They run /proc/self/exe, which is this
// process's own binary even when the file on disk has been replaced by a deployment, so a
// worker always speaks the same protocol.
func NewSupervisor(opts Options, log *slog.Logger) (*Supervisor, error) {
	exe := "/proc/self/exe"
	if _, err := os.Stat(exe); err != nil {
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("imaging: cannot find this program to start workers: %w", err)
		}
	}
	if log == nil {
		log = slog.Default()
	}
	opts = opts.withDefaults()
	// The limits travel as 32-bit numbers, and a worker reads at most maxRequestBytes.
	opts.MaxPixels, opts.MaxBytes = min(opts.MaxPixels, math.MaxUint32), min(opts.MaxBytes, maxRequestBytes)
	// A worker needs none of the server's configuration, which holds the SMTP password;
	// the fault switch in particular can only be set by the tests, after this.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "SITEPRO_") })
	env = append(env, workerEnv+"="+strconv.FormatInt(opts.WorkerMemory, 10))
	s := &Supervisor{opts: opts, log: log, exe: exe, env: env,
		slots: make(chan *child, opts.MaxConcurrent), live: map[*child]struct{}{}}
	for range opts.MaxConcurrent {
		s.slots <- nil
	}
	return s, nil
}

// Normalize checks an upload and returns its normalised JPEG, with the same errors as
// Pipeline.Normalize, plus "图片无法处理，请换一张" (domain.CodeInvalid) when the worker
// crashed or overran Timeout.
func (s *Supervisor) Normalize(ctx context.Context, kind Kind, data []byte) (Result, error) {
	if s == nil || s.slots == nil {
		return Result{}, errors.New("imaging: Supervisor used without NewSupervisor")
	}
	wk := wirePortrait
	switch kind {
	case Portrait:
	case Document:
		wk = wireDocument
	default:
		return Result{}, fmt.Errorf("imaging: unknown kind %v", kind)
	}
	// The worker runs the same checks again on the bytes it receives, so a caller that
	// changes data during the call cannot slip an unchecked file past them.
	if _, _, err := precheck(s.opts, kind, data); err != nil {
		return Result{}, err
	}
	rep, err := s.run(ctx, request{kind: wk, maxPixels: s.opts.MaxPixels, maxBytes: s.opts.MaxBytes, data: data})
	if err != nil {
		return Result{}, err
	}
	return checkReply(kind, rep)
}

// run does one exchange with a worker. A worker that failed it has been killed; its slot
// is left empty, so the next job starts a fresh one.
func (s *Supervisor) run(ctx context.Context, req request) (reply, error) {
	c, err := s.acquire(ctx)
	if err != nil {
		return reply{}, err
	}
	start := time.Now()
	job, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	rep, err := c.exchange(job, req)
	cancel()
	if err == nil {
		s.slots <- c
		return rep, nil
	}
	s.forget(c)
	s.slots <- nil
	return reply{}, s.failed(ctx, c, req, time.Since(start), err)
}

// failed logs a job that killed or lost its worker and returns the user's error. A caller
// that went away or ran out of its own time gets "busy"; otherwise the image is to blame.
func (s *Supervisor) failed(ctx context.Context, c *child, req request, elapsed time.Duration, err error) error {
	level, cause := slog.LevelError, err
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		cause = fmt.Errorf("killed after %v: %w", s.opts.Timeout, err)
	}
	if ctx.Err() != nil {
		level = slog.LevelWarn
	}
	s.log.Log(context.Background(), level, "imaging worker failed a job",
		"pid", c.pid(), "kind", wireName(req.kind), "bytes", len(req.data), "elapsed", elapsed,
		"status", c.status(), "error", cause.Error(), "stderr", c.stderr.String())
	cause = fmt.Errorf("worker %d (%s): %w", c.pid(), c.status(), cause)
	if ctx.Err() != nil {
		return errBusy(cause)
	}
	return errUnprocessable(cause)
}

// wireName names a request kind for the log.
func wireName(kind byte) string {
	switch kind {
	case wirePortrait:
		return Portrait.String()
	case wireDocument:
		return Document.String()
	}
	return fmt.Sprintf("fault %#x", kind)
}

// acquire waits for a free slot until Timeout or ctx ends, and makes sure a live worker
// occupies it; run gives the slot back.
func (s *Supervisor) acquire(ctx context.Context) (*child, error) {
	if err := ctx.Err(); err != nil {
		return nil, errBusy(err)
	}
	wait, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	var c *child
	select {
	case c = <-s.slots:
	case <-wait.Done():
		return nil, errBusy(wait.Err())
	}
	if c != nil && c.alive() {
		return c, nil
	}
	if c != nil {
		s.log.Warn("imaging worker exited while idle", "pid", c.pid(), "status", c.status(),
			"stderr", c.stderr.String())
		c.kill()
		s.forget(c)
	}
	c, err := s.start()
	if err != nil {
		s.slots <- nil
		return nil, err
	}
	return c, nil
}

// start launches a worker unless the supervisor is closed.
func (s *Supervisor) start() (*child, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errBusy(errClosed)
	}
	c, err := startChild(s.exe, s.env)
	if err != nil {
		s.log.Error("cannot start an imaging worker", "error", err.Error())
		return nil, errBusy(err)
	}
	s.live[c] = struct{}{}
	s.started++
	return c, nil
}

// forget drops a dead worker from the set Close ends.
func (s *Supervisor) forget(c *child) {
	s.mu.Lock()
	delete(s.live, c)
	s.mu.Unlock()
}

// Close ends every worker: each may finish its current job within a short grace period,
// then it is killed. Later calls to Normalize answer "busy". Close always returns nil.
func (s *Supervisor) Close() error {
	s.mu.Lock()
	s.closed = true
	kids := make([]*child, 0, len(s.live))
	for c := range s.live {
		kids = append(kids, c)
	}
	clear(s.live)
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range kids {
		wg.Go(func() { c.stop(closeGrace) })
	}
	wg.Wait()
	return nil
}

// checkReply turns a worker's reply into the caller's result. A worker is trusted no more
// than the upload it processed: the JPEG must be a complete JPEG of the stated size and a
// size the kind allows, and an error must carry a code the pipeline uses.
func checkReply(kind Kind, rep reply) (Result, error) {
	if !rep.ok {
		code := domain.Code(rep.code)
		if (code != domain.CodeInvalid && code != domain.CodeThrottled) || rep.message == "" {
			return Result{}, errUnprocessable(fmt.Errorf("worker: %s", rep.cause))
		}
		return Result{}, fmt.Errorf("imaging: %w (in a worker: %s)", domain.Err(code, rep.message), rep.cause)
	}
	var sz size
	var err error = errMalformed
	if sniff(rep.jpeg) == formatJPEG {
		sz, err = checkJPEG(rep.jpeg)
	}
	switch {
	case err != nil:
		return Result{}, errUnprocessable(fmt.Errorf("worker returned a broken JPEG: %w", err))
	case sz != size{rep.width, rep.height} || !plausible(kind, sz):
		return Result{}, errUnprocessable(fmt.Errorf("worker returned %d×%d for a %v, stated %d×%d",
			sz.w, sz.h, kind, rep.width, rep.height))
	}
	return Result{JPEG: rep.jpeg, Width: sz.w, Height: sz.h}, nil
}

// plausible reports whether sz is a size the pipeline produces for kind.
func plausible(kind Kind, sz size) bool {
	if kind == Portrait {
		return sz == size{portraitWidth, portraitHeight}
	}
	return sz.w >= 1 && sz.h >= 1 && max(sz.w, sz.h) <= documentLongSide
}
