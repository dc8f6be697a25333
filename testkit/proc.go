package testkit

import (
	"os"
	"regexp"
	"strconv"
)

// ProcStatusMB reads a field of /proc/self/status in MB (0 when it is missing): VmRSS is
// RssAnon (the heap and stacks) plus RssFile (pages of Badger's memory-mapped tables and
// value log that were read, which the kernel drops under memory pressure) plus RssShmem.
func ProcStatusMB(field string) float64 {
	b, _ := os.ReadFile("/proc/self/status")
	m := regexp.MustCompile(field + `:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return float64(kb) / 1024
}
