package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/fake/fault"
)

// answer is a decoded Web API answer.
type answer map[string]any

func (a answer) ok() bool            { b, _ := a["ok"].(bool); return b }
func (a answer) err() string         { s, _ := a["error"].(string); return s }
func (a answer) str(k string) string { s, _ := a[k].(string); return s }

// apiCall POSTs body as JSON to a Web API method with token ("" for none).
func apiCall(t *testing.T, s *Server, method, token string, body any) answer {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/"+method, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s answered %s; the Web API answers 200 even for errors", req.URL.Path, resp.Status)
	}
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("answer is not JSON: %v", err)
	}
	return a
}

func newServer(t *testing.T) *Server {
	t.Helper()
	s := New()
	t.Cleanup(s.Close)
	return s
}

var header = []any{map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": "SEV1 · Checkout down"}}}

func TestPostMessageByNameAnswersChannelIDAndRecords(t *testing.T) {
	s := newServer(t)
	a := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": "#incidents", "text": "hello", "blocks": header})
	if !a.ok() || a.str("channel") != IncidentsChannelID || a.str("ts") == "" {
		t.Fatalf("answer = %v, want ok with channel %s and a ts", a, IncidentsChannelID)
	}
	if msg, _ := a["message"].(map[string]any); msg["text"] != "hello" || msg["bot_id"] != BotID {
		t.Errorf("message = %v, want the posted text from the bot", msg)
	}
	b := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": IncidentsChannelID, "text": "again"})
	if b.str("ts") <= a.str("ts") {
		t.Errorf("second ts %q not after first %q: ts must be unique and increasing", b.str("ts"), a.str("ts"))
	}
	got := s.Messages()
	if len(got) != 2 || got[0].Channel != IncidentsChannelID || got[0].Addressed != "#incidents" || got[0].Text != "hello" || got[0].Updated {
		t.Fatalf("Messages() = %+v", got)
	}
	var blocks []any
	if err := json.Unmarshal(got[0].Blocks, &blocks); err != nil || len(blocks) != 1 {
		t.Errorf("recorded blocks %s, want the one header", got[0].Blocks)
	}
}

func TestAuthIsRequired(t *testing.T) {
	s := newServer(t)
	if a := apiCall(t, s, "chat.postMessage", "", map[string]any{"channel": "#incidents", "text": "x"}); a.err() != "not_authed" {
		t.Errorf("without a token: %v, want not_authed", a)
	}
	if a := apiCall(t, s, "chat.postMessage", "xoxb-wrong", map[string]any{"channel": "#incidents", "text": "x"}); a.err() != "invalid_auth" {
		t.Errorf("with a wrong token: %v, want invalid_auth", a)
	}
	if len(s.Messages()) != 0 || s.Requests() != 2 {
		t.Errorf("refused calls: %d messages, %d requests; want 0 and 2", len(s.Messages()), s.Requests())
	}
}

func TestFormEncodedCallsAreAccepted(t *testing.T) {
	s := newServer(t)
	blocks, _ := json.Marshal(header)
	form := url.Values{"token": {s.Token()}, "channel": {"incidents"}, "text": {"via form"}, "blocks": {string(blocks)}}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/chat.postMessage", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a := do(t, req); !a.ok() || a.str("channel") != IncidentsChannelID {
		t.Fatalf("form post: %v", a)
	}
}

func TestMalformedBodies(t *testing.T) {
	s := newServer(t)
	for _, tc := range []struct {
		name, ct, body, want string
	}{
		{"no content type", "", `{"channel":"#incidents","text":"x"}`, "missing_post_type"},
		{"text/xml", "text/xml", `<x/>`, "invalid_post_type"},
		{"broken JSON", "application/json; charset=utf-8", `{"channel":`, "invalid_json"},
		{"array", "application/json; charset=utf-8", `[1]`, "json_not_object"},
		{"channel not a string", "application/json; charset=utf-8", `{"channel":5,"text":"x"}`, "invalid_arguments"},
		{"no text nor blocks", "application/json; charset=utf-8", `{"channel":"#incidents"}`, "no_text"},
		{"empty blocks, no text", "application/json; charset=utf-8", `{"channel":"#incidents","blocks":[]}`, "no_text"},
		{"no channel", "application/json; charset=utf-8", `{"text":"x"}`, "channel_not_found"},
		{"too long", "application/json; charset=utf-8", `{"channel":"#incidents","text":"` + strings.Repeat("a", maxText+1) + `"}`, "msg_too_long"},
		{"bad metadata", "application/json; charset=utf-8", `{"channel":"#incidents","text":"x","metadata":{"event_type":""}}`, "invalid_metadata_format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, s.URL()+"/chat.postMessage", strings.NewReader(tc.body))
			if tc.ct != "" {
				req.Header.Set("Content-Type", tc.ct)
			}
			req.Header.Set("Authorization", "Bearer "+s.Token())
			if a := do(t, req); a.err() != tc.want {
				t.Errorf("answer %v, want error %s", a, tc.want)
			}
		})
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d malformed calls were recorded as messages", n)
	}
}

