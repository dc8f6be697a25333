package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"

	"github.com/h2non/bimg"
)

// thumbSide is the long side of the thumbnail that colour is measured on: enough pixels for
// stable statistics, few enough to cost well under a millisecond.
const thumbSide = 64

// minThumbSide keeps both sides of the thumbnail well clear of the 0- and 1-pixel results
// on which libvips' resize fails or aborts.
const minThumbSide = 8

// minColourfulness is the Hasler–Süsstrunk colourfulness below which an image counts as
// black and white. Grey images score 0–2 and black-and-white scans with a warm or cold cast
// 3–7, while a face on a plain background scores above 20 (the paper calls 15 "slightly
// colourful").
const minColourfulness = 10.0

// isColour measures colourfulness on a small PNG thumbnail of the normalised JPEG. The
// interpretation field is not enough: a desaturated photo or a tinted scan is saved as an
// ordinary three-channel sRGB image.
func isColour(jpeg []byte, w, h int) (bool, error) {
	tw, th := thumbSize(w, h)
	o := baseOptions(0)
	o.Type, o.Width, o.Height = bimg.PNG, tw, th
	thumb, err := bimg.Resize(jpeg, o)
	if err != nil {
		return false, fmt.Errorf("imaging: colour thumbnail: %w", err)
	}
	img, err := png.Decode(bytes.NewReader(thumb))
	if err != nil {
		return false, fmt.Errorf("imaging: colour thumbnail: %w", err)
	}
	return colourfulness(img) >= minColourfulness, nil
}

// colourfulness is the metric of Hasler and Süsstrunk (2003) on 8-bit sRGB values: the
// spread of the opponent channels R−G and (R+G)/2−B plus 0.3 times their mean. A grey
// image scores 0; a uniform cast adds only the small mean term, while real colour also
// spreads the opponent channels, so varied hues score high.
func colourfulness(img image.Image) float64 {
	var n, sumRG, sumYB, sqRG, sqYB float64
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r16, g16, b16, _ := img.At(x, y).RGBA()
			r, g, bl := float64(r16>>8), float64(g16>>8), float64(b16>>8)
			rg, yb := r-g, (r+g)/2-bl
			n++
			sumRG += rg
			sumYB += yb
			sqRG += rg * rg
			sqYB += yb * yb
		}
	}
	if n == 0 {
		return 0
	}
	mRG, mYB := sumRG/n, sumYB/n
	varRG := math.Max(0, sqRG/n-mRG*mRG)
	varYB := math.Max(0, sqYB/n-mYB*mYB)
	return math.Sqrt(varRG+varYB) + 0.3*math.Sqrt(mRG*mRG+mYB*mYB)
}
