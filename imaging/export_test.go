package imaging

import "image"

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
	return checkContainer(f, b)
}

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
