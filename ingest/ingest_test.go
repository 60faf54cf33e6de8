package ingest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/ingesttest"
)

func TestDecodeJSONErrorsNamePositions(t *testing.T) {
	var v struct {
		A int `json:"a"`
	}
	tests := []struct {
		body, fragment string
	}{
		{"{\n  \"a\": 1,\n  \"b\": }", "line 3, column 8"},
		{`{"a": 1`, "line 1, column 8: the body ends"},
		{`{"a": "x"}`, `field "a" must be a whole number, not a string`},
		{`{"a": 1} {}`, "after the JSON value at line 1, column 10"},
		{"  \n ", "empty"},
		{`{"a":` + strings.Repeat("[", 33) + strings.Repeat("]", 33) + `}`, "nested deeper than 32 levels at line 1, column 37"},
	}
	for _, tc := range tests {
		err := ingest.DecodeJSON([]byte(tc.body), &v)
		ingesttest.AssertError(t, err, arqir.EINVALID, tc.fragment)
	}
	if err := ingest.DecodeJSON([]byte(`{"a":1,"unknown":{"x":[1]}}`), &v); err != nil {
		t.Errorf("unknown field refused by the tolerant decoder: %v", err)
	}
	err := ingest.DecodeStrictJSON([]byte(`{"a":1,"unknown":2}`), &v)
	ingesttest.AssertError(t, err, arqir.EINVALID, `unknown field "unknown"`)
}

