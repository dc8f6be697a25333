package imaging_test

import (
	"encoding/binary"
	"math"
)

// Hand-written EXIF and ICC segments: Go has no encoder for either, and writing them here
// keeps the fixtures honest about what a phone puts into a photo.

// EXIF/TIFF field types.
const (
	tBYTE     = 1
	tASCII    = 2
	tSHORT    = 3
	tLONG     = 4
	tRATIONAL = 5
)

type ifdEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte // little-endian value bytes
}

func asciiEntry(tag uint16, s string) ifdEntry {
	return ifdEntry{tag, tASCII, uint32(len(s) + 1), append([]byte(s), 0)}
}

func shortEntry(tag, v uint16) ifdEntry {
	return ifdEntry{tag, tSHORT, 1, binary.LittleEndian.AppendUint16(nil, v)}
}

func rationalEntry(tag uint16, pairs ...uint32) ifdEntry {
	var d []byte
	for _, v := range pairs {
		d = binary.LittleEndian.AppendUint32(d, v)
	}
	return ifdEntry{tag, tRATIONAL, uint32(len(pairs) / 2), d}
}

// appendIFD writes an IFD at the end of tiff, followed by its out-of-line values.
func appendIFD(tiff []byte, entries []ifdEntry) []byte {
	start := len(tiff)
	dataOff := start + 2 + 12*len(entries) + 4
	var data []byte
	tiff = binary.LittleEndian.AppendUint16(tiff, uint16(len(entries)))
	for _, e := range entries {
		tiff = binary.LittleEndian.AppendUint16(tiff, e.tag)
		tiff = binary.LittleEndian.AppendUint16(tiff, e.typ)
		tiff = binary.LittleEndian.AppendUint32(tiff, e.count)
		if len(e.data) <= 4 {
			tiff = append(tiff, e.data...)
			tiff = append(tiff, make([]byte, 4-len(e.data))...)
			continue
		}
		tiff = binary.LittleEndian.AppendUint32(tiff, uint32(dataOff+len(data)))
		data = append(data, e.data...)
		if len(data)%2 == 1 {
			data = append(data, 0)
		}
	}
	tiff = binary.LittleEndian.AppendUint32(tiff, 0) // no next IFD
	return append(tiff, data...)
}

// exifSegment builds an APP1 Exif segment with a camera make, an orientation (0 for none)
// and, when gps is set, a GPS IFD placing the photo in Beijing.
func exifSegment(camera string, orientation uint16, gps bool) []byte {
	tiff := []byte("II*\x00")
	var gpsOff uint32
	if gps {
		tiff = binary.LittleEndian.AppendUint32(tiff, 0) // patched below
		gpsOff = uint32(len(tiff))
		tiff = appendIFD(tiff, []ifdEntry{
			{0x0000, tBYTE, 4, []byte{2, 2, 0, 0}},
			asciiEntry(0x0001, "N"),
			rationalEntry(0x0002, 39, 1, 54, 1, 2712, 100),
			asciiEntry(0x0003, "E"),
			rationalEntry(0x0004, 116, 1, 23, 1, 3000, 100),
		})
	} else {
		tiff = binary.LittleEndian.AppendUint32(tiff, 0)
	}
	ifd0 := uint32(len(tiff))
	binary.LittleEndian.PutUint32(tiff[4:], ifd0)
	entries := []ifdEntry{asciiEntry(0x010F, camera)}
	if orientation != 0 {
		entries = append(entries, shortEntry(0x0112, orientation))
	}
	if gps {
		entries = append(entries, ifdEntry{0x8825, tLONG, 1, binary.LittleEndian.AppendUint32(nil, gpsOff)})
	}
	tiff = appendIFD(tiff, entries)
	return appSegment(0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

// appSegment frames an APPn segment.
func appSegment(marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	return append(seg, payload...)
}

// iccSegment wraps an ICC profile in a single APP2 segment.
func iccSegment(profile []byte) []byte {
	return appSegment(0xE2, append([]byte("ICC_PROFILE\x00\x01\x01"), profile...))
}

// s15 encodes an ICC s15Fixed16Number.
func s15(v float64) []byte {
	return binary.BigEndian.AppendUint32(nil, uint32(int32(math.Round(v*65536))))
}

func xyzTag(x, y, z float64) []byte {
	b := append([]byte("XYZ "), 0, 0, 0, 0)
	b = append(b, s15(x)...)
	b = append(b, s15(y)...)
	return append(b, s15(z)...)
}

// rgbProfile builds a minimal ICC v2 matrix/TRC display profile with wide-gamut primaries,
// the shape of the Display P3 profile phones embed, and a copyright text carrying
// personal data that must not survive into the stored image.
func rgbProfile(secret string) []byte {
	gamma := append([]byte("curv"), 0, 0, 0, 0, 0, 0, 0, 1, 0x02, 0x33, 0, 0)
	text := append(append([]byte("text"), 0, 0, 0, 0), append([]byte(secret), 0)...)
	tags := []struct {
		sig  string
		data []byte
	}{
		{"wtpt", xyzTag(0.9642, 1.0, 0.8249)},
		{"rXYZ", xyzTag(0.5151, 0.2412, -0.0011)},
		{"gXYZ", xyzTag(0.2920, 0.6922, 0.0419)},
		{"bXYZ", xyzTag(0.1571, 0.0666, 0.7841)},
		{"rTRC", gamma}, {"gTRC", gamma}, {"bTRC", gamma},
		{"cprt", text},
	}
	header := make([]byte, 128)
	copy(header[8:], []byte{0x02, 0x10, 0, 0})
	copy(header[12:], "mntrRGB XYZ ")
	copy(header[36:], "acsp")
	copy(header[68:], append(append(s15(0.9642), s15(1.0)...), s15(0.8249)...))
	table := binary.BigEndian.AppendUint32(nil, uint32(len(tags)))
	var body []byte
	off := 128 + 4 + 12*len(tags)
	for _, tg := range tags {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		table = append(table, tg.sig...)
		table = binary.BigEndian.AppendUint32(table, uint32(off+len(body)))
		table = binary.BigEndian.AppendUint32(table, uint32(len(tg.data)))
		body = append(body, tg.data...)
	}
	p := append(append(header, table...), body...)
	binary.BigEndian.PutUint32(p, uint32(len(p)))
	return p
}
