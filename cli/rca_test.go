package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/cli"
	"github.com/arqir/arqir/internal/testserver"
)

// rca runs "arqir rca ARGS --url SRV --token TOKEN".
func rca(t *testing.T, srv *testserver.Server, token string, args ...string) run {
	t.Helper()
	return arqirCmd(t, append(append([]string{"rca"}, args...), "--url", srv.URL, "--token", token)...)
}

// postIncidentServer is a server with users ada and bob (with e-mail) and
// INC-1 resolved at 09:10 on the server's clock.
func postIncidentServer(t *testing.T) *testserver.Server {
	t.Helper()
	srv := testserver.New(t)
	for _, h := range []string{"ada", "bob"} {
		if _, err := srv.Store.CreateUser(context.Background(), arqir.UserInput{Handle: h, Name: h, Email: h + "@example.com"}, arqir.SystemActor); err != nil {
			t.Fatal(err)
		}
	}
	incident(t, srv, srv.Responder, "declare", "--title", "Checkout errors", "--severity", "SEV2").want(t, 0)
	srv.Advance(10 * time.Minute)
	incident(t, srv, srv.Responder, "resolve", "INC-1", "--root-cause", "undersized pool", "--customer-impact", "5% of checkouts failed").want(t, 0)
	return srv
}

func TestP2_RCAShowEditAndStates(t *testing.T) {
	t.Parallel()
	srv := postIncidentServer(t)
	R := srv.Responder
	rca(t, srv, srv.Viewer, "show", "INC-1").want(t, 0,
		"RCA of INC-1  [draft]", "Due:        2025-03-04 09:10:00Z", "Meeting:    not scheduled",
		"## Executive Summary  (executive_summary; arqir's draft)", "## Root Cause Analysis", "none yet: arqir rca feedback INC-1")
	var shown arqir.RCA
	if err := json.Unmarshal([]byte(rca(t, srv, srv.Viewer, "show", "INC-1", "--json").want(t, 0).stdout), &shown); err != nil || shown.IncidentID != 1 {
		t.Fatalf("--json: %v %+v", err, shown)
	}

	rca(t, srv, R, "edit", "INC-1", "root_cause_analysis", "--body", "The pool was sized for last year.").
		want(t, 0, "Updated section root_cause_analysis of the RCA of INC-1")
	file := filepath.Join(t.TempDir(), "factors.md")
	if err := os.WriteFile(file, []byte("- no load test\n- no alert\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rca(t, srv, R, "edit", "INC-1", "contributing_factors", "--file", file).want(t, 0)
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"rca", "edit", "INC-1", "prevention_strategies", "--file", "-", "--url", srv.URL, "--token", R},
		strings.NewReader("Load-test every quarter."), &out, &errOut)
	if code != 0 {
		t.Fatalf("--file -: exit %d: %s", code, errOut.String())
	}
	rca(t, srv, srv.Viewer, "show", "INC-1").want(t, 0,
		"The pool was sized for last year.", "  - no load test", "Load-test every quarter.", "(root_cause_analysis; edited by alice")

	rca(t, srv, R, "edit", "INC-1", "root_cause_analysis").wantErr(t, 2, "--body TEXT or --file FILE")
	rca(t, srv, R, "edit", "INC-1", "root_cause_analysis", "--body", "x", "--file", file).wantErr(t, 2, "exclude each other")
	rca(t, srv, R, "edit", "INC-1", "root_cause_analysis", "--file", filepath.Join(t.TempDir(), "missing.md")).wantErr(t, 2, "--file")
	rca(t, srv, R, "edit", "INC-1", "lessons", "--body", "x").wantErr(t, 2, `no section "lessons"`)
	rca(t, srv, R, "edit", "INC-1", "root_cause_analysis", "--body", "x", "--if-version", "1").wantErr(t, 2, "changed since version 1")

	rca(t, srv, R, "publish", "INC-1").wantErr(t, 2, "cannot move to published")
	rca(t, srv, R, "submit", "INC-1").want(t, 0, "The RCA of INC-1 is now in review.")
	rca(t, srv, R, "publish", "INC-1").want(t, 0, "The RCA of INC-1 is now published.")
	rca(t, srv, R, "edit", "INC-1", "root_cause_analysis", "--body", "x").wantErr(t, 2, "arqir rca reopen INC-1")
	rca(t, srv, R, "reopen", "INC-1").wantErr(t, 2, "(set it with --reason)")
	rca(t, srv, R, "reopen", "INC-1", "--reason", "wrong root cause").want(t, 0, "The RCA of INC-1 is now in review.")
	rca(t, srv, R, "archive", "INC-1").wantErr(t, 2, `unknown rca command "archive"`)
	rca(t, srv, srv.Viewer, "show", "INC-9").wantErr(t, 2, "INC-9")
}

