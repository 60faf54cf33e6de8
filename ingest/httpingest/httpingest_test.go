package httpingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/httpingest"
	"github.com/arqir/arqir/ingest/sources"
	"github.com/arqir/arqir/internal/testserver"
)

// answer is one response read whole.
type answer struct {
	status int
	header http.Header
	body   string
}

// post sends body to path on base; headers are name, value pairs.
func post(t *testing.T, method, url, body string, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (a answer) want(t *testing.T, status int, fragments ...string) answer {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d; body %s", a.status, status, a.body)
	}
	for _, f := range fragments {
		if !strings.Contains(a.body, f) {
			t.Errorf("body lacks %q: %s", f, a.body)
		}
	}
	return a
}

// integration creates an integration of kind on the server's store and
// returns its credential.
func integration(t *testing.T, srv *testserver.Server, kind arqir.IntegrationKind, settings map[string]string) string {
	t.Helper()
	sec, _, err := srv.Store.CreateIntegration(t.Context(), arqir.NewIntegration{Name: "test-" + string(kind), Kind: kind, Service: "checkout", Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	return sec.Credential
}

// unsigned are the settings of a generic integration that accepts
// unsigned requests, for tests about something else than signatures.
var unsigned = map[string]string{arqir.SettingRequireSignature: "false"}

const oneAlert = `{"dedup_key":"checkout-5xx","status":"firing","summary":"Checkout 5xx above 5%","severity":"critical"}`

// A 2xx means the alert and its incident are committed: the store shows
// them as soon as the answer arrives.
func TestAcceptedMeansCommitted(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	cred := integration(t, srv, arqir.KindGeneric, unsigned)
	a := post(t, "POST", srv.URL+"/ingest/generic", oneAlert, "Authorization", "Bearer "+cred).want(t, 200, `"status":"accepted"`, `"incidents":["INC-1"]`)
	var rc ingest.Receipt
	if err := json.Unmarshal([]byte(a.body), &rc); err != nil || len(rc.Alerts) != 1 {
		t.Fatalf("receipt %s: %v", a.body, err)
	}
	al, err := srv.Store.Alert(t.Context(), rc.Alerts[0].ID)
	if err != nil || al.DedupKey != "checkout-5xx" || al.IncidentID == nil || *al.IncidentID != 1 {
		t.Fatalf("stored alert %+v, %v", al, err)
	}
	if inc, err := srv.Store.Incident(t.Context(), 1); err != nil || inc.Detection.Kind != arqir.DetectionAutomated {
		t.Fatalf("incident %+v, %v", inc, err)
	}
}

// Requests the endpoint cannot take are refused in arqir's error shape and
// store nothing: an unknown kind (404), a method other than POST or PUT
// (405, with Allow), a body over 1 MiB (413), no credential (401), no
// signature where one is required (401).
func TestRefusalsStoreNothing(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	cred := integration(t, srv, arqir.KindGeneric, nil)
	before := srv.Dump(t)
	post(t, "POST", srv.URL+"/ingest/nagios", oneAlert, "Authorization", "Bearer "+cred).want(t, 404, `"code":"not_found"`, "alertmanager", "generic")
	post(t, "POST", srv.URL+"/ingest/", oneAlert).want(t, 404, `"code":"not_found"`)
	a := post(t, "GET", srv.URL+"/ingest/generic", "", "Authorization", "Bearer "+cred).want(t, 405, `"code":"method_not_allowed"`, "POST")
	if a.header.Get("Allow") != "POST, PUT" {
		t.Errorf("Allow %q", a.header.Get("Allow"))
	}
	big := `{"dedup_key":"x","status":"firing","summary":"` + strings.Repeat("a", httpingest.MaxBodyBytes) + `"}`
	post(t, "POST", srv.URL+"/ingest/generic", big, "Authorization", "Bearer "+cred).want(t, 413, `"code":"too_large"`, "1 MiB")
	a = post(t, "POST", srv.URL+"/ingest/generic", oneAlert).want(t, 401, `"code":"unauthorized"`, "Bearer")
	if a.header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	post(t, "POST", srv.URL+"/ingest/generic", oneAlert, "Authorization", "Bearer arqi_wrong").want(t, 401, "unknown integration credential")
	// A generic integration requires the signature unless it opted out.
	post(t, "POST", srv.URL+"/ingest/generic", oneAlert, "Authorization", "Bearer "+cred).want(t, 401, "not signed", "X-Signature-256")
	srv.Unchanged(t, before)
}

// A source with its own error shape answers in it: PagerDuty clients read
// {"status":"invalid event",...}.
func TestSourceErrorShape(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	integration(t, srv, arqir.KindPagerDuty, nil)
	before := srv.Dump(t)
	post(t, "POST", srv.URL+"/ingest/pagerduty/v2/enqueue", `{"routing_key":`).want(t, 400, `"status":"invalid event"`)
	srv.Unchanged(t, before)
}

// Logs carry the kind, never the path beyond it (it can hold the
// credential) nor headers.
func TestLogsShowNoCredential(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	cred := integration(t, srv, arqir.KindDatadog, nil)
	post(t, "POST", srv.URL+"/ingest/datadog/"+cred, `{"id":"1","title":"[Triggered] Disk full","body":"x","date":"1591216985000"}`).want(t, 200)
	post(t, "POST", srv.URL+"/ingest/datadog/"+cred+"x", `{}`).want(t, 401)
	post(t, "POST", srv.URL+"/ingest/datadog", `{}`, "Authorization", "Bearer "+cred+"y").want(t, 401)
	logs := srv.Logs.String()
	if strings.Contains(logs, cred) {
		t.Errorf("the logs show the credential:\n%s", logs)
	}
	if !strings.Contains(logs, "kind=datadog") || !strings.Contains(logs, "status=401") {
		t.Errorf("the logs lack the request lines:\n%s", logs)
	}
}

// The ingest metrics are on the shared registry, labelled by kind only.
func TestMetrics(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	cred := integration(t, srv, arqir.KindGeneric, unsigned)
	post(t, "POST", srv.URL+"/ingest/generic", `[`+oneAlert+`,{"dedup_key":"b","status":"firing","summary":"b"}]`, "Authorization", "Bearer "+cred, "Idempotency-Key", "k1").want(t, 200)
	post(t, "POST", srv.URL+"/ingest/generic", `[`+oneAlert+`,{"dedup_key":"b","status":"firing","summary":"b"}]`, "Authorization", "Bearer "+cred, "Idempotency-Key", "k1").want(t, 200, `"replayed":true`)
	post(t, "POST", srv.URL+"/ingest/generic", oneAlert).want(t, 401)
	post(t, "POST", srv.URL+"/ingest/whatever/"+cred, oneAlert).want(t, 404)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"arqir_ingest_requests_total", []string{"code=200", "kind=generic"}, 2},
		{"arqir_ingest_requests_total", []string{"code=401", "kind=generic"}, 1},
		{"arqir_ingest_requests_total", []string{"code=404", "kind=unknown"}, 1},
		{"arqir_ingest_alerts_total", []string{"kind=generic"}, 2}, // the retry is not counted again
	} {
		if got := counter(t, srv.Registry, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	families, err := srv.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, f := range families {
		if f.GetName() == "arqir_ingest_request_duration_seconds" {
			for _, m := range f.GetMetric() {
				kinds = append(kinds, m.GetLabel()[0].GetValue())
				if m.GetHistogram().GetSampleCount() == 0 {
					t.Errorf("duration of %s has no samples", m.GetLabel()[0].GetValue())
				}
			}
		}
	}
	if strings.Join(kinds, ",") != "generic,unknown" {
		t.Errorf("duration histogram kinds %v, want generic and unknown", kinds)
	}
	// /metrics serves them: the registry is the API's.
	m := post(t, "GET", srv.URL+"/metrics", "").want(t, 200, `arqir_ingest_requests_total{code="200",kind="generic"} 2`, "arqir_ingest_request_duration_seconds_bucket")
	if strings.Contains(m.body, cred) {
		t.Error("/metrics shows a credential")
	}
}

// counter reads one labelled counter from the registry; labels are
// name=value, sorted by name as the registry sorts them.
func counter(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for i, l := range m.GetLabel() {
				if i >= len(labels) || l.GetName()+"="+l.GetValue() != labels[i] {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

// confirmSource is a generic source whose every request is a control
// message, to check the handler carries it out before answering.
type confirmSource struct {
	ingest.Source
	confirmed *int
	err       error
}

func (s confirmSource) Parse(*ingest.Request, *arqir.Integration) (*ingest.Parsed, error) {
	return &ingest.Parsed{RequestKey: "k", Control: &ingest.Control{Action: "confirm_subscription", URL: "https://sns.example/", Confirm: func(context.Context) error {
		*s.confirmed++
		return s.err
	}}, Reply: func(res *arqir.IngestResult) (int, any) { return 200, map[string]string{"status": "confirmed"} }}, nil
}

// A control message (SNS subscription confirmation) is carried out before
// the answer; when it fails the answer is 500, so that the sender retries,
// and nothing is stored.
func TestControlConfirmedBeforeTheAnswer(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	cred := integration(t, srv, arqir.KindGeneric, nil)
	generic, _ := sources.Lookup(arqir.KindGeneric)
	var n int
	for _, c := range []struct {
		err    error
		status int
	}{{nil, 200}, {errors.New("connection refused"), 500}} {
		h := httpingest.New(httpingest.Config{
			Integrations: srv.Store, Alerts: srv.Store, Sources: []ingest.Source{confirmSource{Source: generic, confirmed: &n, err: c.err}},
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		ts := httptest.NewServer(h)
		before := srv.Dump(t)
		post(t, "POST", ts.URL+"/ingest/generic", `{}`, "Authorization", "Bearer "+cred).want(t, c.status)
		srv.Unchanged(t, before)
		ts.Close()
	}
	if n != 2 {
		t.Errorf("confirmed %d times, want 2", n)
	}
}
