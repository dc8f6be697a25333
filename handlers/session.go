package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Sessions are kept in a fiber.Storage (in memory today; gofiber/storage/redis is the seam
// beyond one VM, DESIGN.md 10) like fiber's session middleware kept them, but encoded with
// the small codec below instead of gob: fiber gob-decoded and -encoded the session on
// every request, a fresh gob stream with its type descriptions each time, which cost more
// CPU than rendering the page (issue 15). A request that changes nothing stores the bytes
// it loaded, only to renew the idle expiry.
//
// SECURITY.md 9: 256-bit ids from crypto/rand, HttpOnly, SameSite=Lax, Secure and the
// __Host- name behind HTTPS, idle expiry renewed by every request, a new id at login
// (Regenerate), deleted at logout (Reset). Values are strings and integers.

// sessionIdle is how long an unused session lives.
const sessionIdle = 30 * time.Minute

type sessionStore struct {
	storage fiber.Storage
	cookie  string
	secure  bool
}

// Session is one request's copy of a visitor's session.
type Session struct {
	st    *sessionStore
	c     *fiber.Ctx
	id    string
	vals  map[string]any
	raw   []byte // the stored encoding of vals, nil once they changed
	dirty bool
}

// get returns the session named by the request's cookie, or a new empty one.
func (st *sessionStore) get(c *fiber.Ctx) (*Session, error) {
	ss := &Session{st: st, c: c}
	if id := c.Request().Header.Cookie(st.cookie); len(id) > 0 {
		raw, err := st.storage.Get(string(id))
		if err != nil {
			return nil, err
		}
		if raw != nil {
			if ss.vals, err = decodeSession(raw); err != nil {
				return nil, err
			}
			ss.id, ss.raw = string(id), raw
			return ss, nil
		}
	}
	ss.id = newSessionID()
	return ss, nil
}

func newSessionID() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ID is the session id (the cookie's value).
func (s *Session) ID() string { return s.id }

// Get returns a value, or nil.
func (s *Session) Get(key string) any { return s.vals[key] }

// Set stores a string or an integer.
func (s *Session) Set(key string, val any) {
	if s.vals == nil {
		s.vals = map[string]any{}
	}
	s.vals[key], s.raw, s.dirty = val, nil, true
}

// Delete removes a value.
func (s *Session) Delete(key string) {
	if _, ok := s.vals[key]; ok {
		delete(s.vals, key)
		s.raw, s.dirty = nil, true
	}
}

// Regenerate moves the values to a new id and deletes the old one (login, privilege change).
func (s *Session) Regenerate() error {
	err := s.st.storage.Delete(s.id)
	s.id, s.dirty = newSessionID(), true
	return err
}

// Reset deletes the session and its cookie; the rest of the request gets an empty session
// under a new id, stored only if something is set in it.
func (s *Session) Reset() error {
	err := s.st.storage.Delete(s.id)
	s.id, s.vals, s.raw, s.dirty = newSessionID(), nil, nil, false
	s.cookie("", -1)
	return err
}

// Save stores a session that holds anything, renewing its idle expiry, and sends its
// cookie; loadSession calls it at the end of every request.
func (s *Session) Save() error {
	if len(s.vals) == 0 {
		if s.dirty { // its last value was deleted
			return s.st.storage.Delete(s.id)
		}
		return nil
	}
	if s.raw == nil {
		raw, err := encodeSession(s.vals)
		if err != nil {
			return err
		}
		s.raw = raw
	}
	if err := s.st.storage.Set(s.id, s.raw, sessionIdle); err != nil {
		return err
	}
	s.cookie(s.id, int(sessionIdle.Seconds()))
	return nil
}

// cookie sets the session cookie; maxAge < 0 deletes it.
func (s *Session) cookie(value string, maxAge int) {
	ck := &fiber.Cookie{Name: s.st.cookie, Value: value, Path: "/", MaxAge: maxAge, Secure: s.st.secure,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode}
	if maxAge < 0 {
		ck.Expires = time.Unix(0, 0)
	}
	s.c.Cookie(ck)
}

// The codec: per value, the key's length (one byte) and the key, a kind byte, then a
// string as a uvarint length and its bytes, an integer as a varint.
const (
	sessString byte = 's'
	sessInt    byte = 'i'
	sessInt64  byte = 'l'
)

func encodeSession(vals map[string]any) ([]byte, error) {
	b := make([]byte, 0, 128)
	for k, v := range vals {
		if len(k) > 255 {
			return nil, fmt.Errorf("session key %.20q too long", k)
		}
		b = append(append(b, byte(len(k))), k...)
		switch v := v.(type) {
		case string:
			b = binary.AppendUvarint(append(b, sessString), uint64(len(v)))
			b = append(b, v...)
		case int:
			b = binary.AppendVarint(append(b, sessInt), int64(v))
		case int64:
			b = binary.AppendVarint(append(b, sessInt64), v)
		default:
			return nil, fmt.Errorf("session value %q of type %T", k, v)
		}
	}
	return b, nil
}

var errSessionData = errors.New("damaged session data")

func decodeSession(b []byte) (map[string]any, error) {
	vals := make(map[string]any, 6)
	for len(b) > 0 {
		n := int(b[0])
		if len(b) < 2+n {
			return nil, errSessionData
		}
		k, kind := string(b[1:1+n]), b[1+n]
		b = b[2+n:]
		switch kind {
		case sessString:
			l, m := binary.Uvarint(b)
			if m <= 0 || uint64(len(b)-m) < l {
				return nil, errSessionData
			}
			vals[k], b = string(b[m:m+int(l)]), b[m+int(l):]
		case sessInt, sessInt64:
			x, m := binary.Varint(b)
			if m <= 0 {
				return nil, errSessionData
			}
			if kind == sessInt {
				vals[k] = int(x)
			} else {
				vals[k] = x
			}
			b = b[m:]
		default:
			return nil, errSessionData
		}
	}
	return vals, nil
}