func TestCheckDepthIgnoresBracketsInStrings(t *testing.T) {
	body := `{"a":"` + strings.Repeat("[{", 100) + `\"` + `"}`
	if err := ingest.CheckDepth([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := ingest.CheckDepth([]byte(strings.Repeat("[", 32) + strings.Repeat("]", 32))); err != nil {
		t.Fatalf("depth 32 refused: %v", err)
	}
}

func TestNormalize(t *testing.T) {
	ev := arqir.AlertEvent{
		DedupKey: "k", Status: arqir.AlertFiring,
		Summary:     strings.Repeat("é", 600),
		Annotations: map[string]string{"long": strings.Repeat("x", 20000)},
		Links:       []string{"", "https://a.example/x", "ftp://b", "https://a.example/x", "/relative"},
	}
	if err := ingest.Normalize(&ev); err != nil {
		t.Fatal(err)
	}
	if len(ev.Summary) > ingest.MaxSummary || !strings.HasSuffix(ev.Summary, ingest.Ellipsis) || !strings.HasPrefix(ev.Summary, "éé") {
		t.Errorf("summary not cut cleanly: %d bytes", len(ev.Summary))
	}
	if len(ev.Annotations["long"]) > ingest.MaxAnnotationValue {
		t.Errorf("annotation %d bytes", len(ev.Annotations["long"]))
	}
	if len(ev.Links) != 1 || ev.Links[0] != "https://a.example/x" || ev.Labels == nil {
		t.Errorf("links %q labels %v", ev.Links, ev.Labels)
	}
	for _, tc := range []struct {
		ev          arqir.AlertEvent
		code, field string
	}{
		{arqir.AlertEvent{Status: arqir.AlertFiring}, arqir.EUNPROCESSABLE, "dedup_key"},
		{arqir.AlertEvent{DedupKey: strings.Repeat("k", 1025), Status: arqir.AlertFiring}, arqir.EUNPROCESSABLE, "dedup_key"},
		{arqir.AlertEvent{DedupKey: "k", Status: "acknowledged"}, arqir.EUNPROCESSABLE, "status"},
		{arqir.AlertEvent{DedupKey: "k", Status: arqir.AlertFiring, Labels: map[string]string{"": "x"}}, arqir.EINVALID, "labels"},
	} {
		err := ingest.Normalize(&tc.ev)
		ingesttest.AssertError(t, err, tc.code)
		if arqir.ErrorField(err) != tc.field {
			t.Errorf("field %q, want %q", arqir.ErrorField(err), tc.field)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2015, 7, 17, 8, 42, 58, 315e6, time.UTC)
	for _, s := range []string{"2015-07-17T08:42:58.315Z", "2015-07-17T08:42:58.315+0000", "2015-07-17T10:42:58.315+02:00", "1437122578315"} {
		if got, ok := ingest.ParseTime(s); !ok || !got.Equal(want) {
			t.Errorf("%s: %v %v", s, got, ok)
		}
	}
	if got, ok := ingest.ParseTime("1437122578"); !ok || !got.Equal(want.Truncate(time.Second)) {
		t.Errorf("seconds: %v", got)
	}
	for _, s := range []string{"", "yesterday", "-5", "0"} {
		if _, ok := ingest.ParseTime(s); ok {
			t.Errorf("%q parsed", s)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := ingest.Truncate("abcdef", 5); got != "ab…" {
		t.Errorf("got %q", got)
	}
	if got := ingest.TruncateRunes("ééééé", 3); got != "éé…" {
		t.Errorf("got %q", got)
	}
}

func TestAddTagLabels(t *testing.T) {
	labels := map[string]string{"env": "staging"}
	ingest.AddTagLabels(labels, []string{"env:prod", "service:checkout", "critical", " ", ":x", "url:https://a:b"})
	want := map[string]string{"env": "staging", "service": "checkout", "critical": "true", "url": "https://a:b"}
	if len(labels) != len(want) {
		t.Fatalf("labels %v", labels)
	}
	for k, v := range want {
		if labels[k] != v {
			t.Errorf("%s = %q, want %q", k, labels[k], v)
		}
	}
}

type fakeSource struct {
	credErr, parseErr error
	verified, parsed  bool
	verifyErr         error
}

func (f *fakeSource) Kind() arqir.IntegrationKind { return arqir.KindGeneric }
func (f *fakeSource) Credential(*ingest.Request) (string, error) {
	return "cred", f.credErr
}
func (f *fakeSource) Verify(_ context.Context, _ *ingest.Request, _ *arqir.Integration, secret []byte) error {
	f.verified = string(secret) == "signing"
	return f.verifyErr
}
func (f *fakeSource) Parse(*ingest.Request, *arqir.Integration) (*ingest.Parsed, error) {
	f.parsed = true
	return &ingest.Parsed{RequestKey: "k", Reply: ingest.DefaultReply}, f.parseErr
}

type authFunc func(kind arqir.IntegrationKind, secret string) (*arqir.Integration, error)

func (f authFunc) AuthenticateIntegration(_ context.Context, kind arqir.IntegrationKind, secret string) (*arqir.Integration, error) {
	return f(kind, secret)
}

// IntegrationSigningSecret gives every integration the secret "signing",
// not the credential, so the test sees which one Verify gets.
func (f authFunc) IntegrationSigningSecret(context.Context, int64) ([]byte, error) {
	return []byte("signing"), nil
}

// TestProcessOrder: credential, authentication, verification, parsing; a
// failure stops the chain, and a credential of another kind is refused.
func TestProcessOrder(t *testing.T) {
	ok := authFunc(func(kind arqir.IntegrationKind, secret string) (*arqir.Integration, error) {
		return &arqir.Integration{ID: 1, Kind: kind}, nil
	})
	src := &fakeSource{}
	in, p, err := ingest.Process(context.Background(), src, ingesttest.NewRequest("{}"), ok)
	if err != nil || in.ID != 1 || p == nil || !src.verified || !src.parsed {
		t.Fatalf("%v %v %v %+v", in, p, err, src)
	}

	src = &fakeSource{verifyErr: arqir.Errorf(arqir.EUNAUTHORIZED, "bad signature")}
	_, _, err = ingest.Process(context.Background(), src, ingesttest.NewRequest("{}"), ok)
	if arqir.ErrorCode(err) != arqir.EUNAUTHORIZED || src.parsed {
		t.Fatalf("parsed after a failed verification: %v", err)
	}

	src = &fakeSource{}
	denied := authFunc(func(arqir.IntegrationKind, string) (*arqir.Integration, error) {
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "revoked")
	})
	_, _, err = ingest.Process(context.Background(), src, ingesttest.NewRequest("{}"), denied)
	if arqir.ErrorCode(err) != arqir.EUNAUTHORIZED || src.verified || src.parsed {
		t.Fatalf("went on after a refused credential: %v", err)
	}

	src = &fakeSource{}
	wrongKind := authFunc(func(arqir.IntegrationKind, string) (*arqir.Integration, error) {
		return &arqir.Integration{ID: 2, Kind: arqir.KindDatadog}, nil
	})
	_, _, err = ingest.Process(context.Background(), src, ingesttest.NewRequest("{}"), wrongKind)
	if err == nil || src.parsed {
		t.Fatal("accepted an integration of another kind")
	}
}

// signedAuth reads the signing secret with the integration; a separate
// read of it fails the test.
type signedAuth struct {
	t       *testing.T
	secret  string
	err     error
	lookups int
}

func (a *signedAuth) AuthenticateIntegration(context.Context, arqir.IntegrationKind, string) (*arqir.Integration, error) {
	a.t.Error("AuthenticateIntegration called for a signed source: the secret needs a second read then")
	return nil, errors.New("unexpected")
}

func (a *signedAuth) IntegrationSigningSecret(context.Context, int64) ([]byte, error) {
	a.t.Error("IntegrationSigningSecret called: the secret came with the integration")
	return nil, errors.New("unexpected")
}

func (a *signedAuth) AuthenticateIntegrationSigned(_ context.Context, kind arqir.IntegrationKind, _ string) (*arqir.Integration, []byte, error) {
	a.lookups++
	if a.err != nil {
		return nil, nil, a.err
	}
	return &arqir.Integration{ID: 7, Kind: kind}, []byte(a.secret), nil
}

// TestProcessReadsTheSecretWithTheIntegration: with a SignedAuthenticator
// (the store), a signed request costs one lookup, and Verify gets the
// secret that lookup returned; a refused credential stops there.
func TestProcessReadsTheSecretWithTheIntegration(t *testing.T) {
	auth := &signedAuth{t: t, secret: "signing"}
	src := &fakeSource{}
	in, _, err := ingest.Process(context.Background(), src, ingesttest.NewRequest("{}"), auth)
	if err != nil || in.ID != 7 || !src.verified || !src.parsed || auth.lookups != 1 {
		t.Fatalf("in %v, err %v, source %+v, lookups %d: want one lookup giving the secret to Verify", in, err, src, auth.lookups)
	}
	auth = &signedAuth{t: t, err: arqir.Errorf(arqir.EUNAUTHORIZED, "revoked")}
	src = &fakeSource{}
	if _, _, err := ingest.Process(context.Background(), src, ingesttest.NewRequest("{}"), auth); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED || src.verified || src.parsed {
		t.Fatalf("went on after a refused credential: %v %+v", err, src)
	}
}

func TestBatchErrorCarriesItsCode(t *testing.T) {
	err := error(ingest.NewBatchError(3, []ingest.ItemError{{Index: 2, Field: "status", Message: "bad"}}))
	var appErr *arqir.Error
	if !errors.As(err, &appErr) || arqir.ErrorCode(err) != arqir.EUNPROCESSABLE || !strings.Contains(arqir.ErrorMessage(err), "item 2: bad") {
		t.Fatalf("%v", err)
	}
	body := ingest.NewErrorBody(err)
	if len(body.Items) != 1 || body.Error.Code != arqir.EUNPROCESSABLE {
		t.Errorf("%+v", body)
	}
}

func TestDefaultReply(t *testing.T) {
	status, body := ingest.DefaultReply(nil)
	if rc := body.(ingest.Receipt); status != 200 || rc.Alerts == nil || rc.Incidents == nil {
		t.Errorf("%d %+v", status, body)
	}
}

func TestCredentials(t *testing.T) {
	r := ingesttest.NewRequest("", "Authorization", "Basic dXNlcjpwYXNz") // user:pass
	if got, err := ingest.BearerOrBasic(r, ""); err != nil || got != "pass" {
		t.Errorf("basic: %q %v", got, err)
	}
	if _, err := ingest.Bearer(r, ""); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
		t.Errorf("bearer accepted basic: %v", err)
	}
	r.Path = "/tok"
	if got, ok := ingest.PathToken(r); !ok || got != "tok" {
		t.Errorf("path token %q", got)
	}
}

func TestDerivedIDIsStableAndUUIDShaped(t *testing.T) {
	a, b := ingest.DerivedID("x", "y"), ingest.DerivedID("x", "y")
	if a != b || len(a) != 36 || a == ingest.DerivedID("xy") || strings.Count(a, "-") != 4 {
		t.Errorf("%s %s", a, b)
	}
}

func TestFitKey(t *testing.T) {
	long := strings.Repeat("a", 300)
	if got := ingest.FitKey(long); got != ingest.FitKey(long) || len(got) > ingest.MaxDedupKey || got == ingest.FitKey(long+"b") {
		t.Errorf("FitKey(long) = %q", got)
	}
	if ingest.FitKey("short") != "short" {
		t.Error("a short key changed")
	}
}
