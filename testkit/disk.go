package testkit

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// FdatasyncPerSecond is how many 4 KiB write + fdatasync rounds the disk under tb's temp
// directory does in a second: the ceiling a durable write path can approach (issue 15's
// group-commit benchmarks print it beside their figures).
func FdatasyncPerSecond(tb testing.TB) float64 {
	f, err := os.Create(filepath.Join(tb.TempDir(), "fsync"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n := 0
	start := time.Now()
	for time.Since(start) < time.Second {
		buf[0]++
		if _, err := f.WriteAt(buf, 0); err != nil {
			tb.Fatal(err)
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			tb.Fatal(err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}
