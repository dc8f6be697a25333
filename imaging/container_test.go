package imaging_test

import (
	"testing"

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
		{"WebP without its final pad byte", []byte("RIFF\x11\x00\x00\x00WEBPVP8L\x05\x00\x00\x00abcde"), true},
		{"WebP with its final pad byte", []byte("RIFF\x12\x00\x00\x00WEBPVP8L\x05\x00\x00\x00abcde\x00"), true},
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
		_ = imaging.CheckContainer(b)
		_ = imaging.CheckContainer(append([]byte{0xFF, 0xD8, 0xFF}, b...))
		_ = imaging.CheckContainer(append([]byte("\x89PNG\r\n\x1a\n"), b...))
		if len(b) >= 4 {
			_ = imaging.CheckContainer(append(append([]byte("RIFF"), b[:4]...), append([]byte("WEBP"), b[4:]...)...))
		}
	})
}
