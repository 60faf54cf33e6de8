package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/internal/testserver"
)

// resolved declares and resolves an incident through the client: its RCA
// exists from then on.
func resolved(t *testing.T, c *client.Client) *arqir.Incident {
	t.Helper()
	ctx := t.Context()
	inc, err := c.Declare(ctx, client.DeclareRequest{Title: "Checkout errors", Severity: "SEV2", Services: []string{"checkout"}})
	if err != nil {
		t.Fatal(err)
	}
	inc, err = c.Resolve(ctx, inc.ID.String(), client.ResolveRequest{RootCause: "undersized pool", CustomerImpact: "5% of checkouts failed"})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// person adds a user with an e-mail address.
func person(t *testing.T, srv *testserver.Server, handle string) {
	t.Helper()
	if _, err := srv.Store.CreateUser(context.Background(), arqir.UserInput{Handle: handle, Name: handle, Email: handle + "@example.com"}, arqir.SystemActor); err != nil {
		t.Fatal(err)
	}
}

func TestRCARoundTrip(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	person(t, srv, "ada")
	ctx := t.Context()
	inc := resolved(t, c)
	id := inc.ID.String()

	rca, err := c.RCA(ctx, id)
	if err != nil || rca.State != arqir.RCADraft || len(rca.Sections) != 8 {
		t.Fatalf("%+v %v", rca, err)
	}
	if rca, err = c.EditRCASection(ctx, id, "root_cause_analysis", "An undersized pool.", client.IfVersion(rca.Version)); err != nil || rca.Sections[2].Body != "An undersized pool." {
		t.Fatalf("edit: %+v %v", rca, err)
	}
	at := srv.Now().Add(3 * time.Hour)
	if rca, err = c.ScheduleRCAMeeting(ctx, id, at, []string{"ada"}); err != nil || rca.MeetingAt == nil || !rca.MeetingAt.Equal(at.Truncate(time.Second)) {
		t.Fatalf("schedule: %+v %v", rca, err)
	}
	srv.Advance(4 * time.Hour)
	if rca, err = c.RecordRCAMeeting(ctx, id, srv.Now().Add(-time.Hour), []string{"ada"}); err != nil || rca.HeldAt == nil {
		t.Fatalf("held: %+v %v", rca, err)
	}
	if rca, err = c.AddRCAFeedback(ctx, id, client.RCAFeedbackRequest{Rating: 5, WentWell: "calm"}); err != nil || len(rca.Feedback) != 1 || rca.Feedback[0].Author != "alice" {
		t.Fatalf("feedback: %+v %v", rca, err)
	}
	for _, st := range []string{"in_review", "published"} {
		if rca, err = c.SetRCAState(ctx, id, st, ""); err != nil || string(rca.State) != st {
			t.Fatalf("%s: %+v %v", st, rca, err)
		}
	}
	if rca, err = c.SetRCAState(ctx, id, "in_review", "wrong root cause"); err != nil || rca.State != arqir.RCAInReview {
		t.Fatalf("reopen: %+v %v", rca, err)
	}

	list, err := c.RCAs(ctx, client.RCAListOptions{States: []string{"in_review"}, Limit: 10})
	if err != nil || len(list) != 1 || list[0].IncidentID != inc.ID {
		t.Fatalf("list: %+v %v", list, err)
	}
	overdue := true
	if list, err = c.RCAs(ctx, client.RCAListOptions{Overdue: &overdue}); err != nil || len(list) != 0 {
		t.Fatalf("overdue: %+v %v", list, err)
	}

	md, ct, err := c.ExportRCA(ctx, id, client.FormatMarkdown)
	if err != nil || ct != "text/markdown; charset=utf-8" || !strings.Contains(string(md), "An undersized pool.") {
		t.Fatalf("markdown %q %q %v", ct, md, err)
	}
	html, ct, err := c.ExportRCA(ctx, id, client.FormatHTML)
	if err != nil || ct != "text/html; charset=utf-8" || !strings.Contains(string(html), "An undersized pool.") {
		t.Fatalf("html %q %v", ct, err)
	}
}

func TestRCARefusalsAreErrors(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := t.Context()
	inc := resolved(t, c)
	id := inc.ID.String()
	var e *client.Error
	_, err := c.EditRCASection(ctx, id, "lessons", "x")
	if !errors.As(err, &e) || e.Status != http.StatusNotFound || e.Field != "section" {
		t.Fatalf("unknown section: %v", err)
	}
	_, err = c.EditRCASection(ctx, id, "root_cause_analysis", "x", client.IfVersion(99))
	if !errors.As(err, &e) || e.Status != http.StatusConflict {
		t.Fatalf("stale version: %v", err)
	}
	_, err = c.SetRCAState(ctx, id, "published", "")
	if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity || e.Field != "state" {
		t.Fatalf("bad move: %v", err)
	}
	_, _, err = c.ExportRCA(ctx, id, "pdf")
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Field != "format" {
		t.Fatalf("bad format: %v", err)
	}
	_, err = c.RCA(ctx, "INC-99")
	if !errors.As(err, &e) || e.Status != http.StatusNotFound {
		t.Fatalf("no such RCA: %v", err)
	}
}
