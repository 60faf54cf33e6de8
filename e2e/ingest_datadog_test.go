package e2e

import (
	"testing"

	"github.com/arqir/arqir"
)

// T4: a Datadog monitor notifying arqir's webhook with the documented
// custom payload opens an incident at SEV1 (priority P1) for the service
// its tags name, detected automatically by the Datadog integration; the
// recovery resolves the alert; Datadog's retry of the same event (same $ID)
// changes nothing.
func TestT4_DatadogSampleOpensIncident(t *testing.T) {
	h := newHarness(t)
	dd := h.integration(arqir.KindDatadog, "platform")
	triggered := fixture(t, "datadog", "custom-triggered.json")
	h.bearer(dd, "/ingest/datadog", triggered).want(t, 200)
	inc := h.only()
	wantOpened(t, inc, dd, "SEV1", "checkout")
	if inc.Title != "Host is Down (host:ip-012345)" {
		t.Errorf("title %q", inc.Title)
	}
	before := h.dump()
	h.bearer(dd, "/ingest/datadog", triggered).want(t, 200, `"replayed":true`)
	h.unchanged(before)

	h.bearer(dd, "/ingest/datadog", fixture(t, "datadog", "custom-recovered.json")).want(t, 200)
	a := h.alerts(alertsAll)
	if len(a) != 1 || a[0].Status != arqir.AlertResolved || a[0].IncidentID == nil || *a[0].IncidentID != inc.ID {
		t.Fatalf("alerts %+v, want the one alert resolved", a)
	}
}

// T4: Datadog's default payload works too, with the credential in the URL
// for webhooks that set no custom headers.
func TestT4_DatadogDefaultPayloadWithCredentialInURL(t *testing.T) {
	h := newHarness(t)
	dd := h.integration(arqir.KindDatadog, "cluster")
	h.send("POST", "/ingest/datadog/"+dd.Credential, fixture(t, "datadog", "default-triggered.json")).want(t, 200)
	wantOpened(t, h.only(), dd, "SEV3", "cluster")
	h.send("POST", "/ingest/datadog/"+dd.Credential, fixture(t, "datadog", "default-recovered.json")).want(t, 200)
	if a := h.alerts(alertsAll); len(a) != 1 || a[0].Status != arqir.AlertResolved {
		t.Fatalf("alerts %+v, want the one alert resolved", a)
	}
}

// Datadog's "Encode as form" sends a form: refused with a message saying
// to turn it off, nothing stored.
func TestT4_DatadogFormEncodingRefused(t *testing.T) {
	h := newHarness(t)
	dd := h.integration(arqir.KindDatadog, "cluster")
	before := h.dump()
	h.bearer(dd, "/ingest/datadog", "title=x", "Content-Type", "application/x-www-form-urlencoded").want(t, 400, "Content-Type")
	h.unchanged(before)
}
