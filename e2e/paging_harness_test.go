package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/client"
	fakepd "github.com/arqir/arqir/fake/pagerduty"
	fakeslack "github.com/arqir/arqir/fake/slack"
	fakesmtp "github.com/arqir/arqir/fake/smtp"
	fakewebhook "github.com/arqir/arqir/fake/webhook"
	fakezoom "github.com/arqir/arqir/fake/zoom"
)

// Credentials of the fake vendors: test values, not secrets.
const (
	pdRoutingKey   = "R0UT1NGKEY0123456789abcdefABCDEF"
	webhookSecret  = "whsec-test-paging"
	slackSigning   = "slack-signing-test"
	smtpUser       = "arqir"
	smtpPass       = "smtp-pass-test"
	zoomAccount    = "acct-test"
	zoomClient     = "client-test"
	zoomClientPass = "zoom-secret-test"
)

// vendors are the fake providers of one test: real local servers.
type vendors struct {
	Slack   *fakeslack.Server
	PD      *fakepd.Server
	Zoom    *fakezoom.Server
	SMTP    *fakesmtp.Server
	Webhook *fakewebhook.Server
}

func newVendors(t *testing.T) *vendors {
	t.Helper()
	v := &vendors{Slack: fakeslack.New(), PD: fakepd.New(pdRoutingKey), Webhook: fakewebhook.New(webhookSecret),
		Zoom: fakezoom.New(fakezoom.Credentials{AccountID: zoomAccount, ClientID: zoomClient, ClientSecret: zoomClientPass})}
	var err error
	if v.SMTP, err = fakesmtp.New(fakesmtp.Options{Username: smtpUser, Password: smtpPass, TLS: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Slack.Close(); v.PD.Close(); v.Zoom.Close(); v.SMTP.Close(); v.Webhook.Close() })
	return v
}

// config points arqir at the fakes.
func (v *vendors) config() app.NotifyConfig {
	return app.NotifyConfig{
		SlackToken: v.Slack.Token(), SlackAPIURL: v.Slack.URL(), SlackSigningSecret: slackSigning,
		PagerDutyRoutingKey: pdRoutingKey, PagerDutyURL: v.PD.URL(),
		ZoomAccountID: zoomAccount, ZoomClientID: zoomClient, ZoomClientSecret: zoomClientPass,
		ZoomOAuthURL: v.Zoom.URL(), ZoomAPIURL: v.Zoom.APIURL(),
		SMTPAddr: v.SMTP.Addr(), SMTPFrom: "arqir@example.com", SMTPUsername: smtpUser, SMTPPassword: smtpPass,
		SMTPStartTLS: "always", SMTPTLSConfig: v.SMTP.TLSConfig(),
		SMSWebhookURL: v.Webhook.URL(), SMSWebhookSecret: webhookSecret,
		Limits: map[string]float64{}, // the fakes do not rate-limit; tests must not wait on ours
	}
}

// outbound is one message a fake vendor accepted, in one shape for all.
type outbound struct {
	Vendor string // slack, pagerduty, zoom, email, sms
	To     string // channel, member, address, dedup key
	Text   string // message text, subject + body, event summary
	Thread bool   // a Slack thread reply
	Update bool   // a Slack chat.update
	Action string // PagerDuty event_action
	id     string // vendor/position: stable while later messages arrive
}

func (o outbound) String() string {
	return fmt.Sprintf("%s→%s %q%s", o.Vendor, o.To, firstLine(o.Text), map[bool]string{true: " (thread)"}[o.Thread]+map[bool]string{true: " (update)"}[o.Update]+o.Action)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// ledger is every outbound message of a test; each must be expected, and
// the test fails at its end on any that was not (goalert's smoke harness).
type ledger struct {
	t     *testing.T
	v     *vendors
	mu    sync.Mutex
	taken map[string]bool // vendor/position among that vendor's messages
}

func newLedger(t *testing.T, v *vendors) *ledger {
	l := &ledger{t: t, v: v, taken: map[string]bool{}}
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		for _, o := range l.all() {
			if !l.taken[o.id] {
				t.Errorf("unexpected outbound message: %s", o)
			}
		}
	})
	return l
}

// all lists every accepted outbound message: Slack, PagerDuty, Zoom, e-mail, SMS.
func (l *ledger) all() []outbound {
	var out []outbound
	for _, m := range l.v.Slack.Messages() {
		out = append(out, outbound{Vendor: "slack", To: m.Addressed, Text: m.Text + "\n" + string(m.Blocks), Thread: m.ThreadTS != "", Update: m.Updated})
	}
	for _, e := range l.v.PD.Events() {
		text := ""
		if e.Payload != nil {
			text = e.Payload.Summary
		}
		out = append(out, outbound{Vendor: "pagerduty", To: e.DedupKey, Text: text, Action: e.EventAction})
	}
	for _, m := range l.v.Zoom.Meetings() {
		out = append(out, outbound{Vendor: "zoom", Text: m.Topic})
	}
	for _, m := range l.v.SMTP.Messages() {
		out = append(out, outbound{Vendor: "email", To: strings.Join(m.To, ","), Text: m.Subject + "\n" + m.Body})
	}
	for _, d := range l.v.Webhook.Received() {
		text := ""
		if m, ok := d.Payload["message"].(map[string]any); ok {
			text, _ = m["text"].(string)
		}
		out = append(out, outbound{Vendor: "sms", To: d.IdempotencyKey, Text: text})
	}
	seen := map[string]int{}
	for i := range out {
		out[i].id = fmt.Sprintf("%s/%d", out[i].Vendor, seen[out[i].Vendor])
		seen[out[i].Vendor]++
	}
	return out
}

