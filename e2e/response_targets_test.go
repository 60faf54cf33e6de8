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
// unacknowledged, the incident's response deadline is breached exactly at
// the target (not a tick before) by the scheduler, with a timeline event;
// acknowledged in time, it never is. Paging arms deadlines of its own
// (page_ack 2m after each page, initial_notice, status_update) that breach
// earlier when nothing delivers; they are paging's tests, not this clause's,
// so only the response deadline is checked, and the sweep's count against
// every deadline the incidents record as breached at that tick.
func respondWithin(t *testing.T, severity string, target time.Duration) {
	h := newHarness(t)
	late := h.declare(h.Admin, "Unattended "+severity, severity)
	onTime := h.declare(h.Admin, "Attended "+severity, severity)

	early := h.sweepAt(start, target-time.Second)
	if n := breachedAt(start.Add(target-time.Second), h.incident(late.ID), h.incident(onTime.ID)); early != n {
		t.Fatalf("a second before the target the sweep said it breached %d deadline(s); the incidents record %d", early, n)
	}
	for _, id := range []arqir.IncidentID{late.ID, onTime.ID} {
		if d := responseDeadline(t, h.incident(id)); !d.Pending() {
			t.Fatalf("%s response deadline of %s not pending a second before its %s target: %+v", severity, id, target, d)
		}
	}
	if _, err := h.Admin.Acknowledge(context.Background(), onTime.ID.String()); err != nil {
		t.Fatal(err)
	}
	n := h.sweepAt(start, target)
	got := h.incident(late.ID)
	if want := breachedAt(start.Add(target), got, h.incident(onTime.ID)); n != want || n < 1 {
		t.Fatalf("at the %s target the sweep breached %d deadlines; the incidents record %d, the response deadline among them", target, n, want)
	}
	if d := responseDeadline(t, got); d.BreachedAt == nil || !d.BreachedAt.Equal(start.Add(target)) || d.MetAt != nil {
		t.Fatalf("unacknowledged %s response deadline not breached at %s: %+v", severity, target, got.Deadlines)
	}
	breaches := responseBreaches(h.timeline(late.ID))
	if len(breaches) != 1 || breaches[0].Actor != "system" || breaches[0].Source != arqir.SourceSystem || !breaches[0].At.Equal(start.Add(target)) {
		t.Fatalf("response breach events %+v, want one system deadline_breached at the target", breaches)
	}
	if d := responseDeadline(t, h.incident(onTime.ID)); d.BreachedAt != nil || d.MetAt == nil {
		t.Fatalf("%s acknowledged within %s: response deadline %+v, want met and not breached", severity, target, d)
	}
	// Later sweeps record nothing more about the response.
	h.sweepAt(start, 10*target)
	if d := responseDeadline(t, h.incident(late.ID)); d.BreachedAt == nil || !d.BreachedAt.Equal(start.Add(target)) {
		t.Fatalf("a later sweep moved the response breach: %+v", d)
	}
	if n := len(responseBreaches(h.timeline(late.ID))); n != 1 {
		t.Fatalf("a later sweep recorded %d response breaches, want the one", n)
	}
	if len(responseBreaches(h.timeline(onTime.ID))) != 0 || responseDeadline(t, h.incident(onTime.ID)).BreachedAt != nil {
		t.Fatalf("a later sweep breached the response of the %s acknowledged in time", severity)
	}
}

// responseDeadline is the incident's response deadline (S1–S4): the one it
// was declared with, or the last reopening's.
func responseDeadline(t *testing.T, inc *arqir.Incident) arqir.Deadline {
	t.Helper()
	for i := len(inc.Deadlines) - 1; i >= 0; i-- {
		if inc.Deadlines[i].Kind == arqir.DeadlineResponse {
			return inc.Deadlines[i]
		}
	}
	t.Fatalf("%s has no response deadline: %+v", inc.ID, inc.Deadlines)
	return arqir.Deadline{}
}

