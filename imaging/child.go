package imaging

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// child is one worker process as the supervisor sees it. Whoever took it from the
// supervisor's slots owns it for the duration of a job; only Close touches it from outside,
// and only through in, kill and exited, which are safe to use concurrently.
type child struct {
	cmd    *exec.Cmd
	in     *os.File // the worker's stdin
	out    *os.File // the worker's stdout
	r      *bufio.Reader
	w      *bufio.Writer
	stderr *tail
	exited chan struct{} // closed once the process has been reaped
	state  *os.ProcessState
}

// startChild starts exe as an imaging worker with env. The pipes are made here rather than
// by exec.Cmd, so that reaping the process never races with reading its reply.
func startChild(exe string, env []string) (*child, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	c := &child{in: inW, out: outR, r: bufio.NewReader(outR), w: bufio.NewWriter(inW),
		stderr: &tail{}, exited: make(chan struct{})}
	c.cmd = &exec.Cmd{Path: exe, Args: []string{"sitepro", workerArg}, Env: env,
		Stdin: inR, Stdout: outW, Stderr: c.stderr}
	err = c.cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("start imaging worker: %w", err)
	}
	go func() {
		_ = c.cmd.Wait() // the exit status is kept in ProcessState
		c.state = c.cmd.ProcessState
		close(c.exited)
	}()
	return c, nil
}

// pid is the worker's process id, for logs and tests.
func (c *child) pid() int { return c.cmd.Process.Pid }

// alive reports whether the process has not been reaped yet.
func (c *child) alive() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// kill ends the process at once and waits until it is reaped. Killing a process that has
// already exited is harmless: the Process handle refers to this process alone.
func (c *child) kill() {
	_ = c.cmd.Process.Kill()
	<-c.exited
	c.in.Close()
	c.out.Close()
}

// stop asks the worker to finish (it exits when its stdin closes) and kills it if it has not
// done so within grace.
func (c *child) stop(grace time.Duration) {
	c.in.Close()
	select {
	case <-c.exited:
	case <-time.After(grace):
	}
	c.kill()
}

// status describes how the process ended, once it has been reaped.
func (c *child) status() string {
	select {
	case <-c.exited:
		return c.state.String()
	default:
		return "running"
	}
}

// exchange sends one request and waits for the reply until ctx ends. On success the worker
// is ready for the next job; on any error it has been killed, because its pipes may hold
// half a message.
func (c *child) exchange(ctx context.Context, req request) (reply, error) {
	type outcome struct {
		rep reply
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		var o outcome
		if o.err = writeRequest(c.w, req); o.err == nil {
			o.rep, o.err = readReply(c.r)
		}
		done <- o
	}()
	select {
	case o := <-done:
		if o.err != nil {
			c.kill()
		}
		return o.rep, o.err
	case <-ctx.Done():
		c.kill()
		<-done // the pipes are closed, so the exchange has ended
		return reply{}, ctx.Err()
	}
}

// tail keeps the first and the last bytes a worker wrote to stderr, for the log line about
// its death: a libvips assertion comes first, then the Go runtime's signal report and a
// traceback of every goroutine, whose end names the registers. Workers never write image
// data there.
type tail struct {
	mu         sync.Mutex
	head, last []byte
	dropped    bool
}

// How much of a worker's stderr is kept: the start, which names the failure, and the end.
const (
	headBytes = 1536
	tailBytes = 512
)

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if room := headBytes - len(t.head); room > 0 {
		k := min(room, len(p))
		t.head, p = append(t.head, p[:k]...), p[k:]
	}
	t.last = append(t.last, p...)
	if len(t.last) > tailBytes {
		t.last, t.dropped = append(t.last[:0], t.last[len(t.last)-tailBytes:]...), true
	}
	return n, nil
}

// String returns the kept text as valid UTF-8, with "…" where the middle was dropped.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(t.head)
	if t.dropped {
		s += "\n…\n"
	}
	return strings.ToValidUTF8(strings.TrimSpace(s+string(t.last)), "�")
}
