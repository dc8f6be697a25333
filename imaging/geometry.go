package imaging

import (
	"math"

	"github.com/h2non/bimg"
)

// The standard portrait size and the document limit. 358×441 is the size the certificate
// print-outs expect; documents keep their aspect and are only reduced.
const (
	portraitWidth    = 358
	portraitHeight   = 441
	documentLongSide = 1600

	// portraitTopShare is the share of the vertical excess cut from the top when a tall
	// photo is cropped: heads sit in the upper part of a portrait, so a centred crop would
	// cut hair and leave empty chest.
	portraitTopShare = 0.25
)

// plan is a resize followed by a crop: the upright source is scaled to scaleW×scaleH and
// the outW×outH window at (left, top) is kept.
type plan struct {
	scaleW, scaleH int
	left, top      int
	outW, outH     int
}

// crops reports whether the plan keeps only part of the scaled image.
func (pl plan) crops() bool { return pl.outW != pl.scaleW || pl.outH != pl.scaleH }

// resizes reports whether the plan changes a w×h image at all.
func (pl plan) resizes(w, h int) bool { return pl.scaleW != w || pl.scaleH != h || pl.crops() }

// toStored maps a plan made for the upright image onto the pixels as stored with the given
// EXIF orientation, so that resizing and cropping can run before the image is turned.
// render turns stored pixels upright by rotating clockwise and then flipping horizontally,
// so this undoes the flip and then the rotation, on the crop window and on the frame.
func (pl plan) toStored(orientation int) plan {
	angle, flip := orientationOps(orientation)
	fw, fh := pl.scaleW, pl.scaleH
	x, y, w, h := pl.left, pl.top, pl.outW, pl.outH
	if flip {
		x = fw - x - w
	}
	switch angle {
	case bimg.D90: // stored = upright turned 90° anticlockwise
		x, y, w, h, fw, fh = y, fw-x-w, h, w, fh, fw
	case bimg.D180:
		x, y = fw-x-w, fh-y-h
	case bimg.D270: // stored = upright turned 90° clockwise
		x, y, w, h, fw, fh = fh-y-h, x, h, w, fh, fw
	}
	return plan{scaleW: fw, scaleH: fh, left: x, top: y, outW: w, outH: h}
}

// planFor computes the geometry for kind from the upright source size. bimg would
// upscale or stretch if given a target size directly, so the size is decided here.
func planFor(kind Kind, w, h int) (plan, error) {
	if kind == Portrait {
		return planPortrait(w, h)
	}
	return planDocument(w, h), nil
}

// planPortrait fills 358×441 (cover), cropping the excess: horizontally centred,
// vertically weighted to the top. It never upscales, so smaller photos are refused.
func planPortrait(w, h int) (plan, error) {
	if w < portraitWidth || h < portraitHeight {
		return plan{}, errTooSmall()
	}
	s := math.Max(float64(portraitWidth)/float64(w), float64(portraitHeight)/float64(h))
	sw := max(portraitWidth, int(math.Round(float64(w)*s)))
	sh := max(portraitHeight, int(math.Round(float64(h)*s)))
	return plan{
		scaleW: sw, scaleH: sh,
		left: (sw - portraitWidth) / 2,
		top:  int(float64(sh-portraitHeight) * portraitTopShare),
		outW: portraitWidth, outH: portraitHeight,
	}, nil
}

// planDocument limits the long side to 1600 px, keeping the aspect and never upscaling,
// so that text on an ID card or diploma stays legible.
func planDocument(w, h int) plan {
	long := max(w, h)
	if long <= documentLongSide {
		return plan{scaleW: w, scaleH: h, outW: w, outH: h}
	}
	s := float64(documentLongSide) / float64(long)
	sw := max(1, int(math.Round(float64(w)*s)))
	sh := max(1, int(math.Round(float64(h)*s)))
	if w >= h {
		sw = documentLongSide
	} else {
		sh = documentLongSide
	}
	return plan{scaleW: sw, scaleH: sh, outW: sw, outH: sh}
}

// upright returns the displayed size of a w×h image with the given EXIF orientation:
// orientations 5 to 8 turn the image by a quarter.
func upright(w, h, orientation int) (int, int) {
	if orientation >= 5 && orientation <= 8 {
		return h, w
	}
	return w, h
}

// orientationOps maps an EXIF orientation to the clockwise rotation and horizontal flip
// that make the image upright; bimg rotates first and flips second.
func orientationOps(orientation int) (bimg.Angle, bool) {
	switch orientation {
	case 2:
		return bimg.D0, true
	case 3:
		return bimg.D180, false
	case 4:
		return bimg.D180, true
	case 5:
		return bimg.D90, true
	case 6:
		return bimg.D90, false
	case 7:
		return bimg.D270, true
	case 8:
		return bimg.D270, false
	}
	return bimg.D0, false
}
