package imaging_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/h2non/bimg"

	"sitepro/domain"
	"sitepro/imaging"
)

// Messages the tests pin down; they are the user-facing contract of the package.
const (
	wantEmpty     = "文件是空的，请重新选择照片"
	wantFormat    = "这个文件不是 JPG、PNG 或 WebP 格式的图片（或者已经损坏），请重新拍摄或选择一张照片"
	wantCorrupt   = "图片文件已损坏或不完整，请重新拍摄或选择"
	wantGrayscale = "请上传彩色照片"
	wantBusy      = "系统繁忙，请稍后再试"
)

func newPipeline(t testing.TB, opts imaging.Options) *imaging.Pipeline {
	t.Helper()
	return imaging.New(opts)
}

// userError returns the code and user-facing message of err, failing if err is not a
// domain error.
func userError(t *testing.T, err error) (domain.Code, string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a domain error", err, err)
	}
	return de.Code, de.Message
}

// wantRejected asserts that err is a validation error whose message contains want.
func wantRejected(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want rejection %q", want)
	}
	code, msg := userError(t, err)
	if code != domain.CodeInvalid || !strings.Contains(msg, want) {
		t.Fatalf("got %s %q (%v); want invalid %q", code, msg, err, want)
	}
}

// wantClean asserts a successful result of the given size that carries no metadata.
func wantClean(t *testing.T, res imaging.Result, err error, w, h int) {
	t.Helper()
	if err != nil {
		t.Fatalf("rejected: %v", err)
	}
	if res.Width != w || res.Height != h {
		t.Fatalf("result says %d×%d; want %d×%d", res.Width, res.Height, w, h)
	}
	md, err := bimg.Metadata(res.JPEG)
	if err != nil {
		t.Fatal(err)
	}
	if md.Type != "jpeg" || md.Size.Width != w || md.Size.Height != h {
		t.Fatalf("output is %s %d×%d; want jpeg %d×%d", md.Type, md.Size.Width, md.Size.Height, w, h)
	}
	if md.Profile || md.EXIF != (bimg.EXIF{}) || md.Orientation != 0 {
		t.Fatalf("output keeps metadata: profile=%v exif=%+v", md.Profile, md.EXIF)
	}
	for _, marker := range []string{"Exif", "GPS", "ICC_PROFILE", "SECRET", "PERSONAL"} {
		if bytes.Contains(res.JPEG, []byte(marker)) {
			t.Fatalf("output contains %q", marker)
		}
	}
	if md.Space != "srgb" || md.Channels != 3 {
		t.Fatalf("output is %s with %d channels; want srgb with 3", md.Space, md.Channels)
	}
}

func TestHostileCorpusIsRejectedWithClearMessages(t *testing.T) {
	p := newPipeline(t, imaging.Options{})
	photo := encodeJPEG(t, colourImage(800, 600), 90)
	pngPhoto := encodePNG(t, colourImage(800, 600))
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, colourImage(64, 64), nil); err != nil {
		t.Fatal(err)
	}
	huge := make([]byte, 30<<20)
	copy(huge, photo)
	brokenScan := append([]byte{}, photo...)
	for i := len(photo) / 3; i < len(photo)/3+64; i++ {
		brokenScan[i] = 0xFF // a marker storm inside the entropy-coded data
	}

	cases := []struct {
		name string
		kind imaging.Kind
		data []byte
		want string
	}{
		{"empty file", imaging.Portrait, nil, wantEmpty},
		{"30 MB file", imaging.Portrait, huge, "10 MB"},
		{"SVG", imaging.Portrait, []byte(svgFile), wantFormat},
		{"PDF", imaging.Document, []byte(pdfFile), wantFormat},
		{"BMP", imaging.Portrait, minimalBMP(), wantFormat},
		{"GIF", imaging.Portrait, gifBuf.Bytes(), wantFormat},
		{"HTML renamed .jpg", imaging.Portrait, []byte(htmlFile), wantFormat},
		{"HEIC", imaging.Portrait, []byte(heicFile), wantFormat},
		{"TIFF", imaging.Document, []byte(tiffFile), wantFormat},
		{"tiny", imaging.Portrait, photo[:8], wantFormat},
		{"truncated JPEG", imaging.Document, photo[:len(photo)*6/10], wantCorrupt},
		{"JPEG cut after the header", imaging.Document, photo[:700], wantCorrupt},
		{"JPEG without EOI", imaging.Document, photo[:len(photo)-2], wantCorrupt},
		{"JPEG with a corrupt scan", imaging.Document, brokenScan, wantCorrupt},
		{"truncated PNG", imaging.Document, pngPhoto[:len(pngPhoto)/2], wantCorrupt},
		{"PNG with a bad CRC", imaging.Document, flipByte(pngPhoto, 40), wantCorrupt},
		{"PNG with truncated pixel data", imaging.Document, truncatedIDAT(t, pngPhoto), wantCorrupt},
		{"truncated WebP", imaging.Document, webpOf(t, photo)[:2000], wantCorrupt},
		{"pixel bomb PNG", imaging.Portrait, pixelBombPNG(t), "50000×50000"},
		{"grayscale scan", imaging.Document, encodeJPEG(t, toGray(grayScan(1240, 1754, [3]int{})), 85), wantGrayscale},
		{"tinted black-and-white scan", imaging.Document, encodeJPEG(t, grayScan(1240, 1754, [3]int{8, 3, -10}), 85), wantGrayscale},
		{"desaturated photo", imaging.Portrait, encodeJPEG(t, desaturate(colourImage(1200, 1600)), 85), wantGrayscale},
		{"grayscale PNG", imaging.Portrait, encodePNG(t, toGray(grayScan(600, 800, [3]int{}))), wantGrayscale},
		{"portrait too small", imaging.Portrait, encodeJPEG(t, colourImage(300, 400), 90), "358×441"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Normalize(context.Background(), tc.kind, tc.data)
			wantRejected(t, err, tc.want)
		})
	}
	// The server keeps serving: a good photo still works after the whole corpus.
	res, err := p.Normalize(context.Background(), imaging.Document, photo)
	wantClean(t, res, err, 800, 600)
}

