package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"testing"
)

// TestProfilingOnlyOnLoopback: -pprof takes a loopback host:port and nothing else, so the
// profiles can never be served where the application is reachable.
func TestProfilingOnlyOnLoopback(t *testing.T) {
	for _, bad := range []string{"0.0.0.0:6060", ":6060", "[::]:6060", "10.1.2.3:6060", "192.168.1.5:6060", "example.com:6060", "127.0.0.1", "6060"} {
		if err := checkProfilingAddr(bad); err == nil {
			t.Errorf("-pprof %q accepted", bad)
		}
		if _, err := parseConfig([]string{"-pprof", bad}); err == nil {
			t.Errorf("parseConfig -pprof %q accepted", bad)
		}
	}
	for _, good := range []string{"127.0.0.1:6060", "127.0.0.1:0", "[::1]:6060", "localhost:6060"} {
		if err := checkProfilingAddr(good); err != nil {
			t.Errorf("-pprof %q refused: %v", good, err)
		}
	}
	if c, err := parseConfig([]string{"-pprof", "127.0.0.1:6060"}); err != nil || c.Pprof != "127.0.0.1:6060" {
		t.Fatalf("parseConfig: %+v, %v", c, err)
	}
}

// TestProfilingServesProfiles: the loopback listener answers a CPU profile and a heap
// profile (gzipped protobufs, as go tool pprof reads them) and stops when told.
func TestProfilingServesProfiles(t *testing.T) {
	addr, stop, err := startProfiling("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/debug/pprof/profile?seconds=1", "/debug/pprof/heap", "/debug/pprof/allocs"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) || len(body) < 100 {
			t.Fatalf("%s: %d, %d bytes, %q…", path, resp.StatusCode, len(body), body[:min(len(body), 40)])
		}
	}
	// The command line may carry -smtp's password: not served.
	if resp, err := http.Get("http://" + addr + "/debug/pprof/cmdline"); err != nil || resp.StatusCode == 200 {
		t.Fatalf("cmdline served: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	stop()
	if resp, err := http.Get("http://" + addr + "/debug/pprof/heap"); err == nil {
		resp.Body.Close()
		t.Fatal("still serving after stop")
	}
}
