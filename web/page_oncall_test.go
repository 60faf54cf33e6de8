package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/arqir/arqir"
)

// hostile is text that would run or break the page if it were not escaped.
const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`

// withRotation creates users ada and bob (bob's name is hostile) and
// makes them rotate weekly in the primary schedule.
func (e *env) withRotation() {
	e.t.Helper()
	ctx := context.Background()
	admin := arqir.Actor{Name: "admin", Source: arqir.SourceWeb}
	for _, u := range []arqir.UserInput{{Handle: "ada", Name: "Ada"}, {Handle: "bob", Name: hostile}} {
		if _, err := e.ts.Store.CreateUser(ctx, u, admin); err != nil {
			e.t.Fatal(err)
		}
	}
	if _, err := e.ts.Store.SetParticipants(ctx, "primary", arqir.Participants{Users: []string{"ada", "bob"}}, admin); err != nil {
		e.t.Fatal(err)
	}
}

func TestOnCallCalendarGolden(t *testing.T) {
	e := setup(t)
	e.withRotation()
	resp, body := e.get(e.client("victor"), "/oncall?view=week&from=2025-03-03")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d:\n%s", resp.StatusCode, body)
	}
	golden(t, "oncall", body)
	_, month := e.get(e.client("victor"), "/oncall?view=month&from=2025-03-10")
	for _, want := range []string{"March 2025", "Mon 31"} {
		if !strings.Contains(month, want) {
			t.Errorf("month view lacks %q", want)
		}
	}
}

func TestOnCallEscapesNames(t *testing.T) {
	e := setup(t)
	e.withRotation()
	_, body := e.get(e.client("victor"), "/oncall?view=month")
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Fatal("a user's name reached the page unescaped")
	}
}

func TestOnCallOverrideForm(t *testing.T) {
	e := setup(t)
	e.withRotation()
	form := url.Values{"csrf": {"csrf-alice"}, "user": {"bob"}, "from": {"2025-03-05T09:00"}, "to": {"2025-03-06T09:00"}}

	// A viewer may not, nor a form without the CSRF token, nor one from
	// another site; none of them changes the store.
	before := e.ts.Dump(t)
	if resp, _ := e.post(e.client("victor"), "/oncall/primary/overrides", url.Values{"csrf": {"csrf-victor"}, "user": {"bob"}, "from": {"2025-03-05T09:00"}, "to": {"2025-03-06T09:00"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer: status %d, want 403", resp.StatusCode)
	}
	noCSRF := url.Values{"user": {"bob"}, "from": {"2025-03-05T09:00"}, "to": {"2025-03-06T09:00"}}
	if resp, _ := e.post(e.client("alice"), "/oncall/primary/overrides", noCSRF); resp.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := e.post(e.client("alice"), "/oncall/primary/overrides", form, "Origin", "https://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin: status %d, want 403", resp.StatusCode)
	}
	if after := e.ts.Dump(t); after != before {
		t.Error("a refused form changed the store")
	}

	// An inverted range is re-rendered with why and the typed values.
	bad := url.Values{"csrf": {"csrf-alice"}, "user": {"bob"}, "from": {"2025-03-06T09:00"}, "to": {"2025-03-05T09:00"}}
	resp, body := e.post(e.client("alice"), "/oncall/primary/overrides", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "inverted") || !strings.Contains(body, `value="2025-03-06T09:00"`) {
		t.Errorf("inverted range: status %d, body lacks the message or the values:\n%s", resp.StatusCode, body)
	}

	resp, _ = e.post(e.client("alice"), "/oncall/primary/overrides", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", resp.StatusCode)
	}
	info, err := e.ts.Store.Schedule(context.Background(), "primary")
	if err != nil || len(info.Overrides) != 1 || info.Overrides[0].User != "bob" {
		t.Fatalf("override not stored: %+v %v", info, err)
	}
	_, page := e.get(e.client("alice"), "/oncall?from=2025-03-03")
	if !strings.Contains(page, "(override)") {
		t.Error("the calendar does not show the override")
	}

	id := info.Overrides[0].ID
	resp, _ = e.post(e.client("alice"), "/oncall/primary/overrides/"+itoa64(id)+"/remove", url.Values{"csrf": {"csrf-alice"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: status %d", resp.StatusCode)
	}
	if info, _ = e.ts.Store.Schedule(context.Background(), "primary"); len(info.Overrides) != 0 {
		t.Error("override not removed")
	}
}

func TestOnCallHandoffNoteRefusedForOthers(t *testing.T) {
	e := setup(t)
	e.withRotation()
	// alice is not on call (ada is) and not an admin: the store refuses.
	resp, body := e.post(e.client("alice"), "/oncall/primary/notes", url.Values{"csrf": {"csrf-alice"}, "text": {"disk fills up"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `role="alert"`) {
		t.Fatalf("status %d, want 403 with the reason:\n%s", resp.StatusCode, body)
	}
}

func TestOnCallCalendarLink(t *testing.T) {
	e := setup(t)
	e.withRotation()
	resp, body := e.post(e.client("victor"), "/oncall/primary/calendar", url.Values{"csrf": {"csrf-victor"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, e.srv.URL+"/ical/") {
		t.Fatalf("status %d, no subscribe link:\n%s", resp.StatusCode, body)
	}
	feeds, _ := e.ts.Store.CalendarFeeds(context.Background())
	if len(feeds) != 1 {
		t.Fatalf("%d feeds, want 1", len(feeds))
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
