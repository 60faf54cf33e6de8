package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// reply is a response read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// errorReply is the error shape of every refusal.
type errorReply struct {
	Error struct {
		Code, Message, Field string
	} `json:"error"`
	Current  *arqir.Incident  `json:"current"`
	Problems []map[string]any `json:"problems"`
}

// call makes one request; headers are name, value pairs.
func call(t *testing.T, srv *testserver.Server, method, path, token, body string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (r reply) incident(t *testing.T) *arqir.Incident {
	t.Helper()
	var inc arqir.Incident
	if err := json.Unmarshal(r.body, &inc); err != nil {
		t.Fatalf("decode incident from %s: %v", r.body, err)
	}
	return &inc
}

func (r reply) errorBody(t *testing.T) errorReply {
	t.Helper()
	var e errorReply
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("decode error from %s: %v", r.body, err)
	}
	return e
}

// wantStatus fails the test unless the reply has the status.
func (r reply) wantStatus(t *testing.T, status int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// declare opens a SEV2 incident as the responder and returns it.
func declare(t *testing.T, srv *testserver.Server, body string) *arqir.Incident {
	t.Helper()
	if body == "" {
		body = `{"title":"Checkout errors","severity":"SEV2","services":["checkout"]}`
	}
	return call(t, srv, "POST", "/api/v1/incidents", srv.Responder, body).wantStatus(t, http.StatusCreated).incident(t)
}

// timelineKinds lists the kinds of an incident's timeline events.
func timelineKinds(t *testing.T, srv *testserver.Server, id string) []string {
	t.Helper()
	var tl struct {
		Events []arqir.TimelineEvent `json:"events"`
	}
	r := call(t, srv, "GET", "/api/v1/incidents/"+id+"/timeline", srv.Viewer, "").wantStatus(t, http.StatusOK)
	if err := json.Unmarshal(r.body, &tl); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range tl.Events {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// createdToken is the answer of POST /api/v1/tokens.
type createdToken struct {
	Token  arqir.Token `json:"token"`
	Secret string      `json:"secret"`
}

// createToken makes a token as the admin.
func createToken(t *testing.T, srv *testserver.Server, name, role string) createdToken {
	t.Helper()
	var c createdToken
	r := call(t, srv, "POST", "/api/v1/tokens", srv.Admin, `{"name":"`+name+`","role":"`+role+`"}`).wantStatus(t, http.StatusCreated)
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatalf("decode token from %s: %v", r.body, err)
	}
	return c
}
