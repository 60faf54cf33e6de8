package email

import (
	"context"
	"net"
	"net/smtp"
	"time"
)

// stage is how far an SMTP conversation got; it decides whether a failure
// can have delivered the message.
type stage string

// Stages of one conversation, in order.
const (
	stageConnect  stage = "connect"
	stageGreeting stage = "greeting"
	stageHello    stage = "EHLO"
	stageStartTLS stage = "STARTTLS"
	stageAuth     stage = "AUTH"
	stageMail     stage = "MAIL FROM"
	stageRcpt     stage = "RCPT TO"
	stageData     stage = "DATA"
	// stageEndOfData is the reply to the final ".": the only point where
	// a lost answer leaves the outcome unknown.
	stageEndOfData stage = "end of DATA"
)

// send submits msg to rcpt in one SMTP conversation bounded by the
// configured timeout and ctx.
func (n *Notifier) send(ctx context.Context, rcpt string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", n.cfg.Addr)
	if err != nil {
		return n.fail(stageConnect, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	// Cancelling ctx interrupts a read or write in progress.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, n.host)
	if err != nil {
		return n.fail(stageGreeting, err)
	}
	defer c.Close()
	if err := c.Hello(n.cfg.HelloName); err != nil {
		return n.fail(stageHello, err)
	}
	if err := n.startTLS(c); err != nil {
		return err
	}
	if n.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return n.noAuth()
		}
		if err := c.Auth(smtp.PlainAuth("", n.cfg.Username, n.cfg.Password, n.host)); err != nil {
			return n.fail(stageAuth, err)
		}
	}
	if err := c.Mail(n.from.Address); err != nil {
		return n.fail(stageMail, err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return n.fail(stageRcpt, err)
	}
	w, err := c.Data()
	if err != nil {
		return n.fail(stageData, err)
	}
	// A failed write cannot have delivered: without the final "." the
	// server discards what it got.
	if _, err := w.Write(msg); err != nil {
		return n.fail(stageData, err)
	}
	if err := w.Close(); err != nil {
		return n.fail(stageEndOfData, err)
	}
	// The message is accepted; a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// startTLS upgrades the connection as the mode says.
func (n *Notifier) startTLS(c *smtp.Client) error {
	offered, _ := c.Extension("STARTTLS")
	switch {
	case n.cfg.StartTLS == StartTLSNever:
		return nil
	case !offered && n.cfg.StartTLS == StartTLSAlways:
		return n.noStartTLS()
	case !offered:
		return nil
	}
	cfg := n.cfg.TLSConfig.Clone()
	if cfg == nil {
		cfg = newTLSConfig()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = n.host
	}
	if err := c.StartTLS(cfg); err != nil {
		return n.fail(stageStartTLS, err)
	}
	return nil
}
