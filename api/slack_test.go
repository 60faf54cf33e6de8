package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// slashCommand is the form Slack posts for "/incident <text>" typed by
// U0ADA (ada) in #incidents (wire-formats §6).
func slashCommand(text string) string {
	return url.Values{
		"token": {"deprecated-verification-token"}, "team_id": {"T0ARQIR"}, "team_domain": {"arqir"},
		"channel_id": {"C0INCIDENTS"}, "channel_name": {"incidents"}, "user_id": {"U0ADA"}, "user_name": {"ada"},
		"command": {"/incident"}, "text": {text}, "response_url": {"https://hooks.slack.com/commands/T0ARQIR/1/x"},
		"trigger_id": {"1.2.3"}, "api_app_id": {"A0ARQIR"}, "is_enterprise_install": {"false"},
	}.Encode()
}

// buttonClick is the form Slack posts when user clicks a button of an
// incident message: payload=<block_actions JSON>.
func buttonClick(t *testing.T, userID, username, actionID, value, responseURL string) string {
	t.Helper()
	payload := map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": userID, "username": username, "name": username, "team_id": "T0ARQIR"},
		"api_app_id": "A0ARQIR", "token": "deprecated", "trigger_id": "1.2.3",
		"team":         map[string]any{"id": "T0ARQIR", "domain": "arqir"},
		"container":    map[string]any{"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0INCIDENTS"},
		"channel":      map[string]any{"id": "C0INCIDENTS", "name": "incidents"},
		"message":      map[string]any{"type": "message", "ts": "1700000000.000100", "text": "SEV2 declared"},
		"response_url": responseURL,
		"actions": []map[string]any{{
			"type": "button", "action_id": actionID, "block_id": "incident_actions", "value": value,
			"text": map[string]any{"type": "plain_text", "text": "Acknowledge"}, "action_ts": "1700000001.000200",
		}},
	}
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"payload": {string(b)}}.Encode()
}

// R1: acknowledging in Slack acknowledges the incident, as the arqir user
// whose Slack member ID clicked, through the Slack door; the
// acknowledgement itself ticks checklist item R1 and meets the response
// deadline. The person who clicked is told so where Slack shows replies.
func TestR1_AcknowledgeInSlackAcknowledgesAndTicksR1(t *testing.T) {
	t.Parallel()
	replies := newSlackReplies(t)
	srv := pagingServer(t, replies)
	call(t, srv, "POST", "/api/v1/users", srv.Admin, `{"handle":"ada","name":"Ada Lovelace","slack_user_id":"U0ADA"}`).wantStatus(t, http.StatusCreated)
	declare(t, srv, "")
	srv.Advance(time.Minute)

	r := slackPost(t, srv, "/api/v1/slack/interactions", buttonClick(t, "U0ADA", "ada.l", "arqir_ack", "INC-1", replies.url()))
	a := r.slack(t)
	if a.ResponseType != "ephemeral" || !strings.Contains(a.Text, "You acknowledged *INC-1*") {
		t.Errorf("reply %+v", a)
	}
	posted := replies.next(t)
	if posted.Text != a.Text || posted.ReplaceOriginal == nil || *posted.ReplaceOriginal {
		t.Errorf("posted to response_url %+v, want the reply keeping the incident message", posted)
	}
	inc := incidentNow(t, srv, 1)
	if inc.AcknowledgedBy != "ada" || inc.AcknowledgedAt == nil || !inc.AcknowledgedAt.Equal(srv.Now()) {
		t.Fatalf("acknowledged by %q at %v, want ada now", inc.AcknowledgedBy, inc.AcknowledgedAt)
	}
	r1 := checklistItem(t, inc, "R1")
	if r1.DoneBy != arqir.ChecklistTriggerAcknowledge || !r1.Done || r1.Who != "ada" {
		t.Errorf("R1 = %+v, want ticked by ada's acknowledgement", r1)
	}
	for _, d := range inc.Deadlines {
		if d.Kind == arqir.DeadlineResponse && d.MetAt == nil {
			t.Errorf("the response deadline is not met: %+v", d)
		}
	}
	for _, e := range timeline(t, srv, 1) {
		if e.Kind == arqir.EventAcknowledged && e.Source != arqir.SourceSlack {
			t.Errorf("acknowledged through %s, want slack", e.Source)
		}
	}

	// A second click says who has it, and changes nothing.
	before := srv.Dump(t)
	again := slackPost(t, srv, "/api/v1/slack/interactions", buttonClick(t, "U0BOB", "bob", "arqir_ack", "INC-1", replies.url())).slack(t)
	if again.ResponseType != "ephemeral" || !strings.Contains(again.Text, "already acknowledged by ada") {
		t.Errorf("second click: %+v", again)
	}
	replies.next(t)
	srv.Unchanged(t, before)
	noSecretIn(t, srv, r)
}

