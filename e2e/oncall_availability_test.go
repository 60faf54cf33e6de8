package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// TestO4_AvailabilityFromAcknowledgements: each responder's response times
// (declaration to acknowledgement), the share within the severity's target
// and within the on-call commitment (respond within 5 min); the page
// numbers are present but empty until paging exists, and say so.
func TestO4_AvailabilityFromAcknowledgements(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	people(t, h.Admin, "ada")
	ada := h.clientAs("ada", arqir.RoleResponder, "cli")
	for _, step := range []struct {
		severity string
		after    time.Duration
	}{{"SEV1", 3 * time.Minute}, {"SEV2", 20 * time.Minute}} {
		inc := h.declare(h.Admin, "Checkout errors", step.severity)
		h.Clock.Advance(step.after)
		if _, err := ada.Acknowledge(ctx, inc.ID.String()); err != nil {
			t.Fatal(err)
		}
	}
	r, err := h.Admin.Availability(ctx, start, h.Clock.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Responders) != 1 {
		t.Fatalf("responders = %+v", r.Responders)
	}
	a := r.Responders[0]
	if a.Responder != "ada" || a.Name != "Person ada" || a.Acknowledged != 2 || a.ResponseP50Seconds != 180 || a.ResponseMaxSeconds != 1200 ||
		a.WithinSeverityTarget != 1 || a.WithinRespondTarget != 1 || a.WithinRespondTargetShare != 0.5 {
		t.Fatalf("ada = %+v", a)
	}
	raw, _ := json.Marshal(a)
	if !strings.Contains(string(raw), `"pages":null,"pages_note":"paging not configured yet"`) {
		t.Fatalf("the page numbers must be present, empty, and say why: %s", raw)
	}
	out, code := h.arqir("oncall", "availability", "--from", start.Format(time.RFC3339))
	if code != 0 || !strings.Contains(out, "Person ada (ada)  2") || !strings.Contains(out, "paging not configured yet") {
		t.Fatalf("oncall availability → %d:\n%s", code, out)
	}
}
