package imaging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/h2non/bimg"
)

// Options bounds the work one server spends on uploads. Zero fields take the defaults.
type Options struct {
	// MaxConcurrent is how many images libvips may process at once (default 2). Each job
	// can hold a few hundred MB of decoded pixels, so this bounds memory as well as CPU.
	MaxConcurrent int
	// Timeout bounds one Normalize call, waiting for a slot included (default 20s). Under a
	// Supervisor it bounds the wait for a free worker and, separately, the job itself: a
	// worker that overruns it is killed.
	Timeout time.Duration
	// MaxPixels is the largest width×height accepted, read from the header before any
	// decoding (default 40 million).
	MaxPixels int
	// MaxBytes is the largest upload accepted (default 10 MiB). A photo reduced in the
	// browser is a few hundred KB; a raw 12 MP phone photo is 3 to 6 MB.
	MaxBytes int
	// WorkerMemory is the data-segment limit of each Supervisor worker process (default
	// 1 GiB); a decode that needs more fails in the worker, not in the server.
	WorkerMemory int64
}

// The defaults for Options, chosen for a small VM serving one training agency.
const (
	DefaultMaxConcurrent = 2
	DefaultTimeout       = 20 * time.Second
	DefaultMaxPixels     = 40_000_000
	DefaultMaxBytes      = 10 << 20
	DefaultWorkerMemory  = 1 << 30
)

// withDefaults fills zero or negative fields.
func (o Options) withDefaults() Options {
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = DefaultMaxConcurrent
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.WorkerMemory <= 0 {
		o.WorkerMemory = DefaultWorkerMemory
	}
	return o
}

// Kind selects the target geometry, because a portrait and a document need opposite things:
// a fixed frame versus every legible detail.
type Kind int

const (
	// Portrait is the trainee's personal photo: cover-cropped to exactly 358×441,
	// horizontally centred and weighted to the top.
	Portrait Kind = iota
	// Document is an ID card, diploma or similar scan: long side at most 1600 px, aspect
	// kept, never upscaled.
	Document
)

// String names the kind for logs.
func (k Kind) String() string {
	switch k {
	case Portrait:
		return "portrait"
	case Document:
		return "document"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Result is a normalised image: a baseline sRGB JPEG without any metadata, and its size.
type Result struct {
	JPEG          []byte
	Width, Height int
}

// Pipeline normalises uploads with a bounded number of concurrent libvips jobs in this
// process, where a libvips crash ends the process: the server uses a Supervisor, whose
// workers each run a Pipeline. It is safe for concurrent use; create one per process with
// New and share it.
type Pipeline struct {
	opts Options
	sem  chan struct{}

	// inFlight and peak count running libvips jobs; tests read them to prove the bound.
	inFlight atomic.Int32
	peak     atomic.Int32
}

// New initialises libvips for the whole process (once) and returns a pipeline with opts.
func New(opts Options) *Pipeline {
	initVips()
	opts = opts.withDefaults()
	return &Pipeline{opts: opts, sem: make(chan struct{}, opts.MaxConcurrent)}
}

// Normalize checks an upload and returns its normalised JPEG. Every rejection of the file
// itself is a domain.CodeInvalid error with a Chinese message for the user; a full pipeline
// is domain.CodeThrottled. Cheap checks run before a slot is taken, so hostile files are
// refused without waiting and without decoding a single pixel.
func (p *Pipeline) Normalize(ctx context.Context, kind Kind, data []byte) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = Result{}, errUnprocessable(fmt.Errorf("panic while normalising a %v: %v", kind, r))
		}
	}()
	if p == nil || p.sem == nil {
		return Result{}, errors.New("imaging: Pipeline used without New")
	}
	if kind != Portrait && kind != Document {
		return Result{}, fmt.Errorf("imaging: unknown kind %v", kind)
	}
	src, err := p.inspect(kind, data)
	if err != nil {
		return Result{}, err
	}
	pl, err := planFor(kind, src.width, src.height)
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	return p.inSlot(ctx, func() (Result, error) { return convert(src, pl) })
}

// source is an upload that passed every check that does not decode pixels.
type source struct {
	data          []byte
	format        format
	width, height int // upright size, after EXIF orientation
	orientation   int
	profile       bool   // an ICC profile is embedded
	space         string // libvips' interpretation, e.g. "srgb", "cmyk", "b-w"
}

// precheck runs every check that needs no libvips, in order of cost: length, magic bytes,
// container completeness and the shape rules on the size the header declares. Whatever
// passes is safe to hand to libvips' header reader.
func precheck(opts Options, kind Kind, data []byte) (format, size, error) {
	switch {
	case len(data) == 0:
		return formatUnknown, size{}, invalid(msgEmpty)
	case len(data) > opts.MaxBytes:
		return formatUnknown, size{}, errTooLarge(opts.MaxBytes)
	}
	f := sniff(data)
	if f == formatUnknown {
		return f, size{}, invalid(msgFormat)
	}
	sz, err := checkContainer(f, data)
	if err != nil {
		return f, size{}, errCorrupt(err)
	}
	return f, sz, checkShape(kind, sz.w, sz.h, opts.MaxPixels)
}

// inspect runs the Go checks and then libvips' header reader, which parses only the
// header, for the orientation and colour space. libvips must read the size the Go parser
// checked; a file that makes the two disagree is refused.
func (p *Pipeline) inspect(kind Kind, data []byte) (source, error) {
	if len(data) > p.opts.MaxBytes {
		return source{}, errTooLarge(p.opts.MaxBytes)
	}
	// The checks and libvips must see the same bytes, and a job that outlives its call keeps
	// reading them, so the pipeline works on its own copy of the caller's buffer.
	data = bytes.Clone(data)
	f, sz, err := precheck(p.opts, kind, data)
	if err != nil {
		return source{}, err
	}
	md, err := bimg.Metadata(data)
	if err != nil {
		return source{}, errCorrupt(err)
	}
	w, h := md.Size.Width, md.Size.Height
	if w != sz.w || h != sz.h {
		return source{}, errCorrupt(fmt.Errorf("libvips reads %d×%d, the header declares %d×%d", w, h, sz.w, sz.h))
	}
	o := md.Orientation
	if o < 1 || o > 8 {
		o = 1
	}
	uw, uh := upright(w, h, o)
	return source{data: data, format: f, width: uw, height: uh, orientation: o,
		profile: md.Profile, space: md.Space}, nil
}

// inSlot runs job in one of the pipeline's slots. The wait for a slot and the wait for the
// result both end at ctx's deadline; a job that overruns keeps its slot until libvips
// returns, because libvips cannot be interrupted and the bound is on real work.
func (p *Pipeline) inSlot(ctx context.Context, job func() (Result, error)) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, errBusy(err)
	}
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return Result{}, errBusy(ctx.Err())
	}
	type outcome struct {
		res Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() { <-p.sem }()
		p.enter()
		defer p.leave()
		var o outcome
		func() {
			defer func() {
				if r := recover(); r != nil {
					o = outcome{err: errUnprocessable(fmt.Errorf("panic in libvips job: %v", r))}
				}
			}()
			o.res, o.err = job()
		}()
		done <- o
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-ctx.Done():
		return Result{}, errBusy(ctx.Err())
	}
}

// enter records a job start and the highest concurrency seen.
func (p *Pipeline) enter() {
	n := p.inFlight.Add(1)
	for {
		old := p.peak.Load()
		if n <= old || p.peak.CompareAndSwap(old, n) {
			return
		}
	}
}

// leave records a job end.
func (p *Pipeline) leave() { p.inFlight.Add(-1) }
