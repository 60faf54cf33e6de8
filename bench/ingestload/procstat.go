package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir/bench/internal/procstat"
)

// usage is the server's CPU time so far and its memory.
type usage = procstat.Usage

// measure reads the server's usage: /proc/<pid> when spawned, else its
// /metrics.
func (s *server) measure(ctx context.Context) (usage, error) {
	if s.pid != 0 {
		return procstat.Of(s.pid)
	}
	return metricsUsage(ctx, s.url, s.token)
}

// metricsUsage reads process_cpu_seconds_total and
// process_resident_memory_bytes from the server's /metrics.
func metricsUsage(ctx context.Context, base, token string) (usage, error) {
	var u usage
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	if err != nil {
		return u, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return u, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return u, fmt.Errorf("GET /metrics: %s (give --token if it needs one)", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			continue
		}
		switch name {
		case "process_cpu_seconds_total":
			u.CPU = time.Duration(v * float64(time.Second))
		case "process_resident_memory_bytes":
			u.RSS = int64(v)
		}
	}
	return u, sc.Err()
}
