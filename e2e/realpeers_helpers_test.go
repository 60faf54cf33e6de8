package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir/policy"
)

// Real peers: Debian's prometheus and prometheus-alertmanager, started by
// the test on loopback ports with temporary configuration and storage, and
// killed by their PIDs when the test ends.

// peerBinary returns the path of a real peer's binary; without it the test
// is skipped, or fails under ARQIR_TEST_REQUIRE_ALL=1 (CI installs them).
func peerBinary(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("ARQIR_TEST_REQUIRE_ALL") == "1" {
			t.Fatalf("%s not found (ARQIR_TEST_REQUIRE_ALL=1): apt-get install prometheus prometheus-alertmanager (bash .ci/run does)", name)
		}
		t.Skipf("%s not found: apt-get install prometheus prometheus-alertmanager to run the real-peers tests; ARQIR_TEST_REQUIRE_ALL=1 makes their absence fail", name)
	}
	return path
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// peer is one started process with its output.
type peer struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	url  string
}

// startPeer starts a binary, waits until GET url/-/ready answers 200, and
// kills it by its PID when the test ends. On a failed test its output is
// logged.
func startPeer(t *testing.T, name, bin, url string, args ...string) *peer {
	t.Helper()
	p := &peer{name: name, cmd: exec.Command(bin, args...), out: &syncBuffer{}, url: url}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { p.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill() // by its PID; never by name
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Errorf("%s (pid %d) did not exit after kill", name, p.cmd.Process.Pid)
		}
		if t.Failed() {
			t.Logf("%s output (last 4 KiB):\n%s", name, p.out.tail(4096))
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("%s exited at start:\n%s", name, p.out.tail(4096))
		default:
		}
		if resp, err := http.Get(url + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready at %s within 20s:\n%s", name, url, p.out.tail(4096))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// writeFile writes a file under dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startPrometheus runs Prometheus scraping the exporter every second and
// evaluating rules every second; ruleFile and alertmanager may be empty.
func startPrometheus(t *testing.T, exporter, ruleFile, alertmanager string) *peer {
	t.Helper()
	bin := peerBinary(t, "prometheus")
	dir := t.TempDir()
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n")
	if ruleFile != "" {
		fmt.Fprintf(&cfg, "rule_files:\n  - %q\n", ruleFile)
	}
	if alertmanager != "" {
		fmt.Fprintf(&cfg, "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [%q]\n", strings.TrimPrefix(alertmanager, "http://"))
	}
	fmt.Fprintf(&cfg, "scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [%q]\n", strings.TrimPrefix(exporter, "http://"))
	port := freePort(t)
	return startPeer(t, "prometheus", bin, fmt.Sprintf("http://127.0.0.1:%d", port),
		"--config.file="+writeFile(t, dir, "prometheus.yml", cfg.String()),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
		"--log.level=warn",
	)
}

// startAlertmanager runs Alertmanager with one webhook receiver, arqir's
// Alertmanager endpoint with the integration's credential as the bearer
// token, grouping and sending within a second; clustering is off.
func startAlertmanager(t *testing.T, webhook, credential string) *peer {
	t.Helper()
	bin := peerBinary(t, "prometheus-alertmanager")
	dir := t.TempDir()
	cfg := fmt.Sprintf(`route:
  receiver: arqir
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: arqir
    webhook_configs:
      - url: %q
        send_resolved: true
        http_config:
          authorization:
            credentials: %q
`, webhook, credential)
	port := freePort(t)
	return startPeer(t, "alertmanager", bin, fmt.Sprintf("http://127.0.0.1:%d", port),
		"--config.file="+writeFile(t, dir, "alertmanager.yml", cfg),
		"--storage.path="+filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
		"--cluster.listen-address=",
		"--log.level=warn",
	)
}

// cpuExporter serves node_exporter's node_cpu_seconds_total for one CPU,
// whose idle share the test switches: busy (2% idle, so 98% CPU) or idle
// (100% idle); the counters grow with the wall clock, as a real CPU's do.
// It also serves the gauge testCPUGauge: 95 while busy, 10 while idle.
//
// The counters serve to check the default D1 expression on a real
// Prometheus. The alert tests use the gauge: rate(…[5m]) divides by the
// whole five minutes, so on a series younger than that the default
// expression reads about 100% busy and could not fall below 80% within
// a test's time.
type cpuExporter struct {
	*httptest.Server
	mu         sync.Mutex
	busy       bool
	at         time.Time
	idle, user float64
}

func newCPUExporter(t *testing.T, busy bool) *cpuExporter {
	e := &cpuExporter{busy: busy, at: time.Now(), idle: 1000, user: 1000}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.advance()
		idle, user, busy := e.idle, e.user, e.busy
		e.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n# TYPE node_cpu_seconds_total counter\n")
		fmt.Fprintf(w, "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} %.3f\n", idle)
		fmt.Fprintf(w, "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} %.3f\n", user)
		gauge := 10
		if busy {
			gauge = 95
		}
		fmt.Fprintf(w, "# HELP %s CPU busy percent, set by the test.\n# TYPE %s gauge\n%s %d\n", testCPUGauge, testCPUGauge, testCPUGauge, gauge)
	}))
	t.Cleanup(e.Close)
	return e
}

// testCPUGauge is the exporter's CPU gauge the alert tests' D1 reads.
const testCPUGauge = "arqir_test_cpu_busy_percent"

// testPolicy writes the default policy with D1 reading the test gauge
// (max by (instance) (arqir_test_cpu_busy_percent)) and for forD1; its id,
// name, threshold, severity and labels stay the default's.
func testPolicy(t *testing.T, forD1 string) string {
	t.Helper()
	doc := string(policy.DefaultYAML())
	d1 := policy.Default().Detection.Rules[0]
	oldExpr := "      expr: '" + d1.Expr + "'\n"
	if d1.ID != "D1" || !strings.Contains(doc, oldExpr) || !strings.Contains(doc, "      for: 5m\n") {
		t.Fatal("the default policy's D1 is not the expected one: update testPolicy")
	}
	doc = strings.Replace(doc, oldExpr, "      expr: 'max by (instance) ("+testCPUGauge+")'\n", 1)
	doc = strings.Replace(doc, "      for: 5m\n", "      for: "+forD1+"\n", 1)
	return writeFile(t, t.TempDir(), "policy.yaml", doc)
}

// advance adds the time since the last change to the counters.
func (e *cpuExporter) advance() {
	now := time.Now()
	d := now.Sub(e.at).Seconds()
	idleShare := 1.0
	if e.busy {
		idleShare = 0.02
	}
	e.idle += d * idleShare
	e.user += d * (1 - idleShare)
	e.at = now
}

// setBusy raises (true) or lowers (false) the CPU from now on.
func (e *cpuExporter) setBusy(busy bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advance()
	e.busy = busy
}

// eventually polls cond every 200 ms until it holds or the deadline passes;
// it asserts that something happens, never how fast.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s", within, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for a process's output and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) tail(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.b.Bytes()
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// cpuNow asks Prometheus for the test gauge, for messages.
func cpuNow(prom *peer) string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", prom.url+"/api/v1/query?query="+testCPUGauge, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return b.String()
}