func TestP1_RCAMeetingFeedbackListAndExport(t *testing.T) {
	t.Parallel()
	srv := postIncidentServer(t)
	R := srv.Responder
	// 15:00 in New York on 3 March 2025 is 20:00 UTC (EST, UTC-5).
	rca(t, srv, R, "schedule", "INC-1", "--at", "2025-03-03 15:00", "--tz", "America/New_York", "--attendees", "ada,bob").
		want(t, 0, "Scheduled the RCA meeting of INC-1 for 2025-03-03 20:00:00Z (Mon 2025-03-03 15:00 EST); invitations go to ada, bob.")
	rca(t, srv, R, "schedule", "INC-1", "--at", "2025-03-03T21:00:00Z", "--attendees", "ada").
		want(t, 0, "for 2025-03-03 21:00:00Z")
	rca(t, srv, R, "schedule", "INC-1", "--attendees", "ada").wantErr(t, 2, "--at is required")
	rca(t, srv, R, "schedule", "INC-1", "--at", "tomorrow", "--attendees", "ada").wantErr(t, 2, `--at "tomorrow" is not a time`)
	rca(t, srv, R, "schedule", "INC-1", "--at", "2025-03-03 15:00", "--tz", "Mars/Olympus", "--attendees", "ada").wantErr(t, 2, "not a time zone")
	rca(t, srv, R, "schedule", "INC-1", "--at", "2025-03-03T21:00:00Z", "--attendees", "zed").wantErr(t, 2, "zed")

	rca(t, srv, R, "list").want(t, 0, "INCIDENT", "INC-1", "draft", "2025-03-04 09:10:00Z", "2025-03-03 21:00:00Z", "ada")
	rca(t, srv, R, "list", "--overdue").want(t, 0, "No RCAs match.")
	rca(t, srv, R, "list", "--state", "archived").wantErr(t, 2, "unknown RCA state")
	srv.Advance(25 * time.Hour)
	rca(t, srv, R, "list", "--overdue").want(t, 0, "INC-1", "OVERDUE")
	rca(t, srv, srv.Viewer, "show", "INC-1").want(t, 0, "OVERDUE: hold the meeting")

	rca(t, srv, R, "held", "INC-1", "--at", "2025-03-03T21:00:00Z", "--attendees", "ada,bob").
		want(t, 0, "Recorded the RCA meeting of INC-1, held 2025-03-03 21:00:00Z", "by its deadline")
	rca(t, srv, R, "held", "INC-1", "--at", "2025-03-03T21:00:00Z", "--attendees", "ada").wantErr(t, 2, "already recorded")

	rca(t, srv, R, "feedback", "INC-1", "--went-well", "calm").wantErr(t, 2, "--rating is required")
	rca(t, srv, R, "feedback", "INC-1", "--rating", "9").wantErr(t, 2, "out of range", "(set it with --rating)")
	rca(t, srv, R, "feedback", "INC-1", "--rating", "4", "--went-well", "fast rollback", "--to-improve", "slow paging").
		want(t, 0, "your feedback on INC-1 is recorded (4/5)")
	rca(t, srv, srv.Viewer, "show", "INC-1").want(t, 0, "alice rated 4/5; went well: fast rollback; to improve: slow paging")

	md := rca(t, srv, srv.Viewer, "export", "INC-1").want(t, 0, "Checkout errors")
	if strings.Contains(md.stdout, "<html") {
		t.Errorf("the default export is not Markdown:\n%s", md.stdout)
	}
	file := filepath.Join(t.TempDir(), "rca.html")
	rca(t, srv, srv.Viewer, "export", "INC-1", "--format", "html", "-o", file).want(t, 0, "Wrote the RCA of INC-1 to "+file)
	if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), "<html") {
		t.Fatalf("%v %.200s", err, b)
	}
	rca(t, srv, srv.Viewer, "export", "INC-1", "--format", "pdf").wantErr(t, 2, "use markdown or html")
}
