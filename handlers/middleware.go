package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// CSP is the strict content security policy of SECURITY.md 13; img-src adds blob: and data:
// only for the local preview of a photo chosen for upload.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", CSP)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Vary("HX-Request")
	if s.secure {
		c.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	return c.Next()
}

// accessLog writes one JSON line per request. It logs the route pattern, never the raw
// path, so tokens and any personal data in a path stay out of the log.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = statusOf(err)
	}
	route := c.Route().Path
	if status == fiber.StatusNotFound && route == "/" && c.Path() != "/" {
		route = "(no route)"
	}
	rid, _ := c.Locals("requestid").(string)
	s.d.Log.LogAttrs(c.UserContext(), slog.LevelInfo, "request", slog.String("rid", rid), slog.String("method", c.Method()),
		slog.String("route", route), slog.Int("status", status), slog.Int64("ms", time.Since(start).Milliseconds()))
	return err
}

const (
	kUser  = "uid"
	kEpoch = "epoch"
	kBorn  = "born"
	kCSRF  = "csrf"
	kReset = "reset"
	kFlash = "flash"
	kAlert = "alert" // a flash that reports a problem
)

// absoluteSession is the longest a session lives, however active (SECURITY.md 9).
const absoluteSession = 12 * time.Hour

func (s *Server) loadSession(c *fiber.Ctx) error {
	ss, err := s.sessions.get(c)
	if err != nil {
		return err
	}
	c.Locals("sess", ss)
	err = c.Next()
	if serr := ss.Save(); serr != nil && err == nil {
		err = serr
	}
	return err
}

func sess(c *fiber.Ctx) *Session { return c.Locals("sess").(*Session) }

// csrf checks the session-bound token on every unsafe request (header from htmx, hidden
// field from plain forms) and makes the token available to views.
func (s *Server) csrf(c *fiber.Ctx) error {
	ss := sess(c)
	token, _ := ss.Get(kCSRF).(string)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
	default:
		if s.crossSite(c) {
			return domain.Err(domain.CodeForbidden, crossSiteMessage+s.origin(c)+"）。")
		}
		// htmx sends the header from <body hx-headers>, which a boosted swap does not
		// refresh; plain forms send the hidden field. Either one matching is enough; a
		// token in the query string never counts (it leaks through logs and Referer).
		if token == "" || !(same(c.Get("X-Csrf-Token"), token) || same(bodyToken(c), token)) {
			return s.staleForm(c, ss)
		}
	}
	if token == "" {
		token = randomToken()
		ss.Set(kCSRF, token)
	}
	c.Locals(kCSRF, token)
	return c.Next()
}

// staleMessage explains a refused submission whose page had expired.
const staleMessage = "页面停留时间过长，为了安全，刚才的提交没有生效。您填写的内容已保留，请核对后再次提交。"

// staleForm answers a submission with a missing or expired CSRF token. For the public
// forms (register, login, forgot) it shows the same form again with everything typed and
// a fresh token, and changes nothing; for anything else a clear page.
func (s *Server) staleForm(c *fiber.Ctx, ss *Session) error {
	token, _ := ss.Get(kCSRF).(string)
	if token == "" {
		token = randomToken()
		ss.Set(kCSRF, token)
	}
	c.Locals(kCSRF, token)
	form := func(names ...string) views.Form {
		f := formOf(c, names...)
		f.Errors.Add("form", staleMessage)
		return f
	}
	switch c.Path() {
	case "/register":
		f := form(registerNames...)
		f.Values["password"], f.Values["password2"] = "", ""
		return render(c, fiber.StatusForbidden, views.Register(s.page(c, "个人注册"), f, false))
	case "/login":
		return render(c, fiber.StatusForbidden, views.Login(s.page(c, "登录"), form("login")))
	case "/forgot":
		return render(c, fiber.StatusForbidden, views.Forgot(s.page(c, "找回密码"), form("id_number", "email"), false))
	}
	return domain.Err(domain.CodeForbidden, "页面已过期（可能是长时间未操作），刚才的提交没有生效。请返回上一页，刷新后重新提交。")
}

func same(a, b string) bool { return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// authenticate loads the signed-in user; a session from before a password change, of a
// disabled account (账号管理) or older than the absolute limit is ended.
func (s *Server) authenticate(c *fiber.Ctx) error {
	ss := sess(c)
	uid, _ := ss.Get(kUser).(string)
	if uid == "" {
		return c.Next()
	}
	u, err := s.d.Store.User(uid)
	epoch, _ := ss.Get(kEpoch).(int)
	born, _ := ss.Get(kBorn).(int64)
	if err != nil || u.SessionEpoch != epoch || u.Disabled || s.d.Now().Sub(time.Unix(born, 0)) > absoluteSession {
		s.endSession(c)
		return c.Next()
	}
	c.Locals(kUser, &u)
	return c.Next()
}

func currentUser(c *fiber.Ctx) *domain.User {
	u, _ := c.Locals(kUser).(*domain.User)
	return u
}

// guard enforces a route's access level before its handler runs.
func (s *Server) guard(a Access) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if a == Public {
			return c.Next()
		}
		u := currentUser(c)
		if u == nil {
			if c.Method() == fiber.MethodGet {
				ss := sess(c)
				ss.Set(kFlash, "请先登录")
				return redirect(c, "/login")
			}
			return domain.Err(domain.CodeUnauthorized, "登录已过期，请重新登录")
		}
		if (a == Trainee && u.Role != domain.RoleTrainee) || (a == Admin && u.Role != domain.RoleAdmin) ||
			(a == Reviewer && u.Role != domain.RoleReviewer) {
			return domain.Err(domain.CodeForbidden, "您没有权限访问这个页面")
		}
		return c.Next()
	}
}

// startSession signs a user in on a fresh session id (SECURITY.md 9).
func (s *Server) startSession(c *fiber.Ctx, u domain.User) error {
	ss := sess(c)
	if err := ss.Regenerate(); err != nil {
		return err
	}
	ss.Set(kUser, u.ID)
	ss.Set(kEpoch, u.SessionEpoch)
	ss.Set(kBorn, s.d.Now().Unix())
	// A new CSRF token with the new session id; the next page (a boosted swap replaces
	// the wrapper that carries htmx's header) and its forms carry the new one.
	ss.Set(kCSRF, randomToken())
	c.Locals(kCSRF, ss.Get(kCSRF))
	c.Locals(kUser, &u)
	return nil
}

// endSession deletes the session and its cookie and starts an empty one for the rest of
// the request.
func (s *Server) endSession(c *fiber.Ctx) {
	_ = sess(c).Reset()
	c.Locals(kUser, nil)
}

// redirect answers a successful POST: 303 for plain requests, HX-Location for htmx.
func redirect(c *fiber.Ctx, to string) error {
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Location", to)
		return c.SendStatus(fiber.StatusOK)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}
