package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/fake/fault"
	fakeslack "github.com/arqir/arqir/fake/slack"
	"github.com/arqir/arqir/notify"
	"github.com/arqir/arqir/notify/slack"
)

const incidentURL = "https://arqir.example.com/incidents/42"

func notice() arqir.Message {
	return arqir.Message{
		IncidentID: 42, Title: "Checkout down", Severity: "SEV1", Status: arqir.StatusInvestigating,
		Headline: "SEV1 declared: Checkout down",
		Fields: []arqir.MessageField{
			{Label: "What", Value: "Checkout answers 500 to every order"},
			{Label: "When", Value: "2025-03-03 14:02 UTC"},
			{Label: "Severity", Value: "SEV1"},
			{Label: "Status", Value: "INVESTIGATING"},
		},
		Mentions: []string{"here", "S0PAYMENTS", "U024BE7LH", "@oncall-lead"},
		URL:      incidentURL, Actions: true,
	}
}

func job(purpose, address string, m arqir.Message, refs map[string]string) *notify.Job {
	return &notify.Job{
		Notification:   &arqir.Notification{IncidentID: m.IncidentID, Purpose: purpose, Address: address, Recipient: address, Message: m},
		Refs:           refs,
		IdempotencyKey: "INC-42/" + purpose + "/" + address,
	}
}

// setup starts a fake Slack and the channel notifier pointed at it.
func setup(t *testing.T) (*fakeslack.Server, *slack.Notifier) {
	t.Helper()
	fake := fakeslack.New()
	t.Cleanup(fake.Close)
	n, err := slack.New(slack.Config{BaseURL: fake.URL(), Token: fake.Token()})
	if err != nil {
		t.Fatal(err)
	}
	return fake, n
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestChannels(t *testing.T) {
	_, n := setup(t)
	if n.Channel() != arqir.ChannelSlackChannel {
		t.Errorf("New: Channel() = %q", n.Channel())
	}
	d, err := slack.NewDirect(slack.Config{Token: "xoxb-1"})
	if err != nil || d.Channel() != arqir.ChannelSlack {
		t.Errorf("NewDirect: Channel() = %q, %v", d.Channel(), err)
	}
	w, err := slack.NewWebhook(slack.WebhookConfig{URL: "https://hooks.slack.com/services/T/B/x"})
	if err != nil || w.Channel() != arqir.ChannelSlackChannel {
		t.Errorf("NewWebhook: Channel() = %q, %v", w.Channel(), err)
	}
}

// TestInitialNoticeBecomesTheIncidentMessage: the C1 notice is posted with
// its blocks as in the golden file, and its channel ID and ts come back as
// refs so later changes edit it and updates go in its thread.
func TestInitialNoticeBecomesTheIncidentMessage(t *testing.T) {
	fake, n := setup(t)
	refs := map[string]string{arqir.RefWarRoomURL: "https://zoom.us/j/123456789"}
	r, err := n.Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), refs))
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	want := map[string]string{arqir.RefSlackChannel: fakeslack.IncidentsChannelID, arqir.RefSlackTS: m.TS}
	if r.Ref != m.TS || !reflect.DeepEqual(r.Refs, want) {
		t.Errorf("receipt %+v, want Ref %s and refs %v", r, m.TS, want)
	}
	if m.Addressed != "#incidents" || m.ThreadTS != "" || !strings.HasPrefix(m.Text, "SEV1 declared: Checkout down\n") {
		t.Errorf("message %+v", m)
	}
	golden, err := os.ReadFile("testdata/initial_notice.json")
	if err != nil {
		t.Fatal(err)
	}
	var sent struct {
		Blocks   any `json:"blocks"`
		Metadata any `json:"metadata"`
	}
	if err := json.Unmarshal(golden, &sent); err != nil {
		t.Fatal(err)
	}
	var gotBlocks, gotMeta any
	_ = json.Unmarshal(m.Blocks, &gotBlocks)
	_ = json.Unmarshal(m.Metadata, &gotMeta)
	if !reflect.DeepEqual(gotBlocks, sent.Blocks) || !reflect.DeepEqual(gotMeta, sent.Metadata) {
		t.Errorf("Slack received blocks %s and metadata %s, not those of testdata/initial_notice.json", m.Blocks, m.Metadata)
	}
}

