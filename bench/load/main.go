// Command load measures a running arqir through its HTTP API, from this
// machine only.
//
//	go run ./bench/load lifecycle --spawn                 # 8 clients declare→ack→resolve, temp SQLite
//	go run ./bench/load list --spawn --db postgres://…    # filtered pages over 100 000 incidents
//	go run ./bench/load lifecycle --url http://127.0.0.1:8080 --token arq_…
//	go run ./bench/load startup --bin /tmp/arqir          # start→/readyz and idle RSS of the binary
//
// Every run is bounded in count (--ops per phase) and in time (--duration
// per phase) and stops by itself. --url must name this machine (127.0.0.0/8,
// ::1 or localhost): the tool writes as fast as it can and must never flood
// a shared or production server by mistake.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/arqir/arqir/client"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Bounds no flag can lift: the tool always stops by itself.
const (
	maxOps      = 1_000_000
	maxDuration = 10 * time.Minute
	maxClients  = 256
	maxPhases   = 10
	maxSeed     = 1_000_000
)

type config struct {
	mode string

	url, token string
	spawn      bool
	db         string

	clients  int
	ops      int
	warmup   int
	duration time.Duration
	json     bool
	cpuprof  string

	// list
	seed    int
	pages   int
	limit   int
	filters filterList

	// startup
	bin    string
	runs   int
	idle   time.Duration
	settle time.Duration
	load   bool
}

const usageText = `usage: go run ./bench/load MODE [flags]

Modes:
  lifecycle  each of --clients clients declares an incident, acknowledges it
             and resolves it (3 HTTP requests per op) until --ops ops or
             --duration; reports ops/s and p50/p90/p99/max of an op and of
             each request.
  list       GET /api/v1/incidents pages of --limit for each --filter, every
             client walking --pages deep along the cursor and starting over;
             reports pages/s and p50/p90/p99/max of a page. With --spawn the
             database is first seeded with --seed incidents.
  startup    starts the built binary (--bin) --runs times on fresh SQLite
             databases, measures start → /readyz 200 (polled every 2 ms) and
             VmRSS after --idle; with --load also seeds --seed incidents,
             runs lifecycle and list against the binary and measures VmRSS
             after the load.

Target (lifecycle, list): exactly one of
  --url URL --token T  a running arqir on this machine (127.0.0.0/8, ::1 or
                       localhost only); the token defaults to $ARQIR_TOKEN
  --spawn [--db DSN]   start arqir in-process (app.New/Start) on 127.0.0.1:0,
                       on a temporary SQLite file, or with --db postgres://…
                       in a fresh schema arqir_bench_<random> dropped at the
                       end; the admin token comes from the first-run banner

Bounds: every phase stops at --ops ops or after --duration, whichever is
first (caps: 1 000 000 ops, 10m); a run has at most 10 phases.

Flags:
`

