package email_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	fakesmtp "github.com/arqir/arqir/fake/smtp"
	"github.com/arqir/arqir/notify"
	"github.com/arqir/arqir/notify/email"
)

const (
	user     = "arqir@example.com"
	password = "correct-horse-battery-staple"
)

// setup starts a fake SMTP server and a notifier pointed at it.
func setup(t *testing.T, opts fakesmtp.Options, edit ...func(*email.Config)) (*fakesmtp.Server, *email.Notifier) {
	t.Helper()
	srv, err := fakesmtp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := email.Config{
		Addr:      srv.Addr(),
		From:      "arqir <incidents@example.com>",
		Username:  opts.Username,
		Password:  opts.Password,
		TLSConfig: srv.TLSConfig(),
		Timeout:   5 * time.Second,
		Now:       func() time.Time { return time.Date(2025, 3, 10, 14, 0, 0, 0, time.UTC) },
	}
	for _, e := range edit {
		e(&cfg)
	}
	n, err := email.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, n
}

func pageJob(address string) *notify.Job {
	return &notify.Job{
		Notification: &arqir.Notification{
			ID: 9, IncidentID: 42, Key: "INC-42/page/1/schedule:primary/email", Purpose: arqir.PurposePage, Step: 1,
			Target: "schedule:primary", Channel: arqir.ChannelEmail, Address: address,
			Recipient: "Ada Lovelace (schedule:primary)",
			Message: arqir.Message{
				IncidentID: 42, Title: "Checkout down", Severity: "SEV1", Status: arqir.StatusInvestigating,
				Headline: "[SEV1] INC-42 Checkout down — page, step 1",
				Fields:   []arqir.MessageField{{Label: "Severity", Value: "SEV1"}, {Label: "Status", Value: "INVESTIGATING"}},
				URL:      "https://arqir.example/incidents/42",
				AckURL:   "https://arqir.example/ack/42?sig=abc",
			},
		},
		Refs:           map[string]string{arqir.RefWarRoomURL: "https://zoom.us/j/85746065432?pwd=xyz"},
		IdempotencyKey: "INC-42/page/1/schedule:primary/email",
	}
}

func TestPageOverStartTLSWithAuth(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{Username: user, Password: password, TLS: true})
	if n.Channel() != arqir.ChannelEmail {
		t.Fatalf("Channel() = %q", n.Channel())
	}
	job := pageJob("ada@example.com")
	rc, err := n.Notify(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if !m.TLS || m.Username != user {
		t.Errorf("TLS %v, user %q: want STARTTLS then AUTH as %s", m.TLS, m.Username, user)
	}
	if m.From != "incidents@example.com" || len(m.To) != 1 || m.To[0] != "ada@example.com" {
		t.Errorf("envelope %s -> %v", m.From, m.To)
	}
	if m.Subject != job.Message().Headline {
		t.Errorf("Subject %q, want %q", m.Subject, job.Message().Headline)
	}
	if raw := m.Header.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?q?") {
		t.Errorf("raw Subject %q: a non-ASCII subject must be RFC 2047 encoded", raw)
	}
	if rc.Ref == "" || m.Header.Get("Message-Id") != rc.Ref || !regexp.MustCompile(`^<[0-9a-f]{32}@arqir>$`).MatchString(rc.Ref) {
		t.Errorf("receipt %q, Message-ID %q", rc.Ref, m.Header.Get("Message-Id"))
	}
	if got := m.Header.Get("X-Arqir-Idempotency-Key"); got != job.IdempotencyKey {
		t.Errorf("X-Arqir-Idempotency-Key %q", got)
	}
	if got := m.Header.Get("X-Arqir-Incident"); got != "INC-42" {
		t.Errorf("X-Arqir-Incident %q", got)
	}
	if d, err := m.Header.Date(); err != nil || !d.Equal(time.Date(2025, 3, 10, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("Date %v %v, want the injected clock", d, err)
	}
	want := job.Message().Text() + "\n\nAcknowledge: https://arqir.example/ack/42?sig=abc\nWar room: https://zoom.us/j/85746065432?pwd=xyz\n"
	if m.Body != want {
		t.Errorf("body\n%q\nwant\n%q", m.Body, want)
	}
}

