package smtp_test

import (
	"errors"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
	"time"

	fakesmtp "github.com/arqir/arqir/fake/smtp"
)

const wellFormed = "Date: Mon, 10 Mar 2025 14:00:00 +0000\r\nFrom: a@example.com\r\nTo: b@example.com\r\nSubject: =?utf-8?q?gest=C3=B6rt?=\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nline one=\r\n continued\r\n"

func start(t *testing.T, opts fakesmtp.Options) *fakesmtp.Server {
	t.Helper()
	s, err := fakesmtp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// dial connects a net/smtp client, upgrading to TLS when the server has it.
func dial(t *testing.T, s *fakesmtp.Server) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if cfg := s.TLSConfig(); cfg != nil {
		if ok, _ := c.Extension("AUTH"); ok {
			t.Error("AUTH offered before STARTTLS")
		}
		cfg.ServerName = "127.0.0.1"
		if err := c.StartTLS(cfg); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func send(c *smtp.Client, data string) error {
	if err := c.Mail("a@example.com"); err != nil {
		return err
	}
	if err := c.Rcpt("b@example.com"); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(data)); err != nil {
		return err
	}
	return w.Close()
}

func code(err error) int {
	var e *textproto.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func TestRecordsMessageAfterStartTLSAndAuth(t *testing.T) {
	t.Parallel()
	s := start(t, fakesmtp.Options{Username: "u", Password: "p", TLS: true})
	c := dial(t, s)
	if err := c.Auth(smtp.PlainAuth("", "u", "p", "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := send(c, wellFormed); err != nil {
		t.Fatal(err)
	}
	msgs, err := s.Wait(1, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	m := msgs[0]
	if !m.TLS || m.Username != "u" || m.From != "a@example.com" || m.To[0] != "b@example.com" {
		t.Errorf("message %+v", m)
	}
	if m.Subject != "gestört" || m.Body != "line one continued\n" {
		t.Errorf("subject %q body %q", m.Subject, m.Body)
	}
	if s.CertPool() == nil {
		t.Error("no CertPool with TLS")
	}
}

func TestRefusesMissingOrWrongAuth(t *testing.T) {
	t.Parallel()
	s := start(t, fakesmtp.Options{Username: "u", Password: "p"})
	c := dial(t, s)
	if err := send(c, wellFormed); code(err) != 530 {
		t.Errorf("MAIL without AUTH: %v, want 530", err)
	}
	if err := c.Auth(smtp.PlainAuth("", "u", "nope", "127.0.0.1")); code(err) != 535 {
		t.Errorf("wrong password: %v, want 535", err)
	}
	if len(s.Messages()) != 0 {
		t.Error("recorded a message without authentication")
	}
}

func TestRefusesMalformedMessages(t *testing.T) {
	t.Parallel()
	s := start(t, fakesmtp.Options{})
	for name, data := range map[string]string{
		"no Date":       "From: a@example.com\r\n\r\nx\r\n",
		"no From":       "Date: Mon, 10 Mar 2025 14:00:00 +0000\r\n\r\nx\r\n",
		"two Subjects":  strings.Replace(wellFormed, "\r\n\r\n", "\r\nSubject: again\r\n\r\n", 1),
		"8-bit header":  strings.Replace(wellFormed, "=?utf-8?q?gest=C3=B6rt?=", "gestört", 1),
		"too long line": strings.Replace(wellFormed, "line one", strings.Repeat("x", 999), 1),
	} {
		c := dial(t, s)
		if err := send(c, data); code(err) != 550 {
			t.Errorf("%s: %v, want 550", name, err)
		}
	}
	if len(s.Messages()) != 0 || s.Transactions() != 5 {
		t.Errorf("%d messages, %d transactions; want 0 and 5", len(s.Messages()), s.Transactions())
	}
}

func TestInjectedFaults(t *testing.T) {
	t.Parallel()
	s := start(t, fakesmtp.Options{})
	s.FailNext(fakesmtp.Temporary, 1)
	s.FailNext(fakesmtp.Permanent, 1)
	s.FailNext(fakesmtp.Drop, 1)
	if err := send(dial(t, s), wellFormed); code(err) != 451 {
		t.Errorf("first: %v, want 451", err)
	}
	if err := send(dial(t, s), wellFormed); code(err) != 550 {
		t.Errorf("second: %v, want 550", err)
	}
	if err := send(dial(t, s), wellFormed); err == nil || code(err) != 0 {
		t.Errorf("third: %v, want a broken connection", err)
	}
	if err := send(dial(t, s), wellFormed); err != nil {
		t.Errorf("fourth: %v, want accepted", err)
	}
	if len(s.Messages()) != 1 || s.Transactions() != 4 {
		t.Errorf("%d messages, %d transactions; want 1 and 4", len(s.Messages()), s.Transactions())
	}
}

func TestWaitGivesUp(t *testing.T) {
	t.Parallel()
	s := start(t, fakesmtp.Options{})
	if _, err := s.Wait(1, 20*time.Millisecond); err == nil {
		t.Error("Wait returned without a message")
	}
}
