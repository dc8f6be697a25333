package qr

import (
	"strings"
	"testing"
)

// finder is the 7×7 position pattern that sits in three corners of every QR code.
var finder = []string{
	"#######",
	"#.....#",
	"#.###.#",
	"#.###.#",
	"#.###.#",
	"#.....#",
	"#######",
}

func TestMatrixIsAWellFormedQRCode(t *testing.T) {
	for _, content := range []string{
		"https://sitepro.test/v/AbCdEfGhIjKlMnOpQrStUv",
		"https://sitepro.example.cn/v/0123456789abcdefghij_-",
		"x",
		strings.Repeat("长", MaxLen/3),
	} {
		m, err := Matrix(content)
		if err != nil {
			t.Fatalf("Matrix(%.20q): %v", content, err)
		}
		checkShape(t, m)
		checkFinders(t, m)
		checkTiming(t, m)
		checkFormatInfo(t, m)
		again, _ := Matrix(content)
		if render(again) != render(m) {
			t.Fatalf("Matrix(%.20q) is not deterministic", content)
		}
	}
}

func TestMatrixDiffersByContent(t *testing.T) {
	a, _ := Matrix("https://sitepro.test/v/aaaaaaaaaaaaaaaaaaaaaa")
	b, _ := Matrix("https://sitepro.test/v/aaaaaaaaaaaaaaaaaaaaab")
	if render(a) == render(b) {
		t.Fatal("different content gave the same code")
	}
}

func TestMatrixRejectsEmptyAndOverlongContent(t *testing.T) {
	for _, content := range []string{"", strings.Repeat("a", MaxLen+1)} {
		if m, err := Matrix(content); err == nil || m != nil {
			t.Errorf("Matrix(%d bytes) = %d rows, %v; want an error", len(content), len(m), err)
		}
	}
}

func checkShape(t *testing.T, m [][]bool) {
	t.Helper()
	n := len(m)
	side := n - 2*QuietZone
	if side < 21 || side > 177 || (side-17)%4 != 0 {
		t.Fatalf("matrix of %d rows is not a QR version (side %d)", n, side)
	}
	for y, row := range m {
		if len(row) != n {
			t.Fatalf("row %d has %d modules, want %d", y, len(row), n)
		}
		for x, dark := range row {
			inQuiet := x < QuietZone || y < QuietZone || x >= n-QuietZone || y >= n-QuietZone
			if inQuiet && dark {
				t.Fatalf("dark module in the quiet zone at %d,%d", x, y)
			}
		}
	}
}

func checkFinders(t *testing.T, m [][]bool) {
	t.Helper()
	far := len(m) - QuietZone - 7
	for _, corner := range [][2]int{{QuietZone, QuietZone}, {far, QuietZone}, {QuietZone, far}} {
		for dy, line := range finder {
			for dx, c := range line {
				if got := m[corner[1]+dy][corner[0]+dx]; got != (c == '#') {
					t.Fatalf("finder at %v broken at %d,%d", corner, dx, dy)
				}
			}
		}
	}
}

// checkTiming checks the alternating row and column between the finder patterns.
func checkTiming(t *testing.T, m [][]bool) {
	t.Helper()
	q := QuietZone
	for i := 8; i < len(m)-2*q-8; i++ {
		want := i%2 == 0
		if m[q+6][q+i] != want || m[q+i][q+6] != want {
			t.Fatalf("timing pattern broken at %d", i)
		}
	}
}

// checkFormatInfo reads both copies of the 15-bit format information, checks they agree,
// that they are a valid BCH codeword and that they announce error correction level M.
func checkFormatInfo(t *testing.T, m [][]bool) {
	t.Helper()
	q, n := QuietZone, len(m)-2*QuietZone
	at := func(x, y int) int {
		if m[q+y][q+x] {
			return 1
		}
		return 0
	}
	var first, second int
	for i := 0; i < 15; i++ {
		var x, y int
		switch {
		case i <= 5:
			x, y = 8, i
		case i == 6:
			x, y = 8, 7
		case i == 7:
			x, y = 8, 8
		case i == 8:
			x, y = 7, 8
		default:
			x, y = 14-i, 8
		}
		first |= at(x, y) << i
		if i <= 7 {
			second |= at(n-1-i, 8) << i
		} else {
			second |= at(8, n-7+i-8) << i
		}
	}
	if first != second {
		t.Fatalf("format information copies differ: %015b vs %015b", first, second)
	}
	f := first ^ 0x5412
	data := f >> 10
	rem := data << 10
	for bit := 14; bit >= 10; bit-- {
		if rem&(1<<bit) != 0 {
			rem ^= 0x537 << (bit - 10)
		}
	}
	if rem != f&0x3ff {
		t.Fatalf("format information %015b is not a BCH codeword", first)
	}
	if level := data >> 3; level != 0 { // 00 is level M
		t.Fatalf("error correction level bits %02b, want 00 (M)", level)
	}
	if at(8, n-8) != 1 {
		t.Fatal("the always-dark module is light")
	}
}

func render(m [][]bool) string {
	var b strings.Builder
	for _, row := range m {
		for _, d := range row {
			if d {
				b.WriteByte('#')
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
