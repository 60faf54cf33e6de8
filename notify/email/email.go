// Package email sends notifications as plain-text e-mail over SMTP
// (net/smtp): pages to people whose channel is e-mail, and the escalation
// e-mail list of the procedures (X1), which is just another address. A
// message with a meeting (the RCA meeting, P1) carries it as an iCalendar
// invitation (invite.ics) that calendar clients offer to accept.
package email

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// STARTTLS modes of Config.StartTLS.
const (
	// StartTLSAuto upgrades to TLS when the server offers STARTTLS.
	StartTLSAuto = "auto"
	// StartTLSAlways refuses to send unless the server offers STARTTLS.
	StartTLSAlways = "always"
	// StartTLSNever sends in clear, for a relay on localhost.
	StartTLSNever = "never"
)

// Config says which server to submit mail to and as whom.
type Config struct {
	// Addr is the submission server, host:port (e.g. smtp.example.com:587).
	Addr string
	// From is the sender, e.g. "arqir <incidents@example.com>".
	From string
	// Username and Password authenticate with AUTH PLAIN; both or neither.
	Username string
	Password string
	// StartTLS is StartTLSAuto (the default), StartTLSAlways or StartTLSNever.
	StartTLS string
	// TLSConfig verifies the server after STARTTLS; nil verifies against
	// the system roots. Its ServerName defaults to Addr's host.
	TLSConfig *tls.Config
	// Timeout bounds one whole SMTP conversation; default 30 s.
	Timeout time.Duration
	// HelloName is the name sent with EHLO; default "localhost".
	HelloName string
	// Now dates the messages; default time.Now.
	Now func() time.Time
}

// Notifier sends e-mail notifications. Safe for concurrent use: each
// notification is its own SMTP conversation.
type Notifier struct {
	cfg  Config
	host string
	from *mail.Address
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks cfg and returns a notifier. It does not connect: a server that
// is down shows on the first message, as a retryable failure.
func New(cfg Config) (*Notifier, error) {
	if cfg.StartTLS == "" {
		cfg.StartTLS = StartTLSAuto
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.HelloName == "" {
		cfg.HelloName = "localhost"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" || port == "" {
		return nil, fmt.Errorf("email: smtp address %q is not host:port: write it like smtp.example.com:587", cfg.Addr)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("email: sender %q is not an e-mail address: write it like \"arqir <incidents@example.com>\"", cfg.From)
	}
	switch cfg.StartTLS {
	case StartTLSAuto, StartTLSAlways, StartTLSNever:
	default:
		return nil, fmt.Errorf("email: starttls %q is not a mode: use auto, always or never", cfg.StartTLS)
	}
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, fmt.Errorf("email: set both the smtp username and password, or neither")
	}
	if cfg.Username != "" && cfg.StartTLS == StartTLSNever && !loopback(host) {
		return nil, fmt.Errorf("email: starttls never would send the smtp password in clear to %s: use starttls auto or always", host)
	}
	if strings.ContainsAny(cfg.HelloName, "\r\n ") {
		return nil, fmt.Errorf("email: hello name %q must be one word, e.g. the host's name", cfg.HelloName)
	}
	return &Notifier{cfg: cfg, host: host, from: from}, nil
}

// Channel is arqir.ChannelEmail.
func (n *Notifier) Channel() string { return arqir.ChannelEmail }

// Notify sends the notification to its Address. Receipt.Ref is the
// Message-ID, which is derived from the idempotency key, so a retry after
// an ambiguous failure carries the same ID and mail clients show one
// message. 4xx replies and network failures are retryable (ambiguous only
// when they come after the whole message was sent); 5xx replies are
// permanent.
func (n *Notifier) Notify(ctx context.Context, job *notify.Job) (notify.Receipt, error) {
	to, err := mail.ParseAddress(job.Notification.Address)
	if err != nil {
		return notify.Receipt{}, notify.Permanent("email: %q is not an e-mail address: fix the address of %s", clean(job.Notification.Address), clean(job.Notification.Recipient))
	}
	key := job.IdempotencyKey
	if key == "" {
		key = job.Notification.Key
	}
	e := envelope{
		from:     n.from,
		to:       &mail.Address{Address: to.Address},
		key:      key,
		incident: job.Notification.IncidentID,
		message:  job.Message(),
		refs:     job.Refs,
		date:     n.cfg.Now(),
	}
	if m := e.message.Meeting; m != nil {
		if e.invite, err = invite(m, n.from, e.date); err != nil {
			return notify.Receipt{}, notify.Permanent("email: %v", err)
		}
	}
	msg, id := compose(e)
	if err := n.send(ctx, to.Address, msg); err != nil {
		return notify.Receipt{}, n.scrub(err)
	}
	return notify.Receipt{Ref: id}, nil
}

// loopback reports whether host is this machine, where clear text is safe.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
