package routing_test

import (
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/policy"
	"github.com/arqir/arqir/routing"
)

// The ARQ detection rules open incidents at the severities the default
// policy gives them, whichever tool sends the alert.

var prometheus = &arqir.Integration{ID: 7, Name: "prom", Kind: arqir.KindAlertmanager, Service: "platform"}

func decide(t *testing.T, labels map[string]string) routing.Decision {
	t.Helper()
	return routing.Decide(policy.Default().Rules(1), prometheus, arqir.AlertEvent{DedupKey: "k", Status: arqir.AlertFiring, Labels: labels})
}

func TestD1_CPUAlertOpensSev3(t *testing.T) {
	d := decide(t, map[string]string{"alertname": "CPU", "instance": "web-1"})
	if d.Severity != "SEV3" || d.SeverityFrom != "detection rule D1" {
		t.Errorf("CPU alert: %+v, want SEV3 from D1", d)
	}
}

func TestD2_MemoryAlertOpensSev3(t *testing.T) {
	d := decide(t, map[string]string{"alertname": "memory_utilization_percent"})
	if d.Severity != "SEV3" || d.SeverityFrom != "detection rule D2" {
		t.Errorf("memory alert: %+v, want SEV3 from D2 (matched by metric)", d)
	}
}

func TestD3_ErrorRateAlertOpensSev2(t *testing.T) {
	d := decide(t, map[string]string{"alertname": "RequestErrorRate", "service": "checkout"})
	if d.Severity != "SEV2" || d.SeverityFrom != "detection rule D3" || d.Service != "checkout" {
		t.Errorf("error-rate alert: %+v, want SEV2 from D3 on checkout", d)
	}
}

func TestD4_LatencyAlertOpensSev3(t *testing.T) {
	d := decide(t, map[string]string{"alertname": "SlowCheckout", "rule": "D4"})
	if d.Severity != "SEV3" || d.SeverityFrom != "detection rule D4" {
		t.Errorf("latency alert: %+v, want SEV3 from D4 (rule label)", d)
	}
}

// rules is a policy with a route per concern, for the precedence table.
func rules() arqir.Rules {
	r := policy.Default().Rules(1)
	r.Routing.Routes = []arqir.Route{
		{Match: map[string]string{"team": "payments"}, Service: "checkout", Severity: "SEV1"},
		{Match: map[string]string{"team": "search"}, Service: "search"}, // service only: severity falls through
	}
	r.Routing.SourceSeverities = map[string]string{"p5": "SEV3"}
	return r
}

func TestDecide_Precedence(t *testing.T) {
	withSev := &arqir.Integration{ID: 8, Name: "pd", Kind: arqir.KindPagerDuty, Service: "billing", Severity: "SEV2"}
	for _, tc := range []struct {
		name     string
		in       *arqir.Integration
		ev       arqir.AlertEvent
		service  string
		severity string
		from     string
	}{
		{"route beats everything", withSev, ev(map[string]string{"team": "payments", "alertname": "CPU"}, "info"), "checkout", "SEV1", "route 1"},
		{"integration beats the detection rule", withSev, ev(map[string]string{"alertname": "CPU"}, ""), "billing", "SEV2", "integration"},
		{"route without severity falls through", prometheus, ev(map[string]string{"team": "search", "alertname": "D3"}, ""), "search", "SEV2", "detection rule D3"},
		{"detection rule beats the source word", prometheus, ev(map[string]string{"alertname": "cpu"}, "critical"), "platform", "SEV3", "detection rule D1"},
		{"PagerDuty critical", prometheus, ev(nil, "critical"), "platform", "SEV1", `source severity "critical"`},
		{"PagerDuty error", prometheus, ev(nil, "error"), "platform", "SEV2", `source severity "error"`},
		{"PagerDuty warning", prometheus, ev(nil, "warning"), "platform", "SEV3", `source severity "warning"`},
		{"PagerDuty info", prometheus, ev(nil, "info"), "platform", "SEV4", `source severity "info"`},
		{"Datadog P1", prometheus, ev(nil, "P1"), "platform", "SEV1", `source severity "P1"`},
		{"Opsgenie P4", prometheus, ev(nil, "P4"), "platform", "SEV4", `source severity "P4"`},
		{"policy overrides the table", prometheus, ev(nil, "P5"), "platform", "SEV3", `source severity "P5"`},
		{"a policy severity name as is", prometheus, ev(nil, "sev 2"), "platform", "SEV2", `source severity "sev 2"`},
		{"severity label", prometheus, ev(map[string]string{"severity": "critical"}, ""), "platform", "SEV1", `source severity "critical"`},
		{"unknown word: default", prometheus, ev(nil, "purple"), "platform", "SEV3", "default"},
		{"nothing: default", prometheus, ev(nil, ""), "platform", "SEV3", "default"},
		{"service label beats the integration", prometheus, ev(map[string]string{"service": "cart"}, ""), "cart", "SEV3", "default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := routing.Decide(rules(), tc.in, tc.ev)
			if d.Service != tc.service || d.Severity != tc.severity || d.SeverityFrom != tc.from {
				t.Errorf("got %s %s from %q, want %s %s from %q", d.Service, d.Severity, d.SeverityFrom, tc.service, tc.severity, tc.from)
			}
		})
	}
}

