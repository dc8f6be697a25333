package imaging

import (
	"fmt"

	"sitepro/domain"
)

// User-facing messages. Each one says what went wrong in words a trainee understands and
// what to do next.
const (
	msgEmpty     = "文件是空的，请重新选择照片"
	msgFormat    = "这个文件不是 JPG、PNG 或 WebP 格式的图片（或者已经损坏），请重新拍摄或选择一张照片"
	msgCorrupt   = "图片文件已损坏或不完整，请重新拍摄或选择"
	msgGrayscale = "请上传彩色照片"
	msgBusy      = "系统繁忙，请稍后再试"
	// msgUnprocessable answers a job that crashed or overran its worker process: the file
	// passed every check but libvips could not handle it, so only another image helps.
	msgUnprocessable = "图片无法处理，请换一张"
)

// flaw is a container problem found by the Go checks; it is a string type so that the
// values can be constants rather than package-level variables.
type flaw string

func (f flaw) Error() string { return string(f) }

// Container problems; both are shown to the user as a corrupt file.
const (
	errTruncated flaw = "image data ends early"
	errMalformed flaw = "image container is malformed"
)

// invalid returns a user-facing validation error.
func invalid(message string) *domain.Error {
	return domain.Err(domain.CodeInvalid, message)
}

// withCause keeps the technical cause for the log while errors.As still finds the
// user-facing domain error.
func withCause(user *domain.Error, cause error) error {
	return fmt.Errorf("imaging: %w: %w", user, cause)
}

// errCorrupt reports a file that libvips or the container checks could not read.
func errCorrupt(cause error) error {
	return withCause(invalid(msgCorrupt), cause)
}

// errBusy reports that no processing slot became free before the deadline. It is a
// throttling error rather than a validation error because the same file will work later.
func errBusy(cause error) error {
	return withCause(domain.Err(domain.CodeThrottled, msgBusy), cause)
}

// errTooLarge names the byte limit so that the user knows how far to compress.
func errTooLarge(maxBytes int) error {
	return invalid(fmt.Sprintf("图片文件不能超过 %s，请压缩后或换一张照片重新上传", formatBytes(maxBytes)))
}

// errTooManyPixels names the declared size and the limit.
func errTooManyPixels(width, height, maxPixels int) error {
	return invalid(fmt.Sprintf("图片尺寸过大（%d×%d 像素，最多 %s像素），请缩小后再上传",
		width, height, formatPixels(maxPixels)))
}

// errTooSmall reports a portrait that cannot fill the standard size without upscaling.
func errTooSmall() error {
	return invalid(fmt.Sprintf("照片尺寸太小（至少需要 %d×%d 像素），请上传更清晰的照片",
		portraitWidth, portraitHeight))
}

// errDocumentTooSmall names the size and the minimum short side of a document image.
func errDocumentTooSmall(w, h int) error {
	return invalid(fmt.Sprintf("图片太小（%d×%d 像素），证件或证书图片的短边至少需要 %d 像素，请拍得更近、更清晰后重新上传",
		w, h, minDocumentSide))
}

// errTooThin names the size and the largest aspect ratio allowed for kind.
func errTooThin(kind Kind, w, h, maxAspect int) error {
	what, todo := "证件或证书图片", "请裁掉多余的部分，或把证件放平后重新拍摄"
	if kind == Portrait {
		what, todo = "照片", "请上传一张正常比例的证件照"
	}
	return invalid(fmt.Sprintf("图片过于狭长（%d×%d 像素），%s的长边不能超过短边的 %d 倍，%s",
		w, h, what, maxAspect, todo))
}

// errUnprocessable reports a file that passed the checks but could not be processed: the
// worker crashed, overran its time or returned something unexpected.
func errUnprocessable(cause error) error {
	return withCause(invalid(msgUnprocessable), cause)
}

// formatBytes renders a byte limit in megabytes, the unit phones show.
func formatBytes(n int) string {
	const mb = 1 << 20
	if n%mb == 0 {
		return fmt.Sprintf("%d MB", n/mb)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/mb)
}

// formatPixels renders a pixel count in 万 (ten thousands), the unit Chinese users read.
func formatPixels(n int) string {
	if n >= 10000 && n%10000 == 0 {
		return fmt.Sprintf("%d 万", n/10000)
	}
	return fmt.Sprintf("%d ", n)
}
