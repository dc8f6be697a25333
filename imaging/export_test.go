package imaging

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"log/slog"
	"slices"
)

// Test-only views of unexported parts. They live in a _test file so that production code
// exposes nothing beyond its documented API.

// InFlightPeak returns the highest number of libvips jobs that ran at the same time.
func (p *Pipeline) InFlightPeak() int { return int(p.peak.Load()) }

// HoldSlots occupies n processing slots, as long-running jobs would, and returns a
// function that frees them.
func (p *Pipeline) HoldSlots(n int) (release func()) {
	for range n {
		p.sem <- struct{}{}
	}
	return func() {
		for range n {
			<-p.sem
		}
	}
}

// CheckContainer runs the magic-byte and container checks on b.
func CheckContainer(b []byte) error {
	f := sniff(b)
	if f == formatUnknown {
		return errMalformed
	}
	_, err := checkContainer(f, b)
	return err
}

// HeaderSize runs the magic-byte and container checks on b and returns the size its header
// declares.
func HeaderSize(b []byte) (w, h int, err error) {
	f := sniff(b)
	if f == formatUnknown {
		return 0, 0, errMalformed
	}
	sz, err := checkContainer(f, b)
	return sz.w, sz.h, err
}

// CheckShape applies the shape rules for kind to a stored w×h image.
func CheckShape(kind Kind, w, h, maxPixels int) error { return checkShape(kind, w, h, maxPixels) }

// ThumbSize returns the colour-check thumbnail size for a w×h image.
func ThumbSize(w, h int) (int, int) { return thumbSize(w, h) }

// Colourfulness exposes the colour metric so tests can calibrate fixtures against the
// threshold.
func Colourfulness(img image.Image) float64 { return colourfulness(img) }

// MinColourfulness is the threshold below which an image is rejected as black and white.
const MinColourfulness = minColourfulness

// Plan returns the output size and the crop origin planned for an upright w×h image.
func Plan(kind Kind, w, h int) (outW, outH, left, top int, err error) {
	pl, err := planFor(kind, w, h)
	return pl.outW, pl.outH, pl.left, pl.top, err
}

// NewSupervisorWithFaults returns a supervisor whose workers honour the fault kinds.
func NewSupervisorWithFaults(opts Options, log *slog.Logger) (*Supervisor, error) {
	s, err := NewSupervisor(opts, log)
	if err == nil {
		s.env = append(s.env, faultEnv+"="+faultToken)
	}
	return s, err
}

// Fault sends a worker a fault request: "abort", "hang" or "alloc". The error is what a
// user would get; for "alloc" its text says whether malloc granted more than the limit.
func (s *Supervisor) Fault(ctx context.Context, name string) error {
	kind := map[string]byte{"abort": wireAbort, "hang": wireHang, "alloc": wireAlloc}[name]
	rep, err := s.run(ctx, request{kind: kind, maxPixels: s.opts.MaxPixels, maxBytes: s.opts.MaxBytes})
	if err != nil {
		return err
	}
	_, err = checkReply(Document, rep)
	return err
}

// WorkerPIDs returns the process ids of the workers currently running.
func (s *Supervisor) WorkerPIDs() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pids []int
	for c := range s.live {
		pids = append(pids, c.pid())
	}
	slices.Sort(pids)
	return pids
}

// Started returns how many worker processes this supervisor has started.
func (s *Supervisor) Started() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

// HoldSlots takes n worker slots, as running jobs would, and returns a function that gives
// them back.
func (s *Supervisor) HoldSlots(n int) (release func()) {
	held := make([]*child, n)
	for i := range held {
		held[i] = <-s.slots
	}
	return func() {
		for _, c := range held {
			s.slots <- c
		}
	}
}

// CheckReply checks a worker's successful reply as the supervisor does.
func CheckReply(kind Kind, w, h int, jpeg []byte) (Result, error) {
	return checkReply(kind, reply{ok: true, width: w, height: h, jpeg: jpeg})
}

// ReadReply parses b as a worker's reply and checks it as the supervisor does.
func ReadReply(b []byte) error {
	rep, err := readReply(bufio.NewReader(bytes.NewReader(b)))
	if err != nil {
		return err
	}
	_, err = checkReply(Document, rep)
	return err
}
