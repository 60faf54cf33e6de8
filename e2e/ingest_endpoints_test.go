package e2e

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/ingest/sources"
)

// Every kind the API lists (GET /api/v1/integrations/kinds) has an inbound
// endpoint that is served and asks for a credential, and every kind with an
// ingest source is listed: the API's table and the ingest registry agree.
func TestIngest_EveryListedKindIsServed(t *testing.T) {
	h := newHarness(t)
	kinds, err := h.Admin.IntegrationKinds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	listed := map[arqir.IntegrationKind]bool{}
	for _, k := range kinds {
		listed[k.Kind] = true
		_, hasSource := sources.Lookup(k.Kind)
		if k.Path == "" {
			if hasSource {
				t.Errorf("%s has an ingest source but the API lists no endpoint", k.Kind)
			}
			continue
		}
		if !hasSource {
			t.Errorf("%s: the API lists %s, which no ingest source serves", k.Kind, k.Path)
			continue
		}
		path := strings.ReplaceAll(k.Path, "{credential}", "arqi_unknown")
		a := h.send(k.Method, path, `{}`)
		if a.status != http.StatusUnauthorized {
			t.Errorf("%s %s without a valid credential: %d %s, want 401", k.Method, path, a.status, a.body)
		}
	}
	for _, s := range sources.All() {
		if !listed[s.Kind()] {
			t.Errorf("ingest source %s is not listed by the API", s.Kind())
		}
	}
}

// The endpoint URL shown for an integration starts with --public-url when
// it is set, else with the scheme and host the admin's request came to
// (X-Forwarded-Proto from a TLS proxy).
func TestIngest_EndpointURL(t *testing.T) {
	h := newHarness(t, func(c *app.Config) { c.PublicURL = "https://arqir.example.com/" })
	c := h.integration(arqir.KindAlertmanager, "checkout")
	if c.Endpoint.URL != "https://arqir.example.com/ingest/alertmanager" || c.Endpoint.Method != "POST" {
		t.Errorf("endpoint %+v, want the public URL", c.Endpoint)
	}

	h2 := newHarness(t)
	c = h2.integration(arqir.KindDatadog, "checkout")
	if c.Endpoint.URL != h2.App.URL()+"/ingest/datadog" {
		t.Errorf("endpoint %q, want the request's host", c.Endpoint.URL)
	}
	req, _ := http.NewRequest("GET", h2.App.URL()+"/api/v1/integrations/1", nil)
	req.Header.Set("Authorization", "Bearer "+h2.Token)
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Host = "arqir.internal"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d client.IntegrationDetail
	if err := decodeJSON(resp, &d); err != nil {
		t.Fatal(err)
	}
	if d.Endpoint.URL != "https://arqir.internal/ingest/datadog" {
		t.Errorf("endpoint behind a proxy %q", d.Endpoint.URL)
	}

	h3 := newHarness(t)
	cw := h3.integration(arqir.KindCloudWatch, "checkout", arqir.SettingTopicARNs, topicARN)
	if !strings.HasSuffix(cw.Endpoint.URL, "/ingest/cloudwatch/"+cw.Credential) {
		t.Errorf("cloudwatch endpoint %q lacks the credential", cw.Endpoint.URL)
	}
	shown, err := h3.Admin.Integration(context.Background(), cw.Integration.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(shown.Endpoint.URL, cw.Credential) || !strings.HasSuffix(shown.Endpoint.URL, "/ingest/cloudwatch/{credential}") {
		t.Errorf("a later read shows %q; the credential is shown only once", shown.Endpoint.URL)
	}
}

// The whole setup from the command line: create an Alertmanager
// integration, paste the printed snippet's credential, and the
// documentation's sample opens an incident; list, show, rotate, revoke.
func TestIngest_CLIIntegrationWalkthrough(t *testing.T) {
	h := newHarness(t)
	out, code := h.arqir("integration", "create", "--kind", "alertmanager", "--service", "checkout")
	if code != 0 {
		t.Fatalf("create → %d:\n%s", code, out)
	}
	for _, want := range []string{`Created alertmanager integration "alertmanager-checkout" (id 1) for service checkout.`,
		"Endpoint:        POST " + h.App.URL() + "/ingest/alertmanager", "webhook_configs:", "type: Bearer", "shown only now"} {
		if !strings.Contains(out, want) {
			t.Errorf("create output lacks %q:\n%s", want, out)
		}
	}
	cred := regexp.MustCompile(`credentials: (arqi_\S+)`).FindStringSubmatch(out)
	if cred == nil {
		t.Fatalf("no credential in the snippet:\n%s", out)
	}
	h.send("POST", "/ingest/alertmanager", fixture(t, "alertmanager", "alertmanager-v4.json"), "Authorization", "Bearer "+cred[1]).want(t, 200)
	h.only()

	if out, code := h.arqir("integration", "list"); code != 0 || !strings.Contains(out, "alertmanager-checkout") || !strings.Contains(out, "active") {
		t.Errorf("list → %d:\n%s", code, out)
	}
	if out, code := h.arqir("integration", "show", "1"); code != 0 || strings.Contains(out, cred[1]) || !strings.Contains(out, "/ingest/alertmanager") {
		t.Errorf("show → %d (it must not show the credential):\n%s", code, out)
	}
	if out, code := h.arqir("alert", "list", "--incident", "INC-1"); code != 0 || !strings.Contains(out, "CPU above 80% on web-1:9100") || !strings.Contains(out, "INC-1") {
		t.Errorf("alert list → %d:\n%s", code, out)
	}
	out, code = h.arqir("integration", "rotate", "1")
	if code != 0 || !strings.Contains(out, "no longer work") {
		t.Fatalf("rotate → %d:\n%s", code, out)
	}
	h.send("POST", "/ingest/alertmanager", fixture(t, "alertmanager", "alertmanager-v4.json"), "Authorization", "Bearer "+cred[1]).want(t, 401)
	if out, code := h.arqir("integration", "revoke", "1"); code != 0 || !strings.Contains(out, "Revoked integration 1") {
		t.Errorf("revoke → %d:\n%s", code, out)
	}
	if out, code := h.arqir("integration", "create", "--kind", "nagios", "--service", "x"); code != 2 || !strings.Contains(out, "unknown integration kind") {
		t.Errorf("unknown kind → %d:\n%s", code, out)
	}
}
