package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/bench/internal/pgschema"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/policy"
)

// smsSecret signs the pages to the in-process receiver: a test value.
const smsSecret = "pageload-sms-secret"

// server is arqir running in this process, wired to the receiver, with
// the people and the Alertmanager integration of a run.
type server struct {
	app        *app.App
	url        string
	desc       string
	admin      *client.Client
	credential string // of the Alertmanager integration
	recv       *receiver
	errs       *errorLog
	cleanups   []func()
}

// start runs arqir as `arqir serve` would, with the SMS gateway set to the
// receiver, and sets up the people and the integration.
func start(ctx context.Context, c *config, log io.Writer) (_ *server, err error) {
	s := &server{errs: &errorLog{}}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	if s.recv, err = newReceiver(smsSecret); err != nil {
		return nil, err
	}
	s.cleanups = append(s.cleanups, s.recv.close)
	dir, err := os.MkdirTemp("", "arqir-pageload-")
	if err != nil {
		return nil, err
	}
	s.cleanups = append(s.cleanups, func() { os.RemoveAll(dir) })
	dsn := filepath.Join(dir, "arqir.db")
	s.desc = "SQLite (WAL, synchronous=FULL)"
	if c.db != "" {
		u, schema, err := pgschema.Create(ctx, c.db, "arqir_pageload")
		if err != nil {
			return nil, err
		}
		s.cleanups = append(s.cleanups, func() {
			if err := pgschema.Drop(context.Background(), c.db, schema); err != nil {
				fmt.Fprintln(log, "pageload:", err)
			}
		})
		dsn, s.desc = u, "PostgreSQL schema "+schema
	}
	policyFile := ""
	if c.ackWithin > 0 {
		if policyFile, err = writePolicy(dir, c.ackWithin); err != nil {
			return nil, err
		}
	}
	var banner bytes.Buffer
	a, err := app.New(ctx, app.Config{
		Addr:          "127.0.0.1:0",
		DB:            dsn,
		PolicyFile:    policyFile,
		SweepInterval: c.sweep,
		Notify:        app.NotifyConfig{SMSWebhookURL: s.recv.url, SMSWebhookSecret: smsSecret},
		Logger:        slog.New(s.errs),
		Out:           &banner,
	})
	if err != nil {
		return nil, fmt.Errorf("start arqir: %w", err)
	}
	s.cleanups = append(s.cleanups, func() { a.Close() })
	srvCtx, stop := context.WithCancel(context.Background()) // scheduler and dispatcher; stopped before Close
	s.cleanups = append(s.cleanups, stop)
	if err := a.Start(srvCtx); err != nil {
		return nil, err
	}
	s.app, s.url = a, a.URL()
	token := tokenLine.FindStringSubmatch(banner.String())
	if token == nil {
		return nil, errors.New("no admin token in the first-run banner")
	}
	s.admin = client.New(s.url, token[1])
	if err := s.staff(ctx); err != nil {
		return nil, fmt.Errorf("set up the people on call: %w", err)
	}
	in, err := s.admin.CreateIntegration(ctx, client.NewIntegration{Name: "pageload", Kind: string(arqir.KindAlertmanager), Service: "checkout"})
	if err != nil {
		return nil, fmt.Errorf("create the Alertmanager integration: %w", err)
	}
	s.credential = in.Credential
	return s, nil
}

var tokenLine = regexp.MustCompile(`export ARQIR_TOKEN=(\S+)`)

// staff puts ada on call on both schedules, reached by SMS only, so that
// every page of the chain reaches the receiver whatever the time of day
// (the secondary is paged in business hours only), and assigns the
// contact roles that SEV1 and SEV2 incidents notify to people reached by
// e-mail, as a configured site has them.
func (s *server) staff(ctx context.Context) error {
	users := []client.UserRequest{
		{Handle: "ada", Name: "Ada Lovelace", Phone: "+14155550101", NotificationChannels: []string{arqir.ChannelSMS}},
		{Handle: "vp", Name: "Vera Pike", Email: "vp@example.com"},
		{Handle: "cto", Name: "Cy Thorne", Email: "cto@example.com"},
		{Handle: "csd", Name: "Cass Dunn", Email: "csd@example.com"},
	}
	for _, u := range users {
		if _, err := s.admin.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("add %s: %w", u.Handle, err)
		}
	}
	for _, schedule := range []string{"primary", "secondary"} {
		if _, err := s.admin.SetParticipants(ctx, schedule, client.ParticipantsRequest{Users: []string{"ada"}}); err != nil {
			return err
		}
	}
	for role, who := range map[string]string{"vp_engineering": "vp", "cto": "cto", "customer_success_director": "csd"} {
		if _, err := s.admin.AssignContact(ctx, role, who); err != nil {
			return err
		}
	}
	return nil
}

// writePolicy writes the default policy with another page acknowledgement
// window.
func writePolicy(dir string, ackWithin time.Duration) (string, error) {
	const line = "acknowledge_page_within: 2m"
	src := string(policy.DefaultYAML())
	if strings.Count(src, line) != 1 {
		return "", fmt.Errorf("the default policy no longer has exactly one %q: update writePolicy", line)
	}
	src = strings.Replace(src, line, "acknowledge_page_within: "+policyDuration(ackWithin), 1)
	path := filepath.Join(dir, "policy.yaml")
	return path, os.WriteFile(path, []byte(src), 0o600)
}

// policyDuration spells d in the policy's units (s, m, h).
func policyDuration(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}

// close stops arqir and the receiver and removes what the run made.
func (s *server) close() {
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
	s.cleanups = nil
}

// errorLog is arqir's logger during a run: it counts errors and keeps the
// first, which the report shows; everything else is dropped.
type errorLog struct {
	mu    sync.Mutex
	n     int
	first string
}

func (l *errorLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelError }

func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if l.first == "" {
		msg := r.Message
		r.Attrs(func(a slog.Attr) bool { msg += " " + a.String(); return true })
		l.first = msg
	}
	return nil
}

func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *errorLog) WithGroup(string) slog.Handler      { return l }

func (l *errorLog) summary() (int, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n, l.first
}
