package handlers

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/storage/memory/v2"

	"sitepro/domain"
	"sitepro/static"
	"sitepro/store"
	"sitepro/views"
)

// Hasher hashes and verifies passwords (implemented by sitepro/password).
type Hasher interface {
	Hash(ctx context.Context, pw string) (string, error)
	Verify(ctx context.Context, pw, phc string) (bool, error)
}

// Kicker wakes the mail worker after a commit that enqueued mail.
type Kicker interface{ Kick() }

// Deps are the collaborators main wires into the HTTP layer.
type Deps struct {
	Store          *store.Store
	Hasher         Hasher
	Images         Images
	Mail           Kicker // may be nil
	Log            *slog.Logger
	Now            func() time.Time
	Origin         string // public origin for links in mail, e.g. https://sitepro.example.cn
	Demo           bool
	SMTPConfigured bool
	TrustedProxies []string
	Support        string
	ResetTTL       time.Duration
	// Done is closed when the server shuts down, ending long-lived SSE streams so they
	// never hold up a graceful shutdown.
	Done <-chan struct{}
	// SSEHeartbeat overrides the SSE heartbeat interval (tests use a short one).
	SSEHeartbeat time.Duration
	// Backups seals online backups to the configured recipients; nil means backups are
	// downloaded plain, which is refused while the store is encrypted at rest.
	Backups Sealer
	// EncryptedAtRest says the store runs with an encryption key (SITEPRO_KEY_FILE).
	EncryptedAtRest bool
}

// Sealer encrypts a backup stream (implemented by sitepro/seal, wired in main). Close
// writes the last block and does not close w.
type Sealer interface {
	Seal(w io.Writer) (io.WriteCloser, error)
}

// Server holds the handlers' shared state.
type Server struct {
	d        Deps
	assets   *static.Set
	views    views.Assets
	sessions *sessionStore
	throttle *Throttle
	devKeys  deviceKeys
	secure   bool
	cookie   string
	markers  markers
	docViews docViews // detail views that cover their document images (review_docview.go)
	sseBeat  time.Duration
	streams  streamCounts // open SSE streams per session and user
	// The two wizards as the wizard kit sees them (appWizard, ceWizard).
	app wizard[domain.Step, domain.Application]
	ce  wizard[domain.CEStep, domain.Enrolment]
	// legacy runs the background job of 历史证书导入 (cert_legacy.go).
	legacy legacyRunner
}

