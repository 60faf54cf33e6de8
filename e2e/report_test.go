package e2e

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/cli"
	"github.com/arqir/arqir/client"
)

// arqirAs runs the CLI against the harness's server with another token.
func (h *harness) arqirAs(token string, args ...string) (string, int) {
	var out bytes.Buffer
	full := append(append([]string{}, args...), "--url", h.App.URL(), "--token", token)
	code := cli.Main(full, strings.NewReader(""), &out, &out)
	return out.String(), code
}

// D5: customer support files a report with a reporter token: it opens an
// incident detected manually from customer support, at SEV3 unless the
// reporter says otherwise, with the description and whom to get back to;
// the receipt names the incident.
func TestD5_SupportReportOpensManualIncident(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	support := h.clientAs("sam-support", arqir.RoleReporter, "cli")
	receipt, err := support.FileReport(ctx, client.Report{
		Title: "Customers cannot pay by card", Description: "12 tickets since 07:45 UTC: card payments fail with 'try again'",
		Source: "customer_support", ReporterContact: "ZD-4411", Services: []string{"checkout"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !receipt.Opened || receipt.IncidentID != 1 || receipt.Severity != "SEV3" || !strings.Contains(receipt.Message, "INC-1") {
		t.Fatalf("receipt %+v", receipt)
	}
	inc := h.incident(1)
	if inc.Detection != (arqir.Detection{Kind: arqir.DetectionManual, Source: arqir.SourceCustomerSupport}) {
		t.Errorf("detection %+v, want manual from customer support", inc.Detection)
	}
	if inc.Severity != "SEV3" || inc.Status != arqir.StatusInvestigating || inc.Services[0] != "checkout" || inc.Title != "Customers cannot pay by card" {
		t.Errorf("incident %+v", inc)
	}
	for _, want := range []string{"12 tickets since 07:45 UTC", "Reported by sam-support from customer support", "contact: ZD-4411"} {
		if !strings.Contains(inc.Summary, want) {
			t.Errorf("summary %q lacks %q", inc.Summary, want)
		}
	}
	if tl := h.timeline(1); tl[0].Actor != "sam-support" || tl[0].Source != arqir.SourceCLI {
		t.Errorf("declared by %s via %s, want sam-support via cli", tl[0].Actor, tl[0].Source)
	}

	// The reporter's severity, and a user report.
	receipt, err = support.FileReport(ctx, client.Report{Title: "Login loops", Description: "the login page reloads forever", Source: "user_report", ReporterContact: "jane@example.com", Severity: "sev2"})
	if err != nil {
		t.Fatal(err)
	}
	if inc := h.incident(receipt.IncidentID); inc.Severity != "SEV2" || inc.Detection.Source != arqir.SourceUserReport {
		t.Errorf("user report opened %+v", inc)
	}
}

// D5: a report about an incident already open is added to its timeline as
// "Report from customer support: …" and opens nothing new; a report for a
// resolved or unknown incident is refused, alike, with what to do instead.
func TestD5_ReportAddsToOpenIncident(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	inc := h.declare(h.Admin, "Checkout errors", "SEV2")
	support := h.clientAs("sam-support", arqir.RoleReporter, "api")
	receipt, err := support.FileReport(ctx, client.Report{
		Title: "Card payments fail", Description: "3 more tickets", Source: "customer_support", ReporterContact: "ZD-4412",
		IncidentID: inc.ID.String(), Severity: "SEV1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if receipt.Opened || receipt.IncidentID != inc.ID {
		t.Fatalf("receipt %+v, want it added to %s", receipt, inc.ID)
	}
	if n := len(h.incidents()); n != 1 {
		t.Errorf("%d incidents, want 1", n)
	}
	tl := h.timeline(inc.ID)
	last := tl[len(tl)-1]
	if last.Kind != arqir.EventNote || !strings.HasPrefix(last.Message, "Report from customer support: Card payments fail: 3 more tickets (contact: ZD-4412)") || !strings.Contains(last.Message, "SEV1") {
		t.Errorf("last event %+v", last)
	}
	if got := h.incident(inc.ID); got.Severity != "SEV2" {
		t.Errorf("a report changed the severity to %s", got.Severity)
	}

	if _, err := h.Admin.Resolve(ctx, inc.ID.String(), client.ResolveRequest{RootCause: "bad deploy", CustomerImpact: "card payments failed"}); err != nil {
		t.Fatal(err)
	}
	before := h.dump()
	// A resolved incident and one that never existed are refused alike: a
	// reporter may not learn which incidents exist.
	for _, id := range []string{inc.ID.String(), "INC-99"} {
		_, err = support.FileReport(ctx, client.Report{Title: "Still failing", Description: "x", Source: "customer_support", ReporterContact: "ZD-1", IncidentID: id})
		var apiErr *client.Error
		if !errors.As(err, &apiErr) || apiErr.Status != 404 || apiErr.Message != id+" is not an open incident: file the report without incident_id to open a new incident" {
			t.Errorf("report for %s: %v", id, err)
		}
	}
	h.unchanged(before)
}

// D5: a reporter token can file reports and nothing else: every other
// route answers 403, and nothing changes. Responders may file reports.
func TestD5_ReporterCannotReadOrAct(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	inc := h.declare(h.Admin, "Checkout errors", "SEV2")
	g := h.integration(arqir.KindGeneric, "checkout")
	h.signed(g, `{"dedup_key":"a","status":"firing","summary":"s"}`).want(t, 200)
	reporter := h.clientAs("sam-support", arqir.RoleReporter, "api")
	before := h.dump()
	calls := map[string]func() error{
		"me":               func() error { _, err := reporter.Me(ctx); return err },
		"list incidents":   func() error { _, err := reporter.Incidents(ctx, client.ListOptions{}); return err },
		"read an incident": func() error { _, err := reporter.Incident(ctx, inc.ID.String()); return err },
		"read a timeline":  func() error { _, err := reporter.Timeline(ctx, inc.ID.String()); return err },
		"declare": func() error {
			_, err := reporter.Declare(ctx, client.DeclareRequest{Title: "x", Severity: "SEV1"})
			return err
		},
		"acknowledge":       func() error { _, err := reporter.Acknowledge(ctx, inc.ID.String()); return err },
		"add a note":        func() error { _, err := reporter.AddNote(ctx, inc.ID.String(), "x"); return err },
		"false positive":    func() error { _, err := reporter.MarkFalsePositive(ctx, inc.ID.String(), "x"); return err },
		"list alerts":       func() error { _, err := reporter.Alerts(ctx, client.AlertListOptions{}); return err },
		"read an alert":     func() error { _, err := reporter.Alert(ctx, 1); return err },
		"list integrations": func() error { _, err := reporter.Integrations(ctx); return err },
		"create integration": func() error {
			_, err := reporter.CreateIntegration(ctx, client.NewIntegration{Name: "x", Kind: "generic"})
			return err
		},
		"list tokens":  func() error { _, err := reporter.Tokens(ctx); return err },
		"create token": func() error { _, _, err := reporter.CreateToken(ctx, "x", arqir.RoleAdmin); return err },
	}
	for name, call := range calls {
		var apiErr *client.Error
		if err := call(); !errors.As(err, &apiErr) || apiErr.Status != http.StatusForbidden || !strings.Contains(apiErr.Message, "reporter role") {
			t.Errorf("%s as a reporter: %v, want 403 naming the reporter role", name, err)
		}
	}
	h.unchanged(before)

	responder := h.clientAs("alice", arqir.RoleResponder, "api")
	if _, err := responder.FileReport(ctx, client.Report{Title: "x", Description: "y", Source: "user_report", ReporterContact: "z"}); err != nil {
		t.Errorf("a responder may file reports: %v", err)
	}
	viewer := h.clientAs("victor", arqir.RoleViewer, "api")
	var apiErr *client.Error
	if _, err := viewer.FileReport(ctx, client.Report{Title: "x", Description: "y", Source: "user_report", ReporterContact: "z"}); !errors.As(err, &apiErr) || apiErr.Status != http.StatusForbidden {
		t.Errorf("a viewer filed a report: %v", err)
	}
}

// D5 from the command line: an admin makes a reporter token with `arqir
// token create --role reporter`, and support files with `arqir report`.
func TestD5_ReportFromTheCommandLine(t *testing.T) {
	h := newHarness(t)
	var out bytes.Buffer
	code := cli.Main([]string{"token", "create", "--role", "reporter", "--name", "support-desk", "--db", h.cfg.DB}, strings.NewReader(""), &out, &out)
	secret := tokenRE.FindString(out.String())
	if code != 0 || secret == "" || !strings.Contains(out.String(), "Created reporter token") {
		t.Fatalf("token create → %d:\n%s", code, out.String())
	}
	got, code := h.arqirAs(secret, "report", "--source", "customer_support", "--title", "Customers cannot pay by card",
		"--description", "12 tickets since 07:45", "--contact", "ZD-4411", "--service", "checkout")
	if code != 0 || !strings.Contains(got, "Opened INC-1 at SEV3") {
		t.Fatalf("report → %d:\n%s", code, got)
	}
	if got, code := h.arqirAs(secret, "incident", "list"); code != 2 || !strings.Contains(got, "reporter role") {
		t.Errorf("incident list as a reporter → %d:\n%s", code, got)
	}
	if got, code := h.arqirAs(secret, "report", "--source", "internal_observation", "--title", "x", "--description", "y", "--contact", "z"); code != 2 || !strings.Contains(got, "customer_support or user_report") {
		t.Errorf("report from an unknown source → %d:\n%s", code, got)
	}
	if got, code := h.arqirAs(secret, "report", "--source", "user_report", "--title", "x", "--description", "y"); code != 2 || !strings.Contains(got, "--contact") {
		t.Errorf("report without contact → %d:\n%s", code, got)
	}
}
