package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/arqir/arqir/client"
)

// newClient is one API client shared by every worker, with enough idle
// connections kept for all of them: the default two per host would make
// the others reconnect on every request and measure TCP handshakes.
func newClient(baseURL, token string, clients int) *client.Client {
	tr := &http.Transport{
		Proxy:               nil, // loopback only: never through a proxy
		MaxIdleConns:        2 * clients,
		MaxIdleConnsPerHost: 2 * clients,
		IdleConnTimeout:     90 * time.Second,
	}
	return client.New(baseURL, token, client.WithHTTPClient(&http.Client{Transport: countingTransport{tr}, Timeout: 30 * time.Second}))
}

// bytesRead counts the response bodies of every client of the tool.
var bytesRead atomic.Int64

// countingTransport counts the bytes of response bodies into bytesRead.
type countingTransport struct{ rt http.RoundTripper }

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(r)
	if err == nil {
		resp.Body = &countingBody{resp.Body}
	}
	return resp, err
}

type countingBody struct{ io.ReadCloser }

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	bytesRead.Add(int64(n))
	return n, err
}

// phase is one measured workload: op runs operation i of worker w and
// records the duration of its steps.
type phase struct {
	name string
	// newWorker returns the op of one worker (its own cursor state).
	newWorker func() func(ctx context.Context, i int64, rec *recorder) error
}

// recorder collects one worker's timings: no lock on the hot path.
type recorder struct {
	ops   []time.Duration
	steps map[string][]time.Duration
	rows  int64
}

func (r *recorder) step(name string, d time.Duration) {
	if r.steps == nil {
		r.steps = map[string][]time.Duration{}
	}
	r.steps[name] = append(r.steps[name], d)
}

// runPhase runs warmup unmeasured ops, then ops measured ones on clients
// workers, stopping after the ops, after the time cap (an op in flight
// finishes) or at the first error.
// pids are processes besides this one that serve the load (the server
// binary), for the contention measure.
func runPhase(ctx context.Context, p phase, clients, ops, warmup int, limit time.Duration, pids ...int) (*phaseResult, error) {
	deadline := time.Now().Add(limit)
	if warmup > 0 {
		if _, err := workers(ctx, p, clients, warmup, deadline); err != nil {
			return nil, fmt.Errorf("%s: warm-up: %w", p.name, err)
		}
	}
	s0, b0 := sampleCPU(), bytesRead.Load()
	start, cpu0 := time.Now(), cpuTime()
	deadline = start.Add(limit)
	recs, err := workers(ctx, p, clients, ops, deadline)
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	res := summarize(p.name, recs, elapsed)
	res.Contention = measureContention(s0, sampleCPU(), runtime.NumCPU(), pids...)
	if res.Ops > 0 {
		res.KBPerOp = float64(bytesRead.Load()-b0) / 1e3 / float64(res.Ops)
	}
	if res.Ops > 0 && cpu > 0 {
		res.CPUPerOp = ms(cpu / time.Duration(res.Ops))
	}
	res.Requested = ops
	res.TimeCapHit = res.Ops < ops && err == nil && ctx.Err() == nil
	if err == nil && ctx.Err() != nil {
		err = errors.New("interrupted")
	}
	if err != nil {
		res.Error = err.Error()
		return res, fmt.Errorf("%s: %w", p.name, err)
	}
	return res, nil
}

func workers(ctx context.Context, p phase, clients, ops int, deadline time.Time) ([]*recorder, error) {
	var (
		next    atomic.Int64
		stop    atomic.Bool
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	recs := make([]*recorder, clients)
	for w := range clients {
		rec := &recorder{}
		recs[w] = rec
		op := p.newWorker()
		wg.Go(func() {
			for !stop.Load() && ctx.Err() == nil && time.Now().Before(deadline) {
				i := next.Add(1)
				if i > int64(ops) {
					return
				}
				t0 := time.Now()
				err := op(ctx, i, rec)
				d := time.Since(t0)
				if err != nil {
					if ctx.Err() == nil {
						errOnce.Do(func() { first = fmt.Errorf("op %d: %w", i, err) })
					}
					stop.Store(true)
					return
				}
				rec.ops = append(rec.ops, d)
			}
		})
	}
	wg.Wait()
	return recs, first
}

// lifecyclePhase declares, acknowledges and resolves one incident per op.
func lifecyclePhase(c *client.Client) phase {
	return phase{
		name: "declare+ack+resolve",
		newWorker: func() func(context.Context, int64, *recorder) error {
			return func(ctx context.Context, i int64, rec *recorder) error {
				t0 := time.Now()
				inc, err := c.Declare(ctx, client.DeclareRequest{
					Title:    "Load test incident " + strconv.FormatInt(i, 10),
					Severity: "SEV2", Services: []string{"checkout"},
				})
				if err != nil {
					return fmt.Errorf("declare: %w", err)
				}
				t1 := time.Now()
				rec.step("declare", t1.Sub(t0))
				if _, err := c.Acknowledge(ctx, inc.ID.String()); err != nil {
					return fmt.Errorf("acknowledge %s: %w", inc.ID, err)
				}
				t2 := time.Now()
				rec.step("acknowledge", t2.Sub(t1))
				if _, err := c.Resolve(ctx, inc.ID.String(), client.ResolveRequest{RootCause: "load test", CustomerImpact: "none"}); err != nil {
					return fmt.Errorf("resolve %s: %w", inc.ID, err)
				}
				rec.step("resolve", time.Since(t2))
				return nil
			}
		},
	}
}

// defaultFilters are the filters of storetest.ListBenchmark, as API queries.
var defaultFilters = []string{
	"status=INVESTIGATING&severity=SEV2",
	"all",
	"open=true",
	"service=svc-7",
	"q=incident 4242",
}

// filterList is the repeatable --filter flag.
type filterList []string

func (f *filterList) String() string     { return strings.Join(*f, " | ") }
func (f *filterList) Set(v string) error { *f = append(*f, v); return nil }

// parseFilter turns "status=INVESTIGATING&severity=SEV2" (or "all") into
// list options.
func parseFilter(s string, limit int) (client.ListOptions, error) {
	o := client.ListOptions{Limit: limit}
	if s == "all" || s == "" {
		return o, nil
	}
	q, err := url.ParseQuery(s)
	if err != nil {
		return o, fmt.Errorf("--filter %q: %v", s, err)
	}
	for k, vs := range q {
		v := strings.Join(vs, ",")
		switch k {
		case "status":
			o.Status = strings.Split(v, ",")
		case "severity":
			o.Severity = strings.Split(v, ",")
		case "service":
			o.Service = v
		case "q":
			o.Query = v
		case "open":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return o, fmt.Errorf("--filter %q: open=%q: use true or false", s, v)
			}
			o.Open = &b
		case "from", "to":
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return o, fmt.Errorf("--filter %q: %s=%q is not RFC 3339", s, k, v)
			}
			if k == "from" {
				o.From = t
			} else {
				o.To = t
			}
		default:
			return o, fmt.Errorf("--filter %q: unknown key %q: use status, severity, service, open, q, from or to (page size is --limit)", s, k)
		}
	}
	return o, nil
}

