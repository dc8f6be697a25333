// Command sitepro is the information system for Henan's construction-site professionals:
// one binary that serves the web application from an embedded store. main.go is the
// composition root: it reads the configuration, opens the store, starts the mail worker,
// serves HTTP and shuts everything down in order; it also holds the admin subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"sitepro/demo"
	"sitepro/handlers"
	"sitepro/imaging"
	"sitepro/mail"
	"sitepro/password"
	"sitepro/store"
	"sitepro/views"
)

// config is everything the server reads from flags and the environment.
type config struct {
	Addr, Data, Origin, SMTPURL, SMTPFrom string
	Demo                                  bool
	TrustedProxies                        []string
	// KeyFile holds the key that encrypts the store at rest; BackupRecipients are the age
	// public keys online backups are sealed to.
	KeyFile, BackupRecipients string
	// Pprof is the loopback address Go's profiles are served on (profiling.go); empty: off.
	Pprof string
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func parseConfig(args []string) (config, error) {
	fs := flag.NewFlagSet("sitepro", flag.ContinueOnError)
	var c config
	var proxies string
	fs.StringVar(&c.Addr, "addr", env("SITEPRO_ADDR", "127.0.0.1:8080"), "listen address (SITEPRO_ADDR)")
	fs.StringVar(&c.Data, "data", env("SITEPRO_DATA", "./data"), "data directory (SITEPRO_DATA)")
	fs.BoolVar(&c.Demo, "demo", env("SITEPRO_DEMO", "") == "1", "seed and print demo data (SITEPRO_DEMO=1)")
	fs.StringVar(&c.Origin, "origin", env("SITEPRO_ORIGIN", ""), "public origin for links in mail (SITEPRO_ORIGIN)")
	fs.StringVar(&c.SMTPURL, "smtp", env("SITEPRO_SMTP_URL", ""), "smtp:// or smtps:// URL with credentials (SITEPRO_SMTP_URL)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", env("SITEPRO_SMTP_FROM", ""), "sender address (SITEPRO_SMTP_FROM)")
	fs.StringVar(&c.KeyFile, "key-file", env("SITEPRO_KEY_FILE", ""), "file with the 64-hex-digit key that encrypts the store at rest (SITEPRO_KEY_FILE)")
	fs.StringVar(&c.BackupRecipients, "backup-recipient", env("SITEPRO_BACKUP_RECIPIENT", ""), "age public keys (age1…) that online backups are encrypted to (SITEPRO_BACKUP_RECIPIENT)")
	fs.StringVar(&proxies, "trusted-proxies", env("SITEPRO_TRUSTED_PROXIES", ""), "comma-separated proxy IPs/CIDRs whose X-Forwarded-For is trusted (SITEPRO_TRUSTED_PROXIES)")
	fs.StringVar(&c.Pprof, "pprof", env("SITEPRO_PPROF", ""), "loopback address for Go's profiles, e.g. 127.0.0.1:6060; off when empty (SITEPRO_PPROF)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.Pprof != "" {
		if err := checkProfilingAddr(c.Pprof); err != nil {
			return c, err
		}
	}
	if c.Origin == "" {
		c.Origin = "http://" + c.Addr
	}
	c.Origin = strings.TrimRight(c.Origin, "/")
	if u, err := url.Parse(c.Origin); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("SITEPRO_ORIGIN must look like https://example.cn, got %q", c.Origin)
	}
	if c.SMTPFrom == "" {
		u, _ := url.Parse(c.Origin)
		c.SMTPFrom = "noreply@" + u.Hostname()
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	return c, nil
}

func main() {
	imaging.RunWorkerIfChild() // a worker process of the server's image supervisor
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	args := os.Args[1:]
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(args, log)
	case "create-admin":
		err = createAdmin(args, os.Stdin, os.Stdout)
	case "backup":
		err = backupCmd(args)
	case "restore":
		err = restoreCmd(args)
	case "rotate-key":
		err = rotateKeyCmd(args)
	case "backup-keygen":
		err = backupKeygenCmd(args, os.Stdout)
	case "loadtest": // the province-peak load test (issue 15, loadtest_cmd.go)
		err = loadtestCmd(args, os.Stdout)
	case "imaging-worker": // started by the server itself; serves image jobs on stdin/stdout
		err = imaging.RunWorker()
	default:
		err = fmt.Errorf("unknown command %q; commands: serve (default), create-admin, backup, restore, rotate-key, backup-keygen, loadtest", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sitepro:", err)
		os.Exit(1)
	}
}

func serve(args []string, log *slog.Logger) error {
	cfg, err := parseConfig(args)
	if err != nil {
		return err
	}
	opts, sealer, err := atRest(cfg)
	if err != nil {
		return err
	}
	st, err := store.OpenWith(cfg.Data, log, opts)
	if err != nil {
		return err
	}
	defer st.Close() // last: after HTTP and workers have stopped
	hasher := password.NewHasher(4)
	sup, err := imaging.NewSupervisor(imaging.Options{}, log)
	if err != nil {
		return err
	}
	defer sup.Close() // after HTTP has stopped, before the store closes
	img := images{sup}
	if cfg.Demo {
		if err := demo.Seed(st, hasher, img, os.Stdout, time.Now()); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
	}
	transport, err := mailTransport(cfg, log)
	if err != nil {
		return err
	}
	// The worker renders notifications with the views' mail templates, reading what they
	// need from the store when it sends them.
	worker := &mail.Worker{Outbox: st, Transport: transport, Renderer: views.Mails{Facts: st, Origin: cfg.Origin}, Log: log}
	stopping := make(chan struct{})
	app, err := handlers.New(handlers.Deps{
		Store: st, Hasher: hasher, Images: img, Mail: worker, Log: log, Origin: cfg.Origin, Demo: cfg.Demo,
		SMTPConfigured: cfg.SMTPURL != "", TrustedProxies: cfg.TrustedProxies, Done: stopping,
		Backups: sealer, EncryptedAtRest: opts.EncryptionKey != nil,
	})
	if err != nil {
		return err
	}
	if cfg.Pprof != "" {
		_, stopProfiling, err := startProfiling(cfg.Pprof, log)
		if err != nil {
			return err
		}
		defer stopProfiling()
	}
	log.Info("sitepro listening", "addr", cfg.Addr, "origin", cfg.Origin, "data", cfg.Data, "demo", cfg.Demo)
	if cfg.Demo {
		fmt.Printf("\n  sitepro 已启动：请在浏览器打开 %s/login\n\n", cfg.Origin)
	}
	return listenUntilStopped(app, cfg.Addr, stopping, log, worker.Run,
		func(ctx context.Context) { st.RunGC(ctx, 10*time.Minute) })
}

// server is what main needs of the HTTP application (a *fiber.App): to serve and to stop.
type server interface {
	Listen(addr string) error
	ShutdownWithTimeout(timeout time.Duration) error
}

// listenUntilStopped serves until SIGINT or SIGTERM while the background workers run, then
// shuts down in order: SSE streams first (so they never hold up the shutdown), then HTTP,
// then the workers. The caller's deferred closes (image workers, then the store) run last.
func listenUntilStopped(app server, addr string, stopping chan struct{}, log *slog.Logger, workers ...func(context.Context)) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var wg sync.WaitGroup
	bg, cancelBG := context.WithCancel(context.Background())
	for _, w := range workers {
		wg.Add(1)
		go func() { defer wg.Done(); w(bg) }()
	}
	served := make(chan error, 1)
	go func() { served <- app.Listen(addr) }()
	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		log.Info("shutting down")
		close(stopping)
		err = app.ShutdownWithTimeout(5 * time.Second)
		if errors.Is(err, context.DeadlineExceeded) {
			// A client kept a connection open without finishing a request; it has had
			// its chance. Everything acknowledged is already committed.
			log.Warn("shutdown: closed connections that were still open after 5s")
			err = nil
		}
	}
	cancelBG()
	wg.Wait()
	return err
}

// images adapts the imaging pipeline (in the server, the supervised one whose libvips jobs
// run in worker processes) to the handlers' and the demo seed's Images interfaces.
type images struct{ p imaging.Normalizer }

func (i images) Portrait(ctx context.Context, data []byte) ([]byte, int, int, error) {
	r, err := i.p.Normalize(ctx, imaging.Portrait, data)
	return r.JPEG, r.Width, r.Height, err
}

func (i images) Document(ctx context.Context, data []byte) ([]byte, int, int, error) {
	r, err := i.p.Normalize(ctx, imaging.Document, data)
	return r.JPEG, r.Width, r.Height, err
}

func mailTransport(cfg config, log *slog.Logger) (mail.Transport, error) {
	if cfg.SMTPURL == "" {
		return mail.RecordTransport{Log: log, Demo: cfg.Demo}, nil
	}
	t, err := mail.NewSMTPTransport(mail.SMTPConfig{URL: cfg.SMTPURL, From: cfg.SMTPFrom, Timeout: 20 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("SITEPRO_SMTP_URL: %w", err)
	}
	return t, nil
}