// New builds the whole HTTP application as main serves it and tests exercise it.
func New(d Deps) (*fiber.App, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.SSEHeartbeat == 0 {
		d.SSEHeartbeat = sseHeartbeat
	}
	if d.ResetTTL == 0 {
		d.ResetTTL = 30 * time.Minute
	}
	if d.Support == "" {
		d.Support = "0371-12345678（工作日 9:00–17:00）"
	}
	assets, err := static.Load()
	if err != nil {
		return nil, err
	}
	s := &Server{d: d, assets: assets, throttle: NewThrottle(d.Now), secure: strings.HasPrefix(d.Origin, "https://"), sseBeat: d.SSEHeartbeat}
	s.views = views.Assets{CSS: assets.URL("app.css"), HTMX: assets.URL("vendor/htmx-2.0.11.min.js"),
		SSE: assets.URL("vendor/htmx-ext-sse-2.2.4.js"), App: assets.URL("app.js"), Upload: assets.URL("upload.js"),
		Print: assets.URL("print.css"), PrintJS: assets.URL("print.js"), Icon: assets.URL("favicon.svg"),
		Checkin: assets.URL("checkin.js")} // 考场签到's 扫码 (exam_checkin.go)
	s.app, s.ce = s.appWizard(), s.ceWizard()
	if d.Store != nil {
		s.knowPosts() // names of the catalog's added posts (目录与规则设置)
	}
	s.cookie = "sitepro_session"
	if s.secure {
		s.cookie = "__Host-sitepro_session"
	}
	s.sessions = &sessionStore{storage: memory.New(memory.Config{GCInterval: time.Minute}), cookie: s.cookie, secure: s.secure} // session.go
	// WriteBufferSize: a page and its headers leave in one write(2); with fasthttp's 4 KiB
	// default a 5 KiB wizard step took two, and on loopback each write also pays the
	// receiver's TCP stack (a third of a step GET's CPU, issue 15's profile).
	app := fiber.New(fiber.Config{
		Immutable: true, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 60 * time.Second,
		BodyLimit: 12 << 20, WriteBufferSize: 16 << 10, ErrorHandler: s.handleError, DisableStartupMessage: true, AppName: "sitepro",
		EnableTrustedProxyCheck: len(d.TrustedProxies) > 0, TrustedProxies: d.TrustedProxies,
		ProxyHeader: proxyHeader(d.TrustedProxies),
	})
	app.Use(recover.New(), requestid.New(), s.securityHeaders, s.accessLog)
	app.Use(gzipPages, compress.New(compress.Config{Level: compress.LevelBestSpeed,
		// SSE must not be buffered; static assets are compressed once (serveStatic).
		Next: func(c *fiber.Ctx) bool {
			return c.Path() == "/review/events" || strings.HasPrefix(c.Path(), static.Prefix)
		}}))
	app.Get(static.Prefix+"*", s.serveStatic)
	app.Get("/healthz", s.healthz)
	app.Get("/favicon.ico", func(c *fiber.Ctx) error { return c.Redirect(s.views.Icon, fiber.StatusMovedPermanently) })
	app.Use(s.loadSession, s.csrf, s.authenticate)
	for _, r := range s.Routes() {
		if r.Method == fiber.MethodGet {
			app.Get(r.Path, s.guard(r.Access), r.Handler) // also answers HEAD
			continue
		}
		// refuseWhenLow runs on the route, so a refused write is logged with its route.
		app.Add(r.Method, r.Path, s.refuseWhenLow, s.guard(r.Access), r.Handler)
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	if d.Done != nil { // serving (main), not a test: finish an import a restart interrupted
		s.resumeLegacyImport()
	}
	return app, nil
}

// gzipPages makes the compress middleware answer gzip (its fastest level) to a client that
// also takes brotli, as every browser does: for a page of a few KB, fiber's fastest brotli
// cost more CPU than its fastest gzip and gave a bigger page (BenchmarkSignedInGET:
// login_gzip vs login_br). Both gzip levels and brotli were measured; level 1 gives pages
// within 3% of level 9's size for about half its CPU.
func gzipPages(c *fiber.Ctx) error {
	if h := c.Get(fiber.HeaderAcceptEncoding); h != "gzip" && static.AcceptsGzip(h) {
		c.Request().Header.Set(fiber.HeaderAcceptEncoding, "gzip")
	}
	return c.Next()
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

func (s *Server) healthz(c *fiber.Ctx) error {
	if err := s.d.Store.Ping(); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("store unavailable")
	}
	if msg, ok := s.diskHealth(); !ok {
		return c.Status(fiber.StatusServiceUnavailable).SendString(msg)
	}
	return c.SendString("ok")
}

func (s *Server) serveStatic(c *fiber.Ctx) error {
	a, ok := s.assets.Lookup(c.Path())
	if !ok {
		return fiber.ErrNotFound
	}
	// Compressed once at startup (static.Asset.Variant), never per request.
	body, enc, etag := a.Variant(c.Get(fiber.HeaderAcceptEncoding))
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderETag, etag)
	if a.Gzip != nil {
		c.Vary(fiber.HeaderAcceptEncoding)
	}
	if enc != "" {
		c.Set(fiber.HeaderContentEncoding, enc)
	}
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(body)
}

func (s *Server) kickMail() {
	if s.d.Mail != nil {
		s.d.Mail.Kick()
	}
}
