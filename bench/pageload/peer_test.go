package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/arqir/arqir/bench/internal/peer"
)

// --peer takes Alertmanager only, for rate and burst, without arqir's
// own flags.
func TestParse_Peer(t *testing.T) {
	for _, args := range [][]string{
		{"rate", "--peer", "nagios"},
		{"escalation", "--peer", "alertmanager"},
		{"rate", "--peer", "alertmanager", "--db", "postgres://127.0.0.1/x"},
	} {
		if _, err := parse(args, &bytes.Buffer{}); err == nil {
			t.Errorf("parse(%q) accepted it", args)
		}
	}
	if c, err := parse([]string{"burst", "--peer", "alertmanager"}, &bytes.Buffer{}); err != nil || c.peerBin != peer.DefaultAlertmanager {
		t.Errorf("burst --peer alertmanager: %+v, %v", c, err)
	}
}

// A small burst to Alertmanager: every alert reaches the webhook receiver
// once. Skipped without Debian's Alertmanager unless
// ARQIR_TEST_REQUIRE_ALL=1 demands it.
func TestPeer_BurstEveryAlertNotifies(t *testing.T) {
	if err := peer.CheckBinary(peer.DefaultAlertmanager); err != nil {
		if os.Getenv("ARQIR_TEST_REQUIRE_ALL") == "1" {
			t.Fatalf("%v (ARQIR_TEST_REQUIRE_ALL=1: bash .ci/run installs it)", err)
		}
		t.Skipf("%v; ARQIR_TEST_REQUIRE_ALL=1 makes its absence fail", err)
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"burst", "--peer", "alertmanager", "--alerts", "20", "--concurrency", "4", "--wait", "30s"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "20 of 20 at the receiver, 0 missing") || !strings.Contains(out.String(), "0 duplicate alerts") {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
}

// Without the binary the tool says what to install and exits 2.
func TestPeer_MissingBinary(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"rate", "--peer", "alertmanager", "--peer-bin", "/nonexistent/prometheus-alertmanager"}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "apt-get install prometheus-alertmanager") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
}
