package main_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for the test's own schema

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
	fakewebhook "github.com/arqir/arqir/fake/webhook"
)

// Bounds of the delivery-contract tests: waits are generous so a loaded CI
// machine never flakes them; polling keeps them short when it is not.
const (
	settleWithin = 60 * time.Second
	pollEvery    = 50 * time.Millisecond
	// smsSecret signs the SMS gateway webhook: a test value, not a secret.
	smsSecret = "whsec-test-delivery-contract"
)

// proc is one `arqir serve` process started by a test: the real binary,
// killed with SIGKILL when the test wants a crash.
type proc struct {
	name   string
	URL    string
	Token  string // the admin token, printed only by the first start on a database
	cmd    *exec.Cmd
	exited chan struct{}
}

var tokenRE = regexp.MustCompile(`arq_[A-Za-z0-9_]{20,}`)

// startServe starts `arqir serve --addr 127.0.0.1:0 args…` with env added
// to the test's environment (minus any ARQIR_ variable, so the developer's
// settings cannot leak in) and waits, bounded, until it prints its URL. Its
// log goes to <logDir>/<name>.log, printed when the test fails.
func startServe(t *testing.T, logDir, name string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = logDir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ARQIR_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	logPath := filepath.Join(logDir, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logf
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		pw.Close()
		logf.Close()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.kill(t)
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("log of %s (last 4 KiB):\n%s", name, tail(b, 4<<10))
		}
	})

	type banner struct{ url, token string }
	got := make(chan banner, 1)
	go func() {
		var b banner
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := tokenRE.FindString(sc.Text()); m != "" && b.token == "" {
				b.token = m
			}
			if m := urlRE.FindStringSubmatch(sc.Text()); m != nil && b.url == "" {
				b.url = m[1]
				got <- b
			}
		}
		io.Copy(io.Discard, pr) // keep the process from blocking on a full pipe
	}()
	select {
	case b := <-got:
		p.URL, p.Token = b.url, b.token
		return p
	case <-p.exited:
		b, _ := os.ReadFile(logPath)
		t.Fatalf("%s exited before printing its URL:\n%s", name, tail(b, 4<<10))
	case <-time.After(settleWithin):
		t.Fatalf("%s printed no URL within %s", name, settleWithin)
	}
	return nil
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would, and
// waits until it is gone; a process already gone is left alone.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.exited:
	case <-time.After(settleWithin):
		t.Fatalf("%s did not exit after SIGKILL", p.name)
	}
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// apiClient is a client of p with the given token that never reuses a
// connection: a request that fails to dial then surely never reached the
// server (see surelyNotSent).
func apiClient(p *proc, token string) *client.Client {
	return client.New(p.URL, token, client.WithHTTPClient(&http.Client{
		Timeout:   20 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}))
}

// surelyNotSent reports whether err means the request never reached the
// server: the connection was refused or could not be dialled at all. Any
// other failure (reset, EOF, timeout) may have come after the server
// committed the request.
func surelyNotSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// smsEnv routes channel sms to the fake gateway.
func smsEnv(fake *fakewebhook.Server) []string {
	return []string{"ARQIR_SMS_WEBHOOK_URL=" + fake.URL(), "ARQIR_SMS_WEBHOOK_SECRET=" + smsSecret}
}

// staffPrimary adds ada, reachable by SMS only, and puts her on call in
// schedule primary: every SEV1–SEV3 incident pages her at once.
func staffPrimary(t *testing.T, c *client.Client) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, client.UserRequest{Handle: "ada", Name: "Ada Lovelace", Phone: "+14155550101",
		TimeZone: "America/New_York", NotificationChannels: []string{arqir.ChannelSMS}}); err != nil {
		t.Fatalf("add ada: %v", err)
	}
	if _, err := c.SetParticipants(ctx, "primary", client.ParticipantsRequest{Users: []string{"ada"}}); err != nil {
		t.Fatalf("put ada on call: %v", err)
	}
}

var severities = []string{"SEV1", "SEV2", "SEV3"}

// pageKey is the idempotency key of the first page of an incident to the
// primary on call by SMS.
func pageKey(id string) string { return id + "/page/1/1/schedule:primary/sms" }

// outbox is every notification of every incident, read through the API.
type outbox struct {
	all  []*arqir.Notification
	byID map[int64]*arqir.Notification
}

// readOutbox lists the notifications of the incidents ids.
func readOutbox(ctx context.Context, c *client.Client, ids []string) (*outbox, error) {
	o := &outbox{byID: map[int64]*arqir.Notification{}}
	for _, id := range ids {
		list, err := c.Notifications(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("notifications of %s: %w", id, err)
		}
		for _, n := range list {
			o.all = append(o.all, n)
			o.byID[n.ID] = n
		}
	}
	return o, nil
}

// open lists the notifications not yet in a terminal state.
func (o *outbox) open() []*arqir.Notification {
	var out []*arqir.Notification
	for _, n := range o.all {
		if !n.State.Terminal() {
			out = append(out, n)
		}
	}
	return out
}

// sms lists the notifications sent over channel sms, by key.
func (o *outbox) sms() map[string]*arqir.Notification {
	out := map[string]*arqir.Notification{}
	for _, n := range o.all {
		if n.Channel == arqir.ChannelSMS {
			out[n.Key] = n
		}
	}
	return out
}

