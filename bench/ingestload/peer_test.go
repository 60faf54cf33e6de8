package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/arqir/arqir/bench/internal/peer"
)

// alertmanagerBinary returns Debian's Alertmanager; without it the test is
// skipped, or fails under ARQIR_TEST_REQUIRE_ALL=1 (CI installs it).
func alertmanagerBinary(t *testing.T) string {
	t.Helper()
	if err := peer.CheckBinary(peer.DefaultAlertmanager); err != nil {
		if os.Getenv("ARQIR_TEST_REQUIRE_ALL") == "1" {
			t.Fatalf("%v (ARQIR_TEST_REQUIRE_ALL=1: bash .ci/run installs it)", err)
		}
		t.Skipf("%v; ARQIR_TEST_REQUIRE_ALL=1 makes its absence fail", err)
	}
	return peer.DefaultAlertmanager
}

// --peer alertmanager sends Alertmanager the same alerts as arqir gets:
// 300 alerts over 50 keys are 50 Alertmanager alerts with arqir's
// alertname and service; the report names the peer, and the process is
// gone at the end.
func TestPeer_AlertmanagerGetsTheSameAlerts(t *testing.T) {
	bin := alertmanagerBinary(t)
	ctx := context.Background()
	c, err := parseFlags([]string{"--peer", "alertmanager", "--peer-bin", bin, "--batch", "10", "--keys", "50", "--alerts", "300", "--concurrency", "4", "--duration", "30s"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := openServer(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	res, err := load(ctx, c, s)
	if err != nil || res.alerts != 300 || res.failed != 0 {
		t.Fatalf("load: %v; %d alerts answered 200, %d failed (%s)", err, res.alerts, res.failed, res.firstErr)
	}
	resp, err := http.Get(s.url + "/api/v2/alerts")
	if err != nil {
		t.Fatal(err)
	}
	var held []struct {
		Labels map[string]string `json:"labels"`
	}
	err = json.NewDecoder(resp.Body).Decode(&held)
	resp.Body.Close()
	if err != nil || len(held) != 50 {
		t.Fatalf("Alertmanager holds %d alerts (%v), want 50 (one per key)", len(held), err)
	}
	for _, a := range held {
		if !strings.HasPrefix(a.Labels["alertname"], "Load") || !strings.HasPrefix(a.Labels["service"], "svc") || !strings.HasPrefix(a.Labels["key"], "k") {
			t.Errorf("labels %v", a.Labels)
		}
	}
	var out bytes.Buffer
	report(&out, c, s, res)
	if !strings.Contains(out.String(), "Alertmanager 0.") || !strings.Contains(out.String(), "300 alerts answered 200") {
		t.Errorf("report:\n%s", out.String())
	}
	s.close()
	if err := syscall.Kill(s.pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("Alertmanager (pid %d) still there after close: %v", s.pid, err)
	}
}

// Without the binary the tool says what to install and exits 2.
func TestPeer_MissingBinary(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--peer", "alertmanager", "--peer-bin", "/nonexistent/prometheus-alertmanager"}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "apt-get install prometheus-alertmanager") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
}
