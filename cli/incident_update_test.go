package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// C2: arqir incident update posts a structured status update and says when
// the next one is due.
func TestC2_IncidentUpdate(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	R := srv.Responder
	incident(t, srv, R, "declare", "--title", "DB down", "--severity", "SEV1").want(t, 0)
	srv.Advance(5 * time.Minute)
	incident(t, srv, R, "update", "INC-1", "--status", "IDENTIFIED", "--investigating", "db failover",
		"--findings", "primary down", "--eta", "15m", "--if-version", "1").
		want(t, 0, "Posted a status update on INC-1 (IDENTIFIED). Next update due 2025-03-03 09:20:00Z.")
	inc, err := srv.Store.Incident(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != arqir.StatusIdentified || inc.LastUpdateAt == nil {
		t.Errorf("after the update: %s, last update %v", inc.Status, inc.LastUpdateAt)
	}
	var found bool
	tl, _ := srv.Store.Timeline(t.Context(), 1)
	for _, e := range tl {
		found = found || (e.Kind == arqir.EventStatusUpdate && e.Source == arqir.SourceCLI && e.Data["findings"] == "primary down")
	}
	if !found {
		t.Error("no status_update event from the cli")
	}
	r := incident(t, srv, R, "update", "INC-1", "--findings", "replica promoted", "--json").want(t, 0)
	var got arqir.Incident
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.ID != 1 || got.LastUpdateAt == nil {
		t.Errorf("--json printed %s (%v)", r.stdout, err)
	}
}

// Bad input exits 2 with the reason and the flag to fix; nothing changes.
func TestIncidentUpdateRefusalsExit2(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	R := srv.Responder
	incident(t, srv, R, "declare", "--title", "DB down", "--severity", "SEV1").want(t, 0)
	before := srv.Dump(t)
	incident(t, srv, R, "update", "INC-1", "--eta", "15m").wantErr(t, 2, "an update needs investigating or findings", "(set it with --investigating)")
	incident(t, srv, R, "update", "INC-1", "--status", "RESOLVED", "--findings", "x").wantErr(t, 2, "cannot resolve", "(set it with --status)")
	incident(t, srv, R, "update", "INC-1", "--status", "FIXED", "--findings", "x").wantErr(t, 2, `unknown status "FIXED"`)
	incident(t, srv, R, "update", "INC-1", "--findings", "x", "--if-version", "7").wantErr(t, 2, "INC-1 is now at version")
	incident(t, srv, R, "update", "INC-9", "--findings", "x").wantErr(t, 2, "INC-9")
	incident(t, srv, R, "update", "--findings", "x").wantErr(t, 2, "accepts 1 arg(s), received 0")
	incident(t, srv, R, "update", "INC-1", "--finding", "x").wantErr(t, 2, "unknown flag: --finding")
	incident(t, srv, srv.Viewer, "update", "INC-1", "--findings", "x").wantErr(t, 2, "needs the responder role")
	srv.Unchanged(t, before)
}

// The notification log as a table: time, purpose, step, recipient,
// channel, state, attempts, reason; --state narrows it, --json prints the
// API's document.
func TestIncidentNotifications(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	incident(t, srv, srv.Responder, "declare", "--title", "DB down", "--severity", "SEV1").want(t, 0)
	ctx := t.Context()
	stored, err := srv.Store.Notifications(ctx, arqir.NotificationFilter{IncidentID: 1})
	if err != nil || len(stored) == 0 {
		t.Fatalf("the declaration queued no notification: %v", err)
	}
	// Fail one through the store's own path, with a reason.
	claimed, err := srv.Store.ClaimNotifications(ctx, srv.Now(), time.Minute, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	n := claimed[0]
	if err := srv.Store.FinishNotification(ctx, n.ID, n.Attempts, arqir.Delivery{State: arqir.NotificationFailed, Reason: "Slack said channel_not_found:\nthe bot is not in #incidents"}, srv.Now()); err != nil {
		t.Fatal(err)
	}

	r := incident(t, srv, srv.Viewer, "notifications", "INC-1").want(t, 0,
		"TIME", "PURPOSE", "STEP", "RECIPIENT", "CHANNEL", "STATE", "ATTEMPTS", "REASON",
		"Slack said channel_not_found: the bot is not in #incidents", "failed", "queued")
	if lines := strings.Count(strings.TrimSpace(r.stdout), "\n"); lines != len(stored) {
		t.Errorf("%d rows for %d notifications:\n%s", lines, len(stored), r.stdout)
	}
	failed := incident(t, srv, srv.Viewer, "notifications", "1", "--state", "failed").want(t, 0, n.Purpose, "failed")
	if rows := strings.Count(strings.TrimSpace(failed.stdout), "\n"); rows != 1 {
		t.Errorf("--state failed printed %d rows:\n%s", rows, failed.stdout)
	}
	incident(t, srv, srv.Viewer, "notifications", "INC-1", "--state", "expired", "--state", "delivered").
		want(t, 0, "No expired or delivered notifications for INC-1.")
	js := incident(t, srv, srv.Viewer, "notifications", "INC-1", "--state", "failed", "--json").want(t, 0)
	var body struct {
		Notifications []arqir.Notification `json:"notifications"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &body); err != nil || len(body.Notifications) != 1 || body.Notifications[0].ID != n.ID {
		t.Errorf("--json printed %s (%v)", js.stdout, err)
	}
	incident(t, srv, srv.Viewer, "notifications", "INC-1", "--state", "sent").wantErr(t, 2, `unknown notification state "sent"`, "(set it with --state)")
	incident(t, srv, srv.Viewer, "notifications", "INC-9").wantErr(t, 2, "INC-9")
	incident(t, srv, srv.Viewer, "notifications").wantErr(t, 2, "accepts 1 arg(s), received 0")
}