func TestDecide_UnknownSeveritiesFallThrough(t *testing.T) {
	r := rules()
	r.Routing.DefaultSeverity = "SEV9"
	in := &arqir.Integration{ID: 1, Severity: "SEV9"} // the policy dropped the level
	if d := routing.Decide(r, in, ev(nil, "")); d.Severity != "SEV4" || d.SeverityFrom != "default" {
		t.Errorf("got %+v, want the least severe level", d)
	}
	if d := routing.Decide(arqir.Rules{}, in, ev(nil, "critical")); d.Severity != "" {
		t.Errorf("rules without severities gave %q", d.Severity)
	}
}

func TestDecide_OverlongServiceLabelIsIgnored(t *testing.T) {
	long := string(make([]byte, arqir.MaxNameLen+1))
	if d := routing.Decide(rules(), prometheus, ev(map[string]string{"service": long}, "")); d.Service != "platform" {
		t.Errorf("service = %q, want the integration's", d.Service)
	}
}

func TestGroupKey(t *testing.T) {
	by := []string{"alertname", "service"}
	a := arqir.AlertEvent{DedupKey: "a", Labels: map[string]string{"alertname": "CPU", "instance": "1"}}
	b := arqir.AlertEvent{DedupKey: "b", Labels: map[string]string{"alertname": "CPU", "instance": "2"}}
	c := arqir.AlertEvent{DedupKey: "c", Labels: map[string]string{"alertname": "Memory"}}
	k := func(groupBy []string, id int64, e arqir.AlertEvent, svc string) string {
		return routing.GroupKey(groupBy, id, e, svc)
	}
	switch {
	case k(by, 1, a, "x") != k(by, 1, b, "x"):
		t.Error("same alertname and service: different groups")
	case k(by, 1, a, "x") == k(by, 1, c, "x"):
		t.Error("different alertname: same group")
	case k(by, 1, a, "x") == k(by, 1, a, "y"):
		t.Error("different service: same group")
	case k(by, 1, a, "x") == k(by, 2, a, "x"):
		t.Error("different integrations: same group")
	case k(nil, 1, a, "x") == k(nil, 1, b, "x"):
		t.Error("without group_by two alerts share a group")
	case k(nil, 1, a, "x") != k(nil, 1, a, "y"):
		t.Error("without group_by the key depends on more than the alert")
	}
	// "ab"+"c" must not collide with "a"+"bc".
	x := arqir.AlertEvent{Labels: map[string]string{"p": "ab", "q": "c"}}
	y := arqir.AlertEvent{Labels: map[string]string{"p": "a", "q": "bc"}}
	if k([]string{"p", "q"}, 1, x, "") == k([]string{"p", "q"}, 1, y, "") {
		t.Error("label values run together")
	}
	src := []string{arqir.GroupBySourceGroup}
	g1 := arqir.AlertEvent{DedupKey: "a", GroupKey: "{}:{alertname=\"CPU\"}"}
	g2 := arqir.AlertEvent{DedupKey: "b", GroupKey: "{}:{alertname=\"CPU\"}"}
	if k(src, 1, g1, "") != k(src, 1, g2, "") || k(src, 1, arqir.AlertEvent{DedupKey: "a"}, "") == k(src, 1, arqir.AlertEvent{DedupKey: "b"}, "") {
		t.Error("source_group does not follow the sender's group key (or the dedup key without one)")
	}
}

func TestSourceRanks(t *testing.T) {
	for word, want := range map[string]int{"critical": 1, "error": 2, "warning": 3, "info": 4, "P1": 1, "P2": 2, "P3": 3, "P4": 4, "P5": 4} {
		if got, ok := routing.SourceRank(word); !ok || got != want {
			t.Errorf("SourceRank(%q) = %d, %v; want %d", word, got, ok, want)
		}
	}
	// A policy with two levels maps everything below its first to its last.
	r := arqir.Rules{Severities: []arqir.SeverityRule{{Name: "High"}, {Name: "Low"}}}
	for word, want := range map[string]string{"critical": "High", "error": "Low", "info": "Low"} {
		if got, _ := routing.SourceSeverity(r, word); got != want {
			t.Errorf("two levels: %s → %s, want %s", word, got, want)
		}
	}
}

func ev(labels map[string]string, severity string) arqir.AlertEvent {
	return arqir.AlertEvent{DedupKey: "k", Status: arqir.AlertFiring, Labels: labels, Severity: severity}
}
