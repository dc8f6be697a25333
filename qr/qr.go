package qr

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// QuietZone is the width in modules of the light border every matrix includes; scanners
// need it to find the code on a busy background.
const QuietZone = 4

// MaxLen is the longest content accepted. Verification links are far shorter; the bound
// keeps a code small enough to scan from a phone screen.
const MaxLen = 512

// Matrix returns the QR code for content as rows of modules, true for dark, including the
// quiet zone. It uses error correction level M (15 %), which survives a scratched print
// while keeping the code coarse. The matrix is square and freshly allocated.
func Matrix(content string) ([][]bool, error) {
	if content == "" {
		return nil, fmt.Errorf("qr: empty content")
	}
	if len(content) > MaxLen {
		return nil, fmt.Errorf("qr: content of %d bytes is longer than %d", len(content), MaxLen)
	}
	code, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	return code.Bitmap(), nil
}
