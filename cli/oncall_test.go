package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/internal/testserver"
)

// oncall runs "arqir <group> ARGS --url SRV --token TOKEN".
func group(t *testing.T, srv *testserver.Server, token, name string, args ...string) run {
	t.Helper()
	return arqirCmd(t, append(append([]string{name}, args...), "--url", srv.URL, "--token", token)...)
}

// O1–O3: `arqir oncall now` answers for the default ARQ schedules, first
// with how to assign them, then with who is on call; an override changes
// the answer.
func TestO1_OnCallNowAnswersForTheDefaultSchedules(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	A := srv.Admin
	group(t, srv, srv.Viewer, "oncall", "now").want(t, 0,
		"Primary On-Call (primary) at Mon 3 Mar 2025 04:00 EST",
		"nobody — no one is assigned to this schedule yet",
		"arqir oncall participants --schedule primary HANDLE…",
		"Secondary On-Call (secondary)")
	group(t, srv, A, "user", "add", "ada", "--name", "Ada Lovelace", "--time-zone", "Europe/London").want(t, 0, "Added user ada (Ada Lovelace), time zone Europe/London.")
	group(t, srv, A, "user", "add", "bob", "--name", "Bob").want(t, 0, "time zone UTC")
	group(t, srv, A, "user", "add", "zed", "--name", "Zed", "--time-zone", "Mars/Base").wantErr(t, 2, `unknown time zone "Mars/Base"`, "(set it with --time-zone)")
	group(t, srv, A, "user", "add", "zed", "--name", "Zed", "--phone", "555").wantErr(t, 2, "E.164", "(set it with --phone)")
	group(t, srv, srv.Viewer, "user", "add", "zed", "--name", "Zed").wantErr(t, 2, "needs the admin role")
	group(t, srv, A, "oncall", "participants", "--schedule", "primary", "ada", "bob").want(t, 0, "Participants: Ada Lovelace (ada), Bob (bob)", "Anchor:       2025-02-24",
		"On call now: Ada Lovelace (ada), instead of nobody.")
	group(t, srv, A, "oncall", "participants", "--schedule", "primary", "ada", "zed").wantErr(t, 2, `there is no user "zed"`)
	group(t, srv, srv.Viewer, "oncall", "now", "--schedule", "primary").want(t, 0,
		"On call:  Ada Lovelace (ada), by rotation",
		"Shift:    Mon 24 Feb 2025 09:00 EST – Mon 3 Mar 2025 09:00 EST",
		"Next:     Bob (bob) from Mon 3 Mar 2025 09:00 EST")
	group(t, srv, srv.Responder, "oncall", "override", "--schedule", "primary", "--user", "bob", "--replaces", "ada",
		"--from", "2025-03-03 03:00", "--to", "2025-03-03 06:00").wantErr(t, 2, "an override cannot start in the past", "start it now or later")
	group(t, srv, srv.Responder, "oncall", "override", "--schedule", "primary", "--user", "bob", "--replaces", "ada",
		"--from", "2025-03-03 04:00", "--to", "2025-03-03 06:00").want(t, 0, "Override 1: bob covers for ada in primary from Mon 3 Mar 2025 04:00 EST to Mon 3 Mar 2025 06:00 EST")
	group(t, srv, srv.Viewer, "oncall", "now", "--schedule", "primary").want(t, 0, "On call:  Bob (bob), by override 1 for ada")
	group(t, srv, srv.Responder, "oncall", "override", "--schedule", "primary", "--user", "bob",
		"--from", "2025-03-03 06:00", "--to", "2025-03-03 05:00").wantErr(t, 2, "not after its start")
	group(t, srv, srv.Responder, "oncall", "override", "--schedule", "primary", "--user", "bob", "--replaces", "ada",
		"--from", "2025-03-03 05:00", "--to", "2025-03-03 07:00").wantErr(t, 2, "overlaps override")
	group(t, srv, srv.Viewer, "oncall", "shifts", "--schedule", "primary", "--from", "2025-03-01", "--to", "2026-03-05").wantErr(t, 2, "longer than 366 days")
	group(t, srv, srv.Viewer, "oncall", "shifts", "--schedule", "primary", "--from", "2025-03-01", "--to", "2025-03-12").want(t, 0,
		"Bob (bob)           override 1 for ada", "Mon 10 Mar 2025 09:00 EDT  Bob (bob)")
	group(t, srv, srv.Viewer, "oncall", "shifts", "--user", "ada", "-n", "1").want(t, 0, "Next shifts of Ada Lovelace (ada) (times in Europe/London)")
	group(t, srv, srv.Viewer, "oncall", "schedules").want(t, 0, "Override 1:", "Hours:        Mon,Tue,Wed,Thu,Fri 09:00–17:00 America/New_York")
	group(t, srv, A, "user", "remove", "bob").wantErr(t, 2, "bob rotates in primary", "--force")
	group(t, srv, A, "user", "remove", "bob", "--force").want(t, 0, "Removed bob (Bob). Any turns of theirs in rotations are gaps now")
	group(t, srv, srv.Viewer, "oncall", "now", "--schedule", "primary", "--at", "2025-03-04 12:00").want(t, 0, "On call:  nobody", "gap: user bob was deleted")
}