// Resolving needs the root cause and the customer impact (C3): the Resolve
// button tells the exact command to type. The war-room button is a link:
// its action is answered and ignored.
func TestC3_SlackResolveButtonTellsTheCommand(t *testing.T) {
	t.Parallel()
	replies := newSlackReplies(t)
	srv := pagingServer(t, replies)
	declare(t, srv, "")
	before := srv.Dump(t)
	a := slackPost(t, srv, "/api/v1/slack/interactions", buttonClick(t, "U0ADA", "ada", "arqir_resolve", "INC-1", replies.url())).slack(t)
	if a.ResponseType != "ephemeral" || !strings.Contains(a.Text, "`/incident resolve INC-1 <root cause> | <customer impact>`") {
		t.Errorf("reply %+v", a)
	}
	replies.next(t)
	r := slackPost(t, srv, "/api/v1/slack/interactions", buttonClick(t, "U0ADA", "ada", "arqir_war_room", "INC-1", replies.url())).wantStatus(t, http.StatusOK)
	if len(strings.TrimSpace(string(r.body))) != 0 {
		t.Errorf("war-room click answered %s, want an empty 200", r.body)
	}
	srv.Unchanged(t, before)
}

// Replies go only to Slack's host (or the configured prefix): the
// response_url comes from the request, and arqir must not post anywhere a
// payload names.
func TestSlackRepliesOnlyToSlack(t *testing.T) {
	t.Parallel()
	replies := newSlackReplies(t)
	srv := pagingServer(t, nil) // no prefix: only https://hooks.slack.com/
	declare(t, srv, "")
	slackPost(t, srv, "/api/v1/slack/interactions", buttonClick(t, "U0ADA", "ada", "arqir_resolve", "INC-1", replies.url())).slack(t)
	select {
	case got := <-replies.got:
		t.Errorf("a reply was posted to a URL that is not Slack's: %+v", got)
	case <-time.After(200 * time.Millisecond):
	}
}

// The slash command runs the incident from Slack: declare, status, update,
// acknowledge, move, resolve; changes are answered in the channel, reads
// only to the person who typed.
func TestSlackSlashCommands(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	run := func(text string) slackAnswer {
		t.Helper()
		return slackPost(t, srv, "/api/v1/slack/commands", slashCommand(text)).slack(t)
	}
	want := func(a slackAnswer, typ string, says ...string) {
		t.Helper()
		if a.ResponseType != typ {
			t.Errorf("%q: response_type %s, want %s", a.Text, a.ResponseType, typ)
		}
		for _, s := range says {
			if !strings.Contains(a.Text, s) {
				t.Errorf("reply %q lacks %q", a.Text, s)
			}
		}
	}
	// Slack escapes <, > and & in the text it sends.
	want(run("declare SEV2 Checkout &lt;errors&gt; &amp; timeouts"), "in_channel", "<@U0ADA> declared *INC-1* SEV2 “Checkout &lt;errors&gt; &amp; timeouts”", "`/incident ack INC-1`")
	inc := incidentNow(t, srv, 1)
	if inc.Title != "Checkout <errors> & timeouts" || inc.Severity != "SEV2" || inc.Detection.Kind != arqir.DetectionManual {
		t.Errorf("declared %+v", inc)
	}
	want(run("status INC-1"), "ephemeral", "*INC-1*", "SEV2, INVESTIGATING", "Not acknowledged yet")
	srv.Advance(2 * time.Minute)
	want(run("ack inc-1"), "in_channel", "<@U0ADA> acknowledged *INC-1*", "after 2m0s")
	want(run("status INC-1 identified"), "in_channel", "moved *INC-1*", "IDENTIFIED")
	want(run("update INC-1 db failover | primary down | 15m"), "in_channel", "Investigating: db failover", "Findings: primary down", "ETA: 15m")
	inc = incidentNow(t, srv, 1)
	if inc.AcknowledgedBy != "slack:ada" || inc.Status != arqir.StatusIdentified || inc.LastUpdateAt == nil {
		t.Errorf("after the commands: acknowledged by %q, %s, last update %v", inc.AcknowledgedBy, inc.Status, inc.LastUpdateAt)
	}
	srv.Advance(10 * time.Minute)
	want(run("resolve INC-1 bad config in deploy 1432 | 5% of checkouts failed"), "in_channel", "resolved *INC-1*", "after 12m0s",
		"Root cause: bad config in deploy 1432", "Customer impact: 5% of checkouts failed")
	inc = incidentNow(t, srv, 1)
	if inc.Status != arqir.StatusResolved || inc.RootCause != "bad config in deploy 1432" || inc.CustomerImpact != "5% of checkouts failed" {
		t.Errorf("resolved %+v", inc)
	}
	want(run("declare sev3 Typed in lower case"), "in_channel", "*INC-2* SEV3")
	for _, e := range timeline(t, srv, 1) {
		if e.Kind != arqir.EventChecklistTicked && e.Actor == "slack:ada" && e.Source != arqir.SourceSlack {
			t.Errorf("%s by slack:ada through %s, want slack", e.Kind, e.Source)
		}
	}
}