func TestPixelBombIsRejectedFromTheHeaderWithoutASlot(t *testing.T) {
	p := newPipeline(t, imaging.Options{MaxConcurrent: 1})
	bomb := pixelBombPNG(t)
	if len(bomb) > 2048 {
		t.Fatalf("bomb is %d bytes; want about 1.5 KB", len(bomb))
	}
	// With every slot taken, anything that reached decoding would report "busy"; the bomb
	// must be refused by the header check before that.
	release := p.HoldSlots(1)
	defer release()
	_, err := p.Normalize(context.Background(), imaging.Portrait, bomb)
	wantRejected(t, err, "图片尺寸过大（50000×50000 像素，最多 4000 万像素）")
}

func TestLargePhotoBecomesStandardPortraitAndDocument(t *testing.T) {
	p := newPipeline(t, imaging.Options{})
	data := photo4000()
	res, err := p.Normalize(context.Background(), imaging.Portrait, data)
	wantClean(t, res, err, 358, 441)
	res, err = p.Normalize(context.Background(), imaging.Document, data)
	wantClean(t, res, err, 1600, 1200)
}

func TestSmallDocumentIsNotUpscaled(t *testing.T) {
	p := newPipeline(t, imaging.Options{})
	res, err := p.Normalize(context.Background(), imaging.Document, encodeJPEG(t, colourImage(800, 600), 90))
	wantClean(t, res, err, 800, 600)
	res, err = p.Normalize(context.Background(), imaging.Document, encodeJPEG(t, colourImage(900, 3000), 90))
	wantClean(t, res, err, 480, 1600)
}

func TestGPSPhotoIsAcceptedAndStripped(t *testing.T) {
	p := newPipeline(t, imaging.Options{})
	data := encodeJPEG(t, colourImage(1600, 1200), 90, exifSegment("SECRET-PHONE", 1, true))
	md, err := bimg.Metadata(data)
	if err != nil {
		t.Fatal(err)
	}
	if md.EXIF.GPSLatitude == "" || md.EXIF.Make == "" {
		t.Fatalf("fixture has no GPS EXIF: %+v", md.EXIF)
	}
	for _, kind := range []imaging.Kind{imaging.Portrait, imaging.Document} {
		res, err := p.Normalize(context.Background(), kind, data)
		w, h := 358, 441
		if kind == imaging.Document {
			w, h = 1600, 1200
		}
		wantClean(t, res, err, w, h)
	}
}

func TestEmbeddedICCProfileIsConvertedAndStripped(t *testing.T) {
	p := newPipeline(t, imaging.Options{})
	for name, profile := range map[string][]byte{
		"wide gamut": rgbProfile("PERSONAL 张三 13800138000"),
		"garbage":    append([]byte("PERSONAL"), bytes.Repeat([]byte{0xA5}, 300)...),
	} {
		t.Run(name, func(t *testing.T) {
			data := encodeJPEG(t, colourImage(1200, 1600), 90, iccSegment(profile))
			if md, err := bimg.Metadata(data); err != nil || !md.Profile {
				t.Fatalf("fixture has no profile: %v", err)
			}
			res, err := p.Normalize(context.Background(), imaging.Portrait, data)
			wantClean(t, res, err, 358, 441)
		})
	}
}

