package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
)

// Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): a
// browser in which an account signed in successfully gets a signed cookie naming that
// account. Failed logins from such a device count against the cookie alone, so a stranger
// who throttles the account from elsewhere cannot lock its owner out (SECURITY.md 8).
//
// The cookie is "<userID>.<nonce>.<issued unix>.<HMAC-SHA256>", base64url where binary:
// the user ID is the random internal ID, never the ID number. The HMAC key is a server
// secret kept in the store, so cookies survive restarts.
const (
	deviceCookieLife = 365 * 24 * time.Hour
	deviceKeyName    = "device-cookie"
)

// deviceKeys loads the HMAC key once; a store that cannot give it (e.g. a full disk on
// first use) only means devices are not trusted for a while, never a failed login.
type deviceKeys struct {
	mu  sync.Mutex
	key []byte
}

func (s *Server) deviceKey() []byte {
	s.devKeys.mu.Lock()
	defer s.devKeys.mu.Unlock()
	if s.devKeys.key == nil {
		k, err := s.d.Store.SecretKey(deviceKeyName)
		if err != nil {
			s.d.Log.Warn("device cookie key unavailable", "err", err.Error())
			return nil
		}
		s.devKeys.key = k
	}
	return s.devKeys.key
}

func (s *Server) deviceCookieName() string {
	if s.secure {
		return "__Host-sitepro_device"
	}
	return "sitepro_device"
}

func deviceMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// trustedDevice returns the nonce of a valid device cookie of u sent with the request, or
// "" when there is none (no cookie, a forged or expired one, another account's, or no
// such account).
func (s *Server) trustedDevice(c *fiber.Ctx, u domain.User) string {
	raw := c.Cookies(s.deviceCookieName())
	if raw == "" || u.ID == "" {
		return ""
	}
	i := strings.LastIndexByte(raw, '.')
	if i < 0 {
		return ""
	}
	payload, mac := raw[:i], raw[i+1:]
	parts := strings.Split(payload, ".")
	if len(parts) != 3 || parts[0] != u.ID {
		return ""
	}
	key := s.deviceKey()
	if key == nil || !hmac.Equal([]byte(mac), []byte(deviceMAC(key, payload))) {
		return ""
	}
	issued, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || s.d.Now().Sub(time.Unix(issued, 0)) > deviceCookieLife {
		return ""
	}
	return parts[1]
}

// trustDevice gives the browser a fresh device cookie for u after it proved the password
// (a successful login or registration).
func (s *Server) trustDevice(c *fiber.Ctx, u domain.User) {
	key := s.deviceKey()
	if key == nil {
		return
	}
	var n [16]byte
	_, _ = rand.Read(n[:])
	payload := u.ID + "." + base64.RawURLEncoding.EncodeToString(n[:]) + "." + strconv.FormatInt(s.d.Now().Unix(), 10)
	c.Cookie(&fiber.Cookie{
		Name: s.deviceCookieName(), Value: payload + "." + deviceMAC(key, payload), Path: "/",
		MaxAge: int(deviceCookieLife / time.Second), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: s.secure,
	})
}