func TestX1_ContactsResolveInTheCLI(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	A := srv.Admin
	r := group(t, srv, srv.Viewer, "contacts").want(t, 0, "VP Engineering", "[not set]", "Escalation email:  incidents@company.com", "War room:          [not set]",
		"arqir contacts assign vp_engineering USER")
	if strings.Contains(r.stdout, "@example") {
		t.Fatalf("the directory invented someone:\n%s", r.stdout)
	}
	group(t, srv, A, "user", "add", "vic", "--name", "Victoria", "--email", "vic@example.com").want(t, 0)
	group(t, srv, A, "contacts", "assign", "vp_engineering", "vic").want(t, 0, "vic is now vp_engineering")
	group(t, srv, A, "contacts", "assign", "on_call_lead", "vic").wantErr(t, 2, "whoever is on call in primary")
	group(t, srv, A, "oncall", "participants", "--schedule", "primary", "vic").want(t, 0)
	group(t, srv, srv.Viewer, "contacts").want(t, 0, "On-Call Lead               Victoria (vic)", "VP Engineering             Victoria (vic)  vic@example.com")
}

func TestO5_HandoffNotesReportsAndPostShiftInTheCLI(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	A := srv.Admin
	ada := srv.Token(t, "ada", "responder")
	group(t, srv, A, "user", "add", "ada", "--name", "Ada").want(t, 0)
	group(t, srv, A, "user", "add", "bob", "--name", "Bob").want(t, 0)
	group(t, srv, A, "oncall", "participants", "--schedule", "primary", "ada", "bob").want(t, 0)
	group(t, srv, srv.Responder, "oncall", "handoff", "--notes", "x").wantErr(t, 2, "written by the engineer on call now (ada)")
	group(t, srv, ada, "oncall", "handoff", "--notes", "INC-1 is flapping; watch the DB").want(t, 0, "Noted for the next handoff of primary.")
	group(t, srv, srv.Viewer, "oncall", "handoff").want(t, 0, "ada, ", "INC-1 is flapping")
	group(t, srv, ada, "oncall", "post-shift", "--tick", "1").want(t, 0, "[x] 1. Document any incidents  (ada,", "[ ] 2. Update runbooks")
	group(t, srv, ada, "oncall", "post-shift", "--tick", "1").wantErr(t, 2, "already ticked")
	group(t, srv, A, "incident", "declare", "--title", "Checkout errors", "--severity", "SEV2").want(t, 0)
	// Two hours before the handoff ada is asked for notes; at Monday 3
	// March 2025, 09:00 New York time (EST) the handoff happens.
	srv.Advance(3*time.Hour + 30*time.Minute)
	srv.Sweep(t)
	srv.Advance(time.Hour + 31*time.Minute)
	srv.Sweep(t)
	group(t, srv, srv.Viewer, "oncall", "handoffs").want(t, 0, "1   Mon 3 Mar 2025 09:00 EST  ada   bob  1               1")
	group(t, srv, srv.Viewer, "oncall", "handoff-report", "1").want(t, 0,
		"Handoff at Mon 3 Mar 2025 09:00 EST: Ada (ada) → Bob (bob)",
		"INC-1  SEV2  INVESTIGATING", "INC-1 is flapping; watch the DB",
		"0 overdue, 0 due within 7 days", "[ ] 3. Participate in RCA meetings")
	group(t, srv, srv.Viewer, "oncall", "inbox", "--user", "bob").want(t, 0, "[handoff_report]", "Handoff report: Primary On-Call, Ada (ada) → Bob (bob)")
	group(t, srv, srv.Viewer, "oncall", "inbox", "--user", "ada").want(t, 0, "[handoff_prompt]", "[handoff_report]")
	group(t, srv, srv.Viewer, "oncall", "availability").want(t, 0, "nobody acknowledged an incident")
	group(t, srv, srv.Viewer, "oncall", "calendar", "--schedule", "primary").want(t, 0, "/ical/cal_", "shown only now")
	group(t, srv, srv.Viewer, "oncall", "calendar", "--list").want(t, 0, "schedule primary")
}
