package client_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/internal/testserver"
)

// Integrations and alerts round-trip: what the client sends is what the
// API takes, and what the API answers decodes whole.
func TestIntegrationsAndAlertsRoundTrip(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	admin := client.New(srv.URL, srv.Admin)
	ctx := t.Context()

	kinds, err := admin.IntegrationKinds(ctx)
	if err != nil || len(kinds) != len(arqir.IntegrationKinds) || kinds[0].Path != "/ingest/alertmanager" {
		t.Fatalf("kinds %+v, %v", kinds, err)
	}
	created, err := admin.CreateIntegration(ctx, client.NewIntegration{
		Name: "scripts", Kind: "generic", Service: "checkout", Settings: map[string]string{arqir.SettingRequireSignature: "false"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.Integration.ID != 1 || created.Credential == "" || created.SigningSecret == "" || created.Endpoint.URL != srv.URL+"/ingest/generic" {
		t.Fatalf("created %+v", created)
	}
	list, err := admin.Integrations(ctx)
	if err != nil || len(list) != 1 || list[0].Settings[arqir.SettingRequireSignature] != "false" {
		t.Fatalf("list %+v, %v", list, err)
	}
	detail, err := admin.Integration(ctx, 1)
	if err != nil || detail.Integration.Name != "scripts" || detail.Endpoint.Auth == "" {
		t.Fatalf("detail %+v, %v", detail, err)
	}

	req, _ := http.NewRequest("POST", srv.URL+"/ingest/generic", strings.NewReader(`{"dedup_key":"a","status":"firing","summary":"A"}`))
	req.Header.Set("Authorization", "Bearer "+created.Credential)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ingest: %v %v", resp, err)
	}
	resp.Body.Close()

	alice := client.New(srv.URL, srv.Responder, client.WithSource("cli"))
	page, err := alice.Alerts(ctx, client.AlertListOptions{Status: "firing", Integration: 1, Incident: "INC-1", Limit: 10})
	if err != nil || len(page.Alerts) != 1 {
		t.Fatalf("alerts %+v, %v", page, err)
	}
	a, err := alice.Alert(ctx, page.Alerts[0].ID)
	if err != nil || a.Summary != "A" {
		t.Fatalf("alert %+v, %v", a, err)
	}
	if a, err = alice.MarkAlertFalsePositive(ctx, a.ID, "test alert"); err != nil || !a.FalsePositive {
		t.Fatalf("alert false positive %+v, %v", a, err)
	}
	inc, err := alice.MarkFalsePositive(ctx, "INC-1", "test alert")
	if err != nil || !inc.FalsePositive || inc.FalsePositiveReason != "test alert" {
		t.Fatalf("incident false positive %+v, %v", inc, err)
	}

	rotated, err := admin.RotateIntegration(ctx, 1)
	if err != nil || rotated.Credential == created.Credential {
		t.Fatalf("rotated %+v, %v", rotated, err)
	}
	if err := admin.RevokeIntegration(ctx, 1); err != nil {
		t.Fatal(err)
	}
	var apiErr *client.Error
	if _, err := alice.CreateIntegration(ctx, client.NewIntegration{Name: "x", Kind: "generic"}); !errors.As(err, &apiErr) || apiErr.Status != 403 {
		t.Errorf("a responder created an integration: %v", err)
	}
}

// A report round-trips with a reporter token.
func TestFileReport(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	rita := client.New(srv.URL, srv.Token(t, "rita", arqir.RoleReporter))
	r, err := rita.FileReport(t.Context(), client.Report{
		Title: "Cannot pay", Description: "12 tickets", Source: "customer_support", ReporterContact: "ZD-1", Services: []string{"checkout"}, Severity: "SEV2",
	})
	if err != nil || r.IncidentID != 1 || !r.Opened || r.Severity != "SEV2" || r.Message == "" {
		t.Fatalf("receipt %+v, %v", r, err)
	}
	r, err = rita.FileReport(t.Context(), client.Report{Title: "More", Description: "2 tickets", Source: "customer_support", ReporterContact: "ZD-2", IncidentID: "INC-1"})
	if err != nil || r.Opened || r.IncidentID != 1 || r.Severity != "" {
		t.Fatalf("added %+v, %v", r, err)
	}
}
