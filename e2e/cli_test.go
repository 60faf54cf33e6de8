package e2e

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/arqir/arqir/cli"
)

// arqir runs the CLI against the harness's server and returns its output
// and exit code.
func (h *harness) arqir(args ...string) (string, int) {
	var out bytes.Buffer
	full := append([]string{}, args...)
	full = append(full, "--url", h.App.URL(), "--token", h.Token)
	code := cli.Main(full, strings.NewReader(""), &out, &out)
	return out.String(), code
}

// TestDoneWhen_CLIWalkthrough is the "done when": declare, ack,
// IDENTIFIED, resolve, and show with its timeline and checklist.
func TestDoneWhen_CLIWalkthrough(t *testing.T) {
	h := newHarness(t)
	if h.Token == "" || !strings.Contains(h.Banner, "arqir token create") {
		t.Fatalf("first start printed no admin token:\n%s", h.Banner)
	}
	steps := [][]string{
		{"incident", "declare", "--title", "Checkout errors", "--severity", "SEV2", "--service", "checkout"},
		{"incident", "ack", "INC-1"},
		{"incident", "status", "INC-1", "IDENTIFIED", "--note", "bad deploy"},
		{"incident", "resolve", "INC-1", "--root-cause", "bad config in deploy 1432", "--customer-impact", "5% of checkouts failed"},
	}
	for _, s := range steps {
		if out, code := h.arqir(s...); code != 0 {
			t.Fatalf("arqir %s → exit %d:\n%s", strings.Join(s, " "), code, out)
		}
	}
	out, code := h.arqir("incident", "show", "INC-1")
	if code != 0 {
		t.Fatalf("show → %d: %s", code, out)
	}
	for _, want := range []string{"Checkout errors", "RESOLVED", "SEV2", "bad config in deploy 1432",
		"[x] R1", "[x] R2", "[ ] R4", "Acknowledged by admin", "Status INVESTIGATING → IDENTIFIED", "Resolved after"} {
		if !strings.Contains(out, want) {
			t.Errorf("show output lacks %q:\n%s", want, out)
		}
	}
}

// Rejected input exits 2 with the server's message; nothing changes.
func TestCLI_RejectedInputExits2(t *testing.T) {
	h := newHarness(t)
	if out, code := h.arqir("incident", "declare", "--title", "x", "--severity", "SEV9"); code != 2 || !strings.Contains(out, "SEV1, SEV2, SEV3, SEV4") {
		t.Fatalf("unknown severity → %d:\n%s", code, out)
	}
	h.arqir("incident", "declare", "--title", "x", "--severity", "SEV3")
	if out, code := h.arqir("incident", "resolve", "INC-1", "--customer-impact", "none"); code != 2 || !strings.Contains(out, "root") {
		t.Fatalf("resolve without root cause → %d:\n%s", code, out)
	}
	if inc := h.incident(1); inc.Status != "INVESTIGATING" || inc.Version != 1 {
		t.Fatalf("a rejected resolve changed the incident: %+v", inc)
	}
}

// --if-version refuses a change based on a stale read (no lost update).
// The versions are read from the server, not counted: a delivery recorded
// by a dispatcher (the initial notice) is a change of the incident too.
func TestCLI_IfVersionRefusesAStaleChange(t *testing.T) {
	h := newHarness(t)
	if out, code := h.arqir("incident", "declare", "--title", "x", "--severity", "SEV3"); code != 0 {
		t.Fatalf("declare → %d:\n%s", code, out)
	}
	read := h.incident(1).Version // what the user saw
	if out, code := h.arqir("incident", "note", "INC-1", "someone else's change"); code != 0 {
		t.Fatalf("note → %d:\n%s", code, out)
	}
	current := h.incident(1).Version
	if current <= read {
		t.Fatalf("the note left the incident at version %d, was %d", current, read)
	}
	out, code := h.arqir("incident", "severity", "INC-1", "SEV1", "--if-version", strconv.Itoa(read))
	if code != 2 || !strings.Contains(out, "version "+strconv.Itoa(current)) {
		t.Fatalf("stale --if-version %d → %d, want 2 naming version %d:\n%s", read, code, current, out)
	}
	if inc := h.incident(1); inc.Severity != "SEV3" || inc.Version != current {
		t.Fatalf("a refused change applied: %s at version %d", inc.Severity, inc.Version)
	}
	if out, code := h.arqir("incident", "severity", "INC-1", "SEV1", "--if-version", strconv.Itoa(current)); code != 0 {
		t.Fatalf("current --if-version → %d:\n%s", code, out)
	}
}
