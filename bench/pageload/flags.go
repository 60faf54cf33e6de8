package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/arqir/arqir/bench/internal/peer"
)

// Bounds no flag can lift: the tool always stops by itself.
const (
	maxRun         = 15 * time.Minute // the whole run, setup and waiting included
	maxRate        = 2000             // alerts/s
	maxDuration    = 2 * time.Minute  // of the open-loop phase
	maxAlerts      = 50_000
	maxConcurrency = 64
	maxIncidents   = 20_000
	maxBatch       = 1000 // arqir.MaxAlertsPerRequest
	maxWait        = 5 * time.Minute
	maxInFlight    = 1024 // open requests in rate mode
)

type config struct {
	mode string
	db   string // "" (temporary SQLite) or postgres://…

	severity string // the alerts' severity label
	wait     time.Duration
	cpuprof  string

	peer    string // "alertmanager": measure the real Alertmanager instead of arqir (rate, burst)
	peerBin string

	// rate
	rate     int
	duration time.Duration
	// burst
	alerts      int
	concurrency int
	// escalation
	incidents int
	batch     int
	openRate  int           // incidents/s; 0: as fast as arqir takes them
	ackWithin time.Duration // 0: the policy's (2m)
	sweep     time.Duration
}

var errHelp = errors.New("help")

const usageText = `usage: go run ./bench/pageload MODE [flags]

Modes:
  rate        one new alert (its own incident) per request at --rate alerts/s
              for --duration, open loop: each request leaves at its time,
              whatever the answers. Latency of an alert = the first page of
              its incident at the SMS receiver − when its request was sent.
  burst       --alerts new alerts as fast as arqir accepts them, from
              --concurrency senders; latency as for rate.
  escalation  opens --incidents incidents (--batch alerts per request, each
              alert its own incident; all at once, or --open-rate per
              second), waits for their first pages, then for the escalation
              page each gets when its page goes unacknowledged (nobody
              acknowledges). Lateness = escalation page at the receiver −
              the page acknowledgement deadline (first page + ack window).

arqir runs in-process on 127.0.0.1 with the default policy (for escalation
with --ack-within written into a copy of it), on a temporary SQLite file or
--db postgres://… (a fresh schema, dropped at the end). ada is on call on
both schedules and reached by SMS; the executives and the customer success
director are users reached by e-mail (no SMTP: kept in the in-app log).

Bounds: rate ≤ 2000/s for ≤ 2m, ≤ 50 000 alerts, ≤ 20 000 incidents,
waiting for pages ≤ 5m, the whole run ≤ 15m.

Flags:
`

