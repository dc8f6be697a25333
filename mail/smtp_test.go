package mail

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/testkit/smtppeer"
)

const (
	zhSubject = "请确认您的邮箱"
	zhBody    = "您好，张三：\n\n请点击下面的链接确认您的邮箱地址：\nhttps://example.com/confirm?token=abc123\n\n如果这不是您的操作，请忽略本邮件。\n"
)

func newTransport(t *testing.T, cfg SMTPConfig) *SMTPTransport {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "站点 <noreply@example.com>"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	tr, err := NewSMTPTransport(cfg)
	if err != nil {
		t.Fatalf("NewSMTPTransport: %v", err)
	}
	return tr
}

func TestSMTPChineseMessageWithAuth(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{User: "mailer", Pass: "p@ss:wörd"})
	addr := be.Addr
	tr := newTransport(t, SMTPConfig{URL: "smtp://mailer:p%40ss%3Aw%C3%B6rd@" + addr + "?tls=none"})

	out := &fakeOutbox{}
	clock := newClock()
	out.add(domain.Message{ID: "m1", To: "张三 <zhang.san@example.org>", Subject: zhSubject,
		Body: zhBody, Kind: "confirm_email", CreatedAt: clock.Now(), NextAttempt: clock.Now()})
	w := &Worker{Outbox: out, Transport: tr, Now: clock.Now}

	sent, err := w.SendDue(context.Background())
	if err != nil || sent != 1 {
		t.Fatalf("SendDue = %d, %v; want 1, nil", sent, err)
	}
	got := be.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	r := got[0]
	if r.AuthUser != "mailer" {
		t.Errorf("authenticated user = %q, want mailer", r.AuthUser)
	}
	if r.From != "noreply@example.com" || !slices.Equal(r.To, []string{"zhang.san@example.org"}) {
		t.Errorf("envelope = %q -> %q", r.From, r.To)
	}
	p := parseMail(t, r.Raw)
	if p.Subject != zhSubject {
		t.Errorf("subject = %q, want %q", p.Subject, zhSubject)
	}
	if strings.TrimRight(p.Body, "\n") != strings.TrimRight(zhBody, "\n") {
		t.Errorf("body = %q, want %q", p.Body, zhBody)
	}
	to, err := p.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "张三" || to[0].Address != "zhang.san@example.org" {
		t.Errorf("To = %v, %v", to, err)
	}
	from, err := p.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "站点" || from[0].Address != "noreply@example.com" {
		t.Errorf("From = %v, %v", from, err)
	}
	if id := p.Header.Get("Message-Id"); id != "<outbox.m1@example.com>" {
		t.Errorf("Message-ID = %q", id)
	}
	// No user data in other headers: only this fixed set may appear.
	allowed := []string{"Date", "Message-Id", "Mime-Version", "From", "To", "Subject",
		"Content-Type", "Content-Transfer-Encoding"}
	for k := range p.Header {
		if !slices.Contains(allowed, k) {
			t.Errorf("unexpected header %s: %q", k, p.Header[k])
		}
	}
	if m := out.get("m1"); !m.Sent() || !m.SentAt.Equal(clock.Now()) {
		t.Errorf("message not marked sent: %+v", m)
	}

	// Not sent twice: later passes find nothing due.
	for range 3 {
		clock.Advance(time.Hour)
		if sent, err := w.SendDue(context.Background()); err != nil || sent != 0 {
			t.Fatalf("later SendDue = %d, %v; want 0, nil", sent, err)
		}
	}
	if n := len(be.Messages()); n != 1 {
		t.Errorf("server received %d messages after later passes, want 1", n)
	}
}

func TestSMTPWrongPasswordFails(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{User: "mailer", Pass: "right"})
	addr := be.Addr
	tr := newTransport(t, SMTPConfig{URL: "smtp://mailer:wrong@" + addr + "?tls=none"})
	err := tr.Send(context.Background(), domain.Message{ID: "x", To: "a@example.org", Subject: "s", Body: "b"})
	if err == nil || !strings.Contains(err.Error(), "535") {
		t.Fatalf("Send with wrong password: %v, want 535 error", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error reveals the password: %v", err)
	}
	if len(be.Messages()) != 0 {
		t.Error("server accepted a message without authentication")
	}
}

// The subject and the display name are sanitised before go-mail sees them.
func TestSMTPHeaderInjectionThroughSubjectAndName(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	addr := be.Addr
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + addr + "?tls=none"})
	m := domain.Message{
		ID:      "inj",
		To:      "\"Eve\r\nBcc: evil@example.net\" <victim@example.org>",
		Subject: "你好\r\nBcc: evil@example.net\r\nX-Injected: yes",
		Body:    "正文",
	}
	if err := tr.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r := be.Messages()[0]
	assertNoInjection(t, r)
	p := parseMail(t, r.Raw)
	if strings.ContainsAny(p.Subject, "\r\n") || !strings.HasPrefix(p.Subject, "你好") {
		t.Errorf("subject = %q", p.Subject)
	}
	to, err := p.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "victim@example.org" {
		t.Errorf("To = %v, %v", to, err)
	}
}