func TestTopLevelPostWithoutActionsLearnsNoRefs(t *testing.T) {
	_, n := setup(t)
	m := notice()
	m.Actions = false
	r, err := n.Notify(ctx(t), job(arqir.PurposeStakeholder, "#general", m, nil))
	if err != nil || r.Ref == "" || r.Refs != nil {
		t.Errorf("receipt %+v, %v; want a ts and no refs: only the incident's message is edited later", r, err)
	}
}

// TestUpdateInPlaceEditsTheIncidentMessage: with the refs of the incident's
// message, a status sync is a chat.update of that message.
func TestUpdateInPlaceEditsTheIncidentMessage(t *testing.T) {
	fake, n := setup(t)
	first, err := n.Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), nil))
	if err != nil {
		t.Fatal(err)
	}
	m := notice()
	m.Status, m.Headline, m.UpdateInPlace = arqir.StatusIdentified, "SEV1: Checkout down is IDENTIFIED", true
	r, err := n.Notify(ctx(t), job(arqir.PurposeStatusSync, "#incidents", m, first.Refs))
	if err != nil {
		t.Fatal(err)
	}
	if r.Ref != first.Ref || r.Refs != nil {
		t.Errorf("receipt %+v, want the same ts %s and no new refs", r, first.Ref)
	}
	msgs := fake.Messages()
	if len(msgs) != 2 || !msgs[1].Updated || msgs[1].TS != first.Ref {
		t.Fatalf("messages %+v, want the post then its update", msgs)
	}
	cur, _ := fake.Latest(fakeslack.IncidentsChannelID, first.Ref)
	if !strings.HasPrefix(cur.Text, "SEV1: Checkout down is IDENTIFIED") || !strings.Contains(string(cur.Blocks), "IDENTIFIED") {
		t.Errorf("the incident's message now reads %q", cur.Text)
	}
}

// Without the incident's message an update waits for it (the initial notice
// may be retrying), then, after a few attempts, is posted on its own.
func TestUpdateInPlaceWithoutRefsPostsANewIncidentMessage(t *testing.T) {
	fake, n := setup(t)
	m := notice()
	m.UpdateInPlace = true
	j := job(arqir.PurposeStatusSync, "#incidents", m, nil)
	j.Notification.Attempts = 1
	if _, err := n.Notify(ctx(t), j); err == nil || !notify.AsError(err).Retryable || len(fake.Messages()) != 0 {
		t.Fatalf("first attempt without the incident's message: %v, %d posts; want a retryable wait and no post", err, len(fake.Messages()))
	}
	j.Notification.Attempts = slack.WaitForMainAttempts
	r, err := n.Notify(ctx(t), j)
	if err != nil {
		t.Fatal(err)
	}
	if msgs := fake.Messages(); len(msgs) != 1 || msgs[0].Updated || r.Refs[arqir.RefSlackTS] != msgs[0].TS {
		t.Errorf("messages %+v, receipt %+v; want a new post that becomes the incident's message", msgs, r)
	}
}

// TestUpdateInPlaceOfADeletedMessagePostsItAnew: someone deleted the
// incident's message; the change must still be seen, and the new message
// becomes the one later changes edit.
func TestUpdateInPlaceOfADeletedMessagePostsItAnew(t *testing.T) {
	fake, n := setup(t)
	m := notice()
	m.UpdateInPlace, m.Actions = true, false
	refs := map[string]string{arqir.RefSlackChannel: fakeslack.IncidentsChannelID, arqir.RefSlackTS: "1700000000.000001"}
	r, err := n.Notify(ctx(t), job(arqir.PurposeStatusSync, "#incidents", m, refs))
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages()
	if len(msgs) != 1 || msgs[0].Updated || r.Refs[arqir.RefSlackTS] != msgs[0].TS || r.Refs[arqir.RefSlackChannel] != fakeslack.IncidentsChannelID {
		t.Errorf("messages %+v, receipt %+v; want a new post whose refs replace the lost ones", msgs, r)
	}
}

