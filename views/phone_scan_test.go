package views

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// TestLeadingPhoneIsTheRegexp: the hand scan finds exactly what the pattern it replaced
// finds, on the support texts and on many random strings of digits, dashes and others.
func TestLeadingPhoneIsTheRegexp(t *testing.T) {
	re := regexp.MustCompile(`^\+?[0-9][0-9\-]{5,19}[0-9]`)
	cases := []string{"0371-12345678（工作日 9:00–17:00）", "+86-371-12345678", "12345", "1234567", "-123456789", "123456-", "", "0371-1234567-", "请拨打0371"}
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789--+ a"
	for range 20000 {
		b := make([]byte, r.IntN(30))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, c := range cases {
		if got, want := leadingPhone(c), re.FindString(c); got != want {
			t.Fatalf("leadingPhone(%q) = %q, the pattern finds %q", c, got, want)
		}
	}
}
