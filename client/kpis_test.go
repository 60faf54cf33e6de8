package client_test

import (
	"errors"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/internal/testserver"
)

// The scorecard round-trips with every option: one incident detected 5
// minutes after its impact began and resolved 25 minutes after detection.
func TestKPIsRoundTrip(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := t.Context()
	impact := testserver.Epoch.Add(-5 * time.Minute)
	inc, err := c.Declare(ctx, client.DeclareRequest{
		Title: "Checkout errors", Severity: "SEV2", Services: []string{"checkout"},
		Detection: &arqir.Detection{Kind: arqir.DetectionAutomated, Source: "alertmanager"}, ImpactStartedAt: &impact,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(25 * time.Minute)
	if _, err := c.Resolve(ctx, inc.ID.String(), client.ResolveRequest{RootCause: "bad deploy", CustomerImpact: "5xx"}); err != nil {
		t.Fatal(err)
	}

	from, to := testserver.Epoch.Add(-time.Hour), testserver.Epoch.Add(time.Hour)
	r, err := c.KPIs(ctx, client.KPIOptions{From: from, To: to, Service: "checkout", Severity: "sev2"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.From.Equal(from) || !r.To.Equal(to) || r.Service != "checkout" || r.Severity != "SEV2" {
		t.Errorf("scorecard of %s – %s %q %q", r.From, r.To, r.Service, r.Severity)
	}
	mttr, mttk := r.KPIs[0], r.KPIs[2]
	if mttr.ID != "mttr" || mttr.Value == nil || *mttr.Value != 1500 || mttr.Display != "25m" || mttr.Pass == nil || !*mttr.Pass {
		t.Errorf("MTTR %+v, want 25m passing", mttr)
	}
	if mttk.ID != "mttk" || mttk.Value == nil || *mttk.Value != 300 || mttk.Pass == nil || *mttk.Pass {
		t.Errorf("MTTK %+v, want 5m failing the strict < 5m", mttk)
	}

	r, err = c.KPIs(ctx, client.KPIOptions{Since: "12w", Service: "elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.To.Sub(r.From); got != 12*7*24*time.Hour || r.KPIs[0].Value != nil || r.KPIs[0].Display != "no data" {
		t.Errorf("12 weeks of another service: %s long, MTTR %q", got, r.KPIs[0].Display)
	}
}

// A refused window is an *Error naming the parameter.
func TestKPIsRefusal(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	_, err := c.KPIs(t.Context(), client.KPIOptions{Since: "30d", From: testserver.Epoch, To: testserver.Epoch.Add(time.Hour)})
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 400 || e.Code != arqir.EINVALID || e.Field != "since" {
		t.Fatalf("since with from/to: %v (%+v)", err, e)
	}
	_, err = c.KPIs(t.Context(), client.KPIOptions{From: testserver.Epoch, To: testserver.Epoch})
	if !errors.As(err, &e) || e.Status != 400 || e.Field != "to" {
		t.Fatalf("empty window: %v (%+v)", err, e)
	}
}
