package imaging_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"sync"
	"testing"

	"github.com/h2non/bimg"

	"sitepro/domain"
	"sitepro/imaging"
)

// normalizer is what the pipeline and the supervisor have in common.
type normalizer interface {
	Normalize(ctx context.Context, kind imaging.Kind, data []byte) (imaging.Result, error)
}

// solid is a flat colour image: it encodes to a few hundred bytes at any size, like the
// 124-byte 1600×4 PNG that used to abort the server.
func solid(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = 200, 60, 40, 255
	}
	return img
}

// TestThinShapesAreRefusedBeforeLibvips sends the shapes that used to abort or fail the
// server, in every format that can hold them, through the in-process pipeline and through
// the supervisor: each gets a message naming the rule, and the process keeps working. On
// the old code the in-process half aborted the test binary (libvips' "bad dimensions").
func TestThinShapesAreRefusedBeforeLibvips(t *testing.T) {
	const thin, small = "图片过于狭长", "图片太小"
	cases := []struct {
		kind imaging.Kind
		w, h int
		want string
	}{
		{imaging.Document, 1600, 4, thin + "（1600×4 像素），证件或证书图片的长边不能超过短边的 5 倍"},
		{imaging.Document, 4, 1600, thin},
		{imaging.Document, 7, 1600, thin},
		{imaging.Document, 5, 2000, thin},
		{imaging.Document, 20, 5000, thin},
		{imaging.Document, 400, 99000, thin},
		{imaging.Document, 8, 1600, thin},
		{imaging.Document, 1600, 300, thin + "（1600×300 像素）"},
		{imaging.Document, 10, 10, small + "（10×10 像素），证件或证书图片的短边至少需要 300 像素"},
		{imaging.Document, 1, 1, small},
		{imaging.Document, 299, 1000, small},
		{imaging.Portrait, 1600, 4, thin + "（1600×4 像素），照片的长边不能超过短边的 3 倍"},
		{imaging.Portrait, 400, 1600, thin},
		{imaging.Portrait, 1, 1, "358×441"},
	}
	p := newPipeline(t, imaging.Options{})
	s, _ := newSupervisor(t, imaging.Options{}, false)
	for _, tc := range cases {
		for format, data := range encodings(t, solid(tc.w, tc.h)) {
			t.Run(fmt.Sprintf("%v %d×%d %s", tc.kind, tc.w, tc.h, format), func(t *testing.T) {
				for name, n := range map[string]normalizer{"in-process": p, "supervised": s} {
					t.Run(name, func(t *testing.T) {
						_, err := n.Normalize(t.Context(), tc.kind, data)
						wantRejected(t, err, tc.want)
					})
				}
			})
		}
	}
	for name, n := range map[string]normalizer{"in-process": p, "supervised": s} {
		res, err := n.Normalize(t.Context(), imaging.Document, encodeJPEG(t, colourImage(1200, 800), 85))
		if err != nil || res.Width != 1200 {
			t.Fatalf("%s: a good document after the thin ones: %v", name, err)
		}
	}
}

// encodings returns img as JPEG, PNG and WebP, leaving out what a format cannot hold: JPEG
// stops at 65535 px a side and WebP at 16383; libvips makes the WebP files.
func encodings(t testing.TB, img *image.RGBA) map[string][]byte {
	t.Helper()
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := map[string][]byte{"PNG": encodePNG(t, img)}
	if w <= 65535 && h <= 65535 {
		out["JPEG"] = encodeJPEG(t, img, 90)
	}
	if w <= 16383 && h <= 16383 {
		webp, err := bimg.Resize(out["PNG"], bimg.Options{Type: bimg.WEBP, Quality: 90})
		if err != nil {
			t.Fatalf("libvips cannot make a %d×%d WebP: %v", w, h, err)
		}
		out["WebP"] = webp
	}
	return out
}

// gradient is a cheap colourful image: red across, green down.
func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{uint8(255 * x / w), uint8(255 * y / h), 128, 255})
		}
	}
	return img
}