// listPhase lists pages of one filter; every worker walks its own cursor
// pages deep, then starts again from the newest.
func listPhase(c *client.Client, filter string, limit, pages, clients int) (phase, error) {
	opts, err := parseFilter(filter, limit)
	if err != nil {
		return phase{}, err
	}
	return phase{
		name: "list " + filter,
		newWorker: func() func(context.Context, int64, *recorder) error {
			o, depth := opts, 0
			return func(ctx context.Context, _ int64, rec *recorder) error {
				page, err := c.Incidents(ctx, o)
				if err != nil {
					return fmt.Errorf("list %s: %w", filter, err)
				}
				rec.rows += int64(len(page.Incidents))
				depth++
				if o.Cursor = page.Next; o.Cursor == "" || depth == pages {
					o.Cursor, depth = "", 0
				}
				return nil
			}
		},
	}, nil
}

// phaseResult is what a phase measured.
type phaseResult struct {
	Name      string             `json:"name"`
	Requested int                `json:"requested_ops"`
	Ops       int                `json:"ops"`
	Seconds   float64            `json:"seconds"`
	OpsPerSec float64            `json:"ops_per_sec"`
	Latency   latency            `json:"latency"`
	Steps     map[string]latency `json:"steps,omitempty"`
	RowsPerOp float64            `json:"rows_per_op,omitempty"`
	// CPUPerOp is the CPU time of this process per op, in ms: the client
	// alone against --url, client and server together with --spawn.
	CPUPerOp float64 `json:"cpu_ms_per_op,omitempty"`
	// Contention is where the machine's CPU went besides the load.
	Contention contention `json:"contention"`
	// KBPerOp is the size of the answers of one op (kB, 10^3 bytes).
	KBPerOp    float64 `json:"kb_per_op"`
	TimeCapHit bool    `json:"time_cap_hit,omitempty"`
	Error      string  `json:"error,omitempty"`
}

// latency percentiles, in milliseconds.
type latency struct {
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
	Mean float64 `json:"mean_ms"`
}

func summarize(name string, recs []*recorder, elapsed time.Duration) *phaseResult {
	res := &phaseResult{Name: name, Seconds: elapsed.Seconds()}
	var all []time.Duration
	steps := map[string][]time.Duration{}
	var rows int64
	for _, r := range recs {
		all = append(all, r.ops...)
		for k, v := range r.steps {
			steps[k] = append(steps[k], v...)
		}
		rows += r.rows
	}
	res.Ops = len(all)
	if elapsed > 0 {
		res.OpsPerSec = float64(res.Ops) / elapsed.Seconds()
	}
	res.Latency = percentiles(all)
	if len(steps) > 0 {
		res.Steps = map[string]latency{}
		for k, v := range steps {
			res.Steps[k] = percentiles(v)
		}
	}
	if rows > 0 && res.Ops > 0 {
		res.RowsPerOp = float64(rows) / float64(res.Ops)
	}
	return res
}

// percentiles uses the nearest rank: p99 of 1000 samples is the 990th.
func percentiles(d []time.Duration) latency {
	if len(d) == 0 {
		return latency{}
	}
	slices.Sort(d)
	at := func(p float64) float64 {
		i := int(p*float64(len(d))+0.999999) - 1
		i = max(0, min(i, len(d)-1))
		return ms(d[i])
	}
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return latency{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: ms(d[len(d)-1]), Mean: ms(sum / time.Duration(len(d)))}
}

// cpuTime is the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
