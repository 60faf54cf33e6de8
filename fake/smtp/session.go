package smtp

import (
	"crypto/subtle"
	"io"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// Replies the fake gives, in the wording real servers use.
var (
	errAuthRequired = &gosmtp.SMTPError{Code: 530, EnhancedCode: gosmtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errAuthFailed   = &gosmtp.SMTPError{Code: 535, EnhancedCode: gosmtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
)

// session is one SMTP connection's conversation, from EHLO (again after
// STARTTLS) to QUIT.
type session struct {
	s    *Server
	conn *gosmtp.Conn
	user string // authenticated username
	from string
	to   []string
}

var _ gosmtp.AuthSession = (*session)(nil)

// newSession starts the conversation of a connection (again after STARTTLS).
func (s *Server) newSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	return &session{s: s, conn: c}, nil
}

// AuthMechanisms offers PLAIN when the server has credentials.
func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

// Auth checks PLAIN credentials in constant time.
func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || ss.s.opts.Username == "" {
		return nil, gosmtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		okUser := subtle.ConstantTimeCompare([]byte(username), []byte(ss.s.opts.Username)) == 1
		okPass := subtle.ConstantTimeCompare([]byte(password), []byte(ss.s.opts.Password)) == 1
		if !okUser || !okPass || (identity != "" && identity != username) {
			return errAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

// Mail starts a transaction; it needs AUTH first when the server has
// credentials.
func (ss *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if ss.s.opts.Username != "" && ss.user == "" {
		return errAuthRequired
	}
	ss.from, ss.to = from, nil
	return nil
}

// Rcpt adds a recipient.
func (ss *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

// Data reads the message, then answers with the next injected fault, a
// refusal of a malformed message, or 250.
func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if f := ss.s.nextFault(); f != 0 {
		ss.s.record(nil)
		if f == Drop {
			// The data arrived but no reply ever will: the client cannot
			// know whether the message was accepted.
			_ = ss.conn.Conn().Close()
			return nil
		}
		return f.reply()
	}
	_, tls := ss.conn.TLSConnectionState()
	msg, err := parse(raw, ss.from, ss.to, ss.user, tls)
	if err != nil {
		ss.s.record(nil)
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 6, 0}, Message: "Message refused: " + err.Error()}
	}
	ss.s.record(msg)
	return nil
}

// Reset forgets the transaction in progress.
func (ss *session) Reset() { ss.from, ss.to = "", nil }

// Logout ends the session.
func (ss *session) Logout() error { return nil }
