package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest/alertmanager"
)

// Every run is bounded and names a mode.
func TestParse_Bounds(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"flood"},
		{"rate", "--rate", "5000"},
		{"rate", "--duration", "1h"},
		{"rate", "--rate", "2000", "--duration", "60s"}, // 120 000 alerts
		{"burst", "--alerts", "1000000"},
		{"burst", "--concurrency", "1000"},
		{"escalation", "--incidents", "100000"},
		{"escalation", "--ack-within", "1s"},
		{"escalation", "--sweep", "1ms"},
		{"rate", "--wait", "1h"},
		{"rate", "extra"},
	} {
		if _, err := parse(args, &bytes.Buffer{}); err == nil {
			t.Errorf("parse(%q) accepted it", args)
		}
	}
	c, err := parse([]string{"escalation"}, &bytes.Buffer{})
	if err != nil || c.severity != "warning" || c.incidents != 10_000 {
		t.Errorf("escalation defaults: %+v, %v", c, err)
	}
}

// Each alert of a body is new and has its own alertname, so it opens its
// own incident; the body is a valid Alertmanager notification.
func TestBody_DistinctAlertmanagerAlerts(t *testing.T) {
	snd := &sender{severity: "critical", run: "r1"}
	var m alertmanager.Message
	if err := json.Unmarshal(snd.body(7, 3), &m); err != nil {
		t.Fatal(err)
	}
	events, err := m.Events()
	if err != nil || len(events) != 3 {
		t.Fatalf("%d events, %v", len(events), err)
	}
	seen := map[string]bool{}
	for _, ev := range events {
		if ev.Status != arqir.AlertFiring || ev.Severity != "critical" || seen[ev.Labels["alertname"]] || seen[ev.DedupKey] {
			t.Errorf("event %+v", ev)
		}
		seen[ev.Labels["alertname"]], seen[ev.DedupKey] = true, true
	}
}

func TestPageKey(t *testing.T) {
	id, step, ok := pageKey("INC-42/page/1/4/schedule:primary/sms")
	if !ok || id != 42 || step != 4 {
		t.Errorf("got %v %d %v", id, step, ok)
	}
	for _, k := range []string{"INC-42/escalation/1/SEV1/cto/email", "INC-42/initial_notice", "x/page/1/a/b"} {
		if _, _, ok := pageKey(k); ok {
			t.Errorf("%s read as a page", k)
		}
	}
}

// A small burst on SQLite: every alert's page reaches the receiver.
func TestBurst_EveryAlertPages(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"burst", "--alerts", "20", "--concurrency", "4", "--wait", "30s"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "20 of 20 at the receiver, 0 missing") {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
}

// Escalation with a 10 s window: every incident's second page comes, never
// before its deadline. About 12 s: skipped with -short.
func TestEscalation_NeverEarly(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a 10 s page acknowledgement window")
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"escalation", "--incidents", "20", "--batch", "10", "--ack-within", "10s", "--sweep", "250ms", "--wait", "30s"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "never early") {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
}
