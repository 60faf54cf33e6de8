package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/apognu/gocal"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// feedPath is the path of a calendar URL the API handed out.
func feedPath(t testing.TB, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(u.Path, "/ical/cal_") || !strings.HasSuffix(u.Path, ".ics") {
		t.Fatalf("calendar URL %q is not <base>/ical/cal_….ics", raw)
	}
	return u.Path
}

// parseFeed reads a feed with gocal, a parser independent of golang-ical.
func parseFeed(t *testing.T, feed []byte) []gocal.Event {
	t.Helper()
	p := gocal.NewParser(bytes.NewReader(feed))
	p.SkipBounds = true
	if err := p.Parse(); err != nil {
		t.Fatalf("gocal: %v", err)
	}
	return p.Events
}

func TestO3_CalendarFeedServedThenRevokedIs404(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	addUser(t, srv, "ada", "Ada Lovelace")
	addUser(t, srv, "bob", "Bob")
	call(t, srv, "PUT", "/api/v1/schedules/primary/participants", srv.Admin, `{"users":["ada","bob"]}`).wantStatus(t, http.StatusOK)
	call(t, srv, "POST", "/api/v1/calendars", "", `{"schedule":"primary"}`).wantStatus(t, http.StatusUnauthorized)
	var created struct {
		Feed arqir.CalendarFeed
		URL  string
	}
	call(t, srv, "POST", "/api/v1/calendars", srv.Viewer, `{"schedule":"primary"}`).wantStatus(t, http.StatusCreated).decodeInto(t, &created)
	path := feedPath(t, created.URL)
	if !strings.HasPrefix(created.URL, srv.URL) || created.Feed.CreatedBy != "victor" {
		t.Fatalf("created = %+v", created)
	}

	// Plain GET without credentials, as calendar apps subscribe.
	r := call(t, srv, "GET", path, "", "").wantStatus(t, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if bytes.Contains(bytes.ReplaceAll(r.body, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatal("the feed has a line not ended by CRLF")
	}
	events := parseFeed(t, r.body)
	var shifts struct{ Shifts []arqir.Shift }
	from, to := srv.Now().Add(-arqir.CalendarPast), srv.Now().Add(arqir.CalendarFuture)
	call(t, srv, "GET", "/api/v1/schedules/primary/shifts?from="+from.Format(time.RFC3339)+"&to="+to.Format(time.RFC3339), srv.Viewer, "").decodeInto(t, &shifts)
	if len(events) != len(shifts.Shifts) || len(events) < 30 {
		t.Fatalf("%d events, %d shifts", len(events), len(shifts.Shifts))
	}
	for i, e := range events {
		sh := shifts.Shifts[i]
		if !e.Start.Equal(sh.Start) || !e.End.Equal(sh.End) || !strings.Contains(e.Summary, sh.UserName) {
			t.Fatalf("event %d %q %s–%s, shift %s %s–%s", i, e.Summary, e.Start, e.End, sh.User, sh.Start, sh.End)
		}
	}
	// A HEAD answers like a GET, without the body.
	if h := call(t, srv, "HEAD", path, "", ""); h.status != http.StatusOK || len(h.body) != 0 {
		t.Fatalf("HEAD = %d with %d bytes", h.status, len(h.body))
	}

	// The list never shows the token.
	token := strings.TrimSuffix(strings.TrimPrefix(path, "/ical/"), ".ics")
	list := call(t, srv, "GET", "/api/v1/calendars", srv.Viewer, "").wantStatus(t, http.StatusOK)
	if bytes.Contains(list.body, []byte(token[4:])) {
		t.Fatalf("the feed list shows the token: %s", list.body)
	}

	// Revoked: 404, not 500 and not 401; the answer reveals nothing.
	call(t, srv, "DELETE", "/api/v1/calendars/"+itoa(int(created.Feed.ID)), srv.Viewer, "").wantStatus(t, http.StatusNoContent)
	revoked := call(t, srv, "GET", path, "", "").wantStatus(t, http.StatusNotFound)
	unknown := call(t, srv, "GET", "/ical/cal_"+strings.Repeat("a", 52)+".ics", "", "").wantStatus(t, http.StatusNotFound)
	if !bytes.Equal(revoked.body, unknown.body) || bytes.Contains(revoked.body, []byte(token[4:])) {
		t.Fatalf("revoked %s vs unknown %s", revoked.body, unknown.body)
	}
	call(t, srv, "GET", "/ical/"+token, "", "").wantStatus(t, http.StatusNotFound)
	if strings.Contains(srv.Logs.String(), token[4:]) {
		t.Fatal("the logs show a calendar token")
	}

	// A user's feed shows that user's shifts only, in the user's zone.
	call(t, srv, "POST", "/api/v1/calendars", srv.Viewer, `{"user":"bob"}`).wantStatus(t, http.StatusCreated).decodeInto(t, &created)
	r = call(t, srv, "GET", feedPath(t, created.URL), "", "").wantStatus(t, http.StatusOK)
	for _, e := range parseFeed(t, r.body) {
		if !strings.HasPrefix(e.Summary, "On call: Bob (Primary On-Call)") {
			t.Fatalf("bob's feed has %q", e.Summary)
		}
	}
	if !bytes.Contains(r.body, []byte("X-WR-TIMEZONE:America/New_York")) {
		t.Fatalf("bob's feed is not in his zone:\n%s", r.body[:400])
	}
}

// BenchmarkICalFeed serves a schedule's feed over HTTP, as a calendar app
// fetches it: the 210-day window around now of the default weekly primary
// rotation with 20 overrides.
func BenchmarkICalFeed(b *testing.B) {
	srv := testserver.New(b)
	path := benchFeed(b, srv)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("GET feed: %v %v", resp, err)
		}
		resp.Body.Close()
	}
}

// benchFeed assigns four people to the primary and adds 20 overrides.
func benchFeed(b *testing.B, srv *testserver.Server) string {
	b.Helper()
	for _, h := range []string{"ada", "bob", "carol", "dan"} {
		if r := callB(b, srv, "POST", "/api/v1/users", srv.Admin, `{"handle":"`+h+`","name":"`+h+`"}`); r != http.StatusCreated {
			b.Fatalf("add user: %d", r)
		}
	}
	callB(b, srv, "PUT", "/api/v1/schedules/primary/participants", srv.Admin, `{"users":["ada","bob","carol","dan"]}`)
	for i := range 20 {
		start := srv.Now().Add(time.Duration(i*5*24+1) * time.Hour)
		callB(b, srv, "POST", "/api/v1/schedules/primary/overrides", srv.Admin,
			`{"user":"dan","start":"`+start.Format(time.RFC3339)+`","end":"`+start.Add(12*time.Hour).Format(time.RFC3339)+`"}`)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/calendars", strings.NewReader(`{"schedule":"primary"}`))
	req.Header.Set("Authorization", "Bearer "+srv.Admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var created struct{ URL string }
	if err := jsonDecode(resp.Body, &created); err != nil {
		b.Fatal(err)
	}
	return feedPath(b, created.URL)
}

func callB(b *testing.B, srv *testserver.Server, method, path, token, body string) int {
	b.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
