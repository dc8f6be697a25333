package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"sitepro/store"
	"sitepro/views"
)

// refuseWhenLow answers unsafe requests with the store's 503 page while storage is low,
// before the handler does any work (an upload would be decoded by libvips first). The
// store refuses every write anyway (SECURITY.md 21); this saves the work and gives every
// form the same answer. Reads keep working.
func (s *Server) refuseWhenLow(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if readOnlyPost(c.Path()) || s.d.Store.WritesAllowed() {
		return c.Next()
	}
	return store.ErrNoSpace
}

// readOnlyPost lists the POST routes that write nothing to the store, so that they keep
// working while storage is low: signing in and out (the login's audit entry is then not
// written; the login handler already ignores a failed audit write), the ID-number preview
// of the registration form, and the public certificate lookup.
func readOnlyPost(path string) bool {
	switch path {
	case "/login", "/logout", "/register/id-preview", "/verify":
		return true
	}
	return false
}

// diskHealth is the free-space part of /healthz: a load balancer should take a node
// that refuses writes out of rotation.
func (s *Server) diskHealth() (string, bool) {
	sp := s.d.Store.Space()
	if sp.Low {
		return fmt.Sprintf("disk low: free %s, reserve %s; writes resume above %s", mib(sp.Free), mib(sp.Reserve), mib(sp.Resume)), false
	}
	return "", true
}

func mib(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// storageOf is the free-space reading shown to admins on the home page.
func (s *Server) storageOf() *views.Storage {
	sp := s.d.Store.Space()
	return &views.Storage{Low: sp.Low, Free: sp.Free, Reserve: sp.Reserve, Resume: sp.Resume}
}
