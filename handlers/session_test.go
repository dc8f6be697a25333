package handlers

import (
	"maps"
	"strings"
	"testing"
)

// The session codec (session.go) keeps every kind of value the handlers store, and any
// damaged encoding is refused, never a panic or a half-read session.
func TestSessionCodecRoundTripAndDamage(t *testing.T) {
	vals := map[string]any{kUser: "0123456789abcdef", kEpoch: 3, kBorn: int64(1764150000), kCSRF: randomToken(),
		kFlash: "已保存。请继续填写下一步。", "empty": "", "neg": -7, "long": strings.Repeat("长", 300)}
	raw, err := encodeSession(vals)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeSession(raw)
	if err != nil || !maps.Equal(got, vals) {
		t.Fatalf("round trip = %v, %v; want %v", got, err, vals)
	}
	for n := range len(raw) {
		if cut, err := decodeSession(raw[:n]); err == nil && len(cut) >= len(vals) {
			t.Fatalf("a session cut at %d of %d bytes decoded whole: %v", n, len(raw), cut)
		}
	}
	if _, err := decodeSession([]byte{1, 'k', 'x', 0}); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
	if _, err := encodeSession(map[string]any{"f": 1.5}); err == nil {
		t.Fatal("a float was encoded")
	}
}
