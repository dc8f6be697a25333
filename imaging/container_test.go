package imaging_test

import (
	"bytes"
	"encoding/binary"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"testing"

	"github.com/h2non/bimg"

	"sitepro/imaging"
)

func TestContainerChecks(t *testing.T) {
	photo := encodeJPEG(t, colourImage(640, 480), 90)
	pngPhoto := encodePNG(t, colourImage(320, 240))
	webp := webpOf(t, photo)
	manyScans := append([]byte{}, photo[:len(photo)-2]...)
	for range 101 {
		manyScans = append(manyScans, 0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12)
	}
	manyScans = append(manyScans, 0xFF, 0xD9)

	cases := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"JPEG", photo, true},
		{"JPEG with fill bytes before EOI", append(append(append([]byte{}, photo[:len(photo)-2]...), 0xFF, 0xFF), 0xFF, 0xD9), true},
		{"JPEG with data after EOI", append(append([]byte{}, photo...), "trailer"...), true},
		{"PNG", pngPhoto, true},
		{"WebP", webp, true},
		{"WebP without its final pad byte", []byte("RIFF\x11\x00\x00\x00WEBPVP8L\x05\x00\x00\x00\x2f\x00\x00\x00\x00"), true},
		{"WebP with its final pad byte", []byte("RIFF\x12\x00\x00\x00WEBPVP8L\x05\x00\x00\x00\x2f\x00\x00\x00\x00\x00"), true},
		{"WebP with a lossless chunk without its signature", []byte("RIFF\x11\x00\x00\x00WEBPVP8L\x05\x00\x00\x00abcde"), false},
		{"WebP with an extended header first", []byte("RIFF\x1e\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00VP8L\x00\x00\x00\x00"), true},
		{"WebP with a lossy inter frame", []byte("RIFF\x16\x00\x00\x00WEBPVP8 \x0a\x00\x00\x00\x01\x00\x00\x9d\x01\x2a\x01\x00\x01\x00"), false},
		{"JPEG with a scan before its frame header", []byte{0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0, 0xFF, 0xD9}, false},
		{"JPEG with a height of zero", jpegWithHeight(photo, 0), false},
		{"JPEG cut mid-scan", photo[:len(photo)/2], false},
		{"JPEG cut mid-segment", photo[:30], false},
		{"JPEG without a scan", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xD9, 0, 0}, false},
		{"JPEG with a reserved marker", []byte{0xFF, 0xD8, 0xFF, 0x42, 0, 4, 0, 0, 0xFF, 0xD9, 0, 0}, false},
		{"JPEG with a zero-length segment", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 0, 0, 0, 0xFF, 0xD9, 0, 0}, false},
		{"JPEG with 101 scans", manyScans, false},
		{"PNG cut", pngPhoto[:len(pngPhoto)-5], false},
		{"PNG without IHDR first", append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IEND", nil)...), false},
		{"PNG without IDAT", append(append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", make([]byte, 13))...), pngChunk("IEND", nil)...), false},
		{"PNG with a bad IHDR CRC", flipByte(pngPhoto, 29), false},
		{"WebP cut", webp[:len(webp)/2], false},
		{"WebP declaring a tiny size", append([]byte("RIFF\x02\x00\x00\x00WEBP"), webp[12:]...), false},
		{"WebP without an image chunk", []byte("RIFF\x0c\x00\x00\x00WEBPEXIF\x00\x00\x00\x00"), false},
		{"not an image", []byte(htmlFile), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := imaging.CheckContainer(tc.data); (err == nil) != tc.ok {
				t.Fatalf("CheckContainer = %v; want ok=%v", err, tc.ok)
			}
		})
	}
}

// jpegWithHeight rewrites the height in the frame header of a baseline JPEG made by Go.
func jpegWithHeight(b []byte, h int) []byte {
	out := append([]byte{}, b...)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	out[i+5], out[i+6] = byte(h>>8), byte(h)
	return out
}