// sweepShapes is the generated-shape table: every pair of the sides below within an area
// budget, from 1×1 to 1:100000, plus a few large shapes, among them the largest the pixel
// limit admits. Under the race detector the budget is smaller, since Go's encoders are slow.
func sweepShapes() [][2]int {
	sides := []int{1, 2, 3, 4, 5, 7, 8, 10, 16, 64, 299, 300, 358, 441, 1000, 1500, 1600, 2000, 5000,
		16383, 16384, 65535, 100000}
	budget := 2_500_000
	if raceEnabled || testing.Short() {
		budget = 300_000
	}
	var shapes [][2]int
	for _, w := range sides {
		for _, h := range sides {
			if w*h <= budget {
				shapes = append(shapes, [2]int{w, h})
			}
		}
	}
	if budget > 300_000 {
		shapes = append(shapes, [2]int{400, 99000}, [2]int{16383, 1600}, [2]int{7300, 5475}, [2]int{3000, 4000})
	}
	return shapes
}

// TestGeneratedShapesNeverCrash is the shape sweep: each shape of sweepShapes in JPEG, PNG
// and WebP (where the format can hold it), as a portrait and as a document, through the
// supervisor on the real libvips. Each must come out exactly as the shape rules and the
// planner predict: a clean result of the planned size, or the rule's own message. A crashed
// worker, a "cannot process" answer or any other error fails the test.
func TestGeneratedShapesNeverCrash(t *testing.T) {
	s, _ := newSupervisor(t, imaging.Options{MaxBytes: 64 << 20}, false)
	type job struct {
		name string
		kind imaging.Kind
		w, h int
		data []byte
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	tally := map[string]int{}
	for range imaging.DefaultMaxConcurrent {
		wg.Go(func() {
			for j := range jobs {
				outcome := checkShapeOutcome(t, s, j.kind, j.w, j.h, j.data, j.name)
				mu.Lock()
				tally[outcome]++
				mu.Unlock()
			}
		})
	}
	shapes := sweepShapes()
	for _, sh := range shapes {
		for format, data := range encodings(t, gradient(sh[0], sh[1])) {
			for _, kind := range []imaging.Kind{imaging.Portrait, imaging.Document} {
				jobs <- job{fmt.Sprintf("%v %d×%d %s", kind, sh[0], sh[1], format), kind, sh[0], sh[1], data}
			}
		}
	}
	close(jobs)
	wg.Wait()
	if started := s.Started(); started > imaging.DefaultMaxConcurrent {
		t.Errorf("%d workers started for %d shapes: a worker died", started, len(shapes))
	}
	t.Logf("%d shapes: %v", len(shapes), tally)
}

// checkShapeOutcome runs one sweep image and returns a label for the tally.
func checkShapeOutcome(t *testing.T, n normalizer, kind imaging.Kind, w, h int, data []byte, name string) string {
	want := imaging.CheckShape(kind, w, h, imaging.DefaultMaxPixels)
	outW, outH := 0, 0
	if want == nil {
		outW, outH, _, _, want = imaging.Plan(kind, w, h)
	}
	res, err := n.Normalize(context.Background(), kind, data)
	var got, wantDE *domain.Error
	switch {
	case want == nil && err == nil && (res.Width != outW || res.Height != outH):
		t.Errorf("%s: %d×%d; want %d×%d", name, res.Width, res.Height, outW, outH)
	case want == nil && err != nil:
		t.Errorf("%s: %v; want a %d×%d result", name, err, outW, outH)
	case want == nil:
		return "accepted"
	case !errors.As(err, &got) || !errors.As(want, &wantDE) || got.Code != domain.CodeInvalid:
		t.Errorf("%s: %v; want %v", name, err, want)
	case got.Message != wantDE.Message:
		t.Errorf("%s: %q; want %q", name, got.Message, wantDE.Message)
	default:
		return strings.SplitN(got.Message, "（", 2)[0]
	}
	return "failed"
}
