package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/cli"
	"github.com/arqir/arqir/internal/testserver"
)

// run is one arqir invocation: its exit code and what it printed.
type run struct {
	code           int
	stdout, stderr string
}

func arqirCmd(t *testing.T, args ...string) run {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(args, strings.NewReader(""), &out, &errOut)
	return run{code: code, stdout: out.String(), stderr: errOut.String()}
}

// incident runs "arqir incident ARGS --url SRV --token TOKEN".
func incident(t *testing.T, srv *testserver.Server, token string, args ...string) run {
	t.Helper()
	return arqirCmd(t, append(append([]string{"incident"}, args...), "--url", srv.URL, "--token", token)...)
}

func (r run) want(t *testing.T, code int, stdout ...string) run {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range stdout {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
		}
	}
	return r
}

func (r run) wantErr(t *testing.T, code int, stderr ...string) run {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range stderr {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
	return r
}

func TestDeclareActAndShow(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	R := srv.Responder
	incident(t, srv, R, "declare", "--title", "Checkout errors", "--severity", "SEV2", "--service", "checkout", "--service", "payments",
		"--detection-source", "customer_support", "--commander", "carol").
		want(t, 0, `Declared INC-1 SEV2 "Checkout errors": INVESTIGATING.`, "Acknowledge it by 2025-03-03 09:15:00Z (15m0s response target): arqir incident ack INC-1")
	srv.Advance(2 * time.Minute)
	incident(t, srv, R, "ack", "INC-1").want(t, 0, `Acknowledged INC-1 (SEV2 "Checkout errors") as alice after 2m0s.`)
	incident(t, srv, R, "status", "INC-1", "identified", "--note", "bad deploy").want(t, 0, "INC-1 is now IDENTIFIED.")
	incident(t, srv, R, "severity", "inc-1", "SEV1", "--reason", "all regions").want(t, 0, "INC-1 is now SEV1.")
	incident(t, srv, R, "note", "1", "rolled", "back", "1432").want(t, 0, "Added a note to INC-1.")
	incident(t, srv, R, "tick", "INC-1", "r4").want(t, 0, "Ticked R4 on INC-1: Create PagerDuty incident.")
	srv.Advance(10 * time.Minute)
	incident(t, srv, R, "resolve", "INC-1", "--root-cause", "bad config", "--customer-impact", "5% of checkouts failed").
		want(t, 0, "Resolved INC-1 after 12m0s.")

	show := incident(t, srv, srv.Viewer, "show", "INC-1").want(t, 0,
		"INC-1  Checkout errors",
		"Severity:         SEV1 (policy revision 1)",
		"Status:           RESOLVED",
		"Services:         checkout, payments",
		"Detection:        manual, customer_support",
		"Acknowledged:     2025-03-03 09:02:00Z by alice",
		"Commander:        carol",
		"Root cause:       bad config",
		"Customer impact:  5% of checkouts failed",
		"[x] R1  Acknowledge alert in Slack (#incidents)",
		"[x] R4  Create PagerDuty incident",
		"alice, 2025-03-03 09:02:00Z",
		"[ ] R7  Notify stakeholders",
		"Timeline",
		"alice (cli)",
		"note",
		"rolled back 1432",
	)
	// Paging adds deadlines (initial_notice, page_ack, …) to the table,
	// which pads the kind column to the longest kind shown.
	wantDeadline(t, show, arqir.DeadlineResponse, "due 2025-03-03 09:15:00Z  met at 2025-03-03 09:02:00Z")
	if strings.Contains(show.stdout, "BREACHED") {
		t.Errorf("a met deadline is shown as breached:\n%s", show.stdout)
	}
	tl, err := srv.Store.Timeline(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range tl[1:] {
		if e.Actor == "alice" && e.Source != arqir.SourceCLI {
			t.Errorf("event %q recorded from %s, want cli", e.Kind, e.Source)
		}
	}
	incident(t, srv, R, "reopen", "INC-1", "--reason", "errors are back").want(t, 0, "Reopened INC-1: INVESTIGATING.")
	incident(t, srv, srv.Viewer, "timeline", "INC-1").want(t, 0, "AT", "BY", "KIND", "declared", "reopened", "Reopened: errors are back")
}

func TestShowAndListMarkBreachedDeadlines(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	incident(t, srv, srv.Responder, "declare", "--title", "Login down", "--severity", "SEV1").want(t, 0)
	srv.Advance(6 * time.Minute)
	// Paging deadlines (page_ack at 2m, initial_notice at 5m) breach too
	// when nothing delivers; the sweep counts every one.
	n := srv.Sweep(t)
	inc, err := srv.Store.Incident(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	breached := 0
	for _, d := range inc.Deadlines {
		if d.BreachedAt != nil {
			breached++
		}
	}
	if n != breached || n < 1 {
		t.Fatalf("swept %d breaches, the incident records %d", n, breached)
	}
	show := incident(t, srv, srv.Viewer, "show", "INC-1").want(t, 0, "Acknowledged:     not yet")
	wantDeadline(t, show, arqir.DeadlineResponse, "due 2025-03-03 09:05:00Z  BREACHED at 2025-03-03 09:06:00Z")
	incident(t, srv, srv.Viewer, "list").want(t, 0, "BREACHED")
}

// wantDeadline checks the line of a deadline kind in `incident show`: the
// kind, padded to the longest kind shown, then its state.
func wantDeadline(t *testing.T, r run, kind, state string) {
	t.Helper()
	for line := range strings.Lines(r.stdout) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), kind+" "); ok && strings.TrimSpace(rest) == state {
			return
		}
	}
	t.Errorf("stdout lacks the deadline line %q  %q:\n%s", kind, state, r.stdout)
}

