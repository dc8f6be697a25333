package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// The argon2id parameters required by SECURITY.md 6 (OWASP's second recommendation).
const (
	memoryKiB = 19456
	timeCost  = 2
	threads   = 1
	keyLen    = 32
	saltLen   = 16
)

// ErrMalformed means a stored hash is not a PHC argon2id string this package understands.
var ErrMalformed = errors.New("password: malformed hash")

// Hasher hashes and verifies passwords, at most Limit at a time.
type Hasher struct {
	slots chan struct{}
	dummy string
}

// NewHasher returns a hasher that runs at most limit argon2 computations concurrently.
func NewHasher(limit int) *Hasher {
	if limit < 1 {
		limit = 1
	}
	h := &Hasher{slots: make(chan struct{}, limit)}
	h.dummy = h.compute("sitepro-dummy-password", make([]byte, saltLen))
	return h
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns a PHC-format argon2id hash of pw with a fresh random salt.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.compute(pw, salt), nil
}

func (h *Hasher) compute(pw string, salt []byte) string {
	key := argon2.IDKey([]byte(pw), salt, timeCost, memoryKiB, threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, timeCost, threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether pw matches the PHC hash. An empty hash (unknown account) is
// checked against a dummy hash so that unknown accounts and wrong passwords take the same
// time (SECURITY.md 7).
func (h *Hasher) Verify(ctx context.Context, pw, phc string) (bool, error) {
	unknown := phc == ""
	if unknown {
		phc = h.dummy
	}
	p, err := parse(phc)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	key := argon2.IDKey([]byte(pw), p.salt, p.t, p.m, p.p, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1 && !unknown, nil
}

type params struct {
	m, t      uint32
	p         uint8
	salt, key []byte
}

func parse(phc string) (params, error) {
	var out params
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return out, ErrMalformed
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return out, ErrMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &out.m, &out.t, &out.p); err != nil {
		return out, ErrMalformed
	}
	var err error
	if out.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return out, ErrMalformed
	}
	if out.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(out.key) == 0 {
		return out, ErrMalformed
	}
	return out, nil
}
