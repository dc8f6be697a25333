package imaging_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"sync"
	"testing"
)

// The corpus is generated rather than committed: every fixture is a few lines of Go, and a
// reader can see exactly what makes each one hostile.

// colourImage draws a colourful gradient with fine texture, so that JPEG sizes resemble
// phone photos rather than flat synthetic images.
func colourImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		row := img.Pix[y*img.Stride:]
		for x := range w {
			n := int((uint32(x)*2654435761 ^ uint32(y)*40503) >> 28) // 0..15
			r := 255 * x / w
			g := 255 * y / h
			b := 128 + int(100*math.Sin(float64(x+y)/80))
			row[4*x] = clamp8(r + n)
			row[4*x+1] = clamp8(g + n)
			row[4*x+2] = clamp8(b - n)
			row[4*x+3] = 255
		}
	}
	return img
}

func clamp8(v int) uint8 { return uint8(max(0, min(255, v))) }

// encodeJPEG encodes img at quality q and inserts the given APPn segments after SOI.
func encodeJPEG(t testing.TB, img image.Image, q int, segments ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	out := append([]byte{}, b[:2]...)
	for _, s := range segments {
		out = append(out, s...)
	}
	return append(out, b[2:]...)
}

// encodePNG encodes img with Go's encoder.
func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Large fixtures are built once per test binary: a 12 MP encode takes seconds under -race.
var (
	photo4000 = sync.OnceValue(func() []byte { return mustJPEG(colourImage(4000, 3000), 90) })
	photo1600 = sync.OnceValue(func() []byte { return mustJPEG(colourImage(1600, 1200), 85) })
)

func mustJPEG(img image.Image, q int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// halves paints the left half red and the right half blue, so a test can tell which way an
// image was turned.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{220, 30, 30, 255}
			if x >= w/2 {
				c = color.RGBA{30, 30, 220, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// grayScan imitates a black-and-white scan: light paper, lines of dark "text", noise.
// tint adds a constant colour cast (R, G, B offsets) as a phone photo of a print has.
func grayScan(w, h int, tint [3]int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			l := 235
			if (y/12)%3 == 0 && (x/7)%5 != 0 && x > w/10 && x < w*9/10 {
				l = 40
			}
			l += int((uint32(x)*2654435761^uint32(y)*97)>>28) - 8
			img.SetRGBA(x, y, color.RGBA{clamp8(l + tint[0]), clamp8(l + tint[1]), clamp8(l + tint[2]), 255})
		}
	}
	return img
}

// desaturate turns a colour image into grey while keeping three channels.
func desaturate(src *image.RGBA) *image.RGBA {
	img := image.NewRGBA(src.Bounds())
	for i := 0; i < len(src.Pix); i += 4 {
		l := uint8((299*int(src.Pix[i]) + 587*int(src.Pix[i+1]) + 114*int(src.Pix[i+2])) / 1000)
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = l, l, l, 255
	}
	return img
}

// mutedPortrait is a dull but genuine colour photo: a face-coloured oval and dark hair on a
// near-white background, the hardest honest case for the colour check.
func mutedPortrait(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy := float64(w)/2, float64(h)*0.45
	for y := range h {
		for x := range w {
			c := color.RGBA{238, 238, 236, 255}
			dx, dy := (float64(x)-cx)/(float64(w)*0.28), (float64(y)-cy)/(float64(h)*0.3)
			switch d := dx*dx + dy*dy; {
			case d < 1 && float64(y) < cy-float64(h)*0.18:
				c = color.RGBA{45, 38, 35, 255}
			case d < 1:
				c = color.RGBA{205, 165, 140, 255}
			case float64(y) > float64(h)*0.8:
				c = color.RGBA{60, 62, 70, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// pngChunk frames one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pixelBombPNG is a structurally valid PNG of about 1.5 KB whose header declares
// 50000×50000 RGB pixels (7.5 GB decoded); its IDAT holds the first rows of zeros.
func pixelBombPNG(t testing.TB) []byte {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, 50000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 50000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if _, err := zw.Write(make([]byte, 10*(1+3*50000))); err != nil {
		t.Fatal(err)
	}
	_ = zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

// minimalBMP is a 2×2 24-bit Windows bitmap.
func minimalBMP() []byte {
	b := []byte("BM")
	b = binary.LittleEndian.AppendUint32(b, 70)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 54)
	b = binary.LittleEndian.AppendUint32(b, 40)
	b = binary.LittleEndian.AppendUint32(b, 2)
	b = binary.LittleEndian.AppendUint32(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 24)
	b = append(b, make([]byte, 24)...)
	return append(b, make([]byte, 16)...)
}

const (
	svgFile  = `<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"><rect width="100%" height="100%" fill="red"/></svg>`
	pdfFile  = "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
	htmlFile = "<!DOCTYPE html>\n<html><head><title>photo.jpg</title></head><body><script>alert(document.cookie)</script></body></html>\n"
	heicFile = "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x00"
	tiffFile = "II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
)
