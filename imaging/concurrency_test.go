package imaging_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/imaging"
)

func TestAtMostMaxConcurrentJobsRunAtOnce(t *testing.T) {
	p := newPipeline(t, imaging.Options{MaxConcurrent: 2})
	data := photo4000()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			res, err := p.Normalize(context.Background(), imaging.Portrait, data)
			if err == nil && (res.Width != 358 || res.Height != 441) {
				err = errors.New("wrong size")
			}
			errs[i] = err
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		if code, msg := userError(t, err); code != domain.CodeThrottled || msg != wantBusy {
			t.Errorf("got %s %q; want success or busy", code, msg)
		}
	}
	peak := p.InFlightPeak()
	t.Logf("%d of 8 succeeded, peak concurrency %d", ok, peak)
	if peak > 2 || peak < 1 {
		t.Fatalf("peak concurrency %d; want 1 or 2", peak)
	}
}

func TestFullPipelineAnswersBusy(t *testing.T) {
	// The timeout covers the whole call, decoding included, so it must leave room for the
	// last Normalize on a loaded CI machine (50 ms did not, with other packages' tests
	// running alongside); the held-slot call below waits it out once.
	p := newPipeline(t, imaging.Options{MaxConcurrent: 1, Timeout: 2 * time.Second})
	data := encodeJPEG(t, colourImage(800, 600), 90)
	release := p.HoldSlots(1)
	_, err := p.Normalize(context.Background(), imaging.Document, data)
	if code, msg := userError(t, err); code != domain.CodeThrottled || msg != wantBusy {
		t.Fatalf("got %s %q; want throttled %q", code, msg, wantBusy)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v does not wrap the deadline", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Normalize(ctx, imaging.Document, data); !errors.Is(err, context.Canceled) ||
		domain.CodeOf(err) != domain.CodeThrottled {
		t.Fatalf("cancelled request: %v", err)
	}
	release()
	res, err := p.Normalize(context.Background(), imaging.Document, data)
	wantClean(t, res, err, 800, 600)
}

// TestMutatedFilesNeverCrash feeds damaged variants of valid files through the whole
// pipeline: each must come back as a clean result or a user-facing validation error, and
// the process must survive to run the next one.
func TestMutatedFilesNeverCrash(t *testing.T) {
	p := newPipeline(t, imaging.Options{})
	seeds := map[string][]byte{
		"jpeg": encodeJPEG(t, colourImage(480, 560), 85, exifSegment("Phone", 6, true)),
		"png":  encodePNG(t, colourImage(400, 500)),
		"webp": webpOf(t, encodeJPEG(t, colourImage(480, 560), 85)),
	}
	rng := rand.New(rand.NewPCG(17, 2025))
	n := 80
	if testing.Short() {
		n = 20
	}
	for name, seed := range seeds {
		accepted := 0
		for i := range n {
			data := mutate(rng, seed)
			res, err := p.Normalize(context.Background(), imaging.Portrait, data)
			switch {
			case err == nil && (res.Width != 358 || res.Height != 441):
				t.Fatalf("%s #%d: result %d×%d", name, i, res.Width, res.Height)
			case err == nil:
				accepted++
			case domain.CodeOf(err) != domain.CodeInvalid:
				t.Fatalf("%s #%d: %v is not a validation error", name, i, err)
			}
		}
		t.Logf("%s: %d of %d mutants accepted", name, accepted, n)
	}
}

// mutate damages a copy of b the way transfers and attackers do: flipped bytes, cut
// tails, overwritten runs and duplicated regions.
func mutate(rng *rand.Rand, b []byte) []byte {
	out := append([]byte{}, b...)
	switch rng.IntN(4) {
	case 0:
		for range 1 + rng.IntN(8) {
			out[rng.IntN(len(out))] ^= byte(1 + rng.IntN(255))
		}
	case 1:
		out = out[:16+rng.IntN(len(out)-16)]
	case 2:
		at, n := rng.IntN(len(out)), 1+rng.IntN(256)
		for i := at; i < min(len(out), at+n); i++ {
			out[i] = byte(rng.IntN(256))
		}
	default:
		at := rng.IntN(len(out) - 64)
		out = append(out[:at+64:at+64], out[at:]...)
	}
	return out
}