func TestMissingCharsetIsAcceptedWithAWarning(t *testing.T) {
	s := newServer(t)
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/chat.postMessage", strings.NewReader(`{"channel":"#incidents","text":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.Token())
	if a := do(t, req); !a.ok() || a.str("warning") != "missing_charset" {
		t.Errorf("answer %v, want ok with warning missing_charset", a)
	}
}

func TestChannelStates(t *testing.T) {
	s := newServer(t)
	s.AddChannel("ops", "C0OPS")
	s.KickBot("C0OPS")
	s.AddChannel("#old", "C0OLD")
	s.Archive("C0OLD")
	for _, tc := range []struct{ channel, want string }{
		{"#nowhere", "channel_not_found"},
		{"C0NOWHERE", "channel_not_found"},
		{"#ops", "not_in_channel"},
		{"C0OLD", "is_archived"},
		{"U0STRANGER", "channel_not_found"},
	} {
		if a := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": tc.channel, "text": "x"}); a.err() != tc.want {
			t.Errorf("post to %s: %v, want %s", tc.channel, a, tc.want)
		}
	}
}

func TestDirectMessageToMember(t *testing.T) {
	s := newServer(t)
	a := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": Member, "text": "you are paged"})
	if !a.ok() || !strings.HasPrefix(a.str("channel"), "D") {
		t.Fatalf("DM answer %v, want ok in a D… conversation", a)
	}
	if m := s.Messages()[0]; m.Addressed != Member || m.Channel != a.str("channel") {
		t.Errorf("recorded %+v", m)
	}
}

func TestThreads(t *testing.T) {
	s := newServer(t)
	parent := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": "#incidents", "text": "incident"})
	if a := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": "#incidents", "text": "x", "thread_ts": "1.000001"}); a.err() != "thread_not_found" {
		t.Errorf("unknown thread: %v, want thread_not_found", a)
	}
	if a := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": "#general", "text": "x", "thread_ts": parent.str("ts")}); a.err() != "thread_not_found" {
		t.Errorf("thread of another channel: %v, want thread_not_found", a)
	}
	reply := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": IncidentsChannelID, "text": "update", "thread_ts": parent.str("ts")})
	nested := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": IncidentsChannelID, "text": "more", "thread_ts": reply.str("ts")})
	if !reply.ok() || !nested.ok() {
		t.Fatalf("replies refused: %v %v", reply, nested)
	}
	msgs := s.Messages()
	if msgs[1].ThreadTS != parent.str("ts") || msgs[2].ThreadTS != parent.str("ts") {
		t.Errorf("thread_ts = %q, %q; want both in the parent's thread %q", msgs[1].ThreadTS, msgs[2].ThreadTS, parent.str("ts"))
	}
}