// Refusals are ephemeral replies with HTTP 200 (what Slack shows) that say
// what to type instead; they change nothing. Unknown subcommands get help.
func TestSlackSlashCommandRefusalsSayWhatToType(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	declare(t, srv, "")
	call(t, srv, "POST", "/api/v1/incidents/INC-1/acknowledge", srv.Responder, "").wantStatus(t, http.StatusOK)
	cases := []struct{ text, says string }{
		{"", "/incident declare SEV2 Checkout errors"},
		{"help", "/incident resolve INC-42 root cause | customer impact"},
		{"page everyone", "Unknown command `page`"},
		{"declare SEV2", "Type: `/incident declare SEV2 Checkout errors`"},
		{"declare SEV9 Checkout errors", "SEV9"},
		{"ack", "name the incident"},
		{"ack checkout", "INC-42"},
		{"ack INC-1", "already acknowledged by alice"},
		{"ack INC-99", "INC-99"},
		{"status INC-1 FIXED", "Type: `/incident status INC-42 [INVESTIGATING|IDENTIFIED|MONITORING]`"},
		{"status INC-1 resolved", "Type: `/incident resolve INC-1 <root cause> | <customer impact>`"},
		{"update INC-1", "investigating or findings"},
		{"update INC-1 a | b | c | d", "at most three parts"},
		{"resolve INC-1 bad config", "Type: `/incident resolve INC-1 <root cause> | <customer impact>`"},
		{"resolve INC-1 | 5% failed", "root cause and the customer impact"},
	}
	for _, c := range cases {
		before := srv.Dump(t)
		a := slackPost(t, srv, "/api/v1/slack/commands", slashCommand(c.text)).slack(t)
		if a.ResponseType != "ephemeral" || !strings.Contains(a.Text, c.says) {
			t.Errorf("%q: %+v, want an ephemeral reply saying %q", c.text, a, c.says)
		}
		srv.Unchanged(t, before)
	}
}