func parse(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\nExamples:\n"+
			"  go run ./bench/load lifecycle --spawn --clients 8 --ops 3000\n"+
			"  go run ./bench/load list --spawn --db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'\n"+
			"  go run ./bench/load list --spawn --clients 1 --filter 'status=INVESTIGATING&severity=SEV2'\n"+
			"  go build -o /tmp/arqir ./cmd/arqir && go run ./bench/load startup --bin /tmp/arqir --load\n")
	}
	fs.StringVar(&cfg.url, "url", "", "base URL of a running arqir on this machine")
	fs.StringVar(&cfg.token, "token", "", "API token (responder or admin) for --url; default $ARQIR_TOKEN")
	fs.BoolVar(&cfg.spawn, "spawn", false, "start arqir in-process instead of --url")
	fs.StringVar(&cfg.db, "db", "", "with --spawn: SQLite file (default: a temporary one) or postgres:// URL (a fresh schema is created and dropped)")
	fs.IntVar(&cfg.clients, "clients", 8, "concurrent clients")
	fs.IntVar(&cfg.ops, "ops", 0, "ops per phase (lifecycle: incidents, default 2000; list: pages, default 1000; startup --load: both)")
	fs.IntVar(&cfg.warmup, "warmup", 0, "unmeasured ops before each phase (default: 2 per client)")
	fs.DurationVar(&cfg.duration, "duration", 30*time.Second, "time cap of each phase")
	fs.BoolVar(&cfg.json, "json", false, "print the results as JSON")
	fs.StringVar(&cfg.cpuprof, "cpuprofile", "", "write a CPU profile of the measured phases to this file (with --spawn it covers the server too)")
	fs.IntVar(&cfg.seed, "seed", 100_000, "incidents to seed before list (list --spawn and startup --load only)")
	fs.IntVar(&cfg.pages, "pages", 20, "list: pages each client walks along the cursor before starting over")
	fs.IntVar(&cfg.limit, "limit", 50, "list: page size")
	fs.Var(&cfg.filters, "filter", "list: a filter as a query string, e.g. 'status=INVESTIGATING&severity=SEV2' or 'all' (repeatable;\n"+
		"default: the five of the store benchmark: "+strings.Join(defaultFilters, " | ")+")")
	fs.StringVar(&cfg.bin, "bin", "", "startup: the built arqir binary (go build -o /tmp/arqir ./cmd/arqir)")
	fs.IntVar(&cfg.runs, "runs", 10, "startup: how many cold starts")
	fs.DurationVar(&cfg.idle, "idle", 3*time.Second, "startup: how long the server idles before VmRSS is read")
	fs.DurationVar(&cfg.settle, "settle", 20*time.Second, "startup --load: how much longer to wait for a last VmRSS reading after the load")
	fs.BoolVar(&cfg.load, "load", false, "startup: also seed, load the binary over HTTP and read VmRSS after the load")

	// MODE may come first or after the flags.
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cfg.mode, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if cfg.mode == "" && fs.NArg() > 0 {
		cfg.mode = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return nil, err
		}
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q (flags go before or after MODE, not between words)", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return cfg, cfg.check(set)
}

func (cfg *config) check(set map[string]bool) error {
	switch cfg.mode {
	case "lifecycle", "list", "startup":
	case "":
		return errors.New("no MODE: use lifecycle, list or startup (-h for help)")
	default:
		return fmt.Errorf("unknown MODE %q: use lifecycle, list or startup", cfg.mode)
	}
	if cfg.ops == 0 {
		cfg.ops = 2000
		if cfg.mode == "list" {
			cfg.ops = 1000
		}
	}
	if cfg.ops < 1 || cfg.ops > maxOps {
		return fmt.Errorf("--ops %d: use 1 to %d", cfg.ops, maxOps)
	}
	if cfg.duration <= 0 || cfg.duration > maxDuration {
		return fmt.Errorf("--duration %s: use more than 0 and at most %s", cfg.duration, maxDuration)
	}
	if cfg.clients < 1 || cfg.clients > maxClients {
		return fmt.Errorf("--clients %d: use 1 to %d", cfg.clients, maxClients)
	}
	if !set["warmup"] {
		cfg.warmup = min(2*cfg.clients, cfg.ops)
	}
	if cfg.warmup < 0 || cfg.warmup > cfg.ops {
		return fmt.Errorf("--warmup %d: use 0 to --ops (%d)", cfg.warmup, cfg.ops)
	}
	if cfg.pages < 1 || cfg.limit < 1 || cfg.limit > 500 {
		return errors.New("--pages must be at least 1 and --limit from 1 to 500")
	}
	if len(cfg.filters) == 0 {
		cfg.filters = append(filterList(nil), defaultFilters...)
	}
	if len(cfg.filters) > maxPhases {
		return fmt.Errorf("%d --filter: at most %d phases per run", len(cfg.filters), maxPhases)
	}
	for _, f := range cfg.filters {
		if _, err := parseFilter(f, cfg.limit); err != nil {
			return err
		}
	}
	seeds := cfg.mode == "list" && cfg.spawn || cfg.mode == "startup" && cfg.load
	if !seeds {
		if set["seed"] && cfg.seed != 0 {
			return errors.New("--seed needs list --spawn or startup --load: the tool seeds only a database it created")
		}
		cfg.seed = 0
	}
	if cfg.seed < 0 || cfg.seed > maxSeed {
		return fmt.Errorf("--seed %d: use 0 to %d", cfg.seed, maxSeed)
	}

	if cfg.mode == "startup" {
		if cfg.bin == "" {
			return errors.New("startup needs --bin: build it first with go build -o /tmp/arqir ./cmd/arqir")
		}
		if cfg.url != "" || cfg.spawn || cfg.db != "" || cfg.cpuprof != "" {
			return errors.New("startup runs the binary on its own temporary SQLite databases: drop --url, --spawn, --db and --cpuprofile")
		}
		if cfg.runs < 1 || cfg.runs > 100 {
			return fmt.Errorf("--runs %d: use 1 to 100", cfg.runs)
		}
		if cfg.idle < 0 || cfg.idle > time.Minute || cfg.settle < 0 || cfg.settle > 5*time.Minute {
			return fmt.Errorf("--idle %s, --settle %s: use 0 to 1m and 0 to 5m", cfg.idle, cfg.settle)
		}
		return nil
	}
	switch {
	case cfg.spawn && cfg.url != "":
		return errors.New("give either --url or --spawn, not both")
	case !cfg.spawn && cfg.url == "":
		return errors.New("no target: give --url http://127.0.0.1:PORT --token T, or --spawn to start arqir in-process")
	case !cfg.spawn && cfg.db != "":
		return errors.New("--db needs --spawn: against --url the server already has its database")
	case cfg.url != "":
		if err := checkLoopback(cfg.url); err != nil {
			return err
		}
		if cfg.token == "" {
			cfg.token = os.Getenv("ARQIR_TOKEN")
		}
		if cfg.token == "" {
			return errors.New("--url needs a token: pass --token or set ARQIR_TOKEN (a responder or admin token)")
		}
	}
	return nil
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		fmt.Fprintln(stderr, "load:", err)
		return 2
	}
	var rep *report
	if cfg.mode == "startup" {
		rep, err = runStartup(ctx, cfg, stderr)
	} else {
		rep, err = runLoad(ctx, cfg, stderr)
	}
	if rep != nil {
		rep.print(stdout, cfg.json)
	}
	if err != nil {
		fmt.Fprintln(stderr, "load:", err)
		return 1
	}
	return 0
}