// TestInThreadRepliesToTheIncidentMessage: C2 updates go in the thread of
// the incident's message, in the channel it is in.
func TestInThreadRepliesToTheIncidentMessage(t *testing.T) {
	fake, n := setup(t)
	first, err := n.Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), nil))
	if err != nil {
		t.Fatal(err)
	}
	u := notice()
	u.Headline, u.InThread, u.Actions, u.Mentions = "Update: Checkout down is IDENTIFIED", true, false, nil
	r, err := n.Notify(ctx(t), job(arqir.PurposeStatusUpdate, "#incidents", u, first.Refs))
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages()
	if len(msgs) != 2 || msgs[1].ThreadTS != first.Ref || msgs[1].Channel != fakeslack.IncidentsChannelID || r.Ref != msgs[1].TS || r.Refs != nil {
		t.Errorf("messages %+v, receipt %+v; want a reply in the thread of %s and no refs", msgs, r, first.Ref)
	}
}

func TestInThreadWithoutRefsPostsToTheChannel(t *testing.T) {
	fake, n := setup(t)
	u := notice()
	u.InThread, u.Actions = true, false
	j := job(arqir.PurposeStatusUpdate, "#incidents", u, nil)
	j.Notification.Attempts = slack.WaitForMainAttempts
	if _, err := n.Notify(ctx(t), j); err != nil {
		t.Fatal(err)
	}
	if msgs := fake.Messages(); len(msgs) != 1 || msgs[0].ThreadTS != "" {
		t.Errorf("messages %+v, want one top-level post", msgs)
	}
}

func TestInThreadOfADeletedMessagePostsToTheChannel(t *testing.T) {
	fake, n := setup(t)
	u := notice()
	u.InThread, u.Actions = true, false
	refs := map[string]string{arqir.RefSlackChannel: fakeslack.IncidentsChannelID, arqir.RefSlackTS: "1700000000.000001"}
	if _, err := n.Notify(ctx(t), job(arqir.PurposeStatusUpdate, "#incidents", u, refs)); err != nil {
		t.Fatal(err)
	}
	if msgs := fake.Messages(); len(msgs) != 1 || msgs[0].ThreadTS != "" {
		t.Errorf("messages %+v, want one top-level post", msgs)
	}
}

// TestDirectMessagePage: a page to a person is a DM to their member ID,
// with the acknowledge link; it never edits or threads, and learns no refs.
func TestDirectMessagePage(t *testing.T) {
	fake := fakeslack.New()
	t.Cleanup(fake.Close)
	n, err := slack.NewDirect(slack.Config{BaseURL: fake.URL() + "/", Token: fake.Token()})
	if err != nil {
		t.Fatal(err)
	}
	m := notice()
	m.AckURL = "https://arqir.example.com/ack/42?sig=abc"
	m.UpdateInPlace, m.InThread = true, true
	refs := map[string]string{arqir.RefSlackChannel: fakeslack.IncidentsChannelID, arqir.RefSlackTS: "1700000000.000001"}
	r, err := n.Notify(ctx(t), job(arqir.PurposePage, fakeslack.Member, m, refs))
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages()
	if len(msgs) != 1 || msgs[0].Updated || msgs[0].ThreadTS != "" || !strings.HasPrefix(msgs[0].Channel, "D") || msgs[0].Addressed != fakeslack.Member {
		t.Fatalf("messages %+v, want one new DM to %s", msgs, fakeslack.Member)
	}
	if r.Ref != msgs[0].TS || r.Refs != nil {
		t.Errorf("receipt %+v, want the ts and no refs", r)
	}
	if !strings.Contains(string(msgs[0].Blocks), "https://arqir.example.com/ack/42?sig=abc|Acknowledge by link") {
		t.Errorf("the DM lacks the acknowledge link: %s", msgs[0].Blocks)
	}
}

