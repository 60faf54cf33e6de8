package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The tool only targets this machine and always stops by itself.
func TestFlags_BoundsAndLoopbackOnly(t *testing.T) {
	for _, args := range [][]string{
		{}, // neither --spawn nor --url
		{"--spawn", "--url", "http://127.0.0.1:1"},
		{"--url", "http://10.0.0.5:8080", "--token", "t"},
		{"--url", "http://arqir.example.com", "--token", "t"},
		{"--url", "http://127.0.0.1:8080"}, // no token nor credential
		{"--spawn", "--alerts", "3000000"},
		{"--spawn", "--batch", "1001"},
		{"--spawn", "--concurrency", "1000"},
		{"--spawn", "--duration", "1h"},
		{"--spawn", "--rate", "-1"},
		{"--spawn", "--batch", "100", "--alerts", "10"},
		{"--peer", "nagios"},
		{"--peer", "alertmanager", "--spawn"},
		{"--peer", "alertmanager", "--url", "http://127.0.0.1:1", "--token", "t"},
		{"--peer", "alertmanager", "--db", "postgres://127.0.0.1/x"},
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q) accepted it", args)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://127.1.2.3"} {
		if _, err := parseFlags([]string{"--url", u, "--token", "t"}); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := parseFlags([]string{"--peer", "alertmanager"}); err != nil {
		t.Errorf("--peer alertmanager: %v", err)
	}
}

// A request body is a batch of generic alerts; every body is different
// (no replays), and --keys reuses dedup keys.
func TestBody_UniqueBatchesOfGenericAlerts(t *testing.T) {
	snd := &sender{c: &config{batch: 3, keys: 4}}
	var seen = map[string]bool{}
	var keys []string
	for i := 0; i < 3; i++ {
		b := snd.body(i)
		if seen[string(b)] {
			t.Fatalf("body %d repeats an earlier one", i)
		}
		seen[string(b)] = true
		var alerts []struct {
			DedupKey string            `json:"dedup_key"`
			Status   string            `json:"status"`
			Summary  string            `json:"summary"`
			Service  string            `json:"service"`
			Labels   map[string]string `json:"labels"`
		}
		if b[0] != '[' {
			t.Fatal("a body must be an array (a generic batch)")
		}
		if err := json.Unmarshal(b, &alerts); err != nil || len(alerts) != 3 {
			t.Fatalf("body %d: %v, %d alerts", i, err, len(alerts))
		}
		for _, a := range alerts {
			if a.Status != "firing" || a.Summary == "" || a.Labels["alertname"] == "" || a.Service == "" {
				t.Errorf("alert %+v", a)
			}
			keys = append(keys, a.DedupKey)
		}
	}
	if got := strings.Join(keys, ","); got != "k0,k1,k2,k3,k0,k1,k2,k3,k0" {
		t.Errorf("keys %s, want 4 reused round-robin", got)
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if pct(d, 50) != 50*time.Millisecond || pct(d, 99) != 99*time.Millisecond || pct(d[:1], 99) != time.Millisecond {
		t.Errorf("p50 %s p99 %s", pct(d, 50), pct(d, 99))
	}
}
