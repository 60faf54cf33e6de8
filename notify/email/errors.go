package email

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/textproto"
	"strings"

	"github.com/arqir/arqir/notify"
)

// fail classifies a failed step of the conversation. An SMTP reply says
// what happened: 4xx is temporary (retry), 5xx is permanent. Anything else
// is a broken connection, retryable, and ambiguous only at the end of DATA,
// when the server may have queued the message before its answer was lost.
func (n *Notifier) fail(st stage, err error) error {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		text := fmt.Sprintf("%d %s", reply.Code, clean(reply.Msg))
		if reply.Code >= 400 && reply.Code < 500 {
			return notify.Retry(0, "email: %s answered %s with %s: a temporary refusal, arqir will retry", n.cfg.Addr, st, text)
		}
		return notify.Permanent("email: %s refused %s with %s: %s", n.cfg.Addr, st, text, advice(st))
	}
	var unknownCA x509.UnknownAuthorityError
	var wrongHost x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	if errors.As(err, &unknownCA) || errors.As(err, &wrongHost) || errors.As(err, &invalid) || errors.As(err, &verify) {
		return notify.Permanent("email: the TLS certificate of %s is not trusted (%v): fix the server's certificate, or give arqir its CA", n.cfg.Addr, err)
	}
	if st == stageAuth && err.Error() == "unencrypted connection" {
		// net/smtp refuses to send a password in clear to another host.
		return notify.Permanent("email: %s offered no STARTTLS, and arqir will not send the smtp password in clear: use the server's submission port (587) with STARTTLS", n.cfg.Addr)
	}
	return &notify.Error{
		Retryable: true,
		Ambiguous: st == stageEndOfData,
		Err:       fmt.Errorf("email: %s at %s: %w", n.cfg.Addr, st, err),
	}
}

// advice says what to fix after a permanent refusal at a stage.
func advice(st stage) string {
	switch st {
	case stageConnect, stageGreeting:
		return "check the smtp address, and that the server accepts mail from this host"
	case stageHello:
		return "set the hello name to this host's fully qualified domain name"
	case stageStartTLS:
		return "check the server's TLS set-up, or set starttls to never for a relay on localhost"
	case stageAuth:
		return "check the smtp username and password (some providers need an app password)"
	case stageMail:
		return "check the sender address is allowed to send through this account"
	case stageRcpt:
		return "check the recipient's e-mail address"
	default:
		return "the server refused the message itself; its reply says why"
	}
}

// noStartTLS is the refusal of StartTLSAlways when the server has no STARTTLS.
func (n *Notifier) noStartTLS() error {
	return notify.Permanent("email: %s does not offer STARTTLS and starttls is always, so nothing was sent: use the server's submission port (587), or set starttls to auto", n.cfg.Addr)
}

// noAuth is the failure when credentials are set but the server offers no AUTH.
func (n *Notifier) noAuth() error {
	return notify.Permanent("email: %s offers no AUTH, but an smtp username is set: use the submission port (587), enable STARTTLS if AUTH is offered only over TLS, or remove the credentials for an open relay", n.cfg.Addr)
}

// newTLSConfig is the client TLS set-up when Config has none.
func newTLSConfig() *tls.Config { return &tls.Config{MinVersion: tls.VersionTLS12} }

// scrub keeps the password (and the AUTH PLAIN blob that carries it) out
// of error text, whatever a server echoed back.
func (n *Notifier) scrub(err error) error {
	if n.cfg.Password == "" {
		return err
	}
	text := err.Error()
	leaked := false
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + n.cfg.Username + "\x00" + n.cfg.Password))
	for _, s := range []string{n.cfg.Password, plain} {
		if strings.Contains(text, s) {
			text = strings.ReplaceAll(text, s, "[redacted]")
			leaked = true
		}
	}
	if !leaked {
		return err
	}
	e := notify.AsError(err)
	return &notify.Error{Retryable: e.Retryable, RetryAfter: e.RetryAfter, Ambiguous: e.Ambiguous, Err: errors.New(text)}
}
