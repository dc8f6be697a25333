package imaging_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"

	"sitepro/imaging"
)

// TestEveryOrientationMatchesTheUprightOriginal stores the same upright picture in each of
// the eight EXIF orientations and checks that every result matches the result for the
// upright file: same size, and pixel for pixel within JPEG noise. The picture is a set of
// waves that differ along every axis, so a crop window mapped to the wrong place, a wrong
// rotation or a missing flip all show up as large differences.
func TestEveryOrientationMatchesTheUprightOriginal(t *testing.T) {
	p := newPipeline(t, imaging.Options{})
	up := waves(1200, 1800)
	for _, kind := range []imaging.Kind{imaging.Portrait, imaging.Document} {
		ref, err := p.Normalize(context.Background(), kind, encodeJPEG(t, up, 95))
		if err != nil {
			t.Fatal(err)
		}
		refImg := decodeJPEG(t, ref.JPEG)
		for o := 2; o <= 8; o++ {
			t.Run(fmt.Sprintf("%v/orientation-%d", kind, o), func(t *testing.T) {
				data := encodeJPEG(t, storedAs(up, o), 95, exifSegment("Phone", uint16(o), false))
				res, err := p.Normalize(context.Background(), kind, data)
				wantClean(t, res, err, ref.Width, ref.Height)
				if d := meanAbsDiff(refImg, decodeJPEG(t, res.JPEG)); d > 3 {
					t.Fatalf("differs from the upright result by %.1f levels on average", d)
				}
			})
		}
	}
}

// waves paints three sine waves with different periods and directions.
func waves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{
				uint8(128 + 100*math.Sin(2*math.Pi*float64(x)/97)),
				uint8(128 + 100*math.Sin(2*math.Pi*float64(y)/89)),
				uint8(128 + 100*math.Sin(2*math.Pi*float64(x+2*y)/151)),
				255,
			})
		}
	}
	return img
}

// storedAs returns the pixels a camera would store for the upright image up when it
// records EXIF orientation o: displaying them with orientation o gives up back.
func storedAs(up *image.RGBA, o int) *image.RGBA {
	uw, uh := up.Bounds().Dx(), up.Bounds().Dy()
	w, h := uw, uh
	if o >= 5 {
		w, h = uh, uw
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var ux, uy int
			switch o {
			case 1:
				ux, uy = x, y
			case 2:
				ux, uy = w-1-x, y
			case 3:
				ux, uy = w-1-x, h-1-y
			case 4:
				ux, uy = x, h-1-y
			case 5:
				ux, uy = y, x
			case 6:
				ux, uy = h-1-y, x
			case 7:
				ux, uy = h-1-y, w-1-x
			case 8:
				ux, uy = y, w-1-x
			}
			img.SetRGBA(x, y, up.RGBAAt(ux, uy))
		}
	}
	return img
}

func decodeJPEG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// meanAbsDiff is the mean absolute difference of two same-sized images over R, G and B,
// in 8-bit levels.
func meanAbsDiff(a, b image.Image) float64 {
	var sum float64
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x, y).RGBA()
			sum += math.Abs(float64(ar>>8)-float64(br>>8)) +
				math.Abs(float64(ag>>8)-float64(bg>>8)) +
				math.Abs(float64(ab>>8)-float64(bb>>8))
		}
	}
	return sum / float64(3*r.Dx()*r.Dy())
}
