package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arqir/arqir/bench/internal/procstat"
	"github.com/arqir/arqir/ingest/generic"
)

// result is what one run measured.
type result struct {
	requests, alerts int // answered 200
	failed           int // answered otherwise, or not at all
	statuses         map[string]int
	firstErr         string
	latencies        []time.Duration // of the requests answered 200
	elapsed          time.Duration
	before, after    usage
	settled          usage         // spawned servers: after a further settle
	lateStarts       int           // --rate: requests sent more than 10 ms after their time
	clientCPU        time.Duration // this tool's own CPU time during the run
	dbCPU            time.Duration // with --db: the local PostgreSQL's CPU time during the run
	loadBefore       string        // the machine's load average before the run
}

// settle is how long after the last answer a spawned server's CPU time is
// read again.
const settle = time.Second

// sender posts requests and records what came back; safe for concurrent use.
type sender struct {
	c      *config
	url    string
	auth   string
	secret []byte // the integration's signing secret, or nil
	encode func(i int) []byte
	client *http.Client

	mu  sync.Mutex
	res *result
}

func load(ctx context.Context, c *config, s *server) (*result, error) {
	snd := &sender{
		c: c, url: s.url + "/ingest/generic", auth: "Bearer " + s.credential, secret: []byte(s.signingSecret),
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: maxInFlight, MaxIdleConnsPerHost: maxInFlight, DisableCompression: true,
		}},
		res: &result{statuses: map[string]int{}},
	}
	snd.encode = snd.body
	if s.peer {
		snd.url, snd.auth, snd.encode = s.url+"/api/v2/alerts", "", snd.alertmanagerBody
	}
	requests := c.alerts / c.batch
	ctx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	before, err := s.measure(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the server's CPU and memory: %w", err)
	}
	snd.res.loadBefore = procstat.LoadAverage()
	clientBefore, dbBefore := procstat.SelfCPU(), procstat.PostgresCPU()
	start := time.Now()
	if c.rate > 0 {
		snd.openLoop(ctx, requests, start)
	} else {
		snd.closedLoop(ctx, requests)
	}
	snd.res.elapsed = time.Since(start)
	snd.res.clientCPU = procstat.SelfCPU() - clientBefore
	if c.db != "" {
		snd.res.dbCPU = procstat.PostgresCPU() - dbBefore
	}
	after, err := s.measure(context.Background())
	if err != nil {
		return nil, fmt.Errorf("read the server's CPU and memory: %w", err)
	}
	snd.res.before, snd.res.after = before, after
	if s.pid != 0 {
		// Work left after the last answer (Alertmanager routes alerts to
		// its aggregation groups after answering) is the server's too.
		time.Sleep(settle)
		if snd.res.settled, err = s.measure(context.Background()); err != nil {
			return nil, fmt.Errorf("read the server's CPU and memory: %w", err)
		}
	}
	return snd.res, nil
}

// closedLoop runs --concurrency clients, each sending its next request as
// soon as the previous one is answered, until every request is sent or
// the time is up.
func (snd *sender) closedLoop(ctx context.Context, requests int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < snd.c.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= requests {
					return
				}
				snd.send(ctx, i, time.Now())
			}
		}()
	}
	wg.Wait()
}

// openLoop sends a request every batch/rate seconds whatever the answers,
// with at most maxInFlight open; latency counts from the scheduled time, so
// a server that falls behind shows it instead of slowing the sender down.
func (snd *sender) openLoop(ctx context.Context, requests int, start time.Time) {
	interval := time.Duration(float64(time.Second) * float64(snd.c.batch) / float64(snd.c.rate))
	sem := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	for i := 0; i < requests && ctx.Err() == nil; i++ {
		at := start.Add(time.Duration(i) * interval)
		if d := time.Until(at); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
			}
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		if time.Since(at) > 10*time.Millisecond {
			snd.mu.Lock()
			snd.res.lateStarts++
			snd.mu.Unlock()
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			snd.send(ctx, i, at)
		}(i)
	}
	wg.Wait()
}

// send posts request i and records it; latency counts from since.
func (snd *sender) send(ctx context.Context, i int, since time.Time) {
	body := snd.encode(i)
	req, err := http.NewRequestWithContext(ctx, "POST", snd.url, bytes.NewReader(body))
	if err != nil {
		snd.fail("request", err.Error())
		return
	}
	if snd.auth != "" {
		req.Header.Set("Authorization", snd.auth)
	}
	req.Header.Set("Content-Type", "application/json")
	if len(snd.secret) > 0 {
		req.Header.Set(generic.DefaultSignatureHeader, generic.Sign(snd.secret, time.Now(), "", body))
	}
	resp, err := snd.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			snd.fail("transport", err.Error())
		}
		return
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	took := time.Since(since)
	if resp.StatusCode != http.StatusOK {
		snd.fail(strconv.Itoa(resp.StatusCode), string(answer))
		return
	}
	snd.mu.Lock()
	snd.res.requests++
	snd.res.alerts += snd.c.batch
	snd.res.latencies = append(snd.res.latencies, took)
	snd.mu.Unlock()
}

func (snd *sender) fail(kind, msg string) {
	snd.mu.Lock()
	defer snd.mu.Unlock()
	snd.res.failed++
	snd.res.statuses[kind]++
	if snd.res.firstErr == "" {
		snd.res.firstErr = kind + ": " + msg
	}
}

// body is request i: a JSON array of --batch firing alerts of the generic
// format. Alert n has dedup key n, or n mod --keys (duplicate-heavy); its
// alertname is one of 100 and its service one of 10, so alerts group into
// 100 incidents (the default policy groups by alertname and service). The
// seq annotation makes every body unique: none is a replay.
func (snd *sender) body(i int) []byte {
	b := make([]byte, 0, 200*snd.c.batch)
	b = append(b, '[')
	for j := 0; j < snd.c.batch; j++ {
		n := i*snd.c.batch + j
		key := n
		if snd.c.keys > 0 {
			key = n % snd.c.keys
		}
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"dedup_key":"k`...)
		b = strconv.AppendInt(b, int64(key), 10)
		b = append(b, `","status":"firing","summary":"ingestload alert `...)
		b = strconv.AppendInt(b, int64(key), 10)
		b = append(b, `","service":"svc`...)
		b = strconv.AppendInt(b, int64(key%10), 10)
		b = append(b, `","labels":{"alertname":"Load`...)
		b = strconv.AppendInt(b, int64(key%100), 10)
		b = append(b, `"},"annotations":{"seq":"`...)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, `"}}`...)
	}
	return append(b, ']')
}
