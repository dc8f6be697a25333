package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"sitepro/domain"
)

// Throttle slows down repeated failures per key (an account or an IP) with a delay that
// doubles after a free allowance, instead of a hard lockout an attacker could trigger to
// lock a real user out (SECURITY.md 8). Entries are forgotten after a quiet period.
type Throttle struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]*strike
}

type strike struct {
	n     int
	last  time.Time
	until time.Time
}

// Limit is the free allowance and the longest delay for one kind of key.
type Limit struct {
	Free     int
	MaxDelay time.Duration
}

// The limits in use.
var (
	limitAccount = Limit{Free: 5, MaxDelay: 15 * time.Minute} // untrusted clients of one account
	limitDevice  = Limit{Free: 5, MaxDelay: 15 * time.Minute} // one trusted device (its device cookie)
	limitIP      = Limit{Free: 30, MaxDelay: 15 * time.Minute}
	limitSend    = Limit{Free: 5, MaxDelay: time.Hour} // reset/confirm mail per account
	// limitRegisterIP is generous: a whole training class may register from one office
	// or agency network behind a single IP.
	limitRegisterIP = Limit{Free: 300, MaxDelay: time.Hour}
	// limitTakenIP counts "该身份证号已注册" answers per IP, so that registration is no
	// free oracle for whether someone has an account; successful registrations do not
	// count, and a few mistaken re-registrations of a class stay free.
	limitTakenIP = Limit{Free: 10, MaxDelay: 15 * time.Minute}
	limitResetIP = Limit{Free: 50, MaxDelay: time.Hour}
)

const quiet = time.Hour

// NewThrottle returns an empty throttle using the given clock.
func NewThrottle(now func() time.Time) *Throttle {
	return &Throttle{now: now, m: map[string]*strike{}}
}

func throttleKey(kind, v string) string {
	h := sha256.Sum256([]byte(kind + "\x00" + v))
	return hex.EncodeToString(h[:12])
}

// Wait returns how long the key must still wait; zero means go ahead.
func (t *Throttle) Wait(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.m[key]
	if st == nil || now.After(st.until) {
		return 0
	}
	return st.until.Sub(now)
}

// Hit counts one failure (or one costly request) for key.
func (t *Throttle) Hit(key string, l Limit) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.m) > 100_000 {
		t.sweep(now)
	}
	st := t.m[key]
	if st == nil || now.Sub(st.last) > quiet {
		st = &strike{}
		t.m[key] = st
	}
	st.n++
	st.last = now
	if over := st.n - l.Free; over > 0 {
		d := time.Second << min(over-1, 20)
		st.until = now.Add(min(d, l.MaxDelay))
	}
}

// Clear forgets a key after a success.
func (t *Throttle) Clear(key string) {
	t.mu.Lock()
	delete(t.m, key)
	t.mu.Unlock()
}

func (t *Throttle) sweep(now time.Time) {
	for k, st := range t.m {
		if now.Sub(st.last) > quiet {
			delete(t.m, k)
		}
	}
}

// check returns a throttled error naming the wait when any of the keys must wait.
func (t *Throttle) check(keys ...string) error {
	var wait time.Duration
	for _, k := range keys {
		wait = max(wait, t.Wait(k))
	}
	if wait <= 0 {
		return nil
	}
	return domain.Err(domain.CodeThrottled, fmt.Sprintf("尝试次数过多。为保护账号安全，请 %s后再试。", waitCN(wait)))
}

func waitCN(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d 秒", int(d.Seconds()+0.999))
	}
	return fmt.Sprintf("%d 分钟", int(d.Minutes()+0.999))
}