// go-mail itself encodes CR and LF in a header value: even a raw CRLF subject, which
// buildMsg would have cleaned, reaches the peer as one encoded Subject header.
func TestGoMailEncodesCRLFInSubject(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	addr := be.Addr
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + addr + "?tls=none"})
	msg, err := tr.buildMsg(domain.Message{ID: "raw", To: "victim@example.org", Body: "b"})
	if err != nil {
		t.Fatal(err)
	}
	raw := "Hello\r\nBcc: evil@example.net\r\nX-Injected: yes"
	msg.Subject(raw) // bypasses headerText on purpose
	if err := tr.deliver(context.Background(), msg); err != nil {
		t.Fatalf("deliver: %v", err)
	}
	r := be.Messages()[0]
	assertNoInjection(t, r)
	if p := parseMail(t, r.Raw); p.Subject != raw {
		t.Errorf("decoded subject = %q, want the raw text %q as one value", p.Subject, raw)
	}
}

func assertNoInjection(t *testing.T, r *smtppeer.Message) {
	t.Helper()
	if !slices.Equal(r.To, []string{"victim@example.org"}) {
		t.Errorf("envelope recipients = %q, want only victim@example.org", r.To)
	}
	head, _, _ := strings.Cut(string(r.Raw), "\r\n\r\n")
	for line := range strings.SplitSeq(head, "\r\n") {
		l := strings.ToLower(line)
		if strings.HasPrefix(l, "bcc:") || strings.HasPrefix(l, "x-injected:") {
			t.Errorf("injected header line %q in\n%s", line, head)
		}
	}
	p := parseMail(t, r.Raw)
	if len(p.Header["Subject"]) != 1 || p.Header.Get("Bcc") != "" || p.Header.Get("X-Injected") != "" {
		t.Errorf("headers after parsing: %v", p.Header)
	}
}

func TestSMTPInvalidRecipientIsNotSent(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	addr := be.Addr
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + addr + "?tls=none"})
	for _, to := range []string{"", "not an address", "a@example.org, b@example.org", "a@example.org\r\nb@example.org", "nobody"} {
		err := tr.Send(context.Background(), domain.Message{ID: "x", To: to, Subject: "s", Body: "b"})
		if err == nil {
			t.Errorf("Send to %q succeeded", to)
			continue
		}
		if to != "" && strings.Contains(err.Error(), to) {
			t.Errorf("error repeats the address: %v", err)
		}
	}
	if be.Rcpts() != 0 {
		t.Errorf("server saw %d RCPT commands, want 0", be.Rcpts())
	}
}

func TestSMTPStartTLSWithAuth(t *testing.T) {
	cert, pool := selfSignedCert(t)
	be := smtppeer.Start(t, smtppeer.Options{User: "mailer", Pass: "secret", Mode: smtppeer.StartTLS, Cert: cert})
	addr := be.Addr
	m := domain.Message{ID: "tls1", To: "a@example.org", Subject: zhSubject, Body: zhBody}

	// Default for smtp:// is mandatory STARTTLS with certificate verification.
	tr := newTransport(t, SMTPConfig{URL: "smtp://mailer:secret@" + addr, RootCAs: pool})
	if err := tr.Send(context.Background(), m); err != nil {
		t.Fatalf("Send over STARTTLS: %v", err)
	}
	got := be.Messages()
	if len(got) != 1 || !got[0].TLS || got[0].AuthUser != "mailer" {
		t.Fatalf("received = %+v, want one message over TLS by mailer", got)
	}
	if p := parseMail(t, got[0].Raw); p.Subject != zhSubject {
		t.Errorf("subject = %q", p.Subject)
	}

	// Without trusting the self-signed certificate the handshake fails; nothing is sent.
	untrusted := newTransport(t, SMTPConfig{URL: "smtp://mailer:secret@" + addr})
	if err := untrusted.Send(context.Background(), m); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Send with untrusted certificate: %v, want certificate error", err)
	}
	if n := len(be.Messages()); n != 1 {
		t.Errorf("server received %d messages, want still 1", n)
	}
}

func TestSMTPMandatoryTLSRefusesPlainServer(t *testing.T) {
	be := smtppeer.Start(t, smtppeer.Options{})
	addr := be.Addr
	for _, u := range []string{"smtp://" + addr, "smtp://" + addr + "?tls=mandatory"} {
		tr := newTransport(t, SMTPConfig{URL: u})
		err := tr.Send(context.Background(), domain.Message{ID: "x", To: "a@example.org", Subject: "s", Body: "b"})
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Errorf("%s: Send = %v, want STARTTLS error", u, err)
		}
	}
	// Opportunistic falls back to plain text when the server offers no STARTTLS.
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + addr + "?tls=opportunistic"})
	if err := tr.Send(context.Background(), domain.Message{ID: "x", To: "a@example.org", Subject: "s", Body: "b"}); err != nil {
		t.Errorf("opportunistic Send: %v", err)
	}
	if be.Rcpts() != 1 {
		t.Errorf("server saw %d RCPT commands, want 1 (opportunistic only)", be.Rcpts())
	}
}

