package imaging

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// The wire protocol between the supervisor and a worker process: one request, then one
// reply, over the worker's stdin and stdout. Every field is a fixed-size big-endian integer
// or a length-prefixed byte string, and every length is bounded before anything is
// allocated, so that a worker gone wrong cannot make the server allocate or wait without
// limit.
//
//	request: kind u8 | maxPixels u32 | maxBytes u32 | data (u32 length + bytes)
//	reply:   0 u8 | width u32 | height u32 | jpeg (u32 length + bytes)
//	      or 1 u8 | code | message | cause (each u32 length + bytes)

// Request kinds. The fault kinds make a worker crash, hang or probe its memory limit on
// purpose; a worker honours them only when its environment carries faultEnv=faultToken,
// which only the tests set, and no public call sends them.
const (
	wirePortrait byte = 1
	wireDocument byte = 2
	wireAbort    byte = 0xF0
	wireHang     byte = 0xF1
	wireAlloc    byte = 0xF2
)

// Bounds on what either side reads. A normalised JPEG is at most 1600×1600 at quality 85,
// well under 4 MB; the hard request limit only guards against a corrupt length.
const (
	maxRequestBytes = 1 << 30
	maxReplyJPEG    = 32 << 20
	maxReplyText    = 4 << 10
)

// errProtocol reports a message that breaks the protocol; the worker is then killed.
var errProtocol = errors.New("imaging worker protocol violated")

// request is one job for a worker; the limits travel with it so that a worker applies the
// same Options as the supervisor that sent it.
type request struct {
	kind      byte
	maxPixels int
	maxBytes  int
	data      []byte
}

// reply is a worker's answer: a normalised JPEG, or a user-facing error with its cause.
type reply struct {
	ok                   bool
	width, height        int
	jpeg                 []byte
	code, message, cause string
}

func writeRequest(w *bufio.Writer, r request) error {
	w.WriteByte(r.kind)
	putU32(w, r.maxPixels)
	putU32(w, r.maxBytes)
	putBytes(w, r.data)
	return w.Flush()
}

func readRequest(r *bufio.Reader) (request, error) {
	kind, err := r.ReadByte()
	if err != nil {
		return request{}, err // io.EOF: the supervisor closed the pipe
	}
	wr := wireReader{r: r}
	req := request{kind: kind, maxPixels: wr.u32(), maxBytes: wr.u32()}
	req.data = wr.bytes(maxRequestBytes)
	return req, wr.err
}

func writeReply(w *bufio.Writer, r reply) error {
	if r.ok {
		w.WriteByte(0)
		putU32(w, r.width)
		putU32(w, r.height)
		putBytes(w, r.jpeg)
	} else {
		w.WriteByte(1)
		for _, s := range []string{r.code, r.message, r.cause} {
			putBytes(w, []byte(truncate(s, maxReplyText)))
		}
	}
	return w.Flush()
}

func readReply(r *bufio.Reader) (reply, error) {
	wr := wireReader{r: r}
	switch status := wr.u8(); {
	case wr.err != nil:
		return reply{}, wr.err
	case status == 0:
		rep := reply{ok: true, width: wr.u32(), height: wr.u32()}
		rep.jpeg = wr.bytes(maxReplyJPEG)
		return rep, wr.err
	case status == 1:
		rep := reply{code: string(wr.bytes(maxReplyText)), message: string(wr.bytes(maxReplyText))}
		rep.cause = string(wr.bytes(maxReplyText))
		return rep, wr.err
	}
	return reply{}, errProtocol
}

func putU32(w *bufio.Writer, n int) {
	w.Write(binary.BigEndian.AppendUint32(nil, uint32(n)))
}

func putBytes(w *bufio.Writer, b []byte) {
	putU32(w, len(b))
	w.Write(b)
}

// wireReader reads fields until the first error, which it keeps, so that a message can be
// decoded field by field and checked once.
type wireReader struct {
	r   *bufio.Reader
	err error
}

func (w *wireReader) u8() byte {
	if w.err != nil {
		return 0
	}
	b, err := w.r.ReadByte()
	w.err = err
	return b
}

func (w *wireReader) u32() int {
	var b [4]byte
	if w.err == nil {
		_, w.err = io.ReadFull(w.r, b[:])
	}
	return int(binary.BigEndian.Uint32(b[:]))
}

// bytes reads a length-prefixed string of at most limit bytes. Memory grows with the bytes
// that actually arrive, not with the length a broken peer claims.
func (w *wireReader) bytes(limit int) []byte {
	n := w.u32()
	if w.err != nil {
		return nil
	}
	if n > limit {
		w.err = fmt.Errorf("%w: field of %d bytes", errProtocol, n)
		return nil
	}
	var buf bytes.Buffer
	buf.Grow(min(n, 1<<20))
	if _, err := io.CopyN(&buf, w.r, int64(n)); err != nil {
		w.err = err
		return nil
	}
	return buf.Bytes()
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