// runLoad runs lifecycle or list against --url or a spawned server.
func runLoad(ctx context.Context, cfg *config, stderr io.Writer) (*report, error) {
	rep := &report{Mode: cfg.mode, Clients: cfg.clients, Date: time.Now().UTC().Format(time.RFC3339)}
	tgt := &target{url: cfg.url, token: cfg.token, desc: "server at " + cfg.url}
	if cfg.spawn {
		seed := 0
		if cfg.mode == "list" {
			seed = cfg.seed
		}
		var err error
		if tgt, err = spawn(ctx, cfg.db, seed, stderr); err != nil {
			return nil, err
		}
		defer tgt.close(stderr)
		rep.SeedSeconds = tgt.seedTime.Seconds()
	}
	rep.Target = tgt.desc
	rep.Seeded = tgt.seeded
	if err := checkLoopback(tgt.url); err != nil {
		return nil, err
	}
	c := newClient(tgt.url, tgt.token, cfg.clients)
	phases, err := cfg.phases(c)
	if err != nil {
		return nil, err
	}
	if cfg.cpuprof != "" {
		// After spawning and seeding: the profile shows the load alone.
		f, err := os.Create(cfg.cpuprof)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(stderr, "load: %s against %s: %d phase(s), each at most %d ops or %s, %d clients\n",
		cfg.mode, tgt.desc, len(phases), cfg.ops, cfg.duration, cfg.clients)
	for _, p := range phases {
		res, err := runPhase(ctx, p, cfg.clients, cfg.ops, cfg.warmup, cfg.duration)
		if res != nil {
			rep.Phases = append(rep.Phases, res)
		}
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// phases are the measured phases of lifecycle or list.
func (cfg *config) phases(c *client.Client) ([]phase, error) {
	if cfg.mode == "lifecycle" {
		return []phase{lifecyclePhase(c)}, nil
	}
	var out []phase
	for _, f := range cfg.filters {
		p, err := listPhase(c, f, cfg.limit, cfg.pages, cfg.clients)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
