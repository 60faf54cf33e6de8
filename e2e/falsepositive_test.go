package e2e

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// K5: a responder marks an alert a false positive with a reason: the alert
// shows the verdict, who gave it and when, and its incident's timeline says
// so. It cannot be marked twice, nor without a reason.
func TestK5_MarkAlertFalsePositive(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	am := h.integration(arqir.KindAlertmanager, "checkout")
	rc := h.bearer(am, "/ingest/alertmanager", fixture(t, "alertmanager", "alertmanager-v4.json")).want(t, 200).receipt(t)
	alice := h.clientAs("alice", arqir.RoleResponder, "cli")
	id := rc.Alerts[0].ID

	var apiErr *client.Error
	if _, err := alice.MarkAlertFalsePositive(ctx, id, "  "); !errors.As(err, &apiErr) || apiErr.Status != 422 || apiErr.Field != "reason" {
		t.Errorf("no reason: %v", err)
	}
	a, err := alice.MarkAlertFalsePositive(ctx, id, "load test on web-1")
	if err != nil {
		t.Fatal(err)
	}
	if !a.FalsePositive || a.FalsePositiveReason != "load test on web-1" || a.FalsePositiveBy != "alice" || a.FalsePositiveAt == nil {
		t.Errorf("alert %+v", a)
	}
	if got, _ := h.Admin.Alert(ctx, id); !got.FalsePositive {
		t.Errorf("stored alert %+v lacks the verdict", got)
	}
	tl := h.timeline(*a.IncidentID)
	last := tl[len(tl)-1]
	if last.Kind != arqir.EventAlertFalsePositive || last.Actor != "alice" || !strings.Contains(last.Message, "load test on web-1") {
		t.Errorf("last event %+v", last)
	}
	if _, err := alice.MarkAlertFalsePositive(ctx, id, "again"); !errors.As(err, &apiErr) || apiErr.Status != 422 {
		t.Errorf("second mark: %v", err)
	}
	viewer := h.clientAs("victor", arqir.RoleViewer, "api")
	if _, err := viewer.MarkAlertFalsePositive(ctx, rc.Alerts[1].ID, "x"); !errors.As(err, &apiErr) || apiErr.Status != http.StatusForbidden {
		t.Errorf("a viewer marked an alert: %v", err)
	}
	if _, err := alice.MarkAlertFalsePositive(ctx, 999, "x"); !errors.As(err, &apiErr) || apiErr.Status != http.StatusNotFound {
		t.Errorf("unknown alert: %v", err)
	}
}

// K5: an incident, open or already resolved, is marked a false positive
// with a reason on its timeline; the verdict shows on the incident.
func TestK5_MarkIncidentFalsePositive(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	alice := h.clientAs("alice", arqir.RoleResponder, "cli")
	open := h.declare(alice, "Checkout errors", "SEV2")
	inc, err := alice.MarkFalsePositive(ctx, open.ID.String(), "synthetic check misfired", client.IfVersion(open.Version))
	if err != nil {
		t.Fatal(err)
	}
	if !inc.FalsePositive || inc.FalsePositiveReason != "synthetic check misfired" || inc.Status != arqir.StatusInvestigating {
		t.Errorf("incident %+v", inc)
	}
	tl := h.timeline(inc.ID)
	if last := tl[len(tl)-1]; last.Kind != arqir.EventFalsePositive || last.Actor != "alice" || last.Source != arqir.SourceCLI {
		t.Errorf("last event %+v", last)
	}
	var apiErr *client.Error
	if _, err := alice.MarkFalsePositive(ctx, open.ID.String(), "again"); !errors.As(err, &apiErr) || apiErr.Status != 422 {
		t.Errorf("second mark: %v", err)
	}
	if _, err := alice.MarkFalsePositive(ctx, open.ID.String(), "x", client.IfVersion(1)); !errors.As(err, &apiErr) || apiErr.Status != 409 {
		t.Errorf("stale version: %v", err)
	}

	resolved := h.declare(alice, "Login slow", "SEV3")
	if _, err := alice.Resolve(ctx, resolved.ID.String(), client.ResolveRequest{RootCause: "none found", CustomerImpact: "none"}); err != nil {
		t.Fatal(err)
	}
	out, code := h.arqirAs(aliceToken(t, h), "incident", "false-positive", resolved.ID.String(), "--reason", "the alert threshold was too low")
	if code != 0 || !strings.Contains(out, "Marked INC-2 a false positive: the alert threshold was too low") {
		t.Fatalf("CLI → %d:\n%s", code, out)
	}
	if got := h.incident(resolved.ID); !got.FalsePositive || got.Status != arqir.StatusResolved {
		t.Errorf("resolved incident %+v", got)
	}
	if out, code := h.arqir("incident", "false-positive", "INC-1"); code != 2 || !strings.Contains(out, "reason") {
		t.Errorf("CLI without a reason → %d:\n%s", code, out)
	}
}

// aliceToken makes a responder token for CLI runs.
func aliceToken(t *testing.T, h *harness) string {
	t.Helper()
	secret, _, err := h.Admin.CreateToken(context.Background(), "alice-cli", arqir.RoleResponder)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}
