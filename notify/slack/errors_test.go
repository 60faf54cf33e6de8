package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	fakeslack "github.com/arqir/arqir/fake/slack"
	"github.com/arqir/arqir/notify"
	slackgo "github.com/slack-go/slack"
)

// TestClassify covers the answers the fake has no reason to give: Slack's
// own trouble and token problems, retried or not as Slack documents.
func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		code                 string
		retryable, ambiguous bool
		says                 string
	}{
		{"ratelimited", true, false, "retries"},
		{"internal_error", true, true, "retries"},
		{"fatal_error", true, true, "retries"},
		{"service_unavailable", true, false, "retries"},
		{"request_timeout", true, false, "retries"},
		{"missing_scope", false, false, "chat:write"},
		{"token_revoked", false, false, "reinstall the arqir app"},
		{"restricted_action", false, false, "ask a Slack admin"},
		{"invalid_blocks", false, false, "bug in arqir"},
		{"unknown_method", false, false, "base URL"},
		{"some_new_error", false, false, "https://docs.slack.dev/reference/methods/chat.postMessage#errors"},
	} {
		err := classify("chat.postMessage", "#incidents", false, &refusal{Code: tc.code, RetryAfter: 3 * time.Second})
		e := notify.AsError(err)
		if e.Retryable != tc.retryable || e.Ambiguous != tc.ambiguous {
			t.Errorf("%s: retryable %v ambiguous %v, want %v %v", tc.code, e.Retryable, e.Ambiguous, tc.retryable, tc.ambiguous)
		}
		if tc.retryable && e.RetryAfter != 3*time.Second {
			t.Errorf("%s: RetryAfter %v, want the 3s Slack sent", tc.code, e.RetryAfter)
		}
		if !strings.Contains(err.Error(), tc.code) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: error %q should name the code and say %q", tc.code, err, tc.says)
		}
	}
}

// TestRefusedBlocksSayWhatIsWrong: when Slack refuses blocks, the error
// carries Slack's pointer to the bad part, for the bug report.
func TestRefusedBlocksSayWhatIsWrong(t *testing.T) {
	fake := fakeslack.New()
	defer fake.Close()
	a, err := newAPI(Config{BaseURL: fake.URL(), Token: fake.Token()})
	if err != nil {
		t.Fatal(err)
	}
	bad := request{Channel: "#incidents", Text: "x", Blocks: []slackgo.Block{
		slackgo.NewHeaderBlock(mrkdwn("*a header cannot be mrkdwn*")),
	}}
	_, err = a.post(context.Background(), bad)
	if !gone(err, "invalid_blocks") {
		t.Fatalf("post: %v, want invalid_blocks", err)
	}
	err = classify("chat.postMessage", "#incidents", false, err.(*refusal))
	if notify.AsError(err).Retryable || !strings.Contains(err.Error(), "[json-pointer:/blocks/0/text/type]") {
		t.Errorf("error %q: want permanent, pointing at /blocks/0/text/type", err)
	}
	if len(fake.Messages()) != 0 {
		t.Error("the fake recorded a refused message")
	}
}

func TestRefusalListsAtMostThreeDetails(t *testing.T) {
	r := &refusal{Code: "invalid_blocks", Details: []string{"a", "b", "c", "d", "e"}}
	if got := r.Error(); got != "invalid_blocks (a; b; c; and 2 more)" {
		t.Errorf("Error() = %q", got)
	}
}