func TestAckLinkIsNeverPostedToAChannel(t *testing.T) {
	fake, n := setup(t)
	m := notice()
	m.AckURL = "https://arqir.example.com/ack/42?sig=abc"
	if _, err := n.Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", m, nil)); err != nil {
		t.Fatal(err)
	}
	if msg := fake.Messages()[0]; strings.Contains(string(msg.Blocks)+msg.Text, "sig=abc") {
		t.Errorf("the signed acknowledge link went to a channel: %s", msg.Blocks)
	}
}

func TestNoAddress(t *testing.T) {
	_, n := setup(t)
	_, err := n.Notify(ctx(t), job(arqir.PurposeInitialNotice, "", notice(), nil))
	if err == nil || notify.AsError(err).Retryable || !strings.Contains(err.Error(), "policy") {
		t.Errorf("error %v, want a permanent one saying to set the channel in the policy", err)
	}
}

// wantError checks a failed Notify: retryable or not, ambiguous or not,
// its Retry-After, and that its text says what to do.
type wantError struct {
	retryable, ambiguous bool
	retryAfter           time.Duration
	says                 string
}

func (w wantError) check(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	var e *notify.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v is not a *notify.Error", err)
	}
	if e.Retryable != w.retryable || e.Ambiguous != w.ambiguous || e.RetryAfter != w.retryAfter {
		t.Errorf("%v: retryable %v ambiguous %v after %v; want %v %v %v", err, e.Retryable, e.Ambiguous, e.RetryAfter, w.retryable, w.ambiguous, w.retryAfter)
	}
	if !strings.Contains(err.Error(), w.says) {
		t.Errorf("error %q does not say %q", err, w.says)
	}
}

func TestErrorClasses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		arrange func(*fakeslack.Server)
		address string
		want    wantError
	}{
		{"unknown channel", nil, "#nowhere", wantError{says: "check the channel name in the policy"}},
		{"bot not in channel", func(f *fakeslack.Server) { f.AddChannel("#ops", "C0OPS"); f.KickBot("C0OPS") }, "#ops", wantError{says: "invite the arqir app to #ops"}},
		{"archived channel", func(f *fakeslack.Server) { f.Archive(fakeslack.GeneralChannelID) }, "#general", wantError{says: "unarchive"}},
		{"rate limited", func(f *fakeslack.Server) { f.Faults.Next(fault.RateLimit, 1, 7*time.Second) }, "#incidents", wantError{retryable: true, retryAfter: 7 * time.Second, says: "429"}},
		{"server error", func(f *fakeslack.Server) { f.Faults.Next(fault.ServerError, 1, 0) }, "#incidents", wantError{retryable: true, ambiguous: true, says: "500"}},
		{"bad request", func(f *fakeslack.Server) { f.Faults.Next(fault.BadRequest, 1, 0) }, "#incidents", wantError{says: "check the Slack base URL"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, n := setup(t)
			if tc.arrange != nil {
				tc.arrange(fake)
			}
			_, err := n.Notify(ctx(t), job(arqir.PurposeInitialNotice, tc.address, notice(), nil))
			tc.want.check(t, err)
			if len(fake.Messages()) != 0 {
				t.Error("a refused call left a message")
			}
		})
	}
}

func TestUnknownMemberDM(t *testing.T) {
	fake := fakeslack.New()
	t.Cleanup(fake.Close)
	n, _ := slack.NewDirect(slack.Config{BaseURL: fake.URL(), Token: fake.Token()})
	_, err := n.Notify(ctx(t), job(arqir.PurposePage, "U0NOBODY", notice(), nil))
	wantError{says: "check the user's slack_user_id"}.check(t, err)
}