func TestMessageIDIsStableAcrossRetries(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{})
	ctx := context.Background()
	a, err := n.Notify(ctx, pageJob("ada@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := n.Notify(ctx, pageJob("ada@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	other := pageJob("ada@example.com")
	other.IdempotencyKey = "INC-42/page/2/schedule:primary/email"
	c, err := n.Notify(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	if a.Ref != b.Ref || a.Ref == c.Ref {
		t.Errorf("Message-IDs %s, %s (same key) and %s (other key)", a.Ref, b.Ref, c.Ref)
	}
	if ms := srv.Messages(); ms[0].Header.Get("Message-Id") != ms[1].Header.Get("Message-Id") {
		t.Error("a retry went out with another Message-ID")
	}
}

func TestAlwaysRefusesServerWithoutStartTLS(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{}, func(c *email.Config) { c.StartTLS = email.StartTLSAlways })
	_, err := n.Notify(context.Background(), pageJob("ada@example.com"))
	if err == nil || notify.AsError(err).Retryable || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v, want a permanent refusal naming STARTTLS", err)
	}
	if srv.Transactions() != 0 {
		t.Error("a message was sent in clear although starttls is always")
	}
}

func TestAutoSendsInClearWhenNoStartTLSOffered(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{})
	if _, err := n.Notify(context.Background(), pageJob("ada@example.com")); err != nil {
		t.Fatal(err)
	}
	if m := srv.Messages(); len(m) != 1 || m[0].TLS {
		t.Errorf("messages %+v, want one in clear", m)
	}
}

func TestNeverSkipsOfferedStartTLS(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{TLS: true}, func(c *email.Config) { c.StartTLS = email.StartTLSNever })
	if _, err := n.Notify(context.Background(), pageJob("ada@example.com")); err != nil {
		t.Fatal(err)
	}
	if m := srv.Messages(); len(m) != 1 || m[0].TLS {
		t.Errorf("messages %+v, want one in clear", m)
	}
}

func TestUntrustedCertificateIsPermanent(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{TLS: true}, func(c *email.Config) { c.TLSConfig = nil })
	_, err := n.Notify(context.Background(), pageJob("ada@example.com"))
	if err == nil || notify.AsError(err).Retryable || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err = %v, want a permanent certificate error", err)
	}
	if srv.Transactions() != 0 {
		t.Error("sent over an unverified connection")
	}
}

func TestWrongPasswordIsPermanentAndSecretFree(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{Username: user, Password: password, TLS: true},
		func(c *email.Config) { c.Password = "wrong-" + password })
	_, err := n.Notify(context.Background(), pageJob("ada@example.com"))
	if err == nil || notify.AsError(err).Retryable || !strings.Contains(err.Error(), "535") || !strings.Contains(err.Error(), "password") {
		t.Fatalf("err = %v, want a permanent 535 that says to check the password", err)
	}
	if strings.Contains(err.Error(), "wrong-"+password) {
		t.Errorf("error text %q contains the password", err)
	}
	if srv.Transactions() != 0 {
		t.Error("sent without authenticating")
	}
}

func TestTemporaryRefusalIsRetryable(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{})
	srv.FailNext(fakesmtp.Temporary, 1)
	_, err := n.Notify(context.Background(), pageJob("ada@example.com"))
	e := notify.AsError(err)
	if err == nil || !e.Retryable || e.Ambiguous || !strings.Contains(err.Error(), "451") {
		t.Fatalf("err = %v (%+v), want retryable, not ambiguous, with the 451 reply", err, e)
	}
	if _, err := n.Notify(context.Background(), pageJob("ada@example.com")); err != nil {
		t.Fatalf("the retry: %v", err)
	}
	if len(srv.Messages()) != 1 {
		t.Error("the retry was not delivered")
	}
}

func TestPermanentRefusalIsPermanent(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{})
	srv.FailNext(fakesmtp.Permanent, 1)
	_, err := n.Notify(context.Background(), pageJob("ada@example.com"))
	if err == nil || notify.AsError(err).Retryable || !strings.Contains(err.Error(), "550") {
		t.Fatalf("err = %v, want permanent with the 550 reply", err)
	}
}

func TestLostReplyAfterDataIsAmbiguous(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{})
	srv.FailNext(fakesmtp.Drop, 1)
	_, err := n.Notify(context.Background(), pageJob("ada@example.com"))
	e := notify.AsError(err)
	if err == nil || !e.Retryable || !e.Ambiguous {
		t.Fatalf("err = %v (%+v), want retryable and ambiguous", err, e)
	}
}

