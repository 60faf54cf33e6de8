package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	"github.com/arqir/arqir/internal/testserver"
)

func TestMetricsExposeTheNamedSeries(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")                                            // SEV2, open
	declare(t, srv, `{"title":"Login down","severity":"SEV1"}`)    // SEV1, will breach
	call(t, srv, "GET", "/api/v1/incidents/INC-1", srv.Viewer, "") // route with an ID
	call(t, srv, "GET", "/api/v1/incidents/INC-2", srv.Viewer, "") // the same route
	srv.Advance(6 * time.Minute)                                   // past SEV1's 5 min
	// Paging deadlines (page_ack, initial_notice) breach too when nothing
	// delivers: count every breach the incidents record, by kind.
	n := srv.Sweep(t)
	breaches := map[string]int{arqir.DeadlineResponse: 0, arqir.DeadlineInitialNotice: 0, arqir.DeadlineStatusUpdate: 0,
		arqir.DeadlineUpdateOverdue: 0, arqir.DeadlinePageAck: 0, arqir.DeadlineRCA: 0}
	total := 0
	for _, id := range []arqir.IncidentID{1, 2} {
		inc, err := srv.Store.Incident(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range inc.Deadlines {
			if d.BreachedAt != nil {
				breaches[d.Kind]++
				total++
			}
		}
	}
	if n != total || breaches[arqir.DeadlineResponse] != 1 {
		t.Fatalf("swept %d breaches, the incidents record %d: %v; want SEV1's response among them", n, total, breaches)
	}

	body := string(call(t, srv, "GET", "/metrics", "", "").wantStatus(t, http.StatusOK).body)
	for _, want := range []string{
		`arqir_http_requests_total{code="201",method="POST",route="/api/v1/incidents"} 2`,
		`arqir_http_requests_total{code="200",method="GET",route="/api/v1/incidents/{id}"} 2`,
		`arqir_http_request_duration_seconds_count{method="GET",route="/api/v1/incidents/{id}"} 2`,
		`arqir_http_request_duration_seconds_bucket{method="POST",route="/api/v1/incidents",le="+Inf"} 2`,
		`arqir_incidents_open{severity="SEV1"} 1`,
		`arqir_incidents_open{severity="SEV2"} 1`,
		`arqir_incidents_open{severity="SEV3"} 0`,
		`arqir_incidents_open{severity="SEV4"} 0`,
		`arqir_deadline_breaches_total{kind="response"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Every kind has its series, zero included.
	for kind, n := range breaches {
		if want := fmt.Sprintf("arqir_deadline_breaches_total{kind=%q} %d\n", kind, n); !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "INC-") {
		t.Error("a metric label holds a raw path with an incident ID")
	}
}

func TestMetricsCanRequireAToken(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t, func(c *api.Config) { c.MetricsRequireToken = true })
	call(t, srv, "GET", "/metrics", "", "").wantStatus(t, http.StatusUnauthorized)
	call(t, srv, "GET", "/metrics", srv.Viewer, "").wantStatus(t, http.StatusOK)
}

func TestMetricsSurviveAFailingStore(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	call(t, srv, "GET", "/healthz", "", "")
	srv.Fail(errTest)
	body := string(call(t, srv, "GET", "/metrics", "", "").wantStatus(t, http.StatusOK).body)
	if !strings.Contains(body, `arqir_http_requests_total{code="200",method="GET",route="/healthz"} 1`) {
		t.Errorf("HTTP metrics missing while the store fails:\n%s", body)
	}
	if !strings.Contains(srv.Logs.String(), "read incident stats") {
		t.Error("the failing stats query was not logged")
	}
}

var errTest = testError("store down")

type testError string

func (e testError) Error() string { return string(e) }
