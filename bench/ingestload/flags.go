package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/arqir/arqir/bench/internal/peer"
)

// Bounds no flag can lift: the tool always stops by itself.
const (
	maxAlerts      = 2_000_000
	maxDuration    = 3 * time.Minute
	maxConcurrency = 256
	maxBatch       = 1000 // arqir.MaxAlertsPerRequest
	maxRate        = 200_000
	maxInFlight    = 512 // requests open at once in --rate mode
)

type config struct {
	spawn bool
	bin   string
	db    string

	peer    string // "alertmanager": load the real Alertmanager instead of arqir
	peerBin string

	url, token, credential, signingSecret string

	batch       int
	concurrency int
	keys        int
	alerts      int
	rate        int
	duration    time.Duration
}

func parseFlags(args []string) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("ingestload", flag.ContinueOnError)
	fs.BoolVar(&c.spawn, "spawn", false, "build and run `arqir serve` on a free loopback port for the run")
	fs.StringVar(&c.bin, "bin", "", "with --spawn: the arqir binary to run (default: go build ./cmd/arqir)")
	fs.StringVar(&c.db, "db", "", "with --spawn: a postgres:// URL to run in a fresh schema of (default: a temporary SQLite file)")
	fs.StringVar(&c.peer, "peer", "", "alertmanager: run Debian's Alertmanager instead of arqir on a free loopback port and send it the same alerts (its API v2)")
	fs.StringVar(&c.peerBin, "peer-bin", peer.DefaultAlertmanager, "with --peer alertmanager: the Alertmanager binary to run")
	fs.StringVar(&c.url, "url", "", "a running arqir on this machine, e.g. http://127.0.0.1:8080")
	fs.StringVar(&c.token, "token", "", "with --url: an admin token, to create a generic integration for the run")
	fs.StringVar(&c.credential, "credential", "", "with --url: the credential of an existing generic integration instead of --token")
	fs.StringVar(&c.signingSecret, "signing-secret", "", "with --credential: its signing secret, to sign requests (empty: send unsigned, for require_signature=false)")
	fs.IntVar(&c.batch, "batch", 1, "alerts per request (1 to 1000)")
	fs.IntVar(&c.concurrency, "concurrency", 32, "clients sending at once (full-speed mode)")
	fs.IntVar(&c.keys, "keys", 0, "distinct dedup keys, reused round-robin (duplicate-heavy); 0: every alert is new")
	fs.IntVar(&c.alerts, "alerts", 100_000, fmt.Sprintf("alerts to send at most (≤ %d)", maxAlerts))
	fs.IntVar(&c.rate, "rate", 0, "send this many alerts per second (open loop, latency from the scheduled time); 0: as fast as the clients go")
	fs.DurationVar(&c.duration, "duration", time.Minute, fmt.Sprintf("stop after this long at most (≤ %s)", maxDuration))
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q (flags only; see -h)", fs.Arg(0))
	case targets(c.spawn, c.url != "", c.peer != "") != 1:
		return nil, errors.New("give one of --spawn, --url or --peer alertmanager")
	case c.peer != "" && c.peer != "alertmanager":
		return nil, fmt.Errorf("--peer %q: the only peer is alertmanager", c.peer)
	case c.peer != "" && (c.db != "" || c.bin != ""):
		return nil, errors.New("--db and --bin are for arqir (--spawn); Alertmanager keeps alerts in memory, give --peer-bin for its binary")
	case c.url != "" && c.token == "" && c.credential == "":
		return nil, errors.New("with --url give --token (an admin token) or --credential (of a generic integration)")
	case c.batch < 1 || c.batch > maxBatch:
		return nil, fmt.Errorf("--batch %d: give 1 to %d", c.batch, maxBatch)
	case c.concurrency < 1 || c.concurrency > maxConcurrency:
		return nil, fmt.Errorf("--concurrency %d: give 1 to %d", c.concurrency, maxConcurrency)
	case c.keys < 0:
		return nil, fmt.Errorf("--keys %d: give 0 (all distinct) or a positive number", c.keys)
	case c.alerts < c.batch || c.alerts > maxAlerts:
		return nil, fmt.Errorf("--alerts %d: give %d (one batch) to %d", c.alerts, c.batch, maxAlerts)
	case c.rate < 0 || c.rate > maxRate:
		return nil, fmt.Errorf("--rate %d: give 0 (full speed) to %d alerts/s", c.rate, maxRate)
	case c.duration <= 0 || c.duration > maxDuration:
		return nil, fmt.Errorf("--duration %s: give up to %s", c.duration, maxDuration)
	}
	if c.url != "" {
		if err := loopbackOnly(c.url); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// targets counts the servers asked for.
func targets(asked ...bool) int {
	n := 0
	for _, a := range asked {
		if a {
			n++
		}
	}
	return n
}

// loopbackOnly refuses a URL that does not name this machine.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q: give an http URL like http://127.0.0.1:8080", raw)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--url %s is not this machine: the tool sends as fast as it can and only targets loopback (127.0.0.0/8, ::1, localhost)", raw)
}
