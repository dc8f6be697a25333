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

// checkContainer walks the container structure in Go, without decoding pixels, so that
// libvips only ever sees complete files. libvips tolerates truncation by filling the
// missing rows with grey, which would silently store a broken photo.
func checkContainer(f format, b []byte) error {
	switch f {
	case formatJPEG:
		return checkJPEG(b)
	case formatPNG:
		return checkPNG(b)
	case formatWebP:
		return checkWebP(b)
	}
	return errMalformed
}

// checkJPEG follows the marker segments from SOI to EOI, skipping entropy-coded data after
// each SOS. Data after EOI (phone trailers, MPF images) is ignored, as decoders do.
func checkJPEG(b []byte) error {
	i, scans := 2, 0
	for {
		if i >= len(b) {
			return errTruncated
		}
		if b[i] != 0xFF {
			return errMalformed
		}
		for i < len(b) && b[i] == 0xFF {
			i++ // fill bytes
		}
		if i >= len(b) {
			return errTruncated
		}
		m := b[i]
		i++
		switch {
		case m == 0xD9:
			if scans == 0 {
				return errMalformed
			}
			return nil
		case m == 0xD8 || m < 0xC0 && m != 0x01:
			return errMalformed // SOI again, or a reserved marker: not a JPEG stream
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			continue // markers without a length
		}
		if i+2 > len(b) {
			return errTruncated
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 {
			return errMalformed
		}
		if i+n > len(b) {
			return errTruncated
		}
		i += n
		if m != 0xDA {
			continue
		}
		if scans++; scans > maxJPEGScans {
			return errMalformed
		}
		var err error
		if i, err = skipEntropy(b, i); err != nil {
			return err
		}
	}
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

// checkPNG walks the chunks from IHDR to IEND and verifies the CRC of every critical chunk;
// ancillary chunks with a bad CRC are left to the decoder, which skips them.
func checkPNG(b []byte) error {
	i, sawIDAT := len(pngSignature), false
	for first := true; ; first = false {
		if i+8 > len(b) {
			return errTruncated
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n > 1<<31-1 {
			return errMalformed
		}
		typ := string(b[i+4 : i+8])
		end := i + 8 + n + 4
		if end > len(b) {
			return errTruncated
		}
		if first != (typ == "IHDR") {
			return errMalformed
		}
		critical := typ[0]&0x20 == 0
		if critical && crc32.ChecksumIEEE(b[i+4:end-4]) != binary.BigEndian.Uint32(b[end-4:]) {
			return errMalformed
		}
		switch typ {
		case "IDAT":
			sawIDAT = true
		case "IEND":
			if !sawIDAT {
				return errMalformed
			}
			return nil
		}
		i = end
	}
}

// checkWebP checks that the RIFF container is as long as it declares and that its chunks
// fit inside it, with at least one image chunk.
func checkWebP(b []byte) error {
	size := int(binary.LittleEndian.Uint32(b[4:8]))
	if size < 4 {
		return errMalformed
	}
	if 8+size > len(b) {
		return errTruncated
	}
	body, image := b[12:8+size], false
	for i := 0; i < len(body); {
		if i+8 > len(body) {
			return errTruncated
		}
		switch string(body[i : i+4]) {
		case "VP8 ", "VP8L", "ANMF":
			image = true
		}
		n := int(binary.LittleEndian.Uint32(body[i+4:]))
		next := i + 8 + n + n&1
		if next > len(body) {
			if i+8+n != len(body) { // the final pad byte may be missing
				return errTruncated
			}
			next = len(body)
		}
		i = next
	}
	if !image {
		return errMalformed
	}
	return nil
}
