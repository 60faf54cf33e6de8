package client_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/internal/testserver"
)

func setup(t *testing.T) (*testserver.Server, *client.Client) {
	t.Helper()
	srv := testserver.New(t)
	return srv, client.New(srv.URL+"/", srv.Responder, client.WithSource("cli"))
}

func TestIncidentRoundTrip(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := t.Context()
	detected := testserver.Epoch.Add(-5 * time.Minute)
	inc, err := c.Declare(ctx, client.DeclareRequest{
		Title: "Checkout errors", Summary: "5xx", Severity: "SEV2", Services: []string{"checkout"},
		Detection:  &arqir.Detection{Kind: arqir.DetectionManual, Source: arqir.SourceUserReport},
		DetectedAt: &detected, Commander: "carol", Drill: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if inc.ID != 1 || inc.Status != arqir.StatusInvestigating || !inc.DetectedAt.Equal(detected) || !inc.Drill || inc.Detection.Source != "user_report" {
		t.Fatalf("declared %+v", inc)
	}
	id := inc.ID.String()

	steps := []struct {
		name string
		do   func() (*arqir.Incident, error)
		ok   func(*arqir.Incident) bool
	}{
		{"acknowledge", func() (*arqir.Incident, error) { return c.Acknowledge(ctx, id, client.IfVersion(1)) },
			func(i *arqir.Incident) bool { return i.AcknowledgedBy == "alice" }},
		{"severity", func() (*arqir.Incident, error) { return c.ChangeSeverity(ctx, id, "SEV1", "spreading") },
			func(i *arqir.Incident) bool { return i.Severity == "SEV1" }},
		{"status", func() (*arqir.Incident, error) { return c.ChangeStatus(ctx, id, "MONITORING", "fix deployed") },
			func(i *arqir.Incident) bool { return i.Status == arqir.StatusMonitoring }},
		{"roles", func() (*arqir.Incident, error) {
			empty := ""
			return c.AssignRoles(ctx, id, client.RolesRequest{Commander: &empty, AddResponders: []string{"bob"}})
		}, func(i *arqir.Incident) bool { return i.Commander == "" && slices.Equal(i.Responders, []string{"bob"}) }},
		{"note", func() (*arqir.Incident, error) { return c.AddNote(ctx, "1", "rolled back") },
			func(*arqir.Incident) bool { return true }},
		{"tick", func() (*arqir.Incident, error) { return c.TickChecklist(ctx, id, "R4") },
			func(i *arqir.Incident) bool { return i.Checklist[3].ID == "R4" && i.Checklist[3].Done }},
		{"resolve", func() (*arqir.Incident, error) {
			return c.Resolve(ctx, id, client.ResolveRequest{RootCause: "bad config", CustomerImpact: "none", FalsePositive: true})
		}, func(i *arqir.Incident) bool { return i.Status == arqir.StatusResolved && i.FalsePositive }},
		{"reopen", func() (*arqir.Incident, error) { return c.Reopen(ctx, id, "back again") },
			func(i *arqir.Incident) bool { return i.Status == arqir.StatusInvestigating }},
	}
	for _, s := range steps {
		got, err := s.do()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !s.ok(got) {
			t.Errorf("%s: incident %+v", s.name, got)
		}
	}

	got, err := c.Incident(ctx, "inc-1")
	if err != nil || got.Version != 9 {
		t.Fatalf("Incident: %+v %v, want version 9", got, err)
	}
	events, err := c.Timeline(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// The reopening plans pages and notices (notification_queued, …) after
	// its own event: the last change's event is the last one not paging's.
	own := slices.DeleteFunc(events, func(e arqir.TimelineEvent) bool {
		return strings.HasPrefix(e.Kind, "notification") || e.Kind == arqir.EventEscalated || e.Kind == arqir.EventRefsChanged
	})
	if len(own) == 0 {
		t.Fatalf("timeline %+v has no event of a change", events)
	}
	if last := own[len(own)-1]; last.Kind != arqir.EventReopened || last.Source != arqir.SourceCLI || last.Actor != "alice" {
		t.Errorf("last event of a change %+v, want reopened by alice via cli", last)
	}
}

func TestIncidentsPagesAndFilters(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := t.Context()
	for _, sev := range []string{"SEV1", "SEV2", "SEV3"} {
		if _, err := c.Declare(ctx, client.DeclareRequest{Title: "t " + sev, Severity: sev, Services: []string{"svc"}}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := c.Incidents(ctx, client.ListOptions{Limit: 2})
	if err != nil || len(page.Incidents) != 2 || page.Next == "" {
		t.Fatalf("first page %+v %v", page, err)
	}
	page, err = c.Incidents(ctx, client.ListOptions{Limit: 2, Cursor: page.Next})
	if err != nil || len(page.Incidents) != 1 || page.Incidents[0].ID != 1 || page.Next != "" {
		t.Fatalf("second page %+v %v", page, err)
	}
	open := true
	page, err = c.Incidents(ctx, client.ListOptions{Severity: []string{"SEV1", "SEV3"}, Status: []string{"INVESTIGATING"}, Open: &open,
		Service: "svc", Query: "t", From: testserver.Epoch, To: testserver.Epoch.Add(time.Hour)})
	if err != nil || len(page.Incidents) != 2 {
		t.Fatalf("filtered %+v %v", page, err)
	}
}

func TestErrorCarriesTheServersAnswer(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	_, err := c.Declare(t.Context(), client.DeclareRequest{Title: "No severity"})
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v, want *client.Error", err, err)
	}
	if e.Status != 422 || e.Code != arqir.EUNPROCESSABLE || e.Field != "severity" || !strings.HasPrefix(e.Error(), "severity is required") {
		t.Errorf("error %+v", e)
	}
	_, err = c.Incident(t.Context(), "INC-99")
	if !errors.As(err, &e) || e.Status != http.StatusNotFound || e.Code != arqir.ENOTFOUND || e.Error() != "INC-99 does not exist: check the incident ID" {
		t.Errorf("unknown incident: %#v", err)
	}
}

func TestConflictCarriesTheCurrentIncident(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := t.Context()
	inc, _ := c.Declare(ctx, client.DeclareRequest{Title: "x", Severity: "SEV3"})
	if _, err := c.AddNote(ctx, inc.ID.String(), "one", client.IfVersion(inc.Version)); err != nil {
		t.Fatal(err)
	}
	_, err := c.AddNote(ctx, inc.ID.String(), "two", client.IfVersion(inc.Version))
	var e *client.Error
	if !errors.As(err, &e) || e.Status != http.StatusConflict || e.Current == nil || e.Current.Version != 2 {
		t.Fatalf("error %#v, want 409 with the incident at version 2", err)
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	admin := client.New(srv.URL, srv.Admin)
	ctx := t.Context()
	p, err := admin.Policy(ctx)
	if err != nil || p.Revision != 1 || len(p.Severities) != 4 || p.Severities[1].Target() != 15*time.Minute || len(p.Checklist) != 7 {
		t.Fatalf("policy %+v %v", p, err)
	}
	rec, created, err := admin.ApplyPolicy(ctx, testserver.RevisedPolicy("16.1"))
	if err != nil || !created || rec.Revision != 2 || rec.Version != "16.1" || rec.AppliedBy != "admin" {
		t.Fatalf("apply %+v %v %v", rec, created, err)
	}
	before := srv.Dump(t)
	_, _, err = admin.ApplyPolicy(ctx, testserver.BrokenPolicy())
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 422 || len(e.Problems) != 3 {
		t.Fatalf("refused policy: %#v", err)
	}
	if p := e.Problems[1]; p.Path != "first_responder.checklist[4].severities[1]" || p.Line == 0 || !strings.HasPrefix(p.Message, `unknown severity "SEV9"`) {
		t.Errorf("problem %+v, want the undefined SEV9 with its line", p)
	}
	srv.Unchanged(t, before)
	hist, err := admin.PolicyHistory(ctx)
	if err != nil || len(hist) != 2 || hist[0].Revision != 2 {
		t.Fatalf("history %+v %v", hist, err)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	admin := client.New(srv.URL, srv.Admin)
	ctx := t.Context()
	secret, tok, err := admin.CreateToken(ctx, "bot", arqir.RoleResponder)
	if err != nil || !strings.HasPrefix(secret, "arq_") || tok.Name != "bot" {
		t.Fatalf("create %q %+v %v", secret, tok, err)
	}
	bot := client.New(srv.URL, secret)
	me, err := bot.Me(ctx)
	if err != nil || me.Name != "bot" || me.Role != arqir.RoleResponder {
		t.Fatalf("me %+v %v", me, err)
	}
	list, err := admin.Tokens(ctx)
	if err != nil || len(list) != 4 {
		t.Fatalf("tokens %d %v", len(list), err)
	}
	if err := admin.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, err = bot.Me(ctx)
	var e *client.Error
	if !errors.As(err, &e) || e.Status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %v", err)
	}
}

func TestReady(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	if err := c.Ready(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := c.Health(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.Fail(errors.New("database locked"))
	err := c.Ready(t.Context())
	var e *client.Error
	if !errors.As(err, &e) || e.Status != http.StatusServiceUnavailable || !strings.Contains(e.Message, "database is unreachable") || strings.Contains(e.Message, "database locked") {
		t.Fatalf("not ready: %#v", err)
	}
	srv.Fail(nil)
	if err := c.Ready(t.Context()); err != nil {
		t.Fatalf("ready again: %v", err)
	}
}

// A server that is not there is a network error, not an *Error, so callers
// can tell "refused" from "unreachable"; the token is never in its text.
func TestNetworkErrorIsDistinct(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = client.New("http://"+addr, "arq_secret").Incident(t.Context(), "INC-1")
	var e *client.Error
	var ue *url.Error
	if err == nil || errors.As(err, &e) || !errors.As(err, &ue) {
		t.Fatalf("error %T %v, want a *url.Error", err, err)
	}
	if strings.Contains(err.Error(), "arq_secret") {
		t.Error("the network error shows the token")
	}
}

func TestAnswerThatIsNotArqirSaysSo(t *testing.T) {
	t.Parallel()
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "<html>Bad Gateway</html>", http.StatusBadGateway)
	}))
	defer proxy.Close()
	_, err := client.New(proxy.URL, "t").Incident(t.Context(), "INC-1")
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 502 || !strings.Contains(e.Message, "is this the arqir server's URL?") {
		t.Fatalf("error %#v", err)
	}
}
