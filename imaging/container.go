package imaging

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// format is one of the container formats the allowlist admits.
type format int

const (
	formatUnknown format = iota
	formatJPEG
	formatPNG
	formatWebP
)

// minHeader is the shortest prefix that can identify any allowed format; bimg's own sniffing
// also needs 12 bytes.
const minHeader = 12

// maxJPEGScans bounds the number of progressive scans. Ordinary encoders write about ten;
// thousands of tiny scans are a known way to make a small JPEG burn minutes of CPU.
const maxJPEGScans = 100

const pngSignature = "\x89PNG\r\n\x1a\n"

// sniff identifies the container by its magic bytes alone. Anything else (SVG, PDF, BMP,
// GIF, TIFF, HEIC, HTML with an image extension) is unknown and never reaches libvips.
func sniff(b []byte) format {
	switch {
	case len(b) < minHeader:
		return formatUnknown
	case b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return formatJPEG
	case bytes.HasPrefix(b, []byte(pngSignature)):
		return formatPNG
	case string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return formatWebP
	}
	return formatUnknown
}

// size is the pixel size a container header declares, as stored (before EXIF orientation).
type size struct{ w, h int }

// checkContainer walks the container structure in Go, without decoding pixels, so that
// libvips only ever sees complete files, and returns the size the header declares. libvips
// tolerates truncation by filling the missing rows with grey, which would silently store a
// broken photo; and libvips aborts the whole process on some degenerate sizes, so the size
// must be known, and checked, before libvips reads even the header.
func checkContainer(f format, b []byte) (size, error) {
	switch f {
	case formatJPEG:
		return checkJPEG(b)
	case formatPNG:
		return checkPNG(b)
	case formatWebP:
		return checkWebP(b)
	}
	return size{}, errMalformed
}

// checkJPEG follows the marker segments from SOI to EOI, skipping entropy-coded data after
// each SOS, and reads the size from the one frame header (SOFn). Data after EOI (phone
// trailers, MPF images) is ignored, as decoders do.
func checkJPEG(b []byte) (size, error) {
	i, scans, sz := 2, 0, size{}
	for {
		m, next, err := nextMarker(b, i)
		if err != nil {
			return size{}, err
		}
		i = next
		switch {
		case m == 0xD9:
			if scans == 0 {
				return size{}, errMalformed
			}
			return sz, nil
		case m == 0xD8 || m < 0xC0 && m != 0x01:
			return size{}, errMalformed // SOI again, or a reserved marker: not a JPEG stream
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			continue // markers without a length
		}
		var seg []byte
		if seg, i, err = segment(b, i); err != nil {
			return size{}, err
		}
		switch {
		case isSOF(m):
			sz, err = frameSize(sz, seg)
		case m == 0xDA && (sz == size{} || scans >= maxJPEGScans):
			err = errMalformed // a scan before the frame header, or too many scans
		case m == 0xDA:
			scans++
			i, err = skipEntropy(b, i)
		}
		if err != nil {
			return size{}, err
		}
	}
}

// isSOF reports whether m starts a frame header: C0–CF except DHT (C4), JPG (C8) and DAC (CC).
func isSOF(m byte) bool {
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC
}

// frameSize reads the size from a SOFn segment body (precision, height, width, …). A second
// frame header or a height of zero (to be defined later by a DNL marker, which libjpeg does
// not support) makes the stream malformed.
func frameSize(prev size, seg []byte) (size, error) {
	if prev != (size{}) || len(seg) < 6 {
		return size{}, errMalformed
	}
	sz := size{w: int(binary.BigEndian.Uint16(seg[3:])), h: int(binary.BigEndian.Uint16(seg[1:]))}
	if sz.w == 0 || sz.h == 0 {
		return size{}, errMalformed
	}
	return sz, nil
}

// nextMarker reads the marker at i, after any fill bytes, and returns it with the offset
// that follows it.
func nextMarker(b []byte, i int) (byte, int, error) {
	if i >= len(b) {
		return 0, 0, errTruncated
	}
	if b[i] != 0xFF {
		return 0, 0, errMalformed
	}
	for i < len(b) && b[i] == 0xFF {
		i++ // fill bytes
	}
	if i >= len(b) {
		return 0, 0, errTruncated
	}
	return b[i], i + 1, nil
}

// segment returns the body of the marker segment whose length field is at i, and the offset
// that follows the segment.
func segment(b []byte, i int) ([]byte, int, error) {
	if i+2 > len(b) {
		return nil, 0, errTruncated
	}
	n := int(binary.BigEndian.Uint16(b[i:]))
	if n < 2 {
		return nil, 0, errMalformed
	}
	if i+n > len(b) {
		return nil, 0, errTruncated
	}
	return b[i+2 : i+n], i + n, nil
}

