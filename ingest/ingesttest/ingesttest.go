// Package ingesttest holds the helpers every ingest/<source> test uses: a
// request builder with a fixed clock, event comparison with a readable diff,
// error assertions, hostile-payload generators and the invariants that fuzz
// tests check on every parse.
package ingesttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// Now is the receive time of every request built here.
var Now = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// NewRequest returns a POST request with body and headers given as
// name, value pairs; Content-Type defaults to application/json.
func NewRequest(body string, header ...string) *ingest.Request {
	r := &ingest.Request{Method: http.MethodPost, Header: http.Header{}, Query: url.Values{}, Body: []byte(body), Now: Now}
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			r.Header.Del(header[i])
			continue
		}
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

// Integration returns an active integration of kind with settings given as
// name, value pairs.
func Integration(kind arqir.IntegrationKind, settings ...string) *arqir.Integration {
	in := &arqir.Integration{ID: 7, Name: "test-" + string(kind), Kind: kind, Service: "checkout", Settings: map[string]string{}}
	for i := 0; i+1 < len(settings); i += 2 {
		in.Settings[settings[i]] = settings[i+1]
	}
	return in
}

// AssertEvents fails t unless got equals want, showing both as JSON.
func AssertEvents(t testing.TB, got, want []arqir.AlertEvent) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	t.Errorf("events differ\n got: %s\nwant: %s", g, w)
}

// AssertError fails t unless err is an application error with code whose
// message contains every fragment (case-insensitive).
func AssertError(t testing.TB, err error, code string, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := arqir.ErrorCode(err); got != code {
		t.Fatalf("got code %s (%v), want %s", got, err, code)
	}
	msg := strings.ToLower(arqir.ErrorMessage(err))
	for _, f := range fragments {
		if !strings.Contains(msg, strings.ToLower(f)) {
			t.Errorf("message %q lacks %q", arqir.ErrorMessage(err), f)
		}
	}
}

// AssertNoSecret fails t if err's message shows secret: messages are shown
// to whoever sent the request.
func AssertNoSecret(t testing.TB, err error, secret string) {
	t.Helper()
	if err != nil && secret != "" && strings.Contains(err.Error(), secret) {
		t.Errorf("error %q shows the secret", err)
	}
}

// Nested returns a JSON document of depth nested arrays inside an object
// field, e.g. {"x":[[[…]]]}.
func Nested(field string, depth int) string {
	return fmt.Sprintf(`{%q:%s%s}`, field, strings.Repeat("[", depth), strings.Repeat("]", depth))
}

// Labels returns a JSON object with n labels.
func Labels(n int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"label_%d":"v"`, i)
	}
	b.WriteByte('}')
	return b.String()
}

// Result returns an IngestResult as a store would for events.
func Result(events []arqir.AlertEvent) *arqir.IngestResult {
	res := &arqir.IngestResult{Incidents: []arqir.IncidentID{1}}
	for i, ev := range events {
		res.Alerts = append(res.Alerts, &arqir.Alert{ID: int64(i + 1), DedupKey: ev.DedupKey, Status: ev.Status})
	}
	return res
}

// CheckOutcome checks what every Parse must guarantee, for fuzz tests: no
// internal error, and for a success, events within every limit, a request
// key when there are events, and a reply that works with and without a
// result.
func CheckOutcome(t testing.TB, p *ingest.Parsed, err error) {
	t.Helper()
	if err != nil {
		var appErr *arqir.Error
		if !errors.As(err, &appErr) {
			t.Fatalf("Parse returned a non-application error: %v", err)
		}
		if !slices.Contains([]string{arqir.EINVALID, arqir.EUNPROCESSABLE, arqir.EUNAUTHORIZED, arqir.EFORBIDDEN}, appErr.Code) {
			t.Fatalf("Parse returned code %s: %v", appErr.Code, err)
		}
		if p != nil {
			t.Fatalf("Parse returned both a result and an error")
		}
		return
	}
	if p == nil || p.Reply == nil || (len(p.Events) > 0 && p.RequestKey == "") {
		t.Fatalf("Parse succeeded with an incomplete result: %+v", p)
	}
	if len(p.Events) > ingest.MaxAlerts {
		t.Fatalf("%d events, over the limit", len(p.Events))
	}
	for i, ev := range p.Events {
		switch {
		case ev.DedupKey == "" || len(ev.DedupKey) > ingest.MaxDedupKey:
			t.Fatalf("event %d: bad dedup key %q", i, ev.DedupKey)
		case ev.Status != arqir.AlertFiring && ev.Status != arqir.AlertResolved:
			t.Fatalf("event %d: bad status %q", i, ev.Status)
		case len(ev.Summary) > ingest.MaxSummary || !utf8.ValidString(ev.Summary):
			t.Fatalf("event %d: bad summary (%d bytes)", i, len(ev.Summary))
		case len(ev.Labels) > ingest.MaxLabels || len(ev.Annotations) > ingest.MaxAnnotations:
			t.Fatalf("event %d: %d labels, %d annotations", i, len(ev.Labels), len(ev.Annotations))
		}
		for k, v := range ev.Labels {
			if k == "" || len(k) > ingest.MaxLabelName || len(v) > ingest.MaxLabelValue {
				t.Fatalf("event %d: label %q over the limits", i, k)
			}
		}
		for _, l := range ev.Links {
			if !ingest.IsWebURL(l) {
				t.Fatalf("event %d: link %q is not a web URL", i, l)
			}
		}
	}
	for _, res := range []*arqir.IngestResult{nil, Result(p.Events)} {
		status, body := p.Reply(res)
		if status < 200 || status > 299 {
			t.Fatalf("Reply status %d", status)
		}
		if _, err := json.Marshal(body); err != nil {
			t.Fatalf("Reply body does not marshal: %v", err)
		}
	}
}

// Authenticator is an in-memory ingest.Authenticator: integrations by
// credential, signing secrets by integration ID.
type Authenticator struct {
	Integrations map[string]*arqir.Integration
	Secrets      map[int64][]byte
}

// AuthenticateIntegration implements ingest.Authenticator.
func (a Authenticator) AuthenticateIntegration(_ context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, error) {
	if in, ok := a.Integrations[credential]; ok && in.Kind == kind {
		return in, nil
	}
	return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "unknown credential")
}

// IntegrationSigningSecret implements ingest.Authenticator.
func (a Authenticator) IntegrationSigningSecret(_ context.Context, id int64) ([]byte, error) {
	if s, ok := a.Secrets[id]; ok {
		return s, nil
	}
	return nil, arqir.Errorf(arqir.ENOTFOUND, "no integration %d", id)
}
