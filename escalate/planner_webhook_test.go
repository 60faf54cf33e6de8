package escalate_test

import (
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/escalate"
	"github.com/arqir/arqir/policy"
)

// With an outgoing webhook configured, every message of the incident
// channel is also sent to it, under its own key.
func TestWebhookGetsACopyOfEveryChannelMessage(t *testing.T) {
	rules := policy.Default().Rules(1)
	rules.Paging.Webhook = true
	inc, events, err := arqir.NewIncident(arqir.Declaration{Title: "Checkout down", Severity: "SEV1"}, rules, arqir.Actor{Name: "ada", Source: arqir.SourceCLI}, tuesday10)
	if err != nil {
		t.Fatal(err)
	}
	inc.ID = 7
	plan := escalate.New(rules.Paging).Plan(nil, inc, events, tuesday10)
	var channel, hook int
	for _, n := range plan.Notify {
		switch n.Channel {
		case arqir.ChannelSlackChannel:
			channel++
		case arqir.ChannelWebhook:
			hook++
			if n.Key != "" && n.Key[len(n.Key)-len("/webhook"):] != "/webhook" {
				t.Errorf("webhook copy key %q", n.Key)
			}
		}
	}
	if channel == 0 || hook != channel {
		t.Fatalf("%d channel messages, %d webhook copies; want one copy each", channel, hook)
	}
	rules.Paging.Webhook = false
	for _, n := range escalate.New(rules.Paging).Plan(nil, inc, events, tuesday10).Notify {
		if n.Channel == arqir.ChannelWebhook {
			t.Fatal("a webhook copy without a webhook configured")
		}
	}
}