func TestUpdateReplacesTheMessage(t *testing.T) {
	s := newServer(t)
	p := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": "#incidents", "text": "v1", "blocks": header})
	if a := apiCall(t, s, "chat.update", s.Token(), map[string]any{"channel": "#incidents", "ts": p.str("ts"), "text": "v2"}); a.err() != "channel_not_found" {
		t.Errorf("update by channel name: %v, want channel_not_found (chat.update takes the ID)", a)
	}
	if a := apiCall(t, s, "chat.update", s.Token(), map[string]any{"channel": IncidentsChannelID, "ts": "1.000001", "text": "v2"}); a.err() != "message_not_found" {
		t.Errorf("update of an unknown ts: %v, want message_not_found", a)
	}
	a := apiCall(t, s, "chat.update", s.Token(), map[string]any{"channel": IncidentsChannelID, "ts": p.str("ts"), "text": "v2"})
	if !a.ok() || a.str("ts") != p.str("ts") || a.str("text") != "v2" {
		t.Fatalf("update: %v", a)
	}
	m, ok := s.Latest(IncidentsChannelID, p.str("ts"))
	if !ok || m.Text != "v2" || !m.Updated || len(m.Blocks) == 0 {
		t.Errorf("Latest = %+v; want v2, updated, the blocks kept (none were sent)", m)
	}
	apiCall(t, s, "chat.update", s.Token(), map[string]any{"channel": IncidentsChannelID, "ts": p.str("ts"), "text": "v3", "blocks": []any{}})
	if m, _ := s.Latest(IncidentsChannelID, p.str("ts")); string(m.Blocks) != "[]" {
		t.Errorf("blocks after an update with [] = %s, want []", m.Blocks)
	}
	if log := s.Messages(); len(log) != 3 || log[0].Updated || !log[1].Updated || log[0].Text != "v1" {
		t.Errorf("log = %+v; want the post then two updates, the post unchanged", log)
	}
}

func TestUnknownMethod(t *testing.T) {
	s := newServer(t)
	if a := apiCall(t, s, "chat.delete", s.Token(), map[string]any{}); a.err() != "unknown_method" {
		t.Errorf("answer %v, want unknown_method", a)
	}
}

func TestFaultsComeFirst(t *testing.T) {
	s := newServer(t)
	s.Faults.Next(fault.RateLimit, 1, 3*time.Second)
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/chat.postMessage", strings.NewReader(`{}`))
	resp, err := http.DefaultClient.Do(req) // no token: the fault still answers first
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("answer %s Retry-After %q, want 429 with 3", resp.Status, resp.Header.Get("Retry-After"))
	}
	if a := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": "#incidents", "text": "x"}); !a.ok() {
		t.Errorf("after the fault: %v", a)
	}
	if s.Requests() != 2 || s.Faults.Injected() != 1 {
		t.Errorf("Requests() = %d, Injected() = %d; want 2 and 1", s.Requests(), s.Faults.Injected())
	}
}

func TestWaitMessages(t *testing.T) {
	s := newServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/chat.postMessage", strings.NewReader(`{"channel":"#incidents","text":"x"}`))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+s.Token())
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	msgs, err := s.WaitMessages(ctx, 1)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("WaitMessages = %d, %v", len(msgs), err)
	}
	short, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := s.WaitMessages(short, 2); err == nil || !strings.Contains(err.Error(), "1 of 2") {
		t.Errorf("WaitMessages past its context: %v, want an error saying 1 of 2 arrived", err)
	}
}

func TestWebhook(t *testing.T) {
	s := newServer(t)
	post := func(url, ct, body string) (int, string) {
		t.Helper()
		resp, err := http.Post(url, ct, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	blocks, _ := json.Marshal(header)
	if code, body := post(s.WebhookURL(), "application/json", `{"text":"hi","blocks":`+string(blocks)+`}`); code != 200 || body != "ok" {
		t.Fatalf("webhook post: %d %q, want 200 ok", code, body)
	}
	if m := s.Messages(); len(m) != 1 || !m[0].Webhook || m[0].Channel != IncidentsChannelID || m[0].Text != "hi" {
		t.Errorf("recorded %+v", m)
	}
	for _, tc := range []struct {
		url, body string
		code      int
		want      string
	}{
		{s.WebhookURL() + "x", `{"text":"hi"}`, 404, "no_service"},
		{s.WebhookURL(), `{"text":`, 400, "invalid_payload"},
		{s.WebhookURL(), `{"text":""}`, 400, "no_text"},
		{s.WebhookURL(), `{"text":"x","blocks":[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]}`, 400, "invalid_blocks"},
	} {
		if code, body := post(tc.url, "application/json", tc.body); code != tc.code || body != tc.want {
			t.Errorf("post %s: %d %q, want %d %q", tc.body, code, body, tc.code, tc.want)
		}
	}
	s.Archive(IncidentsChannelID)
	if code, body := post(s.WebhookURL(), "application/json", `{"text":"hi"}`); code != 410 || body != "channel_is_archived" {
		t.Errorf("post to an archived channel: %d %q", code, body)
	}
}
