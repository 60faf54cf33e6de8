package api_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// ackURL is the acknowledge link of notification n of incident id, valid
// for a day from the server's clock.
func ackURL(srv *testserver.Server, id arqir.IncidentID, n int64) string {
	return arqir.AckLinkPath(arqir.SignAckLink(testAckKey, id, n, srv.Now().Add(24*time.Hour)))
}

func wantHTML(t *testing.T, r reply, status int, says ...string) {
	t.Helper()
	r.wantStatus(t, status)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want text/html", ct)
	}
	for _, s := range says {
		if !strings.Contains(string(r.body), s) {
			t.Errorf("the page lacks %q:\n%s", s, r.body)
		}
	}
}

// O4, R1: a page's link opens a page with one button. Opening it (a GET,
// as mail scanners and link previews do) acknowledges nothing; pressing the
// button (a POST) acknowledges as the person the page reached, through the
// link door, and the response deadline is met.
func TestO4_AckLinkGetShowsAButtonAndOnlyPostAcknowledges(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	srv.Store.SetPlanner(declarePlanner{})
	declare(t, srv, `{"title":"Checkout <errors> & \"timeouts\"","severity":"SEV2"}`)
	page := notificationLog(t, srv, "INC-1", "")[0]
	link := ackURL(srv, 1, page.ID)

	before := srv.Dump(t)
	get := call(t, srv, "GET", link, "", "")
	wantHTML(t, get, http.StatusOK, `<form method="post">`, "Acknowledge INC-1 — Checkout &lt;errors&gt; &amp; &#34;timeouts&#34;", "SEV2")
	if strings.Contains(string(get.body), "<errors>") {
		t.Error("the title is not escaped")
	}
	if csp := get.header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self'") || strings.Contains(csp, "script") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if get.header.Get("Referrer-Policy") != "no-referrer" || get.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the link's page may leak its URL: headers %v", get.header)
	}
	srv.Unchanged(t, before)

	srv.Advance(90 * time.Second)
	post := call(t, srv, "POST", link, "", "", "Content-Type", "application/x-www-form-urlencoded")
	wantHTML(t, post, http.StatusOK, "Acknowledged INC-1", "Ada Lovelace (schedule:primary)", "1m30s")
	inc := incidentNow(t, srv, 1)
	if inc.AcknowledgedBy != "Ada Lovelace (schedule:primary)" || inc.AcknowledgedAt == nil || !inc.AcknowledgedAt.Equal(srv.Now()) {
		t.Fatalf("acknowledged by %q at %v", inc.AcknowledgedBy, inc.AcknowledgedAt)
	}
	if !checklistItem(t, inc, "R1").Done {
		t.Error("R1 is not ticked")
	}
	var ack *arqir.TimelineEvent
	for _, e := range timeline(t, srv, 1) {
		if e.Kind == arqir.EventAcknowledged {
			ack = &e
		}
	}
	if ack == nil || ack.Source != arqir.SourceLink {
		t.Errorf("acknowledged event %+v, want source link", ack)
	}
	noSecretIn(t, srv, get, post)
}

// Already acknowledged: the page says by whom, with no button, and a
// second press changes nothing. Resolved: the page says so.
func TestAckLinkAlreadyAcknowledgedOrResolved(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	declare(t, srv, "")
	declare(t, srv, `{"title":"Old","severity":"SEV3"}`)
	call(t, srv, "POST", "/api/v1/incidents/INC-1/acknowledge", srv.Responder, "").wantStatus(t, http.StatusOK)
	call(t, srv, "POST", "/api/v1/incidents/INC-2/resolve", srv.Responder, `{"root_cause":"x","customer_impact":"none"}`).wantStatus(t, http.StatusOK)

	before := srv.Dump(t)
	link := ackURL(srv, 1, 7) // no such notification: the actor would be link:7
	get := call(t, srv, "GET", link, "", "")
	wantHTML(t, get, http.StatusOK, "INC-1 is already acknowledged", "acknowledged by alice")
	if strings.Contains(string(get.body), "<form") {
		t.Error("an acknowledged incident's page offers the button")
	}
	wantHTML(t, call(t, srv, "POST", link, "", ""), http.StatusOK, "already acknowledged", "alice")
	resolved := ackURL(srv, 2, 8)
	wantHTML(t, call(t, srv, "GET", resolved, "", ""), http.StatusOK, "INC-2 is resolved", "nothing to acknowledge")
	wantHTML(t, call(t, srv, "POST", resolved, "", ""), http.StatusOK, "INC-2 is resolved")
	srv.Unchanged(t, before)
}

// Without a notification to name the person, the link acknowledges as
// link:<notification id>.
func TestAckLinkWithoutItsNotificationNamesTheLink(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	declare(t, srv, "")
	wantHTML(t, call(t, srv, "POST", ackURL(srv, 1, 42), "", ""), http.StatusOK, "Acknowledged INC-1", "link:42")
	if inc := incidentNow(t, srv, 1); inc.AcknowledgedBy != "link:42" {
		t.Errorf("acknowledged by %q", inc.AcknowledgedBy)
	}
}

// An expired, altered, foreign or damaged link is refused with a page
// saying what to do, and changes nothing; so is a link to no incident.
func TestAckLinkRefusals(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	declare(t, srv, "")
	good := arqir.SignAckLink(testAckKey, 1, 3, srv.Now().Add(time.Hour))
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	raw[len(raw)-1] ^= 1
	cases := []struct {
		name, token string
		status      int
		says        string
	}{
		{"expired", arqir.SignAckLink(testAckKey, 1, 3, srv.Now()), 401, "ask for a new page"},
		{"tampered", base64.RawURLEncoding.EncodeToString(raw), 401, "ask for a new page"},
		{"another installation", arqir.SignAckLink([]byte("some-other-installation-key-32b!"), 1, 3, srv.Now().Add(time.Hour)), 401, "another arqir installation"},
		{"damaged", good[:12], 400, "damaged"},
		{"no such incident", arqir.SignAckLink(testAckKey, 77, 3, srv.Now().Add(time.Hour)), 404, "INC-77"},
	}
	for _, c := range cases {
		for _, method := range []string{"GET", "POST"} {
			before := srv.Dump(t)
			r := call(t, srv, method, arqir.AckLinkPath(c.token), "", "")
			if r.status != c.status || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), c.says) {
				t.Errorf("%s %s: %d %s %s, want %d HTML saying %q", method, c.name, r.status, r.header.Get("Content-Type"), r.body, c.status, c.says)
			}
			srv.Unchanged(t, before)
		}
	}
	// The link expires by the clock that signed it.
	link := ackURL(srv, 1, 3)
	srv.Advance(24 * time.Hour)
	wantHTML(t, call(t, srv, "POST", link, "", ""), http.StatusUnauthorized, "expired")
}

// Without a key the routes are not there: a JSON 404 that says so.
func TestAckLinksNotConfigured(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")
	for _, method := range []string{"GET", "POST"} {
		r := call(t, srv, method, ackURL(srv, 1, 1), "", "").wantStatus(t, http.StatusNotFound)
		if e := r.errorBody(t).Error; e.Code != arqir.ENOTFOUND || !strings.Contains(e.Message, "acknowledge links are not configured") {
			t.Errorf("%s: %+v", method, e)
		}
	}
	if inc := incidentNow(t, srv, 1); inc.AcknowledgedAt != nil {
		t.Error("acknowledged without a key")
	}
}
