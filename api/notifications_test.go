package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// declarePlanner plans, for each new incident, a page to the primary kept
// in the app (no provider configured) and the initial notice to
// #incidents: the shape of what escalate plans, fixed for these tests.
type declarePlanner struct{}

func (declarePlanner) Plan(before, after *arqir.Incident, _ []arqir.TimelineEvent, _ time.Time) arqir.Plan {
	if before != nil {
		return arqir.Plan{}
	}
	msg := arqir.Message{IncidentID: after.ID, Title: after.Title, Severity: after.Severity, Status: after.Status,
		Headline: after.Severity + " declared: " + after.Title}
	return arqir.Plan{Notify: []arqir.NotificationIntent{
		{Key: after.ID.String() + "/page/1/schedule:primary", Purpose: arqir.PurposePage, Step: 1, Target: "schedule:primary",
			Channel: arqir.ChannelInApp, Recipient: "Ada Lovelace (schedule:primary)", Message: msg},
		{Purpose: arqir.PurposeInitialNotice, Target: "#incidents", Channel: arqir.ChannelSlackChannel, Address: "C0INCIDENTS",
			Recipient: "#incidents", Message: msg},
	}}
}

// notificationLog reads GET /api/v1/incidents/{id}/notifications.
func notificationLog(t *testing.T, srv *testserver.Server, id, query string) []*arqir.Notification {
	t.Helper()
	r := call(t, srv, "GET", "/api/v1/incidents/"+id+"/notifications"+query, srv.Viewer, "").wantStatus(t, http.StatusOK)
	var body struct {
		Notifications []*arqir.Notification `json:"notifications"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil || body.Notifications == nil {
		t.Fatalf("decode %s: %v (the list must be [] when empty)", r.body, err)
	}
	return body.Notifications
}

// The log shows what was sent, what would have been (in_app) and each
// delivery state, oldest first; ?state= narrows it.
func TestNotificationLogShowsEveryStateOldestFirst(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	srv.Store.SetPlanner(declarePlanner{})
	declare(t, srv, "")
	declare(t, srv, `{"title":"Other","severity":"SEV3"}`)

	log := notificationLog(t, srv, "INC-1", "")
	if len(log) != 2 || log[0].Purpose != arqir.PurposePage || log[1].Purpose != arqir.PurposeInitialNotice {
		t.Fatalf("log %+v: want the page, then the initial notice, of INC-1 only", log)
	}
	page := log[0]
	if page.IncidentID != 1 || page.Channel != arqir.ChannelInApp || page.Recipient != "Ada Lovelace (schedule:primary)" ||
		page.Step != 1 || page.State != arqir.NotificationQueued || page.Message.Headline != "SEV2 declared: Checkout errors" {
		t.Errorf("page %+v", page)
	}

	// Deliver the initial notice and fail the page, through the store's own path.
	ctx := t.Context()
	claimed, err := srv.Store.ClaimNotifications(ctx, srv.Now(), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range claimed {
		if n.IncidentID != 1 {
			continue
		}
		d := arqir.Delivery{State: arqir.NotificationDelivered, ProviderRef: "1700000000.000100"}
		if n.Purpose == arqir.PurposePage {
			d = arqir.Delivery{State: arqir.NotificationFailed, Reason: "provider refused: channel_not_found"}
		}
		if err := srv.Store.FinishNotification(ctx, n.ID, n.Attempts, d, srv.Now()); err != nil {
			t.Fatal(err)
		}
	}
	failed := notificationLog(t, srv, "INC-1", "?state=failed")
	if len(failed) != 1 || failed[0].Purpose != arqir.PurposePage || failed[0].Reason != "provider refused: channel_not_found" || failed[0].Attempts != 1 {
		t.Errorf("failed: %+v", failed)
	}
	both := notificationLog(t, srv, "1", "?state=delivered&state=FAILED")
	if len(both) != 2 {
		t.Errorf("delivered or failed: %d notifications, want 2", len(both))
	}
	if got := notificationLog(t, srv, "INC-1", "?state=queued,expired"); len(got) != 0 {
		t.Errorf("queued or expired: %+v, want none", got)
	}
	if got := notificationLog(t, srv, "INC-2", ""); len(got) != 2 {
		t.Errorf("INC-2 has %d notifications, want its own 2", len(got))
	}
}

// A log that could not be read says why: an unknown state or parameter is
// refused, an unknown incident is not found, and the log needs a token.
func TestNotificationLogRefusals(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")
	cases := []struct {
		name, path, token string
		status            int
		field, says       string
	}{
		{"unknown state", "/api/v1/incidents/INC-1/notifications?state=sent", srv.Viewer, 400, "state", "queued, sending, delivered, failed, expired, cancelled"},
		{"unknown parameter", "/api/v1/incidents/INC-1/notifications?status=failed", srv.Viewer, 400, "status", "state"},
		{"unknown incident", "/api/v1/incidents/INC-9/notifications", srv.Viewer, 404, "", "INC-9"},
		{"bad incident ID", "/api/v1/incidents/x/notifications", srv.Viewer, 400, "id", "INC-42"},
		{"no token", "/api/v1/incidents/INC-1/notifications", "", 401, "", "Bearer"},
	}
	for _, c := range cases {
		r := call(t, srv, "GET", c.path, c.token, "")
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, r.status, c.status, r.body)
			continue
		}
		if e := r.errorBody(t).Error; e.Field != c.field || !strings.Contains(e.Message, c.says) {
			t.Errorf("%s: %+v, want field %q saying %q", c.name, e, c.field, c.says)
		}
	}
}
