package zoom_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir/fake/fault"
	"github.com/arqir/arqir/fake/zoom"
)

var creds = zoom.Credentials{AccountID: "acct", ClientID: "id", ClientSecret: "secret"}

// call sends a request and decodes the JSON answer.
func call(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("answer %d is not JSON: %s", resp.StatusCode, b)
	}
	return resp.StatusCode, v
}

func tokenRequest(t *testing.T, s *zoom.Server, account, id, secret string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/oauth/token?grant_type=account_credentials&account_id="+account, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(id, secret)
	return req
}

func getToken(t *testing.T, s *zoom.Server) string {
	t.Helper()
	code, v := call(t, tokenRequest(t, s, creds.AccountID, creds.ClientID, creds.ClientSecret))
	if code != http.StatusOK || v["token_type"] != "bearer" || v["expires_in"] != 3600.0 || v["scope"] != zoom.DefaultScope {
		t.Fatalf("token answer %d %v", code, v)
	}
	return v["access_token"].(string)
}

func meetingRequest(t *testing.T, s *zoom.Server, tok, user, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.APIURL()+"/users/"+user+"/meetings", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	return req
}

func TestTokenNeedsTheAppCredentials(t *testing.T) {
	t.Parallel()
	s := zoom.New(creds)
	defer s.Close()
	code, v := call(t, tokenRequest(t, s, creds.AccountID, creds.ClientID, "wrong"))
	if code != http.StatusUnauthorized || v["error"] != "invalid_client" || v["reason"] != "Invalid client_id or client_secret" {
		t.Errorf("wrong secret: %d %v", code, v)
	}
	code, v = call(t, tokenRequest(t, s, "other", creds.ClientID, creds.ClientSecret))
	if code != http.StatusBadRequest || v["error"] != "invalid_request" {
		t.Errorf("wrong account: %d %v", code, v)
	}
	if s.TokenRequests() != 0 {
		t.Error("refused requests were counted")
	}
	getToken(t, s)
	if s.TokenRequests() != 1 {
		t.Errorf("TokenRequests() = %d, want 1", s.TokenRequests())
	}
}

func TestCreateMeeting(t *testing.T) {
	t.Parallel()
	s := zoom.New(creds)
	defer s.Close()
	tok := getToken(t, s)
	code, v := call(t, meetingRequest(t, s, tok, "me", `{"topic":"INC-1 [SEV1] x","type":1,"settings":{"join_before_host":true}}`))
	if code != http.StatusCreated {
		t.Fatalf("%d %v", code, v)
	}
	for _, k := range []string{"id", "uuid", "join_url", "start_url", "password", "created_at"} {
		if v[k] == nil || v[k] == "" {
			t.Errorf("answer lacks %s: %v", k, v)
		}
	}
	if v["status"] != "waiting" || v["type"] != 1.0 || v["settings"].(map[string]any)["join_before_host"] != true {
		t.Errorf("answer %v", v)
	}
	if ms := s.Meetings(); len(ms) != 1 || float64(ms[0].ID) != v["id"] {
		t.Errorf("Meetings() = %+v", ms)
	}
}

func TestCreateMeetingRefusals(t *testing.T) {
	t.Parallel()
	s := zoom.New(creds)
	defer s.Close()
	tok := getToken(t, s)
	cases := []struct {
		name, tok, user, body string
		code, zoomCode        int
	}{
		{"unknown token", "nope", "me", `{"type":1}`, 401, 124},
		{"other user without admin scope", tok, "ghost@example.com", `{"type":1}`, 400, 4711},
		{"not JSON", tok, "me", `{"type":`, 400, 300},
		{"topic too long", tok, "me", `{"type":1,"topic":"` + strings.Repeat("x", 201) + `"}`, 400, 300},
		{"bad type", tok, "me", `{"type":5}`, 400, 300},
		{"bad password", tok, "me", `{"type":1,"password":"no spaces!"}`, 400, 300},
		{"long password", tok, "me", `{"type":1,"password":"abcdefghijk"}`, 400, 300},
		{"bad setting", tok, "me", `{"type":1,"settings":{"waiting_room":"no"}}`, 400, 300},
	}
	for _, c := range cases {
		code, v := call(t, meetingRequest(t, s, c.tok, c.user, c.body))
		if code != c.code || v["code"] != float64(c.zoomCode) {
			t.Errorf("%s: %d %v, want %d code %d", c.name, code, v, c.code, c.zoomCode)
		}
	}
	s.ExpireTokens()
	if code, _ := call(t, meetingRequest(t, s, tok, "me", `{"type":1}`)); code != http.StatusUnauthorized {
		t.Errorf("expired token: %d, want 401", code)
	}
	if len(s.Meetings()) != 0 {
		t.Error("a refused request created a meeting")
	}
}

func TestFaultsComeFirst(t *testing.T) {
	t.Parallel()
	s := zoom.New(creds)
	defer s.Close()
	s.Faults.Next(fault.ServerError, 1, 0)
	resp, err := http.DefaultClient.Do(tokenRequest(t, s, creds.AccountID, creds.ClientID, creds.ClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError || s.TokenRequests() != 0 {
		t.Errorf("status %d, %d tokens; want the injected 500 and no token", resp.StatusCode, s.TokenRequests())
	}
}

func TestTokensExpireByTheFakeClock(t *testing.T) {
	t.Parallel()
	s := zoom.New(creds)
	defer s.Close()
	now := time.Date(2025, 3, 10, 14, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	s.SetTokenLifetime(10 * time.Minute)
	code, v := call(t, tokenRequest(t, s, creds.AccountID, creds.ClientID, creds.ClientSecret))
	if code != http.StatusOK || v["expires_in"] != 600.0 {
		t.Fatalf("token answer %d %v, want expires_in 600", code, v)
	}
	tok := v["access_token"].(string)
	if code, _ := call(t, meetingRequest(t, s, tok, "me", `{"type":1}`)); code != http.StatusCreated {
		t.Fatalf("fresh token: %d", code)
	}
	mu.Lock()
	now = now.Add(10 * time.Minute)
	mu.Unlock()
	if code, v := call(t, meetingRequest(t, s, tok, "me", `{"type":1}`)); code != http.StatusUnauthorized || v["code"] != 124.0 {
		t.Errorf("expired token: %d %v, want 401 code 124", code, v)
	}
}
