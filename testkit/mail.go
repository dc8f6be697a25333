package testkit

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Mail is a received message, decoded as a mail client would show it.
type Mail struct {
	Header  netmail.Header
	Subject string // RFC 2047 decoded
	Charset string // of the text part, lower case
	Body    string // the transfer-decoded text/plain body, CRLF turned into LF
}

// ParseMail decodes the subject (RFC 2047) and the text body (base64 or quoted-printable,
// also the text/plain part of a multipart message). A body that is not valid UTF-8 is an
// error: every mail of the system is UTF-8.
func ParseMail(raw []byte) (*Mail, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	m := &Mail{Header: msg.Header}
	dec := &mime.WordDecoder{}
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	body, charset, err := textBody(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(body) {
		return nil, errors.New("body is not valid UTF-8")
	}
	m.Body, m.Charset = strings.ReplaceAll(string(body), "\r\n", "\n"), charset
	return m, nil
}

var mailLink = regexp.MustCompile(`https?://[^\s<>"'）」]+`)

// Link returns the first http(s) link in the body, such as a confirmation or reset link.
func (m *Mail) Link() string {
	return mailLink.FindString(m.Body)
}

// textBody returns the decoded text/plain content of a part (nil when it has none) and its
// charset. base64 decoding skips the line breaks of the encoded text.
func textBody(ctype, cte string, r io.Reader) ([]byte, string, error) {
	if ctype == "" {
		ctype = "text/plain; charset=us-ascii"
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return nil, "", fmt.Errorf("content type %q: %w", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err != nil {
				return nil, "", fmt.Errorf("no text/plain part: %w", err)
			}
			b, cs, err := textBody(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part)
			if err == nil && b != nil {
				return b, cs, nil
			}
		}
	}
	if mt != "text/plain" {
		return nil, "", nil
	}
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	return b, strings.ToLower(params["charset"]), err
}