func parse(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("pageload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usageText); fs.PrintDefaults() }
	fs.StringVar(&c.db, "db", "", "postgres:// URL of a local PostgreSQL to run in a fresh schema of (default: a temporary SQLite file)")
	fs.StringVar(&c.severity, "severity", "", "the alerts' severity label (default: critical = SEV1 for rate and burst; warning = SEV3 for escalation)")
	fs.DurationVar(&c.wait, "wait", 0, "how long to wait for pages after the last alert or due deadline (default 60s)")
	fs.StringVar(&c.cpuprof, "cpuprofile", "", "write a CPU profile of the measured run (server, receiver and senders: one process) to this file")
	fs.StringVar(&c.peer, "peer", "", "rate, burst: alertmanager measures Debian's Alertmanager instead (group_wait 0s, webhook to this tool): alert sent → webhook received")
	fs.StringVar(&c.peerBin, "peer-bin", peer.DefaultAlertmanager, "with --peer alertmanager: the Alertmanager binary to run")
	fs.IntVar(&c.rate, "rate", 200, "rate: alerts per second")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "rate: how long to send")
	fs.IntVar(&c.alerts, "alerts", 10_000, "burst: how many alerts")
	fs.IntVar(&c.concurrency, "concurrency", 16, "burst: senders; escalation: senders of batches")
	fs.IntVar(&c.incidents, "incidents", 10_000, "escalation: how many incidents to open")
	fs.IntVar(&c.batch, "batch", 100, "escalation: alerts (incidents) per request")
	fs.IntVar(&c.openRate, "open-rate", 0, "escalation: open this many incidents per second (0: as fast as arqir takes them), so that their deadlines come due at that rate")
	fs.DurationVar(&c.ackWithin, "ack-within", 0, "escalation: acknowledge_page_within of the policy (default: the policy's 2m)")
	fs.DurationVar(&c.sweep, "sweep", time.Second, "the scheduler's sweep interval (app.Config.SweepInterval)")

	// MODE may come first or after the flags.
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		c.mode, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, errHelp
		}
		return nil, err
	}
	if c.mode == "" && fs.NArg() == 1 {
		c.mode = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	if c.severity == "" {
		c.severity = "critical"
		if c.mode == "escalation" {
			c.severity = "warning"
		}
	}
	if c.wait == 0 {
		c.wait = time.Minute
	}
	switch {
	case !slices.Contains([]string{"rate", "burst", "escalation"}, c.mode):
		return nil, fmt.Errorf("give a mode: rate, burst or escalation (see --help)")
	case c.rate < 1 || c.rate > maxRate:
		return nil, fmt.Errorf("--rate %d: give 1 to %d alerts/s", c.rate, maxRate)
	case c.duration <= 0 || c.duration > maxDuration:
		return nil, fmt.Errorf("--duration %s: give up to %s", c.duration, maxDuration)
	case c.mode == "rate" && c.rate*int(c.duration/time.Second) > maxAlerts:
		return nil, fmt.Errorf("--rate × --duration is over %d alerts", maxAlerts)
	case c.alerts < 1 || c.alerts > maxAlerts:
		return nil, fmt.Errorf("--alerts %d: give 1 to %d", c.alerts, maxAlerts)
	case c.concurrency < 1 || c.concurrency > maxConcurrency:
		return nil, fmt.Errorf("--concurrency %d: give 1 to %d", c.concurrency, maxConcurrency)
	case c.incidents < 1 || c.incidents > maxIncidents:
		return nil, fmt.Errorf("--incidents %d: give 1 to %d", c.incidents, maxIncidents)
	case c.batch < 1 || c.batch > maxBatch:
		return nil, fmt.Errorf("--batch %d: give 1 to %d", c.batch, maxBatch)
	case c.openRate < 0 || c.openRate > maxRate:
		return nil, fmt.Errorf("--open-rate %d: give 0 (as fast as possible) to %d incidents/s", c.openRate, maxRate)
	case c.mode == "escalation" && c.openRate > 0 && time.Duration(c.incidents/c.openRate)*time.Second > maxDuration*4:
		return nil, fmt.Errorf("--incidents / --open-rate is over %s of opening", maxDuration*4)
	case c.ackWithin != 0 && (c.ackWithin < 10*time.Second || c.ackWithin > 10*time.Minute):
		return nil, fmt.Errorf("--ack-within %s: give 10s to 10m", c.ackWithin)
	case c.sweep < 50*time.Millisecond || c.sweep > 10*time.Second:
		return nil, fmt.Errorf("--sweep %s: give 50ms to 10s", c.sweep)
	case c.peer != "" && c.peer != "alertmanager":
		return nil, fmt.Errorf("--peer %q: the only peer is alertmanager", c.peer)
	case c.peer != "" && c.mode == "escalation":
		return nil, errors.New("--peer alertmanager measures rate and burst: Alertmanager does not escalate")
	case c.peer != "" && (c.db != "" || c.cpuprof != ""):
		return nil, errors.New("--db and --cpuprofile are for arqir in this process; Alertmanager runs as a child and keeps alerts in memory")
	case c.wait < 0 || c.wait > maxWait:
		return nil, fmt.Errorf("--wait %s: give up to %s", c.wait, maxWait)
	}
	return c, nil
}
