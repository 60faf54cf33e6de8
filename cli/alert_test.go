package cli_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// alertCmd runs "arqir alert ARGS --url SRV --token TOKEN".
func alertCmd(t *testing.T, srv *testserver.Server, token string, args ...string) run {
	t.Helper()
	return arqirCmd(t, append(append([]string{"alert"}, args...), "--url", srv.URL, "--token", token)...)
}

// sendGeneric sends one alert, unsigned, through a new generic integration
// that accepts unsigned requests.
func sendGeneric(t *testing.T, srv *testserver.Server, body string) {
	t.Helper()
	sec, _, err := srv.Store.CreateIntegration(t.Context(), arqir.NewIntegration{Name: "scripts", Kind: arqir.KindGeneric, Service: "checkout",
		Settings: map[string]string{arqir.SettingRequireSignature: "false"}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/ingest/generic", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+sec.Credential)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ingest: %v %v", resp, err)
	}
	resp.Body.Close()
}

// Alerts are listed, shown and marked false positive from the command
// line (K5).
func TestAlertCommands(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	sendGeneric(t, srv, `{"dedup_key":"disk-db-1","status":"firing","summary":"Disk 95% full on db-1","severity":"warning","labels":{"host":"db-1"},"links":["https://grafana.example.com/d/db"]}`)
	alertCmd(t, srv, srv.Viewer, "list", "--status", "firing").want(t, 0, "ID", "STATUS", "INCIDENT", "firing", "SEV3", "INC-1", "Disk 95% full on db-1")
	alertCmd(t, srv, srv.Viewer, "show", "1").want(t, 0, "Alert 1  Disk 95% full on db-1", "Dedup key:       disk-db-1", "Incident:        INC-1", "host=db-1", "https://grafana.example.com/d/db")
	alertCmd(t, srv, srv.Responder, "false-positive", "1").wantErr(t, 2, "reason")
	alertCmd(t, srv, srv.Responder, "false-positive", "1", "--reason", "backup window").want(t, 0, "Marked alert 1 (Disk 95% full on db-1) a false positive; INC-1's timeline says so.")
	alertCmd(t, srv, srv.Viewer, "list").want(t, 0, "firing (false positive)")
	alertCmd(t, srv, srv.Viewer, "show", "1").want(t, 0, "False positive:  backup window (by alice")
	alertCmd(t, srv, srv.Viewer, "show", "x").wantErr(t, 2, "not a number")
	alertCmd(t, srv, srv.Viewer, "list", "--status", "pending").wantErr(t, 2, "firing or resolved")
	incident(t, srv, srv.Responder, "false-positive", "INC-1", "--reason", "backup window").want(t, 0, "Marked INC-1 a false positive: backup window")
	incident(t, srv, srv.Viewer, "show", "INC-1").want(t, 0, "backup window")
}

// A reporter token files a report and nothing else.
func TestReportCommand(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	rita := srv.Token(t, "rita", arqir.RoleReporter)
	report := func(args ...string) run {
		return arqirCmd(t, append(append([]string{"report"}, args...), "--url", srv.URL, "--token", rita)...)
	}
	report("--source", "customer_support", "--title", "Cannot pay", "--description", "12 tickets", "--contact", "ZD-4411", "--service", "checkout").
		want(t, 0, "Opened INC-1 at SEV3")
	report("--source", "user_report", "--title", "Still", "--description", "2 more", "--contact", "jane@example.com", "--incident", "INC-1").
		want(t, 0, "Added your report to INC-1")
	report("--source", "customer_support", "--title", "x", "--description", "y", "--contact", "z", "--severity", "SEV9").wantErr(t, 2, "SEV1, SEV2, SEV3, SEV4", "--severity")
	report("--title", "x", "--description", "y", "--contact", "z").wantErr(t, 2, "customer_support or user_report", "--source")
	incident(t, srv, rita, "list").wantErr(t, 2, "reporter role")
}
