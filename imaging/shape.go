package imaging

// Shape rules, checked in Go on the size the container header declares, before libvips reads
// a single byte: libvips 8.14 fails an assertion and aborts the whole process on very thin
// images (a 124-byte 1600×4 PNG is enough), so no such image may reach it.
//
// The numbers follow from how images arrive and are stored. The browser reduces every
// upload to a long side of at most 1600 px and documents are stored at that size, so a
// document's short side is at most 1600 divided by its aspect ratio: a limit of 5:1 keeps it
// at 320 px or more, above the 300 px minimum, and an image the browser reduced from an
// acceptable original is never refused as too small. Three A4 pages side by side (4.2:1)
// still fit; anything thinner would be stored with pages too narrow to read.
const (
	minDocumentSide   = 300
	maxDocumentAspect = 5
	maxPortraitAspect = 3
)

// checkShape refuses sizes the pipeline cannot or should not process, with a message that
// names the rule: the pixel limit first (a bomb is not a "thin" image), then the aspect
// ratio, then the minimum size. w×h is the stored size; the rules do not depend on the EXIF
// orientation, except the exact portrait frame, which planPortrait checks once libvips has
// read the orientation.
func checkShape(kind Kind, w, h, maxPixels int) error {
	if w <= 0 || h <= 0 {
		return errCorrupt(errMalformed)
	}
	if int64(w)*int64(h) > int64(maxPixels) {
		return errTooManyPixels(w, h, maxPixels)
	}
	long, short := max(w, h), min(w, h)
	if kind == Portrait {
		if int64(long) > int64(maxPortraitAspect)*int64(short) {
			return errTooThin(kind, w, h, maxPortraitAspect)
		}
		if short < portraitWidth || long < portraitHeight {
			return errTooSmall()
		}
		return nil
	}
	if int64(long) > int64(maxDocumentAspect)*int64(short) {
		return errTooThin(kind, w, h, maxDocumentAspect)
	}
	if short < minDocumentSide {
		return errDocumentTooSmall(w, h)
	}
	return nil
}

// thumbSize is the size of the colour-check thumbnail of a w×h image: the long side
// thumbSide, the aspect kept, and never a side under minThumbSide (libvips aborts or fails
// when a resize leaves a side of 0 or 1 pixels), nor larger than the image itself.
func thumbSize(w, h int) (int, int) {
	long, short := max(w, h), min(w, h)
	tl, ts := thumbSide, max(1, short*thumbSide/max(1, long))
	if ts < minThumbSide {
		ts = minThumbSide
		tl = int(min(int64(long), int64(long)*minThumbSide/int64(max(1, short))))
	}
	tl, ts = min(tl, long), min(ts, short)
	if w >= h {
		return tl, ts
	}
	return ts, tl
}
