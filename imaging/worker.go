package imaging

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"sitepro/domain"
)

// The worker side: a child process of the same binary that runs the in-process Pipeline
// for one job at a time. libvips can abort, crash or run away on a hostile or merely
// unlucky image; in a worker that costs one job, not the server.

// workerEnv marks a worker process; its value is the memory limit in bytes. The supervisor
// sets it, and RunWorkerIfChild looks for it, so that any binary linking this package (the
// server, or a test binary that re-executes itself) can serve as its own worker.
const workerEnv = "SITEPRO_IMAGING_WORKER"

// workerArg is the worker's first argument, the server's subcommand for it.
// RunWorkerIfChild wants both the argument and workerEnv, so that a stray variable in the
// environment cannot turn a server or a test run into a worker waiting on stdin.
const workerArg = "imaging-worker"

// faultEnv, set to faultToken, lets a worker honour the fault kinds. Only tests set it.
const (
	faultEnv   = "SITEPRO_IMAGING_FAULTS"
	faultToken = "crash-on-request-for-tests"
)

// workerJobTimeout bounds a job inside the worker's own pipeline; it is only a backstop,
// since the supervisor kills a worker that overruns its Timeout.
const workerJobTimeout = time.Hour

// RunWorkerIfChild serves the worker protocol and exits if this process was started as an
// imaging worker; otherwise it returns at once. Call it first thing in main, and in TestMain
// of every test package that uses a Supervisor, whose workers run the test binary itself.
func RunWorkerIfChild() {
	if _, ok := os.LookupEnv(workerEnv); !ok || len(os.Args) < 2 || os.Args[1] != workerArg {
		return
	}
	if err := RunWorker(); err != nil {
		fmt.Fprintln(os.Stderr, "imaging worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// RunWorker limits this process's memory and serves jobs from stdin to stdout until stdin
// is closed. It is the imaging-worker subcommand; the supervisor starts it.
func RunWorker() error {
	limit, err := strconv.ParseInt(os.Getenv(workerEnv), 10, 64)
	if err != nil || limit <= 0 {
		limit = DefaultWorkerMemory
	}
	if err := limitMemory(limit); err != nil {
		return err
	}
	out, err := protocolOutput()
	if err != nil {
		return err
	}
	defer out.Close()
	return serveWorker(os.Stdin, out, os.Getenv(faultEnv) == faultToken)
}

// limitMemory caps the data segment (heap, anonymous mappings and thread stacks, the memory
// a decoder grows) and makes the Go collector work hard well before it. RLIMIT_DATA is used
// rather than RLIMIT_AS because glibc and the Go runtime reserve large address ranges they
// never touch, which RLIMIT_AS would count. Core dumps are turned off: a crash is expected
// here, and a core would hold the decoded image.
func limitMemory(limit int64) error {
	lim := &syscall.Rlimit{Cur: uint64(limit), Max: uint64(limit)}
	if err := syscall.Setrlimit(syscall.RLIMIT_DATA, lim); err != nil {
		return fmt.Errorf("limit memory to %d bytes: %w", limit, err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{}); err != nil {
		return fmt.Errorf("turn off core dumps: %w", err)
	}
	// The Go heap holds only the upload and the result; libvips' pixel buffers are C
	// memory the collector cannot see.
	debug.SetMemoryLimit(limit / 4)
	return nil
}

// protocolOutput moves the protocol to a private copy of stdout and points file descriptor
// 1 at stderr, so that nothing C code prints can corrupt a reply.
func protocolOutput() (*os.File, error) {
	fd, err := syscall.Dup(1)
	if err != nil {
		return nil, fmt.Errorf("duplicate stdout: %w", err)
	}
	syscall.CloseOnExec(fd)
	if err := syscall.Dup3(2, 1, 0); err != nil {
		return nil, fmt.Errorf("redirect stdout: %w", err)
	}
	return os.NewFile(uintptr(fd), "imaging-protocol"), nil
}

// serveWorker answers requests until in ends.
func serveWorker(in io.Reader, out io.Writer, faults bool) error {
	r, w := bufio.NewReader(in), bufio.NewWriter(out)
	for {
		req, err := readRequest(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := writeReply(w, handle(req, faults)); err != nil {
			return err
		}
	}
}

// handle runs one request. Every error is turned into a reply, so that only a real crash
// ends the process.
func handle(req request, faults bool) reply {
	var kind Kind
	switch {
	case req.kind == wirePortrait:
		kind = Portrait
	case req.kind == wireDocument:
		kind = Document
	case faults && req.kind >= wireAbort:
		return fault(req.kind)
	default:
		return failure(fmt.Errorf("%w: unknown request kind %d", errProtocol, req.kind))
	}
	p := New(Options{MaxConcurrent: 1, Timeout: workerJobTimeout, MaxPixels: req.maxPixels, MaxBytes: req.maxBytes})
	res, err := p.Normalize(context.Background(), kind, req.data)
	if err != nil {
		return failure(err)
	}
	return reply{ok: true, width: res.Width, height: res.Height, jpeg: res.JPEG}
}

// failure turns an error into a reply: a user-facing domain error keeps its code and
// message, anything else is the "cannot process" message. The cause is for the log.
func failure(err error) reply {
	var de *domain.Error
	if errors.As(err, &de) && (de.Code == domain.CodeInvalid || de.Code == domain.CodeThrottled) {
		return reply{code: string(de.Code), message: de.Message, cause: err.Error()}
	}
	return reply{code: string(domain.CodeInvalid), message: msgUnprocessable, cause: err.Error()}
}

// fault carries out a test-only fault kind: abort as libvips does on a failed assertion,
// hang as a runaway decode does, or report whether a block larger than the memory limit can
// be allocated.
func fault(kind byte) reply {
	switch kind {
	case wireAbort:
		abortProcess()
	case wireHang:
		time.Sleep(24 * time.Hour) // a timer, so the runtime does not report a deadlock
	case wireAlloc:
		n := int64(2) << 30
		return reply{code: string(domain.CodeInternal), cause: fmt.Sprintf("malloc(%d): %s", n, tryAlloc(n))}
	}
	return failure(fmt.Errorf("%w: unknown fault %d", errProtocol, kind))
}
