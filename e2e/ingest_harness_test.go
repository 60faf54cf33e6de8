package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/internal/testserver"
)

// answer is one ingest response read whole.
type answer struct {
	status int
	header http.Header
	body   string
}

// integration creates an integration as the admin, the way a person does
// before configuring the tool, and returns what was shown once.
func (h *harness) integration(kind arqir.IntegrationKind, service string, settings ...string) *client.CreatedIntegration {
	h.t.Helper()
	n := client.NewIntegration{Name: string(kind) + "-" + service, Kind: string(kind), Service: service}
	if len(settings) > 0 {
		n.Settings = map[string]string{}
		for i := 0; i+1 < len(settings); i += 2 {
			n.Settings[settings[i]] = settings[i+1]
		}
	}
	created, err := h.Admin.CreateIntegration(context.Background(), n)
	if err != nil {
		h.t.Fatalf("create %s integration: %v", kind, err)
	}
	return created
}

// send makes one request to arqir as a monitoring tool would: path is
// relative to the server ("/ingest/…"); headers are name, value pairs, and
// Content-Type defaults to application/json.
func (h *harness) send(method, path, body string, headers ...string) answer {
	h.t.Helper()
	req, err := http.NewRequest(method, h.App.URL()+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// bearer sends body to the integration's endpoint path with the
// credential as a bearer token.
func (h *harness) bearer(c *client.CreatedIntegration, path, body string, headers ...string) answer {
	h.t.Helper()
	return h.send("POST", path, body, append([]string{"Authorization", "Bearer " + c.Credential}, headers...)...)
}

// want fails the test unless the answer has the status and the body holds
// every fragment.
func (a answer) want(t *testing.T, status int, fragments ...string) answer {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d; body %s", a.status, status, a.body)
	}
	for _, f := range fragments {
		if !strings.Contains(a.body, f) {
			t.Errorf("answer lacks %q: %s", f, a.body)
		}
	}
	return a
}

// receipt decodes arqir's ingest receipt.
func (a answer) receipt(t *testing.T) ingestReceipt {
	t.Helper()
	var r ingestReceipt
	if err := json.Unmarshal([]byte(a.body), &r); err != nil {
		t.Fatalf("decode receipt %s: %v", a.body, err)
	}
	return r
}

// ingestReceipt is the answer of the sources that only look at the status.
type ingestReceipt struct {
	Status string `json:"status"`
	Alerts []struct {
		ID       int64             `json:"id"`
		DedupKey string            `json:"dedup_key"`
		Status   arqir.AlertStatus `json:"status"`
	} `json:"alerts"`
	Incidents []arqir.IncidentID `json:"incidents"`
	Replayed  bool               `json:"replayed"`
}

// fixture reads a sample payload of ingest/<source>/testdata: the ones
// taken from each vendor's documentation.
func fixture(t *testing.T, source, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "ingest", source, "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dump is the whole database (testserver.DumpStore): take one before a
// request that must be refused, and check with unchanged.
func (h *harness) dump() string {
	h.t.Helper()
	return testserver.DumpStore(h.t, h.App.Store)
}

func (h *harness) unchanged(before string) {
	h.t.Helper()
	testserver.UnchangedStore(h.t, h.App.Store, before)
}

// alerts lists every alert (one page is plenty in these tests).
func (h *harness) alerts(o client.AlertListOptions) []*arqir.Alert {
	h.t.Helper()
	o.Limit = 500
	page, err := h.Admin.Alerts(context.Background(), o)
	if err != nil {
		h.t.Fatal(err)
	}
	return page.Alerts
}

// incidents lists every incident, newest first.
func (h *harness) incidents() []*arqir.Incident {
	h.t.Helper()
	page, err := h.Admin.Incidents(context.Background(), client.ListOptions{Limit: 500})
	if err != nil {
		h.t.Fatal(err)
	}
	return page.Incidents
}

// only returns the one incident there is, failing otherwise.
func (h *harness) only() *arqir.Incident {
	h.t.Helper()
	incs := h.incidents()
	if len(incs) != 1 {
		h.t.Fatalf("%d incidents, want 1: %v", len(incs), incs)
	}
	return incs[0]
}

// wantOpened checks an incident opened by an integration's alert: its
// severity and service, automated detection by the integration (K4).
func wantOpened(t *testing.T, inc *arqir.Incident, c *client.CreatedIntegration, severity, service string) {
	t.Helper()
	in := c.Integration
	if inc.Severity != severity {
		t.Errorf("%s opened at %s, want %s", inc.ID, inc.Severity, severity)
	}
	if len(inc.Services) == 0 || inc.Services[0] != service {
		t.Errorf("%s services %v, want %s", inc.ID, inc.Services, service)
	}
	want := arqir.Detection{Kind: arqir.DetectionAutomated, Source: string(in.Kind) + ":" + in.Name}
	if inc.Detection != want {
		t.Errorf("%s detection %+v, want %+v", inc.ID, inc.Detection, want)
	}
	if inc.Status != arqir.StatusInvestigating {
		t.Errorf("%s is %s, want INVESTIGATING", inc.ID, inc.Status)
	}
}

// replace returns s with old replaced by new, failing if old is absent, so
// that a fixture edit cannot silently miss.
func replace(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("the payload has no %q", old)
	}
	return strings.ReplaceAll(s, old, new)
}

// alertsAll lists alerts without a filter.
var alertsAll = client.AlertListOptions{}

// decodeJSON reads a JSON answer.
func decodeJSON(resp *http.Response, v any) error {
	return json.NewDecoder(resp.Body).Decode(v)
}