func TestOrientationIsApplied(t *testing.T) {
	p := newPipeline(t, imaging.Options{})
	// Stored sideways (red left, blue right) with orientation 6: displayed, red is on top.
	jpg := encodeJPEG(t, halves(1600, 1200), 92, exifSegment("Phone", 6, true))
	cases := []struct {
		name string
		kind imaging.Kind
		data []byte
		w, h int
	}{
		{"JPEG document", imaging.Document, jpg, 1200, 1600},
		{"JPEG portrait", imaging.Portrait, jpg, 358, 441},
		{"WebP portrait", imaging.Portrait, webpKeepingEXIF(t, jpg), 358, 441},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if md, err := bimg.Metadata(tc.data); err != nil || md.Orientation != 6 {
				t.Fatalf("fixture orientation %d, %v; want 6", md.Orientation, err)
			}
			res, err := p.Normalize(context.Background(), tc.kind, tc.data)
			wantClean(t, res, err, tc.w, tc.h)
			img, err := jpeg.Decode(bytes.NewReader(res.JPEG))
			if err != nil {
				t.Fatal(err)
			}
			wantColour(t, img, tc.w/2, tc.h/8, "red")
			wantColour(t, img, tc.w/2, tc.h*7/8, "blue")
		})
	}
}

func TestOtherAcceptedInputs(t *testing.T) {
	p := newPipeline(t, imaging.Options{})
	withAlpha := image.NewNRGBA(image.Rect(0, 0, 500, 600))
	src := colourImage(500, 600)
	for i := range withAlpha.Pix {
		withAlpha.Pix[i] = src.Pix[i]
		if i%4 == 3 && (i/4)%500 < 100 {
			withAlpha.Pix[i] = 0 // a transparent stripe
		}
	}
	deep := image.NewNRGBA64(image.Rect(0, 0, 600, 500))
	for y := range 500 {
		for x := range 600 {
			deep.SetNRGBA64(x, y, color.NRGBA64{uint16(x * 100), uint16(y * 120), 30000, 0xFFFF})
		}
	}
	cases := []struct {
		name string
		kind imaging.Kind
		data []byte
		w, h int
	}{
		{"PNG with alpha", imaging.Portrait, encodePNG(t, withAlpha), 358, 441},
		{"16-bit PNG", imaging.Document, encodePNG(t, deep), 600, 500},
		{"WebP", imaging.Portrait, webpOf(t, photo1600()), 358, 441},
		{"muted colour portrait", imaging.Portrait, encodeJPEG(t, mutedPortrait(900, 1200), 85), 358, 441},
		{"exact portrait size", imaging.Portrait, encodeJPEG(t, colourImage(358, 441), 90), 358, 441},
		{"JPEG with trailer after EOI", imaging.Document, append(encodeJPEG(t, colourImage(640, 480), 90), "MPF trailer"...), 640, 480},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := p.Normalize(context.Background(), tc.kind, tc.data)
			wantClean(t, res, err, tc.w, tc.h)
		})
	}
}

// wantColour checks that the pixel at (x, y) is clearly red or clearly blue.
func wantColour(t *testing.T, img image.Image, x, y int, want string) {
	t.Helper()
	r, _, b, _ := img.At(x, y).RGBA()
	got := "other"
	switch {
	case r>>8 > 150 && b>>8 < 100:
		got = "red"
	case b>>8 > 150 && r>>8 < 100:
		got = "blue"
	}
	if got != want {
		t.Fatalf("pixel (%d,%d) is %s (r=%d b=%d); want %s", x, y, got, r>>8, b>>8, want)
	}
}

// webpOf converts a JPEG to WebP with libvips.
func webpOf(t testing.TB, jpg []byte) []byte {
	t.Helper()
	out, err := bimg.Resize(jpg, bimg.Options{Type: bimg.WEBP, Quality: 90})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// webpKeepingEXIF converts a JPEG to WebP without applying its orientation, so the EXIF
// orientation travels into the WebP.
func webpKeepingEXIF(t testing.TB, jpg []byte) []byte {
	t.Helper()
	out, err := bimg.Resize(jpg, bimg.Options{Type: bimg.WEBP, Quality: 90, NoAutoRotate: true})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// toGray converts to a one-channel image, which Go encodes as a grayscale JPEG or PNG.
func toGray(src image.Image) *image.Gray {
	g := image.NewGray(src.Bounds())
	for y := src.Bounds().Min.Y; y < src.Bounds().Max.Y; y++ {
		for x := src.Bounds().Min.X; x < src.Bounds().Max.X; x++ {
			g.Set(x, y, src.At(x, y))
		}
	}
	return g
}

func flipByte(b []byte, i int) []byte {
	out := append([]byte{}, b...)
	out[i] ^= 0x5A
	return out
}

// truncatedIDAT keeps the PNG's chunk structure valid (lengths and CRCs) but cuts the
// compressed pixel data in half, so only the decoder can notice.
func truncatedIDAT(t *testing.T, b []byte) []byte {
	t.Helper()
	out := append([]byte{}, b[:8]...)
	for i := 8; i+8 <= len(b); {
		n := int(uint32(b[i])<<24 | uint32(b[i+1])<<16 | uint32(b[i+2])<<8 | uint32(b[i+3]))
		typ, data := string(b[i+4:i+8]), b[i+8:i+8+n]
		if typ == "IDAT" {
			data = data[:n/2]
		}
		out = append(out, pngChunk(typ, data)...)
		i += 12 + n
	}
	return out
}
