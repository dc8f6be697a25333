package imaging

import (
	"fmt"

	"github.com/h2non/bimg"
)

// Encoding qualities: 85 keeps faces and small print sharp at a fraction of the size; the
// small intermediate of a sideways photo is kept near-lossless because it is encoded again.
const (
	jpegQuality         = 85
	intermediateQuality = 95
)

// builtinSRGB names libvips' built-in sRGB profile, so no profile file is needed on disk.
const builtinSRGB = "srgb"

// convert validates the pixel data, renders the normalised JPEG and checks that it has the
// planned size and is in colour. It runs inside a slot. A failure after the file has been
// validated is libvips' problem, not the user's, but only another image helps them, so it
// is the "cannot process" message rather than a server error.
func convert(src source, pl plan) (Result, error) {
	if err := validate(src.format, src.data); err != nil {
		return Result{}, errCorrupt(err)
	}
	out, err := render(src, pl)
	if err != nil {
		return Result{}, errCorrupt(err)
	}
	md, err := bimg.Metadata(out)
	if err != nil {
		return Result{}, errUnprocessable(fmt.Errorf("reading our own output: %w", err))
	}
	if md.Size.Width != pl.outW || md.Size.Height != pl.outH {
		return Result{}, errUnprocessable(fmt.Errorf("output is %d×%d, planned %d×%d",
			md.Size.Width, md.Size.Height, pl.outW, pl.outH))
	}
	colour, err := isColour(out, pl.outW, pl.outH)
	if err != nil {
		return Result{}, errUnprocessable(err)
	}
	if !colour {
		return Result{}, invalid(msgGrayscale)
	}
	return Result{JPEG: out, Width: pl.outW, Height: pl.outH}, nil
}

// render produces the final JPEG. Resizing and cropping always run on the pixels as stored,
// so that bimg can shrink JPEG and WebP on load; a photo stored sideways is turned only
// once it is small. Turning first would hold the whole decoded image and its rotated copy
// in memory (about 100 MB for a 12 MP photo), and bimg's own rotation path re-reads an
// unrotated WebP and drops the ICC profile of a rotated JPEG before converting colours.
func render(src source, pl plan) ([]byte, error) {
	convertProfile := src.profile && src.space == "srgb"
	if src.orientation == 1 {
		return encode(src.data, resizeOptions(pl, src.width, src.height, jpegQuality), convertProfile)
	}
	storedW, storedH := upright(src.width, src.height, src.orientation)
	stored, data := pl.toStored(src.orientation), src.data
	if stored.resizes(storedW, storedH) {
		var err error
		o := resizeOptions(stored, storedW, storedH, intermediateQuality)
		if data, err = encode(data, o, convertProfile); err != nil {
			return nil, err
		}
		convertProfile = false
	}
	o := baseOptions(jpegQuality)
	o.Rotate, o.Flip = orientationOps(src.orientation)
	return encode(data, o, convertProfile)
}

// baseOptions are the bimg options every pass shares: an sRGB JPEG without metadata,
// transparent PNG areas flattened onto white as on a printed form, and bimg's automatic
// rotation off because render turns images itself.
func baseOptions(quality int) bimg.Options {
	return bimg.Options{
		Type:           bimg.JPEG,
		Quality:        quality,
		StripMetadata:  true,
		NoAutoRotate:   true,
		Interpretation: bimg.InterpretationSRGB,
		Background:     bimg.Color{R: 255, G: 255, B: 255},
	}
}

// resizeOptions turns a plan for a w×h image into bimg options. The exact target size is
// given (bimg then scales both axes to it, which keeps the aspect because the plan does)
// and the crop is an explicit area, so bimg's own gravity and enlarge rules never apply.
func resizeOptions(pl plan, w, h, quality int) bimg.Options {
	o := baseOptions(quality)
	if pl.resizes(w, h) {
		o.Width, o.Height = pl.scaleW, pl.scaleH
	}
	if pl.crops() {
		o.Left, o.Top, o.AreaWidth, o.AreaHeight = pl.left, pl.top, pl.outW, pl.outH
	}
	return o
}

// encode runs one bimg pass. When the image carries an RGB ICC profile (Display P3 on many
// phones) the pixels are first converted to sRGB, since stripping the profile alone would
// shift the colours; if the embedded profile is broken, the pass is retried without it
// rather than rejecting a good photo.
func encode(data []byte, o bimg.Options, convertProfile bool) ([]byte, error) {
	if convertProfile {
		o.OutputICC = builtinSRGB
		out, err := bimg.Resize(data, o)
		if err == nil {
			return out, nil
		}
		o.OutputICC, o.NoProfile = "", true
	}
	return bimg.Resize(data, o)
}
