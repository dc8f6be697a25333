package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"sitepro/domain"
)

// DefaultSMTPTimeout bounds dialing and each step of an SMTP session when
// SMTPConfig.Timeout is zero.
const DefaultSMTPTimeout = 15 * time.Second

// Default ports by URL scheme: submission with STARTTLS for smtp://, implicit TLS for smtps://.
const (
	defaultSMTPPort  = 587
	defaultSMTPSPort = 465
)

// SMTPConfig configures an SMTPTransport.
//
// URL has the form smtp://user:pass@host:port or smtps://user:pass@host:port; user info
// is optional and, when present, enables SMTP AUTH (PLAIN or LOGIN, whichever the server
// offers; other mechanisms by go-mail's auto-discovery otherwise). User name and password
// are URL-decoded. The port defaults to 587 for smtp:// and 465 for smtps://.
//
// The only query parameter is tls, for smtp:// URLs:
//   - tls=mandatory (default): STARTTLS is required and the certificate is verified;
//   - tls=opportunistic: STARTTLS when the server offers it, plain text otherwise;
//   - tls=none: no STARTTLS (local relays and tests).
//
// smtps:// always uses implicit TLS with certificate verification. Certificate checks
// cannot be switched off. Credentials are never sent over an unencrypted connection to a
// host other than the local machine: tls=none with credentials and a remote host is
// rejected, and with tls=opportunistic the authentication fails if the server did not
// offer STARTTLS.
//
// From is the sender address, e.g. "站点 <noreply@example.com>". Timeout bounds dialing and
// every step of the session (DefaultSMTPTimeout when zero). RootCAs, when not nil, replaces
// the system roots for verifying the server certificate; it exists for servers with a
// private CA and for tests with a self-signed certificate.
type SMTPConfig struct {
	URL     string
	From    string
	Timeout time.Duration
	RootCAs *x509.CertPool
}

// String returns the configuration with the password redacted, so that printing or
// logging a configuration never reveals the SMTP password.
func (c SMTPConfig) String() string {
	shown := "(invalid URL)"
	if u, err := url.Parse(c.URL); err == nil {
		shown = u.Redacted()
	}
	return fmt.Sprintf("SMTPConfig{URL: %s, From: %s, Timeout: %s}", shown, c.From, c.Timeout)
}

// SMTPTransport sends messages through an SMTP server with go-mail. Each Send opens its own
// connection, so an SMTPTransport is safe for concurrent use.
type SMTPTransport struct {
	host        string
	port        int
	user        string
	pass        string
	auth        bool
	implicitTLS bool
	policy      gomail.TLSPolicy
	from        netmail.Address
	timeout     time.Duration
	rootCAs     *x509.CertPool
}

// NewSMTPTransport validates cfg and returns a transport for it. Error messages never
// contain the password.
func NewSMTPTransport(cfg SMTPConfig) (*SMTPTransport, error) {
	u, err := url.Parse(strings.TrimSpace(cfg.URL))
	if err != nil {
		// The url.Error would repeat the whole URL, password included.
		return nil, errors.New("mail: SMTP URL is malformed")
	}
	t := &SMTPTransport{timeout: cfg.Timeout, rootCAs: cfg.RootCAs}
	if t.timeout <= 0 {
		t.timeout = DefaultSMTPTimeout
	}
	defaultPort := defaultSMTPPort
	switch strings.ToLower(u.Scheme) {
	case "smtp":
	case "smtps":
		t.implicitTLS = true
		defaultPort = defaultSMTPSPort
	default:
		return nil, errors.New("mail: SMTP URL must start with smtp:// or smtps://")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return nil, errors.New("mail: SMTP URL has no host")
	}
	if (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return nil, errors.New("mail: SMTP URL must not have a path or fragment")
	}
	t.host = u.Hostname()
	t.port = defaultPort
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, errors.New("mail: SMTP URL has an invalid port")
		}
		t.port = n
	}
	if t.policy, err = parseTLSParam(u.RawQuery, t.implicitTLS); err != nil {
		return nil, err
	}
	if u.User != nil {
		t.user = u.User.Username()
		t.pass, _ = u.User.Password()
		if t.user == "" {
			return nil, errors.New("mail: SMTP URL has a password but no user name")
		}
		t.auth = true
		if !t.implicitTLS && t.policy == gomail.NoTLS && !isLoopback(t.host) {
			return nil, errors.New("mail: tls=none with credentials would send the password unencrypted")
		}
	}
	from, err := parseAddress(cfg.From)
	if err != nil {
		return nil, errors.New("mail: From is not a valid e-mail address")
	}
	t.from = *from
	return t, nil
}

