package slack

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"time"
	"unicode/utf8"
)

// serveWebhook serves the incoming webhook of #incidents: POST a JSON body
// {text, blocks, thread_ts} (or a form field payload holding it). Slack
// answers 200 "ok", or a 4xx with the error as plain text.
func (s *Server) serveWebhook(w http.ResponseWriter, r *http.Request) {
	s.countRequest()
	if s.Faults.Intercept(w, r) {
		return
	}
	if r.URL.Path != s.hookPath {
		hookError(w, http.StatusNotFound, "no_service")
		return
	}
	if r.Method != http.MethodPost {
		hookError(w, http.StatusMethodNotAllowed, "invalid_payload")
		return
	}
	raw, ok := readHookBody(r)
	var p struct {
		Text     string          `json:"text"`
		Blocks   json.RawMessage `json:"blocks"`
		ThreadTS string          `json:"thread_ts"`
	}
	if !ok || json.Unmarshal(raw, &p) != nil {
		hookError(w, http.StatusBadRequest, "invalid_payload")
		return
	}
	blocks := jsonArg(p.Blocks)
	if blocks != nil && validateBlocks(blocks) != nil {
		hookError(w, http.StatusBadRequest, "invalid_blocks")
		return
	}
	switch {
	case p.Text == "" && (blocks == nil || string(blocks) == "[]"):
		hookError(w, http.StatusBadRequest, "no_text")
		return
	case utf8.RuneCountInString(p.Text) > maxText:
		hookError(w, http.StatusBadRequest, "msg_too_long")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[IncidentsChannelID]
	if ch == nil || ch.Archived {
		hookError(w, http.StatusGone, "channel_is_archived")
		return
	}
	if p.ThreadTS != "" {
		if _, ok := s.current[ch.ID+"/"+p.ThreadTS]; !ok {
			// Slack's webhook error string for this is undocumented.
			hookError(w, http.StatusBadRequest, "thread_not_found")
			return
		}
	}
	now := time.Now().UTC()
	s.record(Message{Channel: ch.ID, TS: s.nextTS(now), ThreadTS: p.ThreadTS, Text: p.Text,
		Blocks: compact(blocks), Webhook: true, Time: now})
	w.Header().Set("Content-Type", "text/html")
	_, _ = io.WriteString(w, "ok")
}

// readHookBody returns the JSON payload of a webhook post: the body, or the
// payload field of a form.
func readHookBody(r *http.Request) ([]byte, bool) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if media == "application/x-www-form-urlencoded" {
		if r.ParseForm() != nil {
			return nil, false
		}
		return []byte(r.PostFormValue("payload")), true
	}
	raw, err := io.ReadAll(r.Body)
	return raw, err == nil
}

// hookError answers as Slack's incoming webhooks do: a status and the
// error code as plain text.
func hookError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, code)
}
