package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// C2: a structured status update records what is investigated, what was
// found and the ETA, optionally moves the status, meets the pending update
// deadline and arms the next one a full cadence (15 min) later.
func TestC2_StatusUpdateMeetsTheDeadlineAndArmsTheNext(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	inc := declare(t, srv, "")
	srv.Advance(10 * time.Minute)
	r := call(t, srv, "POST", "/api/v1/incidents/INC-1/updates", srv.Responder,
		`{"status":"identified","investigating":"db failover","findings":"primary down","eta":"15m","version":1}`).wantStatus(t, http.StatusOK)
	got := r.incident(t)
	now := srv.Now()
	if got.Status != arqir.StatusIdentified || got.LastUpdateAt == nil || !got.LastUpdateAt.Equal(now) || got.Version <= inc.Version {
		t.Fatalf("after the update: status %s, last update %v, version %d", got.Status, got.LastUpdateAt, got.Version)
	}
	if r.header.Get("ETag") == "" {
		t.Error("no ETag on the answer")
	}
	var met, next bool
	for _, d := range got.Deadlines {
		if d.Kind != arqir.DeadlineStatusUpdate {
			continue
		}
		if d.MetAt != nil && d.MetAt.Equal(now) {
			met = true
		}
		if d.Pending() && d.DueAt.Equal(now.Add(15*time.Minute)) {
			next = true
		}
	}
	if !met || !next {
		t.Errorf("status-update deadlines %+v: want the pending one met at %s and the next due 15m later", got.Deadlines, now)
	}
	var update *arqir.TimelineEvent
	for _, e := range timeline(t, srv, 1) {
		if e.Kind == arqir.EventStatusUpdate {
			update = &e
		}
	}
	if update == nil || update.Actor != "alice" || update.Data["investigating"] != "db failover" ||
		update.Data["findings"] != "primary down" || update.Data["eta"] != "15m" || update.Data["status"] != "IDENTIFIED" {
		t.Errorf("status_update event %+v", update)
	}
}

// Findings alone are an update; the status may stay as it is.
func TestC2_UpdateWithFindingsOnlyKeepsTheStatus(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")
	got := call(t, srv, "POST", "/api/v1/incidents/1/updates", srv.Responder, `{"findings":"error rate falling"}`).
		wantStatus(t, http.StatusOK).incident(t)
	if got.Status != arqir.StatusInvestigating || got.LastUpdateAt == nil {
		t.Errorf("status %s, last update %v", got.Status, got.LastUpdateAt)
	}
}

// A refused update changes nothing, and says what to send instead.
func TestC2_RefusedUpdatesChangeNothing(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")
	declare(t, srv, `{"title":"Old","severity":"SEV2"}`)
	call(t, srv, "POST", "/api/v1/incidents/INC-2/resolve", srv.Responder, `{"root_cause":"x","customer_impact":"none"}`).wantStatus(t, http.StatusOK)
	cases := []struct {
		name, path, token, body string
		status                  int
		code, field, says       string
	}{
		{"malformed JSON", "INC-1", srv.Responder, `{"investigating":`, 400, arqir.EINVALID, "", "malformed JSON"},
		{"unknown field", "INC-1", srv.Responder, `{"investigating":"x","eta_minutes":5}`, 400, arqir.EINVALID, "eta_minutes", "investigating, findings, eta"},
		{"wrong type", "INC-1", srv.Responder, `{"investigating":7}`, 400, arqir.EINVALID, "investigating", "a string"},
		{"empty body", "INC-1", srv.Responder, ``, 400, arqir.EINVALID, "", "empty"},
		{"says nothing", "INC-1", srv.Responder, `{"eta":"15m"}`, 422, arqir.EUNPROCESSABLE, "investigating", "investigating or findings"},
		{"blank texts", "INC-1", srv.Responder, `{"investigating":"  ","findings":"\t"}`, 422, arqir.EUNPROCESSABLE, "investigating", "investigating or findings"},
		{"resolves", "INC-1", srv.Responder, `{"status":"RESOLVED","findings":"fixed"}`, 422, arqir.EUNPROCESSABLE, "status", "root cause"},
		{"unknown status", "INC-1", srv.Responder, `{"status":"FIXED","findings":"x"}`, 422, arqir.EUNPROCESSABLE, "status", "IDENTIFIED"},
		{"too long", "INC-1", srv.Responder, `{"findings":"` + strings.Repeat("x", arqir.MaxTextLen+1) + `"}`, 422, arqir.EUNPROCESSABLE, "", "bytes"},
		{"resolved incident", "INC-2", srv.Responder, `{"findings":"x"}`, 422, arqir.EUNPROCESSABLE, "", "reopen"},
		{"stale version", "INC-1", srv.Responder, `{"findings":"x","version":9}`, 409, arqir.ECONFLICT, "", ""},
		{"unknown incident", "INC-99", srv.Responder, `{"findings":"x"}`, 404, arqir.ENOTFOUND, "", ""},
		{"bad incident ID", "checkout", srv.Responder, `{"findings":"x"}`, 400, arqir.EINVALID, "id", "INC-42"},
		{"viewer", "INC-1", srv.Viewer, `{"findings":"x"}`, 403, arqir.EFORBIDDEN, "", "responder"},
		{"no token", "INC-1", "", `{"findings":"x"}`, 401, arqir.EUNAUTHORIZED, "", "Bearer"},
	}
	for _, c := range cases {
		before := srv.Dump(t)
		r := call(t, srv, "POST", "/api/v1/incidents/"+c.path+"/updates", c.token, c.body)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, r.status, c.status, r.body)
			continue
		}
		e := r.errorBody(t)
		if e.Error.Code != c.code || e.Error.Field != c.field || !strings.Contains(e.Error.Message, c.says) {
			t.Errorf("%s: error %+v, want code %s field %q saying %q", c.name, e.Error, c.code, c.field, c.says)
		}
		if c.status == 409 && (e.Current == nil || e.Current.ID != 1) {
			t.Errorf("%s: the conflict does not carry the incident as it is now", c.name)
		}
		srv.Unchanged(t, before)
	}
}