func TestConnectionRefusedIsRetryableNotAmbiguous(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	n, err := email.New(email.Config{Addr: addr, From: "incidents@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = n.Notify(context.Background(), pageJob("ada@example.com"))
	e := notify.AsError(err)
	if err == nil || !e.Retryable || e.Ambiguous {
		t.Fatalf("err = %v (%+v), want retryable, not ambiguous", err, e)
	}
}

func TestSilentServerTimesOut(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // never greets
		}
	}()
	n, err := email.New(email.Config{Addr: ln.Addr().String(), From: "incidents@example.com", Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = n.Notify(context.Background(), pageJob("ada@example.com"))
	e := notify.AsError(err)
	if err == nil || !e.Retryable || e.Ambiguous {
		t.Fatalf("err = %v (%+v), want a retryable timeout", err, e)
	}
}

func TestHeaderInjectionIsNeutralised(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{})
	job := pageJob("ada@example.com")
	job.Notification.Message.Headline = "Checkout down\r\nBcc: victim@example.com\r\nX-Injected: 1\n\nbody"
	job.IdempotencyKey = "INC-42/page/1\r\nX-Injected: 2"
	if _, err := n.Notify(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	m := srv.Messages()[0]
	for _, k := range []string{"Bcc", "X-Injected"} {
		if v, ok := m.Header[k]; ok {
			t.Errorf("injected header %s: %v", k, v)
		}
	}
	if len(m.To) != 1 || m.To[0] != "ada@example.com" {
		t.Errorf("recipients %v, want only ada@example.com", m.To)
	}
	if m.Subject != "Checkout down Bcc: victim@example.com X-Injected: 1 body" {
		t.Errorf("Subject %q, want the headline on one line", m.Subject)
	}

	bad := pageJob("ada@example.com\r\nRCPT TO:<victim@example.com>")
	_, err := n.Notify(context.Background(), bad)
	if err == nil || notify.AsError(err).Retryable {
		t.Fatalf("err = %v, want a permanent refusal of the address", err)
	}
	if len(srv.Messages()) != 1 {
		t.Error("a message went to an injected address")
	}
}

func TestLongSubjectIsFoldedWithinLineLimits(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{})
	job := pageJob("ada@example.com")
	job.Notification.Message.Headline = "[SEV1] INC-42 " + strings.Repeat("Zahlungsdienst gestört ", 20)
	if _, err := n.Notify(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	m := srv.Messages()[0]
	head, _, _ := strings.Cut(string(m.Data), "\r\n\r\n")
	for line := range strings.SplitSeq(head, "\r\n") {
		if len(line) > 78 {
			t.Errorf("header line of %d octets: %q", len(line), line)
		}
	}
	if !strings.HasPrefix(m.Subject, "[SEV1] INC-42 Zahlungsdienst gestört") || len([]rune(m.Subject)) > 250 {
		t.Errorf("Subject %q", m.Subject)
	}
}

// TestNoSecretInErrorText talks to a server that echoes the AUTH line and
// the password in its refusal, as a broken server might.
func TestNoSecretInErrorText(t *testing.T) {
	t.Parallel()
	const secret = "echo-me-not-password"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		_, _ = c.Write([]byte("220 echo ESMTP\r\n"))
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch {
			case strings.HasPrefix(line, "EHLO"):
				_, _ = c.Write([]byte("250-echo\r\n250 AUTH PLAIN\r\n"))
			case strings.HasPrefix(line, "AUTH"):
				_, _ = c.Write([]byte("535 5.7.8 refused " + strings.TrimSpace(line) + " " + secret + "\r\n"))
			default:
				_, _ = c.Write([]byte("221 bye\r\n"))
			}
		}
	}()
	n, err := email.New(email.Config{Addr: ln.Addr().String(), From: "incidents@example.com", Username: user, Password: secret})
	if err != nil {
		t.Fatal(err)
	}
	_, err = n.Notify(context.Background(), pageJob("ada@example.com"))
	if err == nil {
		t.Fatal("want an error")
	}
	blob := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + secret))
	if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), blob) {
		t.Errorf("error text %q contains the password", err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	t.Parallel()
	for _, c := range []email.Config{
		{Addr: "smtp.example.com", From: "a@example.com"},
		{Addr: "smtp.example.com:587", From: "not an address"},
		{Addr: "smtp.example.com:587", From: "a@example.com", StartTLS: "sometimes"},
		{Addr: "smtp.example.com:587", From: "a@example.com", Username: "u"},
		{Addr: "smtp.example.com:587", From: "a@example.com", Username: "u", Password: "p", StartTLS: email.StartTLSNever},
	} {
		if _, err := email.New(c); err == nil {
			t.Errorf("New(%+v) accepted", c)
		} else if strings.Contains(err.Error(), "p\"") {
			t.Errorf("error %q may echo the password", err)
		}
	}
}