// responseBreaches are the timeline's deadline_breached events of the
// response deadline.
func responseBreaches(events []arqir.TimelineEvent) []arqir.TimelineEvent {
	var out []arqir.TimelineEvent
	for _, e := range events {
		if e.Kind == arqir.EventDeadlineBreached && e.Data["deadline"] == arqir.DeadlineResponse {
			out = append(out, e)
		}
	}
	return out
}

// breachedAt counts the deadlines of every kind of the incidents breached
// at exactly at: what a sweep at that time breached.
func breachedAt(at time.Time, incs ...*arqir.Incident) int {
	n := 0
	for _, inc := range incs {
		for _, d := range inc.Deadlines {
			if d.BreachedAt != nil && d.BreachedAt.Equal(at) {
				n++
			}
		}
	}
	return n
}

func TestS1_Sev1RespondWithin5Minutes(t *testing.T) { respondWithin(t, "SEV1", 5*time.Minute) }

func TestS2_Sev2RespondWithin15Minutes(t *testing.T) { respondWithin(t, "SEV2", 15*time.Minute) }

func TestS3_Sev3RespondWithin30Minutes(t *testing.T) { respondWithin(t, "SEV3", 30*time.Minute) }

func TestS4_Sev4RespondWithin2Hours(t *testing.T) { respondWithin(t, "SEV4", 2*time.Hour) }

// The breach survives a restart and is reported on /metrics, by deadline
// kind: the response breach is the one people alert on.
func TestS1_BreachIsDurableAndOnMetrics(t *testing.T) {
	h := newHarness(t)
	inc := h.declare(h.Admin, "Site down", "SEV1")
	// A drill runs the same procedure but must not move the numbers people alert on.
	drill, err := h.Admin.Declare(context.Background(), client.DeclareRequest{Title: "Game day", Severity: "SEV1", Drill: true})
	if err != nil {
		t.Fatal(err)
	}
	n := h.sweepAt(start, 5*time.Minute)
	if want := breachedAt(start.Add(5*time.Minute), h.incident(inc.ID), h.incident(drill.ID)); n != want {
		t.Fatalf("the sweep said it breached %d; the incidents record %d", n, want)
	}
	for _, id := range []arqir.IncidentID{inc.ID, drill.ID} {
		if d := responseDeadline(t, h.incident(id)); d.BreachedAt == nil {
			t.Fatalf("response deadline of %s not breached at 5m, want the incident's and the drill's: %+v", id, d)
		}
	}
	h.restart()
	if d := responseDeadline(t, h.incident(inc.ID)); d.BreachedAt == nil || !d.BreachedAt.Equal(start.Add(5*time.Minute)) {
		t.Fatalf("breach lost across a restart: %+v", d)
	}
	resp, err := http.Get(h.App.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{`arqir_deadline_breaches_total{kind="response"} 1`, `arqir_incidents_open{severity="SEV1"} 1`, `arqir_incidents_open{severity="SEV4"} 0`} {
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
	if d := responseDeadline(t, h.incident(inc.ID)); !d.Pending() || !d.DueAt.Equal(start.Add(5*time.Minute)) {
		t.Fatalf("response deadline %+v, want pending and re-targeted to 5m after the declaration", d)
	}
	n := h.sweepAt(start, 6*time.Minute)
	got := h.incident(inc.ID)
	if want := breachedAt(start.Add(6*time.Minute), got); n != want {
		t.Fatalf("the sweep said it breached %d; the incident records %d", n, want)
	}
	if d := responseDeadline(t, got); d.BreachedAt == nil || !d.BreachedAt.Equal(start.Add(6*time.Minute)) {
		t.Fatalf("response deadline %+v, want breached at the first sweep after the raise", d)
	}
	if b := responseBreaches(h.timeline(inc.ID)); len(b) != 1 {
		t.Fatalf("%d response breach events, want 1", len(b))
	}
}
