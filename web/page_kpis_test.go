package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestKPIPageGolden(t *testing.T) {
	e := setup(t)
	resp, body := e.get(e.client("victor"), "/kpis?since=30d")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d:\n%s", resp.StatusCode, body)
	}
	// No incidents: every measure says so instead of showing 0.
	if !strings.Contains(body, "no data") || strings.Contains(body, `class="chart"`) {
		t.Error("an empty window must show no data and no chart")
	}
	golden(t, "kpis", body)
}

func TestKPIPageChartsAndData(t *testing.T) {
	e := setup(t)
	inc := e.declare(hostile, "SEV2", "checkout")
	e.ts.Advance(20 * time.Minute)
	e.resolve(inc)
	e.ts.Advance(time.Hour)
	_, body := e.get(e.client("victor"), "/kpis?since=30d&service=checkout")
	if !strings.Contains(body, `class="chart" data-kpi="mttr"`) || !strings.Contains(body, `data-url="/kpis/data?service=checkout&amp;since=30d"`) {
		t.Errorf("the page lacks the MTTR chart or its data URL:\n%s", body)
	}
	resp, data := e.get(e.client("victor"), "/kpis/data?since=30d&service=checkout")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("data: status %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var series struct {
		Weeks []int64 `json:"weeks"`
		KPIs  []struct {
			ID     string     `json:"id"`
			Target *float64   `json:"target"`
			Values []*float64 `json:"values"`
		} `json:"kpis"`
	}
	if err := json.Unmarshal([]byte(data), &series); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range series.KPIs {
		if len(k.Values) != len(series.Weeks) {
			t.Errorf("%s: %d values for %d weeks", k.ID, len(k.Values), len(series.Weeks))
		}
		if k.ID == "mttr" {
			for _, v := range k.Values {
				found = found || v != nil
			}
		}
	}
	if !found {
		t.Errorf("no MTTR value in the trend: %s", data)
	}
}

func TestKPIPageRefusals(t *testing.T) {
	e := setup(t)
	if resp, _ := e.get(e.client(""), "/kpis"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: status %d, want 303 to sign-in", resp.StatusCode)
	}
	if resp, _ := e.get(e.client("victor"), "/kpis?severity=SEV9"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown severity: status %d, want 400", resp.StatusCode)
	}
	if resp, _ := e.get(e.client("victor"), "/kpis/data?since=soon"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad since: status %d, want 400", resp.StatusCode)
	}
}
