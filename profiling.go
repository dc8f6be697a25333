package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// Profiling a running server (issue 15): with -pprof (SITEPRO_PPROF) set to a loopback
// address, Go's profiles are served there, apart from the application: CPU
// (/debug/pprof/profile?seconds=30), heap and allocations (/debug/pprof/heap,
// /debug/pprof/allocs), goroutines, blocking and the execution trace. Only someone on the
// machine itself can reach a loopback address, so the operator can profile production
// load (`go tool pprof http://127.0.0.1:6060/debug/pprof/profile`) while the public port
// never serves a profile. Off unless set; any other address is refused at start.

// checkProfilingAddr accepts host:port whose host is a loopback IP or "localhost".
func checkProfilingAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("-pprof %q: want a loopback host:port such as 127.0.0.1:6060", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-pprof %q: profiles are served on a loopback address only (127.0.0.1, ::1 or localhost)", addr)
	}
	return nil
}

// startProfiling listens on addr (checked by checkProfilingAddr) and serves the profiles
// until stop is called. It returns the address it listens on.
func startProfiling(addr string, log *slog.Logger) (bound string, stop func(), err error) {
	if err := checkProfilingAddr(addr); err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("-pprof: %w", err)
	}
	if !ln.Addr().(*net.TCPAddr).IP.IsLoopback() { // "localhost" resolved elsewhere
		ln.Close()
		return "", nil, fmt.Errorf("-pprof %q resolved to %s, which is not loopback", addr, ln.Addr())
	}
	mux := http.NewServeMux()
	// Not /debug/pprof/cmdline: the command line may carry -smtp's password.
	mux.HandleFunc("/debug/pprof/", pprof.Index) // heap, allocs, goroutine, block, mutex, …
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("pprof listener", "err", err)
		}
	}()
	log.Info("profiles served on loopback", "addr", ln.Addr().String())
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
