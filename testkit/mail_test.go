package testkit

import (
	"strings"
	"testing"
)

func TestParseMailDecodesSubjectAndBody(t *testing.T) {
	for name, raw := range map[string]string{
		"base64 with line breaks": "Subject: =?UTF-8?B?6K+356Gu6K6k5oKo55qE6YKu566x?=\r\n" +
			"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			"5oKo5aW977yM6K+354K55Ye7\r\naHR0cHM6Ly9leGFtcGxlLmNvbS9jb25maXJtL2FiYw==\r\n",
		"quoted-printable": "Subject: =?UTF-8?Q?=E8=AF=B7=E7=A1=AE=E8=AE=A4=E6=82=A8=E7=9A=84=E9=82=AE=E7=AE=B1?=\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
			"=E6=82=A8=E5=A5=BD=EF=BC=8C=E8=AF=B7=E7=82=B9=E5=87=BBhttps://example.com/con=\r\nfirm/abc",
		"multipart": "Subject: =?UTF-8?B?6K+356Gu6K6k5oKo55qE6YKu566x?=\r\n" +
			"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n" +
			"Content-Type: text/html; charset=utf-8\r\n\r\n<p>html</p>\r\n--b\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
			"您好，请点击https://example.com/confirm/abc\r\n--b--\r\n",
	} {
		m, err := ParseMail([]byte(raw))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if m.Subject != "请确认您的邮箱" || !strings.HasPrefix(m.Body, "您好，请点击") || m.Charset != "utf-8" {
			t.Errorf("%s: subject %q, body %q, charset %q", name, m.Subject, m.Body, m.Charset)
		}
		if m.Link() != "https://example.com/confirm/abc" {
			t.Errorf("%s: link %q", name, m.Link())
		}
	}
}

func TestParseMailRefusesInvalidUTF8(t *testing.T) {
	if _, err := ParseMail([]byte("Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xff\xfe")); err == nil {
		t.Fatal("a body that is not UTF-8 parsed")
	}
}
