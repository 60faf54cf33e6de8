package e2e

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

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

// pdEvent is a PagerDuty Events API v2 event of the integration, as a
// PagerDuty client sends it.
func pdEvent(pd *client.CreatedIntegration, action, key string) string {
	body := `{"routing_key":"` + pd.Credential + `","event_action":"` + action + `","dedup_key":"` + key + `"`
	if action == "trigger" {
		body += `,"payload":{"summary":"Checkout 5xx above 5%","source":"lb-1","severity":"critical","custom_details":{"rate":"7%"}}`
	}
	return body + "}"
}

// A PagerDuty trigger sent again byte for byte hours after its resolve is
// a new firing, not a retry: the alert fires again. The same body within
// minutes is the sender's retry and changes nothing (a request keyed by
// its body is remembered only arqir.RetryKeyRetention).
func TestIngest_PagerDutyTriggerAgainAfterResolveFires(t *testing.T) {
	h := newHarness(t)
	pd := h.integration(arqir.KindPagerDuty, "checkout")
	trigger, resolve := pdEvent(pd, "trigger", "checkout-5xx"), pdEvent(pd, "resolve", "checkout-5xx")
	h.send("POST", "/ingest/pagerduty/v2/enqueue", trigger).want(t, 202, `"dedup_key":"checkout-5xx"`)
	h.Clock.Advance(time.Minute)
	before := h.dump()
	h.send("POST", "/ingest/pagerduty/v2/enqueue", trigger).want(t, 202) // the client's retry
	h.unchanged(before)
	h.send("POST", "/ingest/pagerduty/v2/enqueue", resolve).want(t, 202)

	h.Clock.Advance(3 * time.Hour)
	h.send("POST", "/ingest/pagerduty/v2/enqueue", trigger).want(t, 202, `"dedup_key":"checkout-5xx"`)
	a := h.alerts(alertsAll)
	if len(a) != 1 || a[0].Status != arqir.AlertFiring || a[0].Count != 2 {
		t.Fatalf("alerts %+v, want the alert firing again, counted twice", a)
	}
	h.Clock.Advance(3 * time.Hour)
	h.send("POST", "/ingest/pagerduty/v2/enqueue", resolve).want(t, 202)
	if a := h.alerts(alertsAll); a[0].Status != arqir.AlertResolved {
		t.Fatalf("the same resolve 3 h later left the alert %s", a[0].Status)
	}
}

// Opsgenie's create, close, create and the same close again: the alert
// ends resolved, not firing forever because the second close looked like
// a retry of the first.
func TestIngest_OpsgenieCloseAfterRecreateResolves(t *testing.T) {
	h := newHarness(t)
	og := h.integration(arqir.KindOpsgenie, "checkout")
	genie := []string{"Authorization", "GenieKey " + og.Credential}
	create := fixture(t, "opsgenie", "create.json")
	closePath := "/ingest/opsgenie/v2/alerts/Life%20is%20too%20short%20for%20no%20alias/close?identifierType=alias"
	closeBody := fixture(t, "opsgenie", "close.json")
	for i := range 2 {
		h.send("POST", "/ingest/opsgenie/v2/alerts", create, genie...).want(t, 202)
		h.Clock.Advance(20 * time.Minute)
		h.send("POST", closePath, closeBody, genie...).want(t, 202)
		if a := h.alerts(alertsAll); len(a) != 1 || a[0].Status != arqir.AlertResolved || a[0].Count != i+1 {
			t.Fatalf("round %d: alerts %+v, want the alert resolved after %d firings", i+1, a, i+1)
		}
		h.Clock.Advance(20 * time.Minute)
	}
}

// An acknowledge from a PagerDuty or Opsgenie client is answered as the
// vendor answers it and changes nothing: it neither touches a firing alert
// (its details, its count), nor fires a resolved one again, nor creates an
// alert, or an incident, for a key arqir never saw.
func TestIngest_SenderAcknowledgeChangesNothing(t *testing.T) {
	h := newHarness(t)
	pd := h.integration(arqir.KindPagerDuty, "checkout")
	og := h.integration(arqir.KindOpsgenie, "checkout")
	genie := []string{"Authorization", "GenieKey " + og.Credential}
	pdAck := func(key string) {
		t.Helper()
		h.send("POST", "/ingest/pagerduty/v2/enqueue", pdEvent(pd, "acknowledge", key)).want(t, 202, `"status":"success"`, `"dedup_key":"`+key+`"`)
	}
	ogAck := func(alias string) {
		t.Helper()
		h.send("POST", "/ingest/opsgenie/v2/alerts/"+alias+"/acknowledge?identifierType=alias", fixture(t, "opsgenie", "close.json"), genie...).want(t, 202, `"result":"Request will be processed"`)
	}
	h.send("POST", "/ingest/pagerduty/v2/enqueue", pdEvent(pd, "trigger", "pd-1")).want(t, 202)
	h.send("POST", "/ingest/opsgenie/v2/alerts", `{"message":"Disk 95% full","alias":"og-1","priority":"P3","details":{"host":"db-1"}}`, genie...).want(t, 202)
	h.Clock.Advance(time.Minute)

	// Firing alerts: the ack leaves them as they are.
	before := h.dump()
	pdAck("pd-1")
	ogAck("og-1")
	h.unchanged(before)
	for _, a := range h.alerts(alertsAll) {
		if a.Status != arqir.AlertFiring || a.Count != 1 || len(a.Annotations) == 0 {
			t.Errorf("alert %s after an ack: %s, count %d, annotations %v", a.DedupKey, a.Status, a.Count, a.Annotations)
		}
	}

	// Resolved alerts: the ack does not fire them again.
	h.send("POST", "/ingest/pagerduty/v2/enqueue", pdEvent(pd, "resolve", "pd-1")).want(t, 202)
	h.send("POST", "/ingest/opsgenie/v2/alerts/og-1/close?identifierType=alias", "", genie...).want(t, 202)
	h.Clock.Advance(time.Minute)
	before = h.dump()
	pdAck("pd-1")
	ogAck("og-1")
	h.unchanged(before)

	// Unknown keys: nothing is created, nothing attaches to the open
	// incidents.
	pdAck("never-triggered")
	ogAck("never-created")
	h.unchanged(before)
}
