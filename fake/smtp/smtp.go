// Package smtp is a fake mail server: a real SMTP server (emersion/go-smtp)
// on 127.0.0.1 that offers STARTTLS with an in-memory self-signed
// certificate, checks AUTH PLAIN, refuses messages that are not RFC 5322,
// and records what it accepts, for tests and `arqir dev`.
package smtp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"sync"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// Options configure a fake server.
type Options struct {
	// Username and Password, when set, make AUTH PLAIN mandatory before
	// MAIL; wrong ones are refused with 535 5.7.8.
	Username string
	Password string
	// TLS offers STARTTLS, and then allows AUTH only after it, like a
	// submission server on port 587.
	TLS bool
}

// Server is a running fake SMTP server. Safe for concurrent use.
type Server struct {
	opts      Options
	srv       *gosmtp.Server
	ln        net.Listener
	clientTLS *tls.Config
	pool      *x509.CertPool

	mu           sync.Mutex
	messages     []Message
	faults       []Fault
	transactions int
	changed      chan struct{} // closed and replaced when a transaction ends
}

// New starts a fake SMTP server on 127.0.0.1:0. Close it when done.
func New(opts Options) (*Server, error) {
	s := &Server{opts: opts, changed: make(chan struct{})}
	s.srv = gosmtp.NewServer(gosmtp.BackendFunc(s.newSession))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.MaxRecipients = 100
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	if opts.TLS {
		cert, pool, err := selfSigned()
		if err != nil {
			return nil, fmt.Errorf("fake smtp: make a certificate: %w", err)
		}
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.pool = pool
		s.clientTLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	} else {
		// Without TLS there is nothing to wait for; the server is on
		// loopback, where clients (net/smtp too) send credentials in clear.
		s.srv.AllowInsecureAuth = true
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fake smtp: listen: %w", err)
	}
	s.ln = ln
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the host:port to connect to.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// TLSConfig returns a client configuration that trusts the server's
// certificate (valid for 127.0.0.1, ::1 and localhost), or nil without TLS.
func (s *Server) TLSConfig() *tls.Config {
	if s.clientTLS == nil {
		return nil
	}
	return s.clientTLS.Clone()
}

// CertPool holds the server's self-signed certificate, or is nil without TLS.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// Close stops the server and drops open connections.
func (s *Server) Close() error {
	err := s.srv.Close()
	if errors.Is(err, gosmtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Messages returns the accepted messages, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Transactions counts messages whose data was sent, accepted or not.
func (s *Server) Transactions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.transactions
}

// Wait returns the accepted messages once there are at least n, or an
// error after timeout.
func (s *Server) Wait(n int, timeout time.Duration) ([]Message, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		msgs, changed := slices.Clone(s.messages), s.changed
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return msgs, fmt.Errorf("fake smtp: %d messages after %s, want %d", len(msgs), timeout, n)
		}
	}
}

// record ends a transaction, keeping msg when it was accepted.
func (s *Server) record(msg *Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.transactions++
	if msg != nil {
		s.messages = append(s.messages, *msg)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}
