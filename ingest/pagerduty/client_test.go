package pagerduty_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	gopd "github.com/PagerDuty/go-pagerduty"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/ingesttest"
	"github.com/arqir/arqir/ingest/pagerduty"
)

// TestGoPagerDutyClient points the real go-pagerduty client at a minimal
// handler built from ingest.Process, as the issue asks, and checks that the
// client reads arqir's answers as PagerDuty's.
func TestGoPagerDutyClient(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	var got []arqir.AlertEvent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := &ingest.Request{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, "/ingest/pagerduty"), Header: r.Header, Query: r.URL.Query(), Body: body, Now: ingesttest.Now}
		src := pagerduty.Source{}
		_, p, err := ingest.Process(r.Context(), src, req, ingesttest.Authenticator{Integrations: map[string]*arqir.Integration{key: ingesttest.Integration(arqir.KindPagerDuty)}})
		status, reply := 0, any(nil)
		if err != nil {
			status, reply = src.ReplyError(http.StatusUnauthorized, err)
		} else {
			got = append(got, p.Events...)
			status, reply = p.Reply(ingesttest.Result(p.Events))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(reply)
	}))
	defer srv.Close()
	client := gopd.NewClient("", gopd.WithV2EventsAPIEndpoint(srv.URL+"/ingest/pagerduty"))
	ctx := context.Background()

	res, err := client.ManageEventWithContext(ctx, &gopd.V2Event{
		RoutingKey: key, Action: "trigger",
		Payload: &gopd.V2Payload{Summary: "disk full on db-1", Source: "db-1", Severity: "critical", Details: map[string]any{"free": "0%"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "success" || res.DedupKey == "" {
		t.Fatalf("trigger response %+v", res)
	}
	if _, err := client.ManageEventWithContext(ctx, &gopd.V2Event{RoutingKey: key, Action: "resolve", DedupKey: res.DedupKey}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].DedupKey != res.DedupKey || got[1].DedupKey != res.DedupKey || got[1].Status != arqir.AlertResolved || got[0].Annotations["free"] != "0%" {
		t.Fatalf("events %+v", got)
	}

	// The client reads any non-2xx as an APIError with the status code.
	_, err = client.ManageEventWithContext(ctx, &gopd.V2Event{RoutingKey: key, Action: "trigger", Payload: &gopd.V2Payload{Summary: "no source", Severity: "critical"}})
	var apiErr gopd.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Fatalf("invalid event: %#v", err)
	}
	_, err = client.ManageEventWithContext(ctx, &gopd.V2Event{RoutingKey: "wrong", Action: "resolve", DedupKey: "x"})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown routing key: %#v", err)
	}
}
