package handlers

import (
	"net"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// crossSiteMessage starts the page shown for a refused cross-site submission; the
// system's own address follows.
const crossSiteMessage = "这次提交来自其他网站，为了您的账号安全没有执行。请直接在本系统的页面上操作（本系统地址："

// bodyToken returns the CSRF token of a plain form post: the _csrf field of a urlencoded
// or multipart body. Unlike c.FormValue it never looks at the query string.
func bodyToken(c *fiber.Ctx) string {
	if v := c.Request().PostArgs().Peek("_csrf"); len(v) > 0 {
		return string(v)
	}
	if mf, err := c.MultipartForm(); err == nil && len(mf.Value["_csrf"]) > 0 {
		return mf.Value["_csrf"][0]
	}
	return ""
}

// crossSite reports an unsafe request sent from another site's page: its Origin header
// (or, when a browser sent none, its Referer) names an origin other than ours. A request
// with neither header is left to the token check, since some privacy settings strip both.
func (s *Server) crossSite(c *fiber.Ctx) bool {
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		return !sameOrigin(o, s.origin(c))
	}
	if r := c.Get(fiber.HeaderReferer); r != "" {
		return !sameOrigin(r, s.origin(c))
	}
	return false
}

// origin is the configured public origin; without one (some tests), the request's own.
func (s *Server) origin(c *fiber.Ctx) string {
	if s.d.Origin != "" {
		return s.d.Origin
	}
	return c.Protocol() + "://" + c.Hostname()
}

// sameOrigin compares the scheme, host and port of a URL (an Origin header or a Referer)
// with an origin; "null" and anything unparsable are never the same. The loopback names
// (localhost, 127.0.0.1, ::1) count as one host when the origin itself is loopback: a
// developer who opens http://localhost:8080 of a server configured as 127.0.0.1:8080 is on
// the same server, and no other site can be served from that port of this machine.
func sameOrigin(raw, origin string) bool {
	a, err1 := url.Parse(raw)
	b, err2 := url.Parse(origin)
	if err1 != nil || err2 != nil || a.Host == "" {
		return false
	}
	sameHost := strings.EqualFold(a.Hostname(), b.Hostname()) || (isLoopback(a.Hostname()) && isLoopback(b.Hostname()))
	return strings.EqualFold(a.Scheme, b.Scheme) && sameHost && portOf(a) == portOf(b)
}

// isLoopback reports the names of this machine's loopback interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}
