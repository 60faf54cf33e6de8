package slack_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/fake/fault"
	fakeslack "github.com/arqir/arqir/fake/slack"
	"github.com/arqir/arqir/notify/slack"
)

func webhook(t *testing.T, url string) *slack.Webhook {
	t.Helper()
	w, err := slack.NewWebhook(slack.WebhookConfig{URL: url, HTTPClient: &http.Client{Timeout: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWebhookPostsTheMessage(t *testing.T) {
	fake := fakeslack.New()
	defer fake.Close()
	r, err := webhook(t, fake.WebhookURL()).Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), nil))
	if err != nil {
		t.Fatal(err)
	}
	if r.Ref != "" || r.Refs != nil {
		t.Errorf("receipt %+v: a webhook answers only ok, so there is nothing to refer to", r)
	}
	msgs := fake.Messages()
	if len(msgs) != 1 || !msgs[0].Webhook || !strings.HasPrefix(msgs[0].Text, "SEV1 declared") || !strings.Contains(string(msgs[0].Blocks), `"arqir_ack"`) {
		t.Errorf("messages %+v", msgs)
	}
}

// TestWebhookPostsUpdatesAsNewMessages: a webhook can neither edit nor
// reply in a thread, so such messages are posted anew.
func TestWebhookPostsUpdatesAsNewMessages(t *testing.T) {
	fake := fakeslack.New()
	defer fake.Close()
	w := webhook(t, fake.WebhookURL())
	if _, err := w.Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), nil)); err != nil {
		t.Fatal(err)
	}
	ts := fake.Messages()[0].TS
	refs := map[string]string{arqir.RefSlackChannel: fakeslack.IncidentsChannelID, arqir.RefSlackTS: ts}
	for _, m := range []arqir.Message{notice(), notice()} {
		m.UpdateInPlace = true
		if _, err := w.Notify(ctx(t), job(arqir.PurposeStatusSync, "#incidents", m, refs)); err != nil {
			t.Fatal(err)
		}
	}
	u := notice()
	u.InThread = true
	if _, err := w.Notify(ctx(t), job(arqir.PurposeStatusUpdate, "#incidents", u, refs)); err != nil {
		t.Fatal(err)
	}
	for _, m := range fake.Messages()[1:] {
		if m.Updated || m.ThreadTS != "" || m.TS == ts {
			t.Errorf("message %+v, want a new top-level post", m)
		}
	}
}

func TestWebhookErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		arrange func(*fakeslack.Server)
		url     func(*fakeslack.Server) string
		want    wantError
	}{
		{"revoked webhook", nil, func(f *fakeslack.Server) string { return f.WebhookURL() + "0" }, wantError{says: "create a new incoming webhook"}},
		{"archived channel", func(f *fakeslack.Server) { f.Archive(fakeslack.IncidentsChannelID) }, nil, wantError{says: "unarchive it"}},
		{"rate limited", func(f *fakeslack.Server) { f.Faults.Next(fault.RateLimit, 1, 2*time.Second) }, nil, wantError{retryable: true, retryAfter: 2 * time.Second, says: "429"}},
		{"server error", func(f *fakeslack.Server) { f.Faults.Next(fault.ServerError, 1, 0) }, nil, wantError{retryable: true, says: "500"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := fakeslack.New()
			defer fake.Close()
			if tc.arrange != nil {
				tc.arrange(fake)
			}
			url := fake.WebhookURL()
			if tc.url != nil {
				url = tc.url(fake)
			}
			_, err := webhook(t, url).Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), nil))
			tc.want.check(t, err)
		})
	}
}

// TestWebhookURLIsSecret: the webhook URL's path authorises posting; it
// appears in no error, whatever failed.
func TestWebhookURLIsSecret(t *testing.T) {
	fake := fakeslack.New()
	defer fake.Close()
	secretOf := func(url string) string { return url[strings.LastIndex(url, "/")+1:] }
	secret := secretOf(fake.WebhookURL())
	closed := fakeslack.New()
	closed.Close()
	hang := fakeslack.New()
	defer hang.Close()
	hang.Faults.Next(fault.Hang, 1, 0)
	for name, url := range map[string]string{
		"no_service":         fake.WebhookURL() + "0",
		"connection refused": closed.WebhookURL(),
		"timeout":            hang.WebhookURL(),
	} {
		w, err := slack.NewWebhook(slack.WebhookConfig{URL: url, HTTPClient: &http.Client{Timeout: 100 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), nil))
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		if strings.Contains(err.Error(), secretOf(url)[:16]) {
			t.Errorf("%s: error text holds the webhook secret: %v", name, err)
		}
	}
	for _, bad := range []string{"", "hooks.slack.com/services/T/B/" + secret, "ftp://hooks.slack.com/services/T/B/" + secret} {
		if _, err := slack.NewWebhook(slack.WebhookConfig{URL: bad}); err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("NewWebhook(%q) = %v: want an error without the secret", bad, err)
		}
	}
}

func TestWebhookConnectionRefusedIsRetryable(t *testing.T) {
	closed := fakeslack.New()
	closed.Close()
	_, err := webhook(t, closed.WebhookURL()).Notify(ctx(t), job(arqir.PurposeInitialNotice, "#incidents", notice(), nil))
	wantError{retryable: true, says: "slack webhook at 127.0.0.1"}.check(t, err)
}