func TestWrongTokenIsPermanent(t *testing.T) {
	fake := fakeslack.New()
	t.Cleanup(fake.Close)
	n, _ := slack.New(slack.Config{BaseURL: fake.URL(), Token: "xoxb-revoked-0123456789"})
	_, err := n.Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), nil))
	wantError{says: "invalid_auth"}.check(t, err)
	if !strings.Contains(err.Error(), "reinstall the arqir app") {
		t.Errorf("error %q does not say what to do", err)
	}
}

func TestConnectionRefusedIsRetryableAndNotAmbiguous(t *testing.T) {
	fake, n := setup(t)
	fake.Close()
	_, err := n.Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), nil))
	wantError{retryable: true, says: "slack chat.postMessage"}.check(t, err)
}

// TestTimeoutIsRetryableAndAmbiguous: Slack may have posted a message whose
// answer never came.
func TestTimeoutIsRetryableAndAmbiguous(t *testing.T) {
	fake, n := setup(t)
	fake.Faults.Next(fault.Hang, 1, 0)
	c, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := n.Notify(c, job(arqir.PurposeInitialNotice, "#incidents", notice(), nil))
	wantError{retryable: true, ambiguous: true, says: "context deadline exceeded"}.check(t, err)
}

// TestNoSecretInErrorText: the bot token never appears in an error, whatever
// failed, even when a misdirected server echoes the request back.
func TestNoSecretInErrorText(t *testing.T) {
	const secret = "xoxb-1111-2222-SECRETSECRET"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("upstream said: " + r.Header.Get("Authorization")))
	}))
	defer echo.Close()
	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<html>" + r.Header.Get("Authorization") + "</html>"))
	}))
	defer notJSON.Close()
	fake := fakeslack.New()
	defer fake.Close()
	closed := fakeslack.New()
	closed.Close()
	hang := fakeslack.New()
	defer hang.Close()
	hang.Faults.Next(fault.Hang, 1, 0)
	for name, base := range map[string]string{
		"invalid_auth": fake.URL(), "echoing 500": echo.URL, "echoing non-JSON": notJSON.URL,
		"connection refused": closed.URL(), "timeout": hang.URL(),
	} {
		n, err := slack.New(slack.Config{BaseURL: base, Token: secret, HTTPClient: &http.Client{Timeout: 100 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = n.Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), nil))
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		if strings.Contains(err.Error(), "SECRETSECRET") {
			t.Errorf("%s: error text holds the token: %v", name, err)
		}
	}
	if _, err := slack.New(slack.Config{Token: "xoxb-SECRETSECRET with space"}); err == nil || strings.Contains(err.Error(), "SECRETSECRET") {
		t.Errorf("config error %v: want an error without the token", err)
	}
}

func TestConfig(t *testing.T) {
	for name, cfg := range map[string]slack.Config{
		"no token":     {},
		"bad base URL": {Token: "xoxb-1", BaseURL: "slack.com/api"},
	} {
		if _, err := slack.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestEdgeMessagesAreAcceptedBySlack: the least and the most a message can
// hold both render to blocks Slack accepts: empty parts are left out,
// long ones clipped, many fields spread over sections.
func TestEdgeMessagesAreAcceptedBySlack(t *testing.T) {
	huge := notice()
	huge.Title = strings.Repeat("Checkout & payments <down> ", 20)
	huge.Headline = strings.Repeat("<!channel> & ", 500)
	huge.Fields = nil
	for range 25 {
		huge.Fields = append(huge.Fields, arqir.MessageField{Label: strings.Repeat("L", 300), Value: strings.Repeat("é&", 1500)})
	}
	huge.Fields = append(huge.Fields, arqir.MessageField{Label: "Empty"})
	for name, m := range map[string]arqir.Message{
		"minimal": {IncidentID: 7},
		"huge":    huge,
	} {
		t.Run(name, func(t *testing.T) {
			fake, n := setup(t)
			if _, err := n.Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", m, nil)); err != nil {
				t.Fatalf("Slack refused it: %v", err)
			}
			if len(fake.Messages()) != 1 {
				t.Error("no message arrived")
			}
		})
	}
}