// checkOnePagePerIncident holds the outbox to delivery contract 6: each
// incident has exactly one SMS page to the primary, keyed pageKey, and no
// two notifications share a key.
func checkOnePagePerIncident(t *testing.T, o *outbox, ids []string) {
	t.Helper()
	keys := map[string]int{}
	pages := map[arqir.IncidentID]int{}
	for _, n := range o.all {
		keys[n.Key]++
		if n.Purpose == arqir.PurposePage && n.Channel == arqir.ChannelSMS {
			pages[n.IncidentID]++
		}
	}
	for key, c := range keys {
		if c > 1 {
			t.Errorf("%d notifications have the key %s", c, key)
		}
	}
	sms := o.sms()
	for _, id := range ids {
		n := sms[pageKey(id)]
		if n == nil {
			t.Errorf("%s has no SMS page %s", id, pageKey(id))
		} else if pages[n.IncidentID] != 1 {
			t.Errorf("%s has %d SMS pages, want 1", id, pages[n.IncidentID])
		}
	}
}

// countStates counts notifications per state, e.g. "delivered=40 failed=3".
func countStates(ns []*arqir.Notification) string {
	m := map[arqir.NotificationState]int{}
	for _, n := range ns {
		m[n.State]++
	}
	var parts []string
	for s, c := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", s, c))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// waitSettled polls until every notification of the incidents ids is in
// a terminal state and returns them; it fails the test after settleWithin.
func waitSettled(t *testing.T, c *client.Client, ids []string) *outbox {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(settleWithin)
	for {
		o, err := readOutbox(ctx, c, ids)
		if err == nil && len(o.open()) == 0 {
			return o
		}
		if time.Now().After(deadline) {
			if err != nil {
				t.Fatalf("outbox not settled after %s: %v", settleWithin, err)
			}
			var open []string
			for _, n := range o.open() {
				open = append(open, fmt.Sprintf("%s %s attempts=%d ambiguous=%d claimed_until=%v", n.Key, n.State, n.Attempts, n.Ambiguous, n.ClaimedUntil))
			}
			t.Fatalf("after %s, %d notifications are still not terminal:\n%s", settleWithin, len(open), strings.Join(open, "\n"))
		}
		time.Sleep(pollEvery)
	}
}

// waitFor polls cond until it holds, failing the test with what after settleWithin.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(settleWithin)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", settleWithin, what)
		}
		time.Sleep(pollEvery)
	}
}

// receipt is one request the fake SMS gateway accepted, with the
// notification it claims to carry.
type receipt struct {
	key     string
	id      int64 // notification.id of the payload
	attempt int   // notification.attempt of the payload
	dup     bool
}

func receiptsOf(fake *fakewebhook.Server) []receipt {
	var out []receipt
	for _, d := range fake.Received() {
		r := receipt{key: d.IdempotencyKey, dup: d.Duplicate}
		if n, ok := d.Payload["notification"].(map[string]any); ok {
			id, _ := n["id"].(float64)
			at, _ := n["attempt"].(float64)
			r.id, r.attempt = int64(id), int(at)
		}
		out = append(out, r)
	}
	return out
}

// checkAtLeastOnce holds the fake's receipts to the delivery contract
// (clause 3): every SMS notification in the outbox was delivered and
// reached the gateway; every receipt carries the key of the notification it
// was sent for; a notification received n times had at least n-1
// ambiguous attempts (a duplicate can only come from an ambiguous call).
// It returns how many receipts repeated a key.
func checkAtLeastOnce(t *testing.T, o *outbox, fake *fakewebhook.Server) (resent int) {
	t.Helper()
	sms := o.sms()
	byKey := map[string][]receipt{}
	for _, r := range receiptsOf(fake) {
		n := o.byID[r.id]
		switch {
		case n == nil:
			t.Errorf("the gateway received %q for notification %d, which no incident has", r.key, r.id)
			continue
		case r.key != n.Key:
			t.Errorf("notification %d (%s) reached the gateway with Idempotency-Key %q: a retry must carry the same key", n.ID, n.Key, r.key)
		}
		byKey[r.key] = append(byKey[r.key], r)
		if r.dup {
			resent++
		}
	}
	for key, n := range sms {
		rs := byKey[key]
		switch {
		case n.State != arqir.NotificationDelivered:
			t.Errorf("%s ended %s (%s), want delivered: the gateway never failed", key, n.State, n.Reason)
		case len(rs) == 0:
			t.Errorf("%s is delivered but never reached the gateway: a lost page", key)
		case len(rs)-1 > n.Ambiguous:
			t.Errorf("%s reached the gateway %d times but only %d attempts were ambiguous: a duplicate without an ambiguous call", key, len(rs), n.Ambiguous)
		}
		seen := map[int]bool{}
		for _, r := range rs {
			if seen[r.attempt] {
				t.Errorf("%s: attempt %d reached the gateway twice", key, r.attempt)
			}
			seen[r.attempt] = true
		}
	}
	for key := range byKey {
		if sms[key] == nil {
			t.Errorf("the gateway received %q, which is no SMS notification", key)
		}
	}
	return resent
}

// freshSchema creates a schema of its own for the test in the PostgreSQL at
// base and returns base with search_path set to it (options=-c
// search_path=…, applied at connection start); it is dropped when the test
// ends, after the servers using it are killed (cleanups run last first).
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%q is not a postgres:// URL", base)
	}
	q := u.Query()
	if q.Has("options") || q.Has("search_path") {
		t.Fatalf("the PostgreSQL URL already sets options or search_path: the test sets search_path to its own schema")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "arqir_delivery_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		db.Close()
		t.Fatalf("create schema %s: %v", schema, err)
	}
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() {
			defer db.Close()
			if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
				t.Errorf("drop schema %s: %v", schema, err)
			}
		})
	})
	q.Set("options", "-c search_path="+schema)
	// pgx reads "+" in the query literally: encode the space as %20.
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String()
}