// skipEntropy returns the offset of the marker that ends the entropy-coded data at i.
// Inside the data, 0xFF is followed by a stuffed zero, a restart marker or more fill.
func skipEntropy(b []byte, i int) (int, error) {
	for {
		j := bytes.IndexByte(b[i:], 0xFF)
		if j < 0 {
			return 0, errTruncated
		}
		i += j
		if i+1 >= len(b) {
			return 0, errTruncated
		}
		switch next := b[i+1]; {
		case next == 0x00 || (next >= 0xD0 && next <= 0xD7):
			i += 2
		case next == 0xFF:
			i++
		default:
			return i, nil
		}
	}
}

// checkPNG walks the chunks from IHDR to IEND, verifies the CRC of every critical chunk and
// reads the size from IHDR; ancillary chunks with a bad CRC are left to the decoder, which
// skips them.
func checkPNG(b []byte) (size, error) {
	i, sawIDAT, sz := len(pngSignature), false, size{}
	for first := true; ; first = false {
		if i+8 > len(b) {
			return size{}, errTruncated
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n > 1<<31-1 {
			return size{}, errMalformed
		}
		typ := string(b[i+4 : i+8])
		end := i + 8 + n + 4
		if end > len(b) {
			return size{}, errTruncated
		}
		if first != (typ == "IHDR") {
			return size{}, errMalformed
		}
		critical := typ[0]&0x20 == 0
		if critical && crc32.ChecksumIEEE(b[i+4:end-4]) != binary.BigEndian.Uint32(b[end-4:]) {
			return size{}, errMalformed
		}
		switch typ {
		case "IHDR":
			var err error
			if sz, err = pngSize(b[i+8 : end-4]); err != nil {
				return size{}, err
			}
		case "IDAT":
			sawIDAT = true
		case "IEND":
			if !sawIDAT {
				return size{}, errMalformed
			}
			return sz, nil
		}
		i = end
	}
}

// pngSize reads width and height from the IHDR body; the format allows 1 to 2³¹−1 each.
func pngSize(ihdr []byte) (size, error) {
	if len(ihdr) != 13 {
		return size{}, errMalformed
	}
	w, h := binary.BigEndian.Uint32(ihdr), binary.BigEndian.Uint32(ihdr[4:])
	if w == 0 || h == 0 || w > 1<<31-1 || h > 1<<31-1 {
		return size{}, errMalformed
	}
	return size{w: int(w), h: int(h)}, nil
}

// checkWebP checks that the RIFF container is as long as it declares and that its chunks
// fit inside it, with at least one image chunk, and reads the size from the first chunk.
func checkWebP(b []byte) (size, error) {
	sz := int(binary.LittleEndian.Uint32(b[4:8]))
	if sz < 4 {
		return size{}, errMalformed
	}
	if 8+sz > len(b) {
		return size{}, errTruncated
	}
	body, image := b[12:8+sz], false
	for i := 0; i < len(body); {
		if i+8 > len(body) {
			return size{}, errTruncated
		}
		switch string(body[i : i+4]) {
		case "VP8 ", "VP8L", "ANMF":
			image = true
		}
		n := int(binary.LittleEndian.Uint32(body[i+4:]))
		next := i + 8 + n + n&1
		if next > len(body) {
			if i+8+n != len(body) { // the final pad byte may be missing
				return size{}, errTruncated
			}
			next = len(body)
		}
		i = next
	}
	if !image {
		return size{}, errMalformed
	}
	return webpSize(body)
}

// webpSize reads the size from the first chunk, which a valid file makes VP8X (the canvas of
// an extended file), VP8L (lossless) or "VP8 " (lossy key frame). checkWebP has already
// checked that the chunk header fits.
func webpSize(body []byte) (size, error) {
	p := body[8:min(len(body), 8+int(binary.LittleEndian.Uint32(body[4:])))]
	var w, h int
	switch string(body[:4]) {
	case "VP8X":
		if len(p) < 10 {
			return size{}, errMalformed
		}
		w, h = 1+int(uint24(p[4:])), 1+int(uint24(p[7:]))
	case "VP8L":
		if len(p) < 5 || p[0] != 0x2F {
			return size{}, errMalformed
		}
		bits := binary.LittleEndian.Uint32(p[1:])
		w, h = 1+int(bits&0x3FFF), 1+int(bits>>14&0x3FFF)
	case "VP8 ":
		if len(p) < 10 || p[0]&1 != 0 || string(p[3:6]) != "\x9d\x01\x2a" {
			return size{}, errMalformed // not a key frame
		}
		w, h = int(binary.LittleEndian.Uint16(p[6:])&0x3FFF), int(binary.LittleEndian.Uint16(p[8:])&0x3FFF)
	}
	if w == 0 || h == 0 {
		return size{}, errMalformed
	}
	return size{w: w, h: h}, nil
}

// uint24 reads a little-endian 24-bit number.
func uint24(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 }
