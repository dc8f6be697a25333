// Package smtppeer is a real SMTP server (go-smtp) on loopback for tests. It records every
// message it accepts, parsed with testkit.ParseMail, and lets a test wait for the next
// message to an address without sleeping. A message that does not parse is refused with
// 554, so a malformed mail fails the sending side at once.
package smtppeer

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"sitepro/testkit"
)

// Mode is how the peer offers TLS.
type Mode int

const (
	Plain    Mode = iota // no TLS offered, AUTH allowed in plain text (loopback only)
	StartTLS             // STARTTLS offered, AUTH only after it
	Implicit             // TLS from the first byte (smtps)
)

// Options configure Start.
type Options struct {
	// User and Pass, when User is set, are the only credentials AUTH PLAIN accepts, and
	// MAIL needs them. Without a User every AUTH fails and MAIL needs none.
	User, Pass string
	Mode       Mode
	Cert       *tls.Certificate // the server certificate for StartTLS and Implicit
}

// Message is one message the peer accepted: the envelope, the raw data and the decoded
// mail.
type Message struct {
	From     string   // envelope sender
	To       []string // envelope recipients
	AuthUser string   // who authenticated, "" for nobody
	TLS      bool     // delivered over TLS
	Raw      []byte
	*testkit.Mail
}

// Peer is a running SMTP server.
type Peer struct {
	Addr       string // 127.0.0.1:port
	User, Pass string

	mu         sync.Mutex
	msgs       []*Message
	taken      []bool
	rcptCalls  int
	rejectRcpt int           // RCPT commands still to refuse with 451
	arrived    chan struct{} // closed and replaced on every message
}

// Start runs a peer on 127.0.0.1:0 until the test ends.
func Start(t testing.TB, o Options) *Peer {
	t.Helper()
	p := &Peer{User: o.User, Pass: o.Pass, arrived: make(chan struct{})}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{p: p, conn: c}, nil
	}))
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.MaxMessageBytes = 1 << 20
	s.MaxRecipients = 10
	s.ErrorLog = log.New(io.Discard, "", 0)
	var l net.Listener
	var err error
	switch o.Mode {
	case Plain:
		s.AllowInsecureAuth = true
		l, err = net.Listen("tcp", "127.0.0.1:0")
	case StartTLS:
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*o.Cert}, MinVersion: tls.VersionTLS12}
		l, err = net.Listen("tcp", "127.0.0.1:0")
	case Implicit:
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*o.Cert}, MinVersion: tls.VersionTLS12}
		l, err = tls.Listen("tcp", "127.0.0.1:0", s.TLSConfig)
	}
	if err != nil {
		t.Fatalf("smtp listen: %v", err)
	}
	p.Addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	t.Cleanup(func() {
		_ = s.Close()
		_ = l.Close() // Close misses the listener when Serve has not registered it yet
		<-done
	})
	return p
}

// URL is the SITEPRO_SMTP_URL of a Plain peer with credentials.
func (p *Peer) URL() string {
	return "smtp://" + p.User + ":" + p.Pass + "@" + p.Addr + "?tls=none"
}

// RejectRcpt makes the next n RCPT commands fail with a temporary 451.
func (p *Peer) RejectRcpt(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rejectRcpt = n
}

// Messages returns every message accepted so far, in order.
func (p *Peer) Messages() []*Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.msgs)
}

// Count returns how many messages the peer has accepted.
func (p *Peer) Count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.msgs)
}

// Rcpts returns how many RCPT commands the peer has seen, refused ones included.
func (p *Peer) Rcpts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rcptCalls
}

// Next waits for the next message to the address to that Next has not returned before;
// the test fails when none arrives within limit.
func (p *Peer) Next(t testing.TB, to string, limit time.Duration) *Message {
	t.Helper()
	deadline := time.After(limit)
	for {
		p.mu.Lock()
		for i, m := range p.msgs {
			if !p.taken[i] && slices.ContainsFunc(m.To, func(r string) bool { return strings.EqualFold(r, to) }) {
				p.taken[i] = true
				p.mu.Unlock()
				return m
			}
		}
		ch, n := p.arrived, len(p.msgs)
		p.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no mail to %s within %v (%d messages received in all)", to, limit, n)
		}
	}
}

func (p *Peer) add(m *Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs = append(p.msgs, m)
	p.taken = append(p.taken, false)
	close(p.arrived)
	p.arrived = make(chan struct{})
}

type session struct {
	p      *Peer
	conn   *smtp.Conn
	authed string
	from   string
	to     []string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if s.p.User == "" || user != s.p.User || pass != s.p.Pass {
			return smtp.ErrAuthFailed
		}
		s.authed = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.p.User != "" && s.authed == "" {
		return smtp.ErrAuthRequired
	}
	s.from, s.to = from, nil
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	s.p.rcptCalls++
	if s.p.rejectRcpt > 0 {
		s.p.rejectRcpt--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
			Message: "Temporary failure for <" + to + ">, try again later"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := testkit.ParseMail(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "cannot parse message: " + err.Error()}
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.p.add(&Message{From: s.from, To: slices.Clone(s.to), AuthUser: s.authed, TLS: isTLS, Raw: raw, Mail: m})
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }
