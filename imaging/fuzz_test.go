package imaging_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	"sitepro/domain"
	"sitepro/imaging"
)

// fuzzSupervisor is shared by every input of a fuzzing process; its workers end with it.
var fuzzSupervisor = sync.OnceValues(func() (*imaging.Supervisor, error) {
	return imaging.NewSupervisor(imaging.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
})

// FuzzNormalize feeds arbitrary bytes, and arbitrary bytes behind each allowed magic number,
// through the supervised pipeline on the real libvips. Every input must end in a clean
// result or a validation error. "Cannot process" is a failure too: it means a file got past
// the Go checks and crashed, hung or broke libvips, which costs only one job in production
// but is a crasher the fuzzer should keep so that a check can be added.
func FuzzNormalize(f *testing.F) {
	f.Add(encodeJPEG(f, colourImage(400, 500), 80), false)
	f.Add(encodePNG(f, colourImage(360, 450)), true)
	f.Add(webpOf(f, encodeJPEG(f, colourImage(400, 500), 80)), false)
	f.Add(encodePNG(f, solid(1600, 4)), true)
	f.Add(encodeJPEG(f, solid(8, 1600), 90), true)
	f.Add(pixelBombPNG(f), false)
	f.Add([]byte(svgFile), true)
	s, err := fuzzSupervisor()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, document bool) {
		kind := imaging.Portrait
		if document {
			kind = imaging.Document
		}
		res, err := s.Normalize(context.Background(), kind, data)
		var de *domain.Error
		switch {
		case err == nil && (res.Width < 1 || res.Height < 1 || len(res.JPEG) == 0):
			t.Fatalf("empty result %d×%d", res.Width, res.Height)
		case err == nil:
		case !errors.As(err, &de) || de.Code != domain.CodeInvalid:
			t.Fatalf("%v is not a validation error", err)
		case de.Message == wantUnprocessable:
			t.Fatalf("libvips failed on a file the checks admitted: %v", err)
		}
	})
}

// FuzzShape checks the pure geometry on any size: whatever the shape rules admit can be
// planned, the plan never has an empty side or upscales, and the colour thumbnail of the
// result keeps both sides at 8 px or more.
func FuzzShape(f *testing.F) {
	for _, sz := range [][2]uint32{{1600, 4}, {4, 1600}, {1, 1}, {300, 1500}, {358, 1074}, {400, 99000}, {7300, 5475}, {1 << 31, 1}} {
		f.Add(sz[0], sz[1], false)
	}
	f.Fuzz(func(t *testing.T, w32, h32 uint32, portrait bool) {
		w, h := int(w32%(1<<31)), int(h32%(1<<31))
		kind := imaging.Document
		if portrait {
			kind = imaging.Portrait
		}
		if w > 0 && h > 0 {
			tw, th := imaging.ThumbSize(w, h)
			if tw < 1 || th < 1 || tw > w || th > h {
				t.Fatalf("thumbnail of %d×%d is %d×%d", w, h, tw, th)
			}
		}
		if imaging.CheckShape(kind, w, h, imaging.DefaultMaxPixels) != nil {
			return
		}
		outW, outH, _, _, err := imaging.Plan(kind, w, h)
		if err != nil {
			if kind == imaging.Portrait {
				return // the exact 358×441 frame is checked on the upright size
			}
			t.Fatalf("document %d×%d admitted but not planned: %v", w, h, err)
		}
		if outW < 1 || outH < 1 || outW > max(w, h) || outH > max(w, h) {
			t.Fatalf("%v %d×%d planned as %d×%d", kind, w, h, outW, outH)
		}
		if tw, th := imaging.ThumbSize(outW, outH); tw < 8 || th < 8 {
			t.Fatalf("%v %d×%d: thumbnail of %d×%d is %d×%d", kind, w, h, outW, outH, tw, th)
		}
	})
}

// FuzzReadReply parses arbitrary bytes as a worker's reply: a broken worker must never make
// the server panic, allocate without bound or accept anything but a checked JPEG.
func FuzzReadReply(f *testing.F) {
	ok := []byte{0}
	ok = binary.BigEndian.AppendUint32(ok, 640)
	ok = binary.BigEndian.AppendUint32(ok, 480)
	jpg := encodeJPEG(f, colourImage(640, 480), 85)
	ok = binary.BigEndian.AppendUint32(ok, uint32(len(jpg)))
	f.Add(append(ok, jpg...))
	f.Add([]byte{1, 0, 0, 0, 7, 'i', 'n', 'v', 'a', 'l', 'i', 'd', 0, 0, 0, 1, 'x', 0, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 0, 1, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = imaging.ReadReply(b)
	})
}