// parseTLSParam reads the tls query parameter. Any other parameter is an error, so that a
// misspelt or unsupported option (such as insecure_skip_verify) is not silently ignored.
func parseTLSParam(rawQuery string, implicitTLS bool) (gomail.TLSPolicy, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return 0, errors.New("mail: SMTP URL has a malformed query")
	}
	for k := range q {
		if k != "tls" {
			return 0, fmt.Errorf("mail: unsupported SMTP URL parameter %q (only tls is supported)", k)
		}
	}
	vals := q["tls"]
	if len(vals) > 1 {
		return 0, errors.New("mail: SMTP URL parameter tls given more than once")
	}
	mode := ""
	if len(vals) == 1 {
		mode = strings.ToLower(vals[0])
	}
	if implicitTLS {
		if mode != "" && mode != "mandatory" {
			return 0, errors.New("mail: smtps:// always uses TLS; tls may only be mandatory")
		}
		return gomail.TLSMandatory, nil
	}
	switch mode {
	case "", "mandatory":
		return gomail.TLSMandatory, nil
	case "opportunistic":
		return gomail.TLSOpportunistic, nil
	case "none":
		return gomail.NoTLS, nil
	}
	return 0, errors.New("mail: SMTP URL parameter tls must be none, opportunistic or mandatory")
}

// Send delivers m through the configured server. The context bounds dialing, and the
// configured timeout bounds each step of the session. An error from the server may name
// the recipient (the Worker redacts it before logging or storing the error); errors about
// an invalid address do not repeat it.
func (t *SMTPTransport) Send(ctx context.Context, m domain.Message) error {
	msg, err := t.buildMsg(m)
	if err != nil {
		return err
	}
	return t.deliver(ctx, msg)
}

// buildMsg renders m as a plain-text UTF-8 message with a base64 body and an RFC 2047
// B-encoded subject, compact for Chinese text. Only From, To and Subject carry values from
// outside; go-mail adds Date, Message-ID, MIME-Version and the content headers.
func (t *SMTPTransport) buildMsg(m domain.Message) (*gomail.Msg, error) {
	to, err := parseAddress(m.To)
	if err != nil {
		return nil, errors.New("mail: recipient is not a single valid e-mail address")
	}
	msg := gomail.NewMsg(
		gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(gomail.EncodingB64),
		gomail.WithNoDefaultUserAgent(),
	)
	from := t.from
	msg.FromMailAddress(&from)
	msg.ToMailAddress(to)
	msg.Subject(headerText(m.Subject))
	if id := messageID(m.ID, t.from.Address); id != "" {
		msg.SetMessageIDWithValue(id)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	return msg, nil
}

// deliver opens a connection, sends msg and closes the connection.
func (t *SMTPTransport) deliver(ctx context.Context, msg *gomail.Msg) error {
	opts := []gomail.Option{
		gomail.WithPort(t.port),
		gomail.WithTimeout(t.timeout),
		gomail.WithTLSConfig(&tls.Config{
			ServerName: t.host,
			MinVersion: tls.VersionTLS12,
			RootCAs:    t.rootCAs,
		}),
	}
	if t.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(t.policy))
	}
	if t.auth {
		// PLAIN and LOGIN refuse to run over an unencrypted connection to a remote host.
		opts = append(opts,
			gomail.WithUsername(t.user),
			gomail.WithPassword(t.pass),
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
		)
	}
	client, err := gomail.NewClient(t.host, opts...)
	if err != nil {
		return fmt.Errorf("mail: configure SMTP client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	return nil
}

// parseAddress parses exactly one address such as "a@example.com" or "名字 <a@example.com>".
// Control characters (CR, LF, …) are replaced by spaces first, so that a display name can
// never end a header line; what still does not parse as one address is rejected.
func parseAddress(s string) (*netmail.Address, error) {
	s = strings.TrimSpace(headerText(s))
	if s == "" {
		return nil, errors.New("empty address")
	}
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(a.Address, "@") {
		return nil, errors.New("address has no domain")
	}
	return &netmail.Address{Name: a.Name, Address: a.Address}, nil
}

// headerText replaces control characters, CR and LF among them, by spaces. go-mail would
// encode them (RFC 2047), so they cannot add a header either way; replacing them also keeps
// a decoded subject on one line.
func headerText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}

// messageID returns a Message-ID made from the outbox ID and the sender's domain, so that
// the ID is the same on every attempt and a receiver can drop a duplicate. It returns ""
// (go-mail then generates a random ID) when the outbox ID has unexpected characters.
func messageID(id, fromAddr string) string {
	at := strings.LastIndexByte(fromAddr, '@')
	if id == "" || len(id) > 64 || at < 0 {
		return ""
	}
	for _, r := range id {
		ok := r == '-' || r == '_' || r == '.' ||
			(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return ""
		}
	}
	domainPart := fromAddr[at+1:]
	for _, r := range domainPart {
		if r <= ' ' || r > '~' || strings.ContainsRune("<>()[]\\,;:\"@", r) {
			return ""
		}
	}
	return "outbox." + id + "@" + domainPart
}

// isLoopback reports whether host names the local machine, where an unencrypted
// connection does not leave the host. It accepts the same names as go-mail's PLAIN and
// LOGIN mechanisms do for unencrypted authentication.
func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