// T2: only Slack may use the Slack doors. A request signed with another
// secret, with a timestamp more than 5 minutes off, replayed, or without
// the headers is refused 401 and changes nothing; nothing says the secret.
func TestT2_SlackSignatureIsVerified(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	declare(t, srv, "")
	body := slashCommand("ack INC-1")
	now := time.Now().Unix()
	stale := now - 6*60
	future := now + 6*60
	ts := strconv.FormatInt(now, 10)
	cases := []struct {
		name, path, body, ts, sig, says string
	}{
		{"wrong secret", "/api/v1/slack/commands", body, ts, slackSign("another-apps-secret", now, body), "does not match"},
		{"body changed", "/api/v1/slack/commands", body, ts, slackSign(testSlackSecret, now, slashCommand("declare SEV1 x")), "does not match"},
		{"stale timestamp", "/api/v1/slack/commands", body, strconv.FormatInt(stale, 10), slackSign(testSlackSecret, stale, body), "5 minutes"},
		{"future timestamp", "/api/v1/slack/commands", body, strconv.FormatInt(future, 10), slackSign(testSlackSecret, future, body), "5 minutes"},
		{"no signature", "/api/v1/slack/commands", body, ts, "", "missing"},
		{"no timestamp", "/api/v1/slack/commands", body, "", slackSign(testSlackSecret, now, body), "missing"},
		{"not v0", "/api/v1/slack/commands", body, ts, "v1=" + strings.TrimPrefix(slackSign(testSlackSecret, now, body), "v0="), "malformed"},
		{"not hex", "/api/v1/slack/commands", body, ts, "v0=zz", "malformed"},
		{"interaction, wrong secret", "/api/v1/slack/interactions", buttonClick(t, "U0ADA", "ada", "arqir_ack", "INC-1", ""), ts,
			slackSign("another-apps-secret", now, buttonClick(t, "U0ADA", "ada", "arqir_ack", "INC-1", "")), "does not match"},
	}
	var answers []reply
	for _, c := range cases {
		before := srv.Dump(t)
		r := slackPostSigned(t, srv, c.path, c.body, c.ts, c.sig)
		answers = append(answers, r)
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401: %s", c.name, r.status, r.body)
			continue
		}
		if e := r.errorBody(t).Error; e.Code != arqir.EUNAUTHORIZED || !strings.Contains(e.Message, c.says) {
			t.Errorf("%s: %+v, want unauthorized saying %q", c.name, e, c.says)
		}
		srv.Unchanged(t, before)
	}

	// The same signed request twice: the second is a replay.
	sig := slackSign(testSlackSecret, now, body)
	slackPostSigned(t, srv, "/api/v1/slack/commands", body, ts, sig).slack(t)
	if inc := incidentNow(t, srv, 1); inc.AcknowledgedBy != "slack:ada" {
		t.Fatalf("the signed request did not acknowledge: %q", inc.AcknowledgedBy)
	}
	before := srv.Dump(t)
	for _, replay := range []string{sig, strings.ToUpper(sig[:3]) + strings.ToUpper(sig[3:])} {
		r := slackPostSigned(t, srv, "/api/v1/slack/commands", body, ts, strings.Replace(replay, "V0=", "v0=", 1))
		answers = append(answers, r)
		if r.status != http.StatusUnauthorized || !strings.Contains(r.errorBody(t).Error.Message, "already received") {
			t.Errorf("replay: %d %s, want 401 already received", r.status, r.body)
		}
	}
	srv.Unchanged(t, before)
	noSecretIn(t, srv, answers...)
}

// A signed request whose body is not what Slack sends is refused 400.
func TestSlackMalformedPayloads(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	declare(t, srv, "")
	cases := []struct{ name, path, body, says string }{
		{"command without command", "/api/v1/slack/commands", "text=ack+INC-1&user_id=U0ADA", "not a Slack slash command"},
		{"command not a form", "/api/v1/slack/commands", "%zz", "not a Slack slash command"},
		{"interaction without payload", "/api/v1/slack/interactions", "text=hello", "payload"},
		{"interaction payload not JSON", "/api/v1/slack/interactions", "payload=%7Bnot+json", "not valid JSON"},
		{"block_actions without actions", "/api/v1/slack/interactions", url.Values{"payload": {`{"type":"block_actions","user":{"id":"U0ADA"},"actions":[]}`}}.Encode(), "no actions"},
	}
	for _, c := range cases {
		before := srv.Dump(t)
		r := slackPost(t, srv, c.path, c.body)
		if r.status != http.StatusBadRequest || !strings.Contains(r.errorBody(t).Error.Message, c.says) {
			t.Errorf("%s: %d %s, want 400 saying %q", c.name, r.status, r.body, c.says)
		}
		srv.Unchanged(t, before)
	}
	// Other interaction types (a shortcut) are answered and ignored.
	r := slackPost(t, srv, "/api/v1/slack/interactions", url.Values{"payload": {`{"type":"shortcut","user":{"id":"U0ADA"}}`}}.Encode())
	r.wantStatus(t, http.StatusOK)
}

// Without a signing secret the Slack routes are not there.
func TestSlackNotConfigured(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	for _, path := range []string{"/api/v1/slack/commands", "/api/v1/slack/interactions"} {
		r := slackPost(t, srv, path, slashCommand("help")).wantStatus(t, http.StatusNotFound)
		if !strings.Contains(r.errorBody(t).Error.Message, "Slack is not configured") {
			t.Errorf("%s: %s", path, r.body)
		}
	}
}