// TestHeaderSizes checks the size the container walker reads, on which the shape rules run
// before libvips, against what libvips reads for every kind of header.
func TestHeaderSizes(t *testing.T) {
	img := colourImage(123, 45)
	jpg := encodeJPEG(t, img, 85)
	for name, data := range map[string][]byte{
		"JPEG":          jpg,
		"PNG":           encodePNG(t, img),
		"lossy WebP":    simpleWebP(t, webpOf(t, jpg), "VP8 "),
		"lossless WebP": simpleWebP(t, mustResize(t, jpg, bimg.Options{Type: bimg.WEBP, Lossless: true}), "VP8L"),
		"extended WebP": webpKeepingEXIF(t, encodeJPEG(t, img, 85, exifSegment("Phone", 6, false))),
	} {
		t.Run(name, func(t *testing.T) {
			w, h, err := imaging.HeaderSize(data)
			md, merr := bimg.Metadata(data)
			if err != nil || merr != nil || w != 123 || h != 45 || md.Size.Width != w || md.Size.Height != h {
				t.Fatalf("header %d×%d (%v), libvips %d×%d (%v); want 123×45", w, h, err, md.Size.Width, md.Size.Height, merr)
			}
		})
	}
}

// simpleWebP rewraps the image chunk of an extended WebP (libvips always writes VP8X) as a
// simple-format file, whose size is in the VP8 or VP8L header.
func simpleWebP(t testing.TB, b []byte, chunk string) []byte {
	t.Helper()
	i := bytes.Index(b, []byte(chunk))
	if i < 0 {
		t.Fatalf("no %q chunk", chunk)
	}
	n := int(binary.LittleEndian.Uint32(b[i+4:]))
	body := b[i : i+8+n+n&1]
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(body)))...)
	return append(append(out, "WEBP"...), body...)
}

func mustResize(t testing.TB, data []byte, o bimg.Options) []byte {
	t.Helper()
	out, err := bimg.Resize(data, o)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCorruptPixelDataPassesTheContainerCheckButNotLibvips(t *testing.T) {
	p := newPipeline(t, imaging.Options{})
	photo := encodeJPEG(t, colourImage(800, 600), 90)
	badHuffman := append([]byte{}, photo...)
	for i := len(photo) / 2; i < len(photo)/2+400; i += 2 {
		badHuffman[i], badHuffman[i+1] = 0xFF, 0x00 // valid stuffing, invalid codes
	}
	for name, data := range map[string][]byte{
		"JPEG with bad Huffman codes":   badHuffman,
		"PNG with truncated pixel data": truncatedIDAT(t, encodePNG(t, colourImage(800, 600))),
	} {
		t.Run(name, func(t *testing.T) {
			if err := imaging.CheckContainer(data); err != nil {
				t.Fatalf("fixture fails the container check already: %v", err)
			}
			_, err := p.Normalize(t.Context(), imaging.Document, data)
			wantRejected(t, err, wantCorrupt)
		})
	}
}

// FuzzCheckContainer runs the Go container walkers on arbitrary bytes: they parse hostile
// input before libvips does, so they must never panic or loop.
func FuzzCheckContainer(f *testing.F) {
	f.Add(encodeJPEG(f, colourImage(32, 32), 80))
	f.Add(encodePNG(f, colourImage(16, 16)))
	f.Add(pixelBombPNG(f))
	f.Add([]byte("RIFF\x0c\x00\x00\x00WEBPVP8 \x00\x00\x00\x00"))
	f.Add([]byte(svgFile))
	f.Fuzz(func(t *testing.T, b []byte) {
		inputs := [][]byte{b, append([]byte{0xFF, 0xD8, 0xFF}, b...), append([]byte("\x89PNG\r\n\x1a\n"), b...)}
		if len(b) >= 4 {
			inputs = append(inputs, append(append([]byte("RIFF"), b[:4]...), append([]byte("WEBP"), b[4:]...)...))
		}
		for _, in := range inputs {
			wantSameSizeAsGo(t, in)
		}
	})
}

// wantSameSizeAsGo checks the size the container walker reads against Go's own decoders,
// which read JPEG and PNG headers independently: the shape rules must judge the size the
// decoder will see. A file either side refuses is not compared.
func wantSameSizeAsGo(t *testing.T, b []byte) {
	w, h, err := imaging.HeaderSize(b)
	if err != nil {
		return
	}
	if w < 1 || h < 1 {
		t.Fatalf("container check passed with a size of %d×%d", w, h)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err == nil && (format == "jpeg" || format == "png") && (cfg.Width != w || cfg.Height != h) {
		t.Fatalf("%s header read as %d×%d; Go reads %d×%d", format, w, h, cfg.Width, cfg.Height)
	}
}
