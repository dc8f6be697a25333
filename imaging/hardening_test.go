package imaging_test

import (
	"bytes"
	"image/gif"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/h2non/bimg"

	"sitepro/imaging"
)

// TestOnlyAllowedLoadersRun calls bimg directly, bypassing the magic-byte allowlist, to show
// that libvips itself refuses every loader except JPEG, PNG and WebP once New has run.
func TestOnlyAllowedLoadersRun(t *testing.T) {
	imaging.New(imaging.Options{})
	var g bytes.Buffer
	if err := gif.Encode(&g, colourImage(16, 16), nil); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"SVG": []byte(svgFile), "PDF": []byte(pdfFile), "GIF": g.Bytes()} {
		if _, err := bimg.Metadata(data); err == nil {
			t.Errorf("libvips loaded %s", name)
		} else if !strings.Contains(err.Error(), "blocked") {
			t.Errorf("%s: %v; want a blocked-operation error", name, err)
		}
	}
	for name, data := range map[string][]byte{
		"JPEG": encodeJPEG(t, colourImage(16, 16), 80),
		"PNG":  encodePNG(t, colourImage(16, 16)),
		"WebP": webpOf(t, encodeJPEG(t, colourImage(16, 16), 80)),
	} {
		if _, err := bimg.Metadata(data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestLibvipsWarningsAreDiscarded captures the process's stderr while corrupt files are
// processed: libvips would otherwise print a warning for each.
func TestLibvipsWarningsAreDiscarded(t *testing.T) {
	p := imaging.New(imaging.Options{})
	photo := encodeJPEG(t, colourImage(800, 600), 90)
	bad := append([]byte{}, photo...)
	for i := len(photo) / 2; i < len(photo)/2+400; i += 2 {
		bad[i], bad[i+1] = 0xFF, 0x00
	}
	out := captureStderr(t, func() {
		if _, err := p.Normalize(t.Context(), imaging.Document, bad); err == nil {
			t.Error("corrupt JPEG accepted")
		}
		if _, err := p.Normalize(t.Context(), imaging.Document, truncatedIDAT(t, encodePNG(t, colourImage(400, 300)))); err == nil {
			t.Error("truncated PNG accepted")
		}
	})
	if strings.Contains(out, "VIPS") {
		t.Fatalf("libvips wrote to stderr:\n%s", out)
	}
}

// captureStderr redirects file descriptor 2, which C code writes to, while fn runs.
func captureStderr(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved, err := syscall.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Dup3(int(w.Fd()), 2, 0); err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	fn()
	_ = syscall.Dup3(saved, 2, 0)
	_ = syscall.Close(saved)
	_ = w.Close()
	return <-done
}