func TestSMTPSImplicitTLS(t *testing.T) {
	cert, pool := selfSignedCert(t)
	be := smtppeer.Start(t, smtppeer.Options{User: "mailer", Pass: "secret", Mode: smtppeer.Implicit, Cert: cert})
	addr := be.Addr
	tr := newTransport(t, SMTPConfig{URL: "smtps://mailer:secret@" + addr, RootCAs: pool})
	if err := tr.Send(context.Background(), domain.Message{ID: "s1", To: "a@example.org", Subject: zhSubject, Body: zhBody}); err != nil {
		t.Fatalf("Send over smtps: %v", err)
	}
	got := be.Messages()
	if len(got) != 1 || !got[0].TLS || got[0].AuthUser != "mailer" {
		t.Fatalf("received = %+v", got)
	}
}

func TestSMTPConnectTimeout(t *testing.T) {
	// A listener that accepts but never greets: the session must give up after Timeout.
	addr := silentServer(t)
	tr := newTransport(t, SMTPConfig{URL: "smtp://" + addr + "?tls=none", Timeout: 200 * time.Millisecond})
	start := time.Now()
	err := tr.Send(context.Background(), domain.Message{ID: "x", To: "a@example.org", Subject: "s", Body: "b"})
	if err == nil {
		t.Fatal("Send to a silent server succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Send took %v, want about the 200ms timeout", d)
	}
}

func TestNewSMTPTransportValidation(t *testing.T) {
	bad := map[string]SMTPConfig{
		"wrong scheme":         {URL: "http://mailer:s3cret@mail.example.com", From: "a@example.com"},
		"no host":              {URL: "smtp://", From: "a@example.com"},
		"malformed":            {URL: "smtp://mailer:s3cret%zz@mail.example.com", From: "a@example.com"},
		"bad port":             {URL: "smtp://mailer:s3cret@mail.example.com:99999", From: "a@example.com"},
		"insecure skip verify": {URL: "smtp://mailer:s3cret@mail.example.com?insecure_skip_verify=true", From: "a@example.com"},
		"unknown tls mode":     {URL: "smtp://mail.example.com?tls=maybe", From: "a@example.com"},
		"tls twice":            {URL: "smtp://mail.example.com?tls=none&tls=mandatory", From: "a@example.com"},
		"smtps without tls":    {URL: "smtps://mail.example.com?tls=none", From: "a@example.com"},
		"cleartext password":   {URL: "smtp://mailer:s3cret@mail.example.com?tls=none", From: "a@example.com"},
		"password no user":     {URL: "smtp://:s3cret@mail.example.com", From: "a@example.com"},
		"path":                 {URL: "smtp://mail.example.com/inbox", From: "a@example.com"},
		"no from":              {URL: "smtp://mail.example.com"},
		"bad from":             {URL: "smtp://mail.example.com", From: "a@example.com\r\nBcc: b@example.com"},
	}
	for name, cfg := range bad {
		_, err := NewSMTPTransport(cfg)
		if err == nil {
			t.Errorf("%s: accepted %s", name, cfg)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error reveals the password: %v", name, err)
		}
	}

	good := map[string]struct {
		url      string
		port     int
		implicit bool
	}{
		"default submission": {"smtp://mail.example.com", 587, false},
		"explicit port":      {"smtp://u:p@mail.example.com:2525?tls=opportunistic", 2525, false},
		"smtps default":      {"smtps://u:p@mail.example.com", 465, true},
		"local relay":        {"smtp://u:p@localhost:25?tls=none", 25, false},
		"ipv6 loopback":      {"smtp://[::1]:25?tls=none", 25, false},
	}
	for name, c := range good {
		tr, err := NewSMTPTransport(SMTPConfig{URL: c.url, From: "noreply@example.com"})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if tr.port != c.port || tr.implicitTLS != c.implicit || tr.timeout != DefaultSMTPTimeout {
			t.Errorf("%s: port %d implicit %t timeout %v", name, tr.port, tr.implicitTLS, tr.timeout)
		}
	}
}

func TestSMTPConfigStringRedactsPassword(t *testing.T) {
	s := fmt.Sprintf("%v", SMTPConfig{URL: "smtp://mailer:s3cret@mail.example.com", From: "a@example.com"})
	if strings.Contains(s, "s3cret") || !strings.Contains(s, "mailer") {
		t.Errorf("String() = %q", s)
	}
}
