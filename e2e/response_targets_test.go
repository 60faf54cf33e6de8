package e2e

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// respondWithin checks a severity's response target end to end: left
// unacknowledged, the incident is breached exactly at the target (not a
// tick before) by the scheduler, with a timeline event; acknowledged in
// time, it never is.
func respondWithin(t *testing.T, severity string, target time.Duration) {
	h := newHarness(t)
	late := h.declare(h.Admin, "Unattended "+severity, severity)
	onTime := h.declare(h.Admin, "Attended "+severity, severity)

	if n := h.sweepAt(start, target-time.Second); n != 0 {
		t.Fatalf("%s breached %d deadline(s) a second before its %s target", severity, n, target)
	}
	if _, err := h.Admin.Acknowledge(context.Background(), onTime.ID.String()); err != nil {
		t.Fatal(err)
	}
	if n := h.sweepAt(start, target); n != 1 {
		t.Fatalf("at the %s target the sweep breached %d deadlines, want 1", target, n)
	}
	got := h.incident(late.ID)
	if !got.Breached() || got.Deadlines[0].BreachedAt == nil || !got.Deadlines[0].BreachedAt.Equal(start.Add(target)) {
		t.Fatalf("unacknowledged %s not breached at %s: %+v", severity, target, got.Deadlines)
	}
	events := h.timeline(late.ID)
	last := events[len(events)-1]
	if last.Kind != arqir.EventDeadlineBreached || last.Actor != "system" || last.Source != arqir.SourceSystem {
		t.Fatalf("last timeline event %+v, want a system deadline_breached", last)
	}
	if h.incident(onTime.ID).Breached() {
		t.Fatalf("%s acknowledged within %s was marked breached", severity, target)
	}
	// Later sweeps record nothing more.
	if n := h.sweepAt(start, 10*target); n != 0 {
		t.Fatalf("a later sweep breached %d more", n)
	}
}

func TestS1_Sev1RespondWithin5Minutes(t *testing.T) { respondWithin(t, "SEV1", 5*time.Minute) }

func TestS2_Sev2RespondWithin15Minutes(t *testing.T) { respondWithin(t, "SEV2", 15*time.Minute) }

func TestS3_Sev3RespondWithin30Minutes(t *testing.T) { respondWithin(t, "SEV3", 30*time.Minute) }

func TestS4_Sev4RespondWithin2Hours(t *testing.T) { respondWithin(t, "SEV4", 2*time.Hour) }

// The breach survives a restart and is reported on /metrics.
func TestS1_BreachIsDurableAndOnMetrics(t *testing.T) {
	h := newHarness(t)
	inc := h.declare(h.Admin, "Site down", "SEV1")
	// A drill runs the same procedure but must not move the numbers people alert on.
	if _, err := h.Admin.Declare(context.Background(), client.DeclareRequest{Title: "Game day", Severity: "SEV1", Drill: true}); err != nil {
		t.Fatal(err)
	}
	if n := h.sweepAt(start, 5*time.Minute); n != 2 {
		t.Fatalf("breached %d, want the incident's and the drill's", n)
	}
	h.restart()
	if !h.incident(inc.ID).Breached() {
		t.Fatal("breach lost across a restart")
	}
	resp, err := http.Get(h.App.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{"arqir_deadline_breaches_total 1", `arqir_incidents_open{severity="SEV1"} 1`, `arqir_incidents_open{severity="SEV4"} 0`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// Raising the severity of an unacknowledged incident re-targets its
// deadline from the declaration: a SEV3 raised to SEV1 after 6 minutes is
// breached at the next sweep.
func TestS1_SeverityRaisedAfterTargetBreachesAtOnce(t *testing.T) {
	h := newHarness(t)
	inc := h.declare(h.Admin, "Slow search", "SEV3")
	h.Clock.Advance(6 * time.Minute)
	if _, err := h.Admin.ChangeSeverity(context.Background(), inc.ID.String(), "SEV1", "search is down everywhere"); err != nil {
		t.Fatal(err)
	}
	if n := h.sweepAt(start, 6*time.Minute); n != 1 {
		t.Fatalf("breached %d, want 1", n)
	}
}