func TestList(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	R := srv.Responder
	incident(t, srv, R, "declare", "--title", "Checkout errors", "--severity", "SEV2", "--service", "checkout").want(t, 0)
	incident(t, srv, R, "declare", "--title", "Search slow", "--severity", "SEV3", "--drill").want(t, 0)
	incident(t, srv, R, "resolve", "INC-2", "--root-cause", "x", "--customer-impact", "none").want(t, 0)

	all := incident(t, srv, srv.Viewer, "list").want(t, 0, "ID", "SEV", "STATUS", "TITLE", "INC-2", "INC-1", "[drill] Search slow", "response by 09:15Z")
	lines := strings.Split(strings.TrimSpace(all.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "INC-2") {
		t.Errorf("list, newest first:\n%s", all.stdout)
	}
	if strings.Index(lines[0], "STATUS") != strings.Index(lines[1], "RESOLVED") {
		t.Errorf("columns are not aligned:\n%s", all.stdout)
	}
	open := incident(t, srv, srv.Viewer, "list", "--open").want(t, 0, "INC-1")
	if strings.Contains(open.stdout, "INC-2") {
		t.Errorf("--open lists a resolved incident:\n%s", open.stdout)
	}
	incident(t, srv, srv.Viewer, "list", "--closed").want(t, 0, "INC-2")
	incident(t, srv, srv.Viewer, "list", "--severity", "sev3,SEV4", "--status", "RESOLVED").want(t, 0, "INC-2")
	incident(t, srv, srv.Viewer, "list", "--service", "nothing").want(t, 0, "No incidents match.")
	incident(t, srv, srv.Viewer, "list", "--limit", "1").want(t, 0, "INC-2", "More incidents match: raise --limit (now 1) or pass --all.")
	incident(t, srv, srv.Viewer, "list", "--limit", "1", "--all").want(t, 0, "INC-2", "INC-1")
	incident(t, srv, srv.Viewer, "list", "--open", "--closed").wantErr(t, 2, "--open and --closed exclude each other")
	incident(t, srv, srv.Viewer, "list", "--severity", "SEV9").wantErr(t, 2, `the policy has no severity "SEV9"`)
}

func TestJSONOutput(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	r := incident(t, srv, srv.Responder, "declare", "--title", "Checkout errors", "--severity", "SEV2", "--json").want(t, 0)
	var inc arqir.Incident
	if err := json.Unmarshal([]byte(r.stdout), &inc); err != nil || inc.ID != 1 || inc.Status != arqir.StatusInvestigating {
		t.Fatalf("declare --json: %v\n%s", err, r.stdout)
	}
	if !strings.Contains(r.stdout, `"id": "INC-1"`) {
		t.Errorf("declare --json is not the API's JSON:\n%s", r.stdout)
	}
	r = incident(t, srv, srv.Responder, "ack", "INC-1", "--json").want(t, 0)
	if err := json.Unmarshal([]byte(r.stdout), &inc); err != nil || inc.AcknowledgedBy != "alice" {
		t.Fatalf("ack --json: %v\n%s", err, r.stdout)
	}
	r = incident(t, srv, srv.Viewer, "list", "--json").want(t, 0)
	var page arqir.IncidentPage
	if err := json.Unmarshal([]byte(r.stdout), &page); err != nil || len(page.Incidents) != 1 {
		t.Fatalf("list --json: %v\n%s", err, r.stdout)
	}
	r = incident(t, srv, srv.Viewer, "show", "INC-1", "--json").want(t, 0)
	var shown struct {
		Incident *arqir.Incident       `json:"incident"`
		Timeline []arqir.TimelineEvent `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil || shown.Incident.Version != 2 || len(shown.Timeline) == 0 {
		t.Fatalf("show --json: %v\n%s", err, r.stdout)
	}
	r = incident(t, srv, srv.Viewer, "timeline", "INC-1", "--json").want(t, 0, `"events": [`)
}

func TestRefusalsExit2WithTheServersMessage(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	R := srv.Responder
	incident(t, srv, R, "declare", "--title", "Checkout errors", "--severity", "SEV2").want(t, 0)
	before := srv.Dump(t)

	incident(t, srv, R, "declare", "--title", "No severity").
		wantErr(t, 2, "severity is required (R3): use one of SEV1, SEV2, SEV3, SEV4 (set it with --severity)")
	incident(t, srv, R, "resolve", "INC-1", "--customer-impact", "none").
		wantErr(t, 2, "root_cause is required to resolve", "(set it with --root-cause)")
	incident(t, srv, R, "status", "INC-1", "RESOLVED").wantErr(t, 2, "use resolve, not a status change")
	incident(t, srv, R, "show", "INC-99").wantErr(t, 2, "INC-99 does not exist: check the incident ID")
	incident(t, srv, R, "tick", "INC-1", "R99").wantErr(t, 2, `has no checklist item "R99"`)
	incident(t, srv, srv.Viewer, "ack", "INC-1").wantErr(t, 2, "needs the responder role")
	incident(t, srv, "arq_wrong", "list").wantErr(t, 2, "unknown token: check it was copied whole, or ask an admin for a new one")
	incident(t, srv, R, "declare", "--title", "x", "--severity", "SEV2", "--detection-source", "twitter").
		wantErr(t, 2, `--detection-source "twitter": use one of customer_support, user_report, internal_observation`)

	srv.Unchanged(t, before)
}

func TestUsageMistakesExit2(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	incident(t, srv, srv.Responder, "ack").wantErr(t, 2, "accepts 1 arg(s), received 0")
	incident(t, srv, srv.Responder, "declare", "--titel", "x").wantErr(t, 2, "unknown flag: --titel")
	incident(t, srv, srv.Responder, "bogus").wantErr(t, 2, `unknown incident command "bogus"`)
	arqirCmd(t, "incident", "list", "--url", "127.0.0.1:8080", "--token", "x").wantErr(t, 2, `--url "127.0.0.1:8080" is not an http(s) URL`)
}

func TestNoTokenExits2(t *testing.T) {
	t.Setenv("ARQIR_TOKEN", "")
	arqirCmd(t, "incident", "list").wantErr(t, 2,
		"no token: pass --token or set ARQIR_TOKEN (the server printed an admin token on first start; make more with arqir token create)")
}

func TestURLAndTokenFromTheEnvironment(t *testing.T) {
	srv := testserver.New(t)
	t.Setenv("ARQIR_URL", srv.URL)
	t.Setenv("ARQIR_TOKEN", srv.Viewer)
	arqirCmd(t, "incident", "list").want(t, 0, "No incidents match.")
	help := arqirCmd(t, "incident", "list", "--help").want(t, 0, "--token")
	if strings.Contains(help.stdout, srv.Viewer) {
		t.Error("--help prints the token from the environment")
	}
}

func TestConnectionRefusedExits1NamingTheURL(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	r := arqirCmd(t, "incident", "list", "--url", url, "--token", "arq_x").
		wantErr(t, 1, "cannot reach the arqir server at "+url, "check that `arqir serve` is running there")
	if strings.Contains(r.stderr, "arq_x") {
		t.Error("the error shows the token")
	}
}

func TestServerFailureExits1(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	srv.Fail(errors.New("disk full"))
	r := incident(t, srv, srv.Viewer, "list").wantErr(t, 1, "the server at "+srv.URL+" failed (500)")
	if strings.Contains(r.stderr, "disk full") {
		t.Error("an internal error reached the user")
	}
}
