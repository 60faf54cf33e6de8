package api_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	"github.com/arqir/arqir/internal/testserver"
)

// The secrets of the paging doors in tests. No test may find them in an
// answer or a log line.
const (
	testSlackSecret     = "8f742231b10e8888abcd99yyyzzz85a5"
	testPagerDutySecret = "pd-subscription-secret-Qk3fT9xL"
)

var testAckKey = []byte("ack-link-key-of-this-test-32-by!")

// pagingServer is the test server with Slack, PagerDuty and acknowledge
// links configured; acknowledge links expire by the server's clock.
// replies, if not nil, receives what is posted to Slack response_urls.
func pagingServer(t *testing.T, replies *slackReplies) *testserver.Server {
	t.Helper()
	var srv *testserver.Server
	srv = testserver.New(t, func(c *api.Config) {
		c.AckLinkKey = testAckKey
		c.SlackSigningSecret = testSlackSecret
		c.PagerDutyWebhookSecret = testPagerDutySecret
		c.Now = func() time.Time { return srv.Now() }
		if replies != nil {
			c.SlackResponseURLPrefix = replies.srv.URL + "/"
		}
	})
	return srv
}

// slackSign returns the v0 signature Slack would send for body at ts.
func slackSign(secret string, ts int64, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + strconv.FormatInt(ts, 10) + ":" + body))
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// slackPost sends a form body to a Slack route signed as Slack would at
// the real time now (Slack's clock, not the server's test clock).
func slackPost(t *testing.T, srv *testserver.Server, path, body string) reply {
	t.Helper()
	ts := time.Now().Unix()
	return slackPostSigned(t, srv, path, body, strconv.FormatInt(ts, 10), slackSign(testSlackSecret, ts, body))
}

func slackPostSigned(t *testing.T, srv *testserver.Server, path, body, ts, sig string) reply {
	t.Helper()
	return call(t, srv, "POST", path, "", body,
		"Content-Type", "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp", ts, "X-Slack-Signature", sig)
}

// slackAnswer is a Slack reply as Slack reads it.
type slackAnswer struct {
	ResponseType    string `json:"response_type"`
	Text            string `json:"text"`
	ReplaceOriginal *bool  `json:"replace_original"`
}

func (r reply) slack(t *testing.T) slackAnswer {
	t.Helper()
	r.wantStatus(t, http.StatusOK)
	var a slackAnswer
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("decode Slack reply from %s: %v", r.body, err)
	}
	return a
}

// slackReplies is a local stand-in for Slack's response_url endpoint: it
// records each reply posted to it, refusing anything but Slack's JSON
// message shape with Slack's plain-text errors.
type slackReplies struct {
	srv *httptest.Server
	got chan slackAnswer
}

func newSlackReplies(t *testing.T) *slackReplies {
	t.Helper()
	s := &slackReplies{got: make(chan slackAnswer, 16)}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a slackAnswer
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			http.Error(w, "invalid_payload", http.StatusBadRequest)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&a); err != nil || a.Text == "" {
			http.Error(w, "no_text", http.StatusBadRequest)
			return
		}
		s.got <- a
		w.Write([]byte("ok"))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// next waits for the next reply.
func (s *slackReplies) next(t *testing.T) slackAnswer {
	t.Helper()
	select {
	case a := <-s.got:
		return a
	case <-time.After(5 * time.Second):
		t.Fatal("no reply was posted to the response_url")
		return slackAnswer{}
	}
}

// url is a response_url on the stand-in.
func (s *slackReplies) url() string { return s.srv.URL + "/actions/T0ARQIR/1/abc" }

// noSecretIn fails the test if an answer or the server's logs carry one of
// the paging secrets.
func noSecretIn(t *testing.T, srv *testserver.Server, answers ...reply) {
	t.Helper()
	secrets := []string{testSlackSecret, testPagerDutySecret, string(testAckKey), hex.EncodeToString(testAckKey)}
	for _, s := range secrets {
		for _, a := range answers {
			if strings.Contains(string(a.body), s) {
				t.Errorf("an answer holds a secret: %s", a.body)
			}
		}
		if strings.Contains(srv.Logs.String(), s) {
			t.Errorf("the logs hold a secret")
		}
	}
}

// timeline returns an incident's events.
func timeline(t *testing.T, srv *testserver.Server, id arqir.IncidentID) []arqir.TimelineEvent {
	t.Helper()
	tl, err := srv.Store.Timeline(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

// incidentNow reads an incident from the store.
func incidentNow(t *testing.T, srv *testserver.Server, id arqir.IncidentID) *arqir.Incident {
	t.Helper()
	inc, err := srv.Store.Incident(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// checklistItem returns the incident's checklist item id.
func checklistItem(t *testing.T, inc *arqir.Incident, id string) arqir.ChecklistItem {
	t.Helper()
	for _, c := range inc.Checklist {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("%s has no checklist item %s", inc.ID, id)
	return arqir.ChecklistItem{}
}
