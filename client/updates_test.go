package client_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// C2: a status update posted through the client moves the status, records
// the update and arms the next one; IfVersion makes it conditional.
func TestC2_PostUpdate(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := t.Context()
	inc, err := c.Declare(ctx, client.DeclareRequest{Title: "DB down", Severity: "SEV1"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(5 * time.Minute)
	got, err := c.PostUpdate(ctx, inc.ID.String(), client.UpdateRequest{Status: "IDENTIFIED", Investigating: "db failover",
		Findings: "primary down", ETA: "15m"}, client.IfVersion(inc.Version))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != arqir.StatusIdentified || got.LastUpdateAt == nil || !got.LastUpdateAt.Equal(srv.Now()) {
		t.Errorf("after the update: %s, last update %v", got.Status, got.LastUpdateAt)
	}
	tl, err := c.Timeline(ctx, inc.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range tl {
		if e.Kind == arqir.EventStatusUpdate && e.Source == arqir.SourceCLI && e.Data["investigating"] == "db failover" {
			found = true
		}
	}
	if !found {
		t.Errorf("no status_update event from the cli in %+v", tl)
	}

	// The same version again is stale: the refusal carries the incident now.
	_, err = c.PostUpdate(ctx, inc.ID.String(), client.UpdateRequest{Findings: "x"}, client.IfVersion(inc.Version))
	var e *client.Error
	if !errors.As(err, &e) || e.Status != http.StatusConflict || e.Current == nil || e.Current.Version != got.Version {
		t.Errorf("stale update: %#v", err)
	}
	_, err = c.PostUpdate(ctx, inc.ID.String(), client.UpdateRequest{ETA: "soon"})
	if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity || e.Field != "investigating" {
		t.Errorf("empty update: %#v", err)
	}
}

// The notification log comes back oldest first, filtered by state.
func TestNotifications(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := t.Context()
	inc, err := c.Declare(ctx, client.DeclareRequest{Title: "DB down", Severity: "SEV1"})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.Notifications(ctx, inc.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	stored, err := srv.Store.Notifications(ctx, arqir.NotificationFilter{IncidentID: inc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 || len(all) != len(stored) {
		t.Fatalf("the client got %d notifications, the store has %d", len(all), len(stored))
	}
	for i := range all {
		if all[i].ID != stored[i].ID || all[i].State != stored[i].State || all[i].Purpose != stored[i].Purpose {
			t.Errorf("notification %d: %+v, stored %+v", i, all[i], stored[i])
		}
	}
	none, err := c.Notifications(ctx, inc.ID.String(), "delivered", "failed")
	if err != nil || len(none) != 0 {
		t.Errorf("delivered or failed before any dispatch: %v %v", none, err)
	}
	_, err = c.Notifications(ctx, inc.ID.String(), "sent")
	var e *client.Error
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Field != "state" {
		t.Errorf("unknown state: %#v", err)
	}
}
