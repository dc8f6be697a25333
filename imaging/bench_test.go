package imaging_test

import (
	"bufio"
	"bytes"
	"context"
	"image/png"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/h2non/bimg"

	"sitepro/imaging"
)

// Benchmarks report figures; they assert nothing about time. Each pipeline benchmark also
// times a bare bimg.Resize of the same file to the same size in the same run and reports the
// ratio, so the cost of the checks can be read independently of the machine.

// The bare resizes: what bimg does to the same file without our checks.
var (
	barePortrait = bimg.Options{Width: 358, Height: 441, Crop: true, Quality: 85, Type: bimg.JPEG}
	bareDocument = bimg.Options{Width: 1600, Height: 1200, Quality: 85, Type: bimg.JPEG}
)

func BenchmarkPortrait4000x3000(b *testing.B) {
	benchPipeline(b, imaging.Portrait, photo4000(), barePortrait)
}

// BenchmarkPortrait4000x3000Rotated is a raw phone photo stored sideways (EXIF orientation
// 6), which must be turned at full size before it can be reduced.
func BenchmarkPortrait4000x3000Rotated(b *testing.B) {
	benchPipeline(b, imaging.Portrait, photo4000Rotated(), barePortrait)
}

// BenchmarkPortrait1600 is the common case: a photo already reduced by the browser.
func BenchmarkPortrait1600(b *testing.B) {
	benchPipeline(b, imaging.Portrait, photo1600(), barePortrait)
}

func BenchmarkDocument1600(b *testing.B) {
	benchPipeline(b, imaging.Document, photo1600(), bareDocument)
}

func BenchmarkBareResize(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
		o    bimg.Options
	}{
		{"4000x3000-portrait", photo4000(), barePortrait},
		{"1600-portrait", photo1600(), barePortrait},
		{"1600-document", photo1600(), bareDocument},
	} {
		b.Run(bc.name, func(b *testing.B) {
			imaging.New(imaging.Options{})
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				if _, err := bimg.Resize(bc.data, bc.o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIsolation prices the worker processes: the same upload through the in-process
// pipeline and through a supervisor with a warm worker, where the bytes cross two pipes and
// the Go checks run in both processes. worker-start is the cost of starting a worker and its
// first job, paid after a crash (and on the first upload after start-up).
func BenchmarkIsolation(b *testing.B) {
	for _, bc := range []struct {
		name string
		kind imaging.Kind
		data []byte
	}{
		{"document-1200x800", imaging.Document, mustJPEG(colourImage(1200, 800), 85)},
		{"portrait-1200x1600", imaging.Portrait, mustJPEG(colourImage(1200, 1600), 85)},
	} {
		b.Run(bc.name+"/in-process", func(b *testing.B) {
			benchNormalize(b, imaging.New(imaging.Options{}), bc.kind, bc.data)
		})
		b.Run(bc.name+"/supervised", func(b *testing.B) {
			s, _ := newSupervisor(b, imaging.Options{}, false)
			benchNormalize(b, s, bc.kind, bc.data)
		})
	}
	b.Run("worker-start", func(b *testing.B) {
		small := mustJPEG(colourImage(400, 300), 85)
		for b.Loop() {
			s, _ := newSupervisor(b, imaging.Options{}, false)
			if _, err := s.Normalize(context.Background(), imaging.Document, small); err != nil {
				b.Fatal(err)
			}
			_ = s.Close()
		}
	})
}

// benchNormalize times n on data after a few untimed calls: a fresh worker process needs
// some jobs before its allocator and libvips' threads are warm.
func benchNormalize(b *testing.B, n normalizer, kind imaging.Kind, data []byte) {
	for range 5 {
		if _, err := n.Normalize(context.Background(), kind, data); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := n.Normalize(context.Background(), kind, data); err != nil {
			b.Fatal(err)
		}
	}
}

func benchPipeline(b *testing.B, kind imaging.Kind, data []byte, bare bimg.Options) {
	p := imaging.New(imaging.Options{})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := p.Normalize(context.Background(), kind, data); err != nil {
			b.Fatal(err)
		}
	}
	pipeline := b.Elapsed() / time.Duration(b.N)
	start := time.Now()
	for range b.N {
		if _, err := bimg.Resize(data, bare); err != nil {
			b.Fatal(err)
		}
	}
	bareTime := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(pipeline)/1e6, "ms/photo")
	b.ReportMetric(float64(bareTime)/1e6, "bare-ms/photo")
	b.ReportMetric(float64(pipeline)/float64(bareTime), "x-bare")
}

// photo4000Rotated is photo4000 with an EXIF orientation of 6.
var photo4000Rotated = sync.OnceValue(func() []byte {
	jpg := photo4000()
	return append(append(append([]byte{}, jpg[:2]...), exifSegment("Phone", 6, false)...), jpg[2:]...)
})

// png4000 is a 12 MP PNG: PNG has no shrink-on-load, so it is decoded at full size.
var png4000 = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, colourImage(4000, 3000)); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// photo40MP is the largest photo the default limit admits (7300×5475 = 39.97 MP).
var photo40MP = sync.OnceValue(func() []byte { return mustJPEG(colourImage(7300, 5475), 80) })

// BenchmarkPeakRSSTwoJobs runs two jobs at once and reports the process's peak resident
// memory (VmHWM, reset before each round through /proc/self/clear_refs) and its rise over
// the resident memory before the round.
func BenchmarkPeakRSSTwoJobs(b *testing.B) {
	for _, bc := range []struct {
		name string
		data func() []byte
	}{
		{"4000x3000", photo4000},
		{"4000x3000-rotated", photo4000Rotated},
		{"4000x3000-png", png4000},
		{"1600", photo1600},
		{"40MP", photo40MP},
	} {
		b.Run(bc.name, func(b *testing.B) {
			data := bc.data()
			p := imaging.New(imaging.Options{MaxBytes: 64 << 20})
			var peak, rise float64
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				debug.FreeOSMemory()
				resetPeakRSS(b)
				before := procStatusMB(b, "VmRSS")
				b.StartTimer()
				var wg sync.WaitGroup
				for range 2 {
					wg.Go(func() {
						if _, err := p.Normalize(context.Background(), imaging.Portrait, data); err != nil {
							b.Error(err)
						}
					})
				}
				wg.Wait()
				hwm := procStatusMB(b, "VmHWM")
				peak, rise = max(peak, hwm), max(rise, hwm-before)
			}
			b.ReportMetric(peak, "peak-RSS-MB")
			b.ReportMetric(rise, "rise-RSS-MB")
			b.ReportMetric(float64(len(data))/(1<<20), "input-MB")
		})
	}
}

// resetPeakRSS sets VmHWM back to the current RSS (Linux 4.0+).
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Skipf("cannot reset the peak RSS: %v", err)
	}
}

// procStatusMB reads a kB field of /proc/self/status in MB.
func procStatusMB(b *testing.B, field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		name, value, ok := strings.Cut(s.Text(), ":")
		if ok && name == field {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatalf("no %s in /proc/self/status", field)
	return 0
}
