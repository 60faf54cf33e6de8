package e2e

import (
	"context"
	"errors"
	"net/http"
	"testing"

	gopd "github.com/PagerDuty/go-pagerduty"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// The trigger of PagerDuty's Events API v2 documentation, with the
// integration's credential as its routing key, opens an incident at SEV4
// (PagerDuty severity "info") and is answered as PagerDuty answers;
// acknowledge changes nothing by itself and resolve closes the alert.
func TestIngest_PagerDutySampleOpensIncident(t *testing.T) {
	h := newHarness(t)
	pd := h.integration(arqir.KindPagerDuty, "datapipe")
	trigger := replace(t, fixture(t, "pagerduty", "trigger.json"), `"routing_key": "samplekeyhere"`, `"routing_key": "`+pd.Credential+`"`)
	h.send("POST", "/ingest/pagerduty/v2/enqueue", trigger).want(t, 202, `"status":"success"`, `"message":"Event processed"`, `"dedup_key":"samplekeyhere"`)
	inc := h.only()
	wantOpened(t, inc, pd, "SEV4", "datapipe")

	ack := replace(t, fixture(t, "pagerduty", "acknowledge.json"), `"routing_key": "routingkeyhere"`, `"routing_key": "`+pd.Credential+`"`)
	ack = replace(t, ack, "dedupkeyhere", "samplekeyhere")
	h.send("POST", "/ingest/pagerduty/v2/enqueue", ack).want(t, 202)
	resolve := replace(t, fixture(t, "pagerduty", "resolve.json"), `"routing_key": "routingkeyhere"`, `"routing_key": "`+pd.Credential+`"`)
	resolve = replace(t, resolve, "dedupkeyhere", "samplekeyhere")
	h.send("POST", "/ingest/pagerduty/v2/enqueue", resolve).want(t, 202)
	alerts := h.alerts(alertsAll)
	if len(alerts) != 1 || alerts[0].Status != arqir.AlertResolved || alerts[0].Summary != "Example alert on host1.example.com" {
		t.Fatalf("alerts %+v, want the one alert resolved with its trigger's summary", alerts)
	}
	if n := len(h.incidents()); n != 1 {
		t.Errorf("%d incidents, want 1", n)
	}
}

// A real PagerDuty client library (go-pagerduty) pointed at arqir triggers,
// resolves, and reads arqir's refusals as PagerDuty's.
func TestIngest_PagerDutyGoClient(t *testing.T) {
	h := newHarness(t)
	pd := h.integration(arqir.KindPagerDuty, "checkout")
	pdc := gopd.NewClient("", gopd.WithV2EventsAPIEndpoint(h.App.URL()+"/ingest/pagerduty"))
	ctx := context.Background()
	res, err := pdc.ManageEventWithContext(ctx, &gopd.V2Event{
		RoutingKey: pd.Credential, Action: "trigger",
		Payload: &gopd.V2Payload{Summary: "Checkout 5xx above 5%", Source: "lb-1", Severity: "error"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.DedupKey == "" {
		t.Fatalf("trigger answered %+v, want the generated dedup key", res)
	}
	wantOpened(t, h.only(), pd, "SEV2", "checkout")
	if _, err := pdc.ManageEventWithContext(ctx, &gopd.V2Event{RoutingKey: pd.Credential, Action: "resolve", DedupKey: res.DedupKey}); err != nil {
		t.Fatal(err)
	}
	if a := h.alerts(client.AlertListOptions{Status: "resolved"}); len(a) != 1 || a[0].DedupKey != res.DedupKey {
		t.Errorf("resolved alerts %+v", a)
	}

	before := h.dump()
	var apiErr gopd.APIError
	_, err = pdc.ManageEventWithContext(ctx, &gopd.V2Event{RoutingKey: "R0UT1NGKEY", Action: "trigger", Payload: &gopd.V2Payload{Summary: "x", Source: "x", Severity: "error"}})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown routing key: %#v", err)
	}
	_, err = pdc.ManageEventWithContext(ctx, &gopd.V2Event{RoutingKey: pd.Credential, Action: "trigger", Payload: &gopd.V2Payload{Summary: "no source", Severity: "error"}})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("event without source: %#v", err)
	}
	h.unchanged(before)
}

// Opsgenie's Create Alert sample opens an incident at SEV1 (priority P1);
// its Close Alert sample, by alias, resolves the alert.
func TestIngest_OpsgenieSampleOpensIncident(t *testing.T) {
	h := newHarness(t)
	og := h.integration(arqir.KindOpsgenie, "checkout")
	genie := []string{"Authorization", "GenieKey " + og.Credential}
	h.send("POST", "/ingest/opsgenie/v2/alerts", fixture(t, "opsgenie", "create.json"), genie...).want(t, 202, `"result":"Request will be processed"`)
	wantOpened(t, h.only(), og, "SEV1", "checkout")
	h.send("POST", "/ingest/opsgenie/v2/alerts/Life%20is%20too%20short%20for%20no%20alias/close?identifierType=alias", fixture(t, "opsgenie", "close.json"), genie...).want(t, 202)
	if a := h.alerts(alertsAll); len(a) != 1 || a[0].Status != arqir.AlertResolved {
		t.Fatalf("alerts %+v, want the alert resolved", a)
	}
	before := h.dump()
	h.send("POST", "/ingest/opsgenie/v2/alerts", fixture(t, "opsgenie", "create.json"), "Authorization", "GenieKey wrong").want(t, 401)
	h.unchanged(before)
}