// expect takes the first not yet taken message of the vendor that matches,
// failing the test when there is none.
func (l *ledger) expect(vendor string, match func(o outbound) bool, what string) outbound {
	l.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	all := l.all()
	for _, o := range all {
		if !l.taken[o.id] && o.Vendor == vendor && match(o) {
			l.taken[o.id] = true
			return o
		}
	}
	var open []string
	for _, o := range all {
		if !l.taken[o.id] {
			open = append(open, o.String())
		}
	}
	l.t.Fatalf("expected %s message: %s; not yet taken: %v", vendor, what, open)
	return outbound{}
}

// none fails when any message is not yet taken.
func (l *ledger) none(when string) {
	l.t.Helper()
	for _, o := range l.all() {
		if !l.taken[o.id] {
			l.t.Fatalf("%s: unexpected outbound message: %s", when, o)
		}
	}
}

// contains matches messages whose text has every part.
func contains(parts ...string) func(o outbound) bool {
	return func(o outbound) bool {
		for _, p := range parts {
			if !strings.Contains(o.Text, p) {
				return false
			}
		}
		return true
	}
}

// pager is a harness with fake vendors, manual dispatch and a ledger.
type pager struct {
	*harness
	v   *vendors
	out *ledger
}

// newPager starts arqir wired to fresh fakes at the harness's start time
// (Monday 03:00 in New York: outside business hours) unless at is given.
func newPager(t *testing.T, opts ...func(*app.Config)) *pager {
	t.Helper()
	v := newVendors(t)
	h := newHarness(t, append([]func(*app.Config){func(c *app.Config) {
		c.Notify = v.config()
	}}, opts...)...)
	return &pager{harness: h, v: v, out: newLedger(t, v)}
}

// staff adds ada (primary on call, Slack + e-mail + SMS), bob (secondary)
// and people for the contact roles, and assigns the roles.
func (p *pager) staff() {
	p.t.Helper()
	ctx := context.Background()
	for _, u := range []client.UserRequest{
		{Handle: "ada", Name: "Ada Lovelace", Email: "ada@example.com", SlackUserID: fakeslack.Member, Phone: "+14155550101", NotificationChannels: []string{"slack", "email", "sms"}},
		{Handle: "bob", Name: "Bob Moog", Email: "bob@example.com", NotificationChannels: []string{"email"}},
		{Handle: "vp", Name: "Vera Pike", Email: "vp@example.com", NotificationChannels: []string{"email"}},
		{Handle: "cto", Name: "Cy Thorne", Email: "cto@example.com", NotificationChannels: []string{"email"}},
		{Handle: "csd", Name: "Cass Dunn", Email: "csd@example.com", NotificationChannels: []string{"email"}},
	} {
		u.TimeZone = "America/New_York"
		if _, err := p.Admin.CreateUser(ctx, u); err != nil {
			p.t.Fatalf("add %s: %v", u.Handle, err)
		}
	}
	for schedule, who := range map[string]string{"primary": "ada", "secondary": "bob"} {
		if _, err := p.Admin.SetParticipants(ctx, schedule, client.ParticipantsRequest{Users: []string{who}}); err != nil {
			p.t.Fatal(err)
		}
	}
	for role, who := range map[string]string{"vp_engineering": "vp", "cto": "cto", "customer_success_director": "csd"} {
		if _, err := p.Admin.AssignContact(ctx, role, who); err != nil {
			p.t.Fatal(err)
		}
	}
}

// dispatch sends everything due now.
func (p *pager) dispatch() int {
	p.t.Helper()
	n, err := p.App.Dispatch(context.Background())
	if err != nil {
		p.t.Fatalf("dispatch: %v", err)
	}
	return n
}

// at moves the clock to since+d, sweeps deadlines and dispatches.
func (p *pager) at(since time.Time, d time.Duration) {
	p.t.Helper()
	p.sweepAt(since, d)
	p.dispatch()
}

// notifications lists an incident's notifications straight from the store.
func (p *pager) notifications(id arqir.IncidentID) []*arqir.Notification {
	p.t.Helper()
	list, err := p.App.Store.Notifications(context.Background(), arqir.NotificationFilter{IncidentID: id})
	if err != nil {
		p.t.Fatal(err)
	}
	return list
}

// hasEvent reports whether the incident's timeline has an event of the kind whose message contains text.
func (p *pager) hasEvent(id arqir.IncidentID, kind, text string) bool {
	for _, e := range p.timeline(id) {
		if e.Kind == kind && strings.Contains(e.Message, text) {
			return true
		}
	}
	return false
}

// fakeSlackMember is ada's Slack member ID in the fake workspace.
const fakeSlackMember = fakeslack.Member

// slackButton presses a button of the incident's Slack message as the
// member: a block_actions interaction signed like Slack signs it.
func (p *pager) slackButton(actionID, value, member string) answer {
	p.t.Helper()
	payload, err := json.Marshal(map[string]any{
		"type":       "block_actions",
		"user":       map[string]string{"id": member, "username": "ada", "name": "ada"},
		"team":       map[string]string{"id": "T000"},
		"channel":    map[string]string{"id": fakeslack.IncidentsChannelID, "name": "incidents"},
		"actions":    []map[string]string{{"action_id": actionID, "block_id": "arqir_actions", "value": value, "type": "button"}},
		"trigger_id": "1.2.3",
	})
	if err != nil {
		p.t.Fatal(err)
	}
	body := "payload=" + url.QueryEscape(string(payload))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(slackSigning))
	mac.Write([]byte("v0:" + ts + ":" + body))
	sig := "v0=" + hex.EncodeToString(mac.Sum(nil))
	return p.send("POST", "/api/v1/slack/interactions", body, "Content-Type", "application/x-www-form-urlencoded",
		"X-Slack-Request-Timestamp", ts, "X-Slack-Signature", sig)
}
