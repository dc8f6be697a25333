package password

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"sync"
	"testing"
)

func vmHWMMB(b *testing.B) float64 {
	s, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(s)
	kb, _ := strconv.Atoi(string(m[1]))
	return float64(kb) / 1024
}

// BenchmarkHash reports the time of one argon2id hash with the production parameters.
func BenchmarkHash(b *testing.B) {
	h := NewHasher(1)
	for b.Loop() {
		if _, err := h.Hash(context.Background(), "correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTwentyConcurrentLogins verifies 20 passwords at once through the capped hasher
// (limit 4, as main wires it) and reports the process's peak RSS, which the cap bounds to
// about 4 × 19 MiB of argon2 memory instead of 20 ×.
func BenchmarkTwentyConcurrentLogins(b *testing.B) {
	h := NewHasher(4)
	phc, _ := h.Hash(context.Background(), "correct horse battery")
	before := vmHWMMB(b)
	for b.Loop() {
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ok, err := h.Verify(context.Background(), "correct horse battery", phc); !ok || err != nil {
					b.Error("verify failed", err)
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(vmHWMMB(b), "peak_RSS_MB")
	b.ReportMetric(before, "RSS_before_MB")
}
