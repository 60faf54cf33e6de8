package github

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// hook is a repository webhook subscribed to `issues` events.
type hook struct {
	id     int64
	repo   string // lower-case full name
	url    string
	secret string
}

// Delivery is one webhook request the fake sent and what came back.
type Delivery struct {
	HookID   int64
	Event    string // X-GitHub-Event: ping, issues
	GUID     string // X-GitHub-Delivery
	Payload  []byte
	Status   int    // the receiver's HTTP status; 0 when it could not be reached
	Response string // the start of the receiver's answer, or the transport error
}

// Signature256 is the X-Hub-Signature-256 GitHub sends with a webhook:
// "sha256=" and the hex HMAC-SHA256 of the raw body with the hook's secret.
func Signature256(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// AddHook subscribes url to the `issues` events of a repository, signed
// with secret (none when empty), and delivers the `ping` GitHub sends when
// a hook is created. It returns the ping's delivery; the hook stays
// subscribed whatever the receiver answered, as on GitHub.
func (s *Server) AddHook(repo, url, secret string) (Delivery, error) {
	s.mu.Lock()
	r := s.repos[strings.ToLower(repo)]
	if r == nil {
		s.mu.Unlock()
		return Delivery{}, fmt.Errorf("fake GitHub: no repository %s: create it with New or AddRepo", repo)
	}
	s.nextID++
	h := hook{id: s.nextID, repo: strings.ToLower(repo), url: url, secret: secret}
	s.hooks = append(s.hooks, h)
	s.mu.Unlock()
	payload := map[string]any{
		"zen":     "Keep it logically awesome.",
		"hook_id": h.id,
		"hook": map[string]any{
			"type": "Repository", "id": h.id, "name": "web", "active": true, "events": []string{"issues"},
			"config": map[string]any{"content_type": "json", "insecure_ssl": "0", "url": url},
		},
		"repository": repoPayload(r, s.srv.URL),
		"sender":     botUser,
	}
	return s.deliver(h, "ping", payload), nil
}

// CloseIssue closes an issue as the person login would in GitHub's UI,
// with state_reason completed or not_planned, and delivers the `issues`
// webhook with action closed to the repository's hooks.
func (s *Server) CloseIssue(repo string, number int, reason, login string) ([]Delivery, error) {
	if reason != "completed" && reason != "not_planned" {
		return nil, fmt.Errorf("fake GitHub: state_reason %q: use completed or not_planned", reason)
	}
	s.mu.Lock()
	is := s.issueLocked(repo, number)
	if is == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("fake GitHub: no issue #%d in %s", number, repo)
	}
	r := s.repos[strings.ToLower(repo)]
	now := s.now().UTC().Truncate(time.Second)
	who := User{Login: login, ID: 1000 + int64(len(login)), Type: "User"}
	is.State, is.StateReason, is.ClosedAt, is.ClosedBy, is.UpdatedAt = "closed", ptr(reason), &now, &who, now
	out := copyIssue(is)
	s.notifyLocked()
	s.mu.Unlock()
	return s.deliverIssueEvent(r, "closed", out, who), nil
}

// deliverIssueEvent sends the `issues` event to every hook of the
// repository, one after the other, before returning: tests see the
// receiver's effect as soon as the change that caused it has answered.
func (s *Server) deliverIssueEvent(r *repository, action string, is Issue, sender User) []Delivery {
	s.mu.Lock()
	var hooks []hook
	for _, h := range s.hooks {
		if h.repo == strings.ToLower(r.fullName()) {
			hooks = append(hooks, h)
		}
	}
	s.mu.Unlock()
	payload := map[string]any{
		"action":     action,
		"issue":      is,
		"repository": repoPayload(r, s.srv.URL),
		"sender":     sender,
	}
	var out []Delivery
	for _, h := range hooks {
		out = append(out, s.deliver(h, "issues", payload))
	}
	return out
}

func repoPayload(r *repository, base string) map[string]any {
	return map[string]any{
		"id": r.id, "node_id": fmt.Sprintf("R_fake%d", r.id), "name": r.name, "full_name": r.fullName(), "private": false,
		"owner":    User{Login: r.owner, ID: 2, Type: "Organization"},
		"html_url": base + "/" + r.fullName(), "url": base + "/repos/" + r.fullName(),
	}
}

// deliverClient posts webhooks; GitHub gives a receiver 10 seconds.
var deliverClient = &http.Client{Timeout: 10 * time.Second}

// deliver posts one event to one hook with GitHub's headers and records it.
func (s *Server) deliver(h hook, event string, payload any) Delivery {
	body, _ := json.Marshal(payload)
	d := Delivery{HookID: h.id, Event: event, GUID: guid(), Payload: body}
	req, err := http.NewRequest(http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		d.Response = err.Error()
		return s.recordDelivery(d)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/fake")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", d.GUID)
	req.Header.Set("X-GitHub-Hook-ID", strconv.FormatInt(h.id, 10))
	req.Header.Set("X-GitHub-Hook-Installation-Target-Type", "repository")
	if h.secret != "" {
		mac := hmac.New(sha1.New, []byte(h.secret))
		mac.Write(body)
		req.Header.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(mac.Sum(nil)))
		req.Header.Set("X-Hub-Signature-256", Signature256(h.secret, body))
	}
	resp, err := deliverClient.Do(req)
	if err != nil {
		d.Response = err.Error()
		return s.recordDelivery(d)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	d.Status, d.Response = resp.StatusCode, string(b)
	return s.recordDelivery(d)
}

func (s *Server) recordDelivery(d Delivery) Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delivered = append(s.delivered, d)
	s.notifyLocked()
	return d
}

// Deliveries returns every webhook delivery, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.delivered...)
}

// guid is a random delivery ID in GitHub's GUID form.
func guid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
