package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var ingestTests = []namedTest{
	{name: "D1_NewAlertOpensAnAutomatedIncident", fn: testIngestOpens},
	{name: "D_RepeatFiringDedupsAndOpensNothing", fn: testIngestRepeat},
	{name: "D_SameRequestKeyIsAppliedOnce", fn: testIngestReplay},
	{name: "D_RejectedRequestsStoreNothing", fn: testIngestRejections},
	{name: "D_ResolveClosesTheAlert", fn: testIngestResolve},
	{name: "D_ResolveOfAnUnknownAlertOpensNothing", fn: testIngestUnknownResolve},
	{name: "D_AlertsListing", fn: testAlertsListing},
	{name: "D_IngestIsVisibleToReplicasOnReturn", fn: testIngestVisible},
	{name: "D_OldRequestKeysAreForgotten", fn: testIngestSweep},
	{name: "D_BodyKeysAnswerOnlyRetries", fn: testIngestBodyKeys},
	{name: "D_ExpiredKeysApplyBeforeTheSweep", fn: testIngestKeyExpiry},
	{name: "D_AlertListFiltersUseIndexes", fn: testAlertListPlans},            // ingest_plans.go
	{name: "D_AStormAttachesInOneEventPerHundredAlerts", fn: testAttachStorm}, // ingest_attach.go
}

func testIngestOpens(e *env) {
	in := e.prom()
	started := Start.Add(-3*time.Minute + 789) // nanoseconds the store drops
	ev := startingAt(firing("fp-1", "alertname", "CPU", "service", "checkout", "instance", "web-1"), started)
	ev.Summary = "CPU above 80% on web-1\nfor 5 minutes"
	ev.Annotations = map[string]string{"runbook_url": "https://runbooks/cpu"}
	ev.Links = []string{"http://prometheus/graph"}
	res := e.ingest(in, "req-1", ev)

	if res.Replayed || len(res.Alerts) != 1 {
		e.t.Fatalf("result = %+v", res)
	}
	a := res.Alerts[0]
	equal(e.t, "the alert read back", e.alert(a.ID), a)
	switch {
	case a.ID <= 0 || a.IntegrationID != in.ID || a.Source != arqir.KindAlertmanager || a.DedupKey != "fp-1":
		e.t.Fatalf("alert identity = %+v", a)
	case a.Status != arqir.AlertFiring || a.Count != 1 || a.ResolvedAt != nil:
		e.t.Fatalf("alert state = %s count %d resolved %v", a.Status, a.Count, a.ResolvedAt)
	case a.Severity != "SEV3" || a.Service != "checkout" || a.GroupKey == "":
		e.t.Fatalf("routing = %s %s %q, want SEV3 (D1) on checkout", a.Severity, a.Service, a.GroupKey)
	case !a.StartedAt.Equal(micro(started)) || !a.ReceivedAt.Equal(micro(Start)) || !a.LastSeenAt.Equal(micro(Start)):
		e.t.Fatalf("times = %v %v %v", a.StartedAt, a.ReceivedAt, a.LastSeenAt)
	case a.Labels["instance"] != "web-1" || a.Annotations["runbook_url"] == "" || len(a.Links) != 1:
		e.t.Fatalf("labels, annotations, links = %v %v %v", a.Labels, a.Annotations, a.Links)
	}

	inc := e.only(res)
	if a.IncidentID == nil || *a.IncidentID != inc.ID {
		e.t.Fatalf("alert incident = %v, want %s", a.IncidentID, inc.ID)
	}
	switch {
	case inc.Title != "CPU above 80% on web-1":
		e.t.Fatalf("title = %q, want the summary's first line", inc.Title)
	case inc.Severity != "SEV3" || inc.Status != arqir.StatusInvestigating:
		e.t.Fatalf("incident = %s %s", inc.Severity, inc.Status)
	case inc.PolicyRevision != e.policy.Revision:
		e.t.Fatalf("policy revision = %d", inc.PolicyRevision)
	}
	equal(e.t, "services", inc.Services, []string{"checkout"})
	equal(e.t, "detection (K4)", inc.Detection, arqir.Detection{Kind: arqir.DetectionAutomated, Source: "alertmanager:prom"})
	equal(e.t, "impact start (the alert's start)", inc.ImpactStartedAt, micro(started))
	equal(e.t, "detected at (the alert's receipt)", inc.DetectedAt, micro(Start))
	equal(e.t, "declared at", inc.DeclaredAt, micro(Start))
	events := e.timeline(inc.ID)
	equal(e.t, "timeline", kinds(events), []string{arqir.EventDeclared,
		arqir.EventChecklistTicked, arqir.EventChecklistTicked, arqir.EventChecklistTicked, arqir.EventAlertAttached})
	att := events[len(events)-1]
	if att.Actor != "alertmanager:prom" || att.Data["dedup_key"] != "fp-1" || att.Data["alert_id"] == "" || !strings.Contains(att.Message, "CPU above 80%") {
		e.t.Fatalf("attach event = %+v", att)
	}
}

func testIngestRepeat(e *env) {
	in := e.prom()
	first := e.ingest(in, "", firing("fp-1", "alertname", "CPU"))
	inc := e.only(first)
	before := e.snap(inc.ID)

	e.clock.Advance(time.Minute)
	ev := firing("fp-1", "alertname", "CPU", "instance", "web-2")
	ev.Summary = "CPU still high"
	second := e.ingest(in, "", ev)
	a := second.Alerts[0]
	switch {
	case a.ID != first.Alerts[0].ID || a.Count != 2 || a.Status != arqir.AlertFiring:
		e.t.Fatalf("repeat = id %d count %d %s, want the same alert with count 2", a.ID, a.Count, a.Status)
	case !a.LastSeenAt.Equal(micro(Start.Add(time.Minute))) || !a.ReceivedAt.Equal(micro(Start)):
		e.t.Fatalf("last seen %v, received %v", a.LastSeenAt, a.ReceivedAt)
	case a.Summary != "CPU still high" || a.Labels["instance"] != "web-2":
		e.t.Fatalf("a repeat updates summary and labels: %q %v", a.Summary, a.Labels)
	case len(second.Incidents) != 0:
		e.t.Fatalf("a repeat changed incidents %v", second.Incidents)
	}
	equal(e.t, "the alert read back", e.alert(a.ID), a)
	e.unchanged(before) // no event, no new version
	e.wantIncidents(1, "a repeat opens nothing")
	if n := len(e.allAlerts(arqir.AlertFilter{})); n != 1 {
		e.t.Fatalf("%d alerts, want 1", n)
	}
}

func testIngestReplay(e *env) {
	in := e.prom()
	first := e.ingest(in, "req-1", firing("fp-1", "alertname", "CPU"), firing("fp-2", "alertname", "Memory"))
	e.clock.Advance(time.Minute)
	// A retry of the same request, even one that differs, applies nothing.
	again := e.ingest(in, "req-1", firing("fp-1", "alertname", "CPU"), firing("fp-3", "alertname", "Disk"))
	if !again.Replayed || first.Replayed {
		e.t.Fatalf("replayed = %v then %v, want false then true", first.Replayed, again.Replayed)
	}
	equal(e.t, "the replayed alerts", alertIDs(again.Alerts), alertIDs(first.Alerts))
	equal(e.t, "the replayed incidents", again.Incidents, first.Incidents)
	for _, a := range again.Alerts {
		if a.Count != 1 {
			e.t.Fatalf("alert %s has count %d after a replay, want 1", a.DedupKey, a.Count)
		}
	}
	if n := len(e.allAlerts(arqir.AlertFilter{})); n != 2 {
		e.t.Fatalf("%d alerts after a replay, want 2", n)
	}
	e.wantIncidents(2, "a replay opens nothing")

	// The key belongs to the integration: another one's "req-1" is its own.
	other, _ := e.newIntegration(arqir.KindGeneric, "other", "")
	if res := e.ingest(other, "req-1", firing("fp-1")); res.Replayed {
		e.t.Fatal("another integration's request key was taken for a replay")
	}
	// Without a key every request applies.
	e.ingest(in, "", firing("fp-1", "alertname", "CPU"))
	if a := e.alert(first.Alerts[0].ID); a.Count != 2 {
		e.t.Fatalf("count = %d after a keyless repeat, want 2", a.Count)
	}
}

func testIngestRejections(e *env) {
	in := e.prom()
	revoked, _ := e.newIntegration(arqir.KindGeneric, "gone", "")
	if err := e.st.RevokeIntegration(e.ctx, revoked.ID); err != nil {
		e.t.Fatal(err)
	}
	many := map[string]string{}
	for i := range arqir.MaxAlertLabels + 1 {
		many[alertKeyN(i)] = "x"
	}
	ok := firing("ok", "alertname", "CPU")
	for _, tc := range []struct {
		name   string
		id     int64
		key    string
		events []arqir.AlertEvent
		code   string
		field  string
	}{
		{"missing dedup key", in.ID, "", []arqir.AlertEvent{ok, {Status: arqir.AlertFiring}}, arqir.EUNPROCESSABLE, "alerts[1].dedup_key"},
		{"unknown status", in.ID, "", []arqir.AlertEvent{{DedupKey: "a", Status: "pending"}}, arqir.EUNPROCESSABLE, "alerts[0].status"},
		{"too many labels", in.ID, "", []arqir.AlertEvent{ok, {DedupKey: "a", Status: arqir.AlertFiring, Labels: many}}, arqir.EUNPROCESSABLE, "alerts[1].labels"},
		{"a NUL byte", in.ID, "", []arqir.AlertEvent{{DedupKey: "a\x00b", Status: arqir.AlertFiring}}, arqir.EUNPROCESSABLE, "alerts[0].dedup_key"},
		{"no alerts", in.ID, "", nil, arqir.EUNPROCESSABLE, "alerts"},
		{"an overlong request key", in.ID, strings.Repeat("k", arqir.MaxRequestKeyLen+1), []arqir.AlertEvent{ok}, arqir.EINVALID, "request_key"},
		{"unknown integration", 999999, "r", []arqir.AlertEvent{ok}, arqir.ENOTFOUND, ""},
		{"revoked integration", revoked.ID, "r", []arqir.AlertEvent{ok}, arqir.ENOTFOUND, ""},
	} {
		_, err := e.st.Ingest(e.ctx, tc.id, tc.key, tc.events)
		if arqir.ErrorCode(err) != tc.code || arqir.ErrorField(err) != tc.field {
			e.t.Errorf("%s: got %v, want %s on %q", tc.name, err, tc.code, tc.field)
		}
	}
	if n := len(e.allAlerts(arqir.AlertFilter{})); n != 0 {
		e.t.Fatalf("%d alerts stored by rejected requests", n)
	}
	e.wantIncidents(0, "rejected requests open nothing")
	// The revoked integration's key "r" was not stored either: after a new
	// integration takes it, nothing replays.
	if res := e.ingest(in, "r", ok); res.Replayed {
		e.t.Fatal("a rejected request's key was stored")
	}
}

func testIngestResolve(e *env) {
	in := e.prom()
	res := e.ingest(in, "", firing("fp-1", "alertname", "CPU"))
	inc := e.only(res)
	e.clock.Advance(10 * time.Minute)
	ended := Start.Add(8 * time.Minute)
	ev := resolvedEvent("fp-1")
	ev.EndsAt = ended
	res = e.ingest(in, "", ev)
	a := res.Alerts[0]
	if a.Status != arqir.AlertResolved || a.ResolvedAt == nil || !a.ResolvedAt.Equal(micro(ended)) || a.Count != 1 {
		e.t.Fatalf("resolved alert = %s at %v count %d", a.Status, a.ResolvedAt, a.Count)
	}
	if a.Summary != "Alert fp-1" || a.Labels["alertname"] != "CPU" {
		e.t.Fatalf("a resolve without labels or summary erased them: %q %v", a.Summary, a.Labels)
	}
	got := e.get(inc.ID)
	if got.Status != arqir.StatusInvestigating {
		e.t.Fatalf("a SEV3 incident resolved by itself: %s", got.Status)
	}
	events := e.timeline(inc.ID)
	last := events[len(events)-1]
	if last.Kind != arqir.EventAlertsResolved || !strings.HasPrefix(last.Message, "All 1 alert resolved") || last.Data["alerts"] != "1" {
		e.t.Fatalf("last event = %+v", last)
	}
	// A repeated resolve changes only when it was last seen.
	before := e.snap(inc.ID)
	e.clock.Advance(time.Minute)
	a2 := e.ingest(in, "", resolvedEvent("fp-1")).Alerts[0]
	if !a2.ResolvedAt.Equal(*a.ResolvedAt) || a2.Count != 1 || !a2.LastSeenAt.Equal(micro(Start.Add(11*time.Minute))) {
		e.t.Fatalf("repeated resolve = %+v", a2)
	}
	e.unchanged(before)
}

func testIngestUnknownResolve(e *env) {
	in := e.prom()
	res := e.ingest(in, "", resolvedEvent("never-fired"))
	a := res.Alerts[0]
	if a.Status != arqir.AlertResolved || a.IncidentID != nil || a.Count != 0 || len(res.Incidents) != 0 {
		e.t.Fatalf("resolve of an unknown alert = %+v, incidents %v", a, res.Incidents)
	}
	e.wantIncidents(0, "a resolve opens nothing")
	// It fires later: that opens an incident.
	res = e.ingest(in, "", firing("never-fired", "alertname", "CPU"))
	if a := res.Alerts[0]; a.Status != arqir.AlertFiring || a.Count != 1 || a.IncidentID == nil {
		e.t.Fatalf("first firing after a resolve = %+v", a)
	}
	e.wantIncidents(1, "its first firing opens one")
}

func testAlertsListing(e *env) {
	in := e.prom()
	other, _ := e.newIntegration(arqir.KindGeneric, "gen", "")
	var ids []int64
	for i := range 5 {
		ids = append(ids, e.ingest(in, "", firing(alertKeyN(i), "alertname", alertKeyN(i))).Alerts[0].ID)
	}
	e.ingest(in, "", resolvedEvent(alertKeyN(0)))
	ids = append(ids, e.ingest(other, "", firing("x", "alertname", "X")).Alerts[0].ID)

	var walked []int64
	f := arqir.AlertFilter{Limit: 2}
	for {
		page, err := e.st.Alerts(e.ctx, f)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, a := range page.Alerts {
			walked = append(walked, a.ID)
		}
		if page.Next == "" {
			break
		}
		f.Cursor = page.Next
	}
	want := []int64{ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}
	equal(e.t, "pages newest first", walked, want)

	if got := alertIDs(e.allAlerts(arqir.AlertFilter{Status: arqir.AlertResolved})); len(got) != 1 || got[0] != ids[0] {
		e.t.Fatalf("resolved alerts = %v", got)
	}
	if got := e.allAlerts(arqir.AlertFilter{IntegrationID: other.ID}); len(got) != 1 || got[0].ID != ids[5] {
		e.t.Fatalf("alerts of %s = %v", other.Name, alertIDs(got))
	}
	inc := e.incidentOf(e.alert(ids[2]))
	if got := e.allAlerts(arqir.AlertFilter{IncidentID: inc}); len(got) != 1 || got[0].ID != ids[2] {
		e.t.Fatalf("alerts of %s = %v", inc, alertIDs(got))
	}
	for _, f := range []arqir.AlertFilter{{Limit: -1}, {Limit: 501}, {Status: "pending"}, {Cursor: "nonsense"}} {
		_, err := e.st.Alerts(e.ctx, f)
		wantCode(e.t, err, arqir.EINVALID)
	}
	_, err := e.st.Alert(e.ctx, 999999)
	wantCode(e.t, err, arqir.ENOTFOUND)
}

// When Ingest returns, the alert and its incident are committed: another
// replica reads them at once.
func testIngestVisible(e *env) {
	in := e.prom()
	other := e.anotherWithAlertRules()
	for i := range 5 {
		res := e.ingest(in, "", firing(alertKeyN(i), "alertname", alertKeyN(i)))
		a, err := other.Alert(e.ctx, res.Alerts[0].ID)
		if err != nil {
			e.t.Fatalf("the replica does not see alert %d: %v", i, err)
		}
		if _, err := other.Incident(e.ctx, *a.IncidentID); err != nil {
			e.t.Fatalf("the replica does not see the incident of alert %d: %v", i, err)
		}
	}
}

func testIngestSweep(e *env) {
	in := e.prom()
	e.ingest(in, "req-1", firing("fp-1", "alertname", "CPU"))
	if n, err := e.st.SweepIngestRequests(e.ctx, Start.Add(arqir.IngestRequestRetention-time.Second)); err != nil || n != 0 {
		e.t.Fatalf("sweep before 24 h forgot %d (%v)", n, err)
	}
	if !e.ingest(in, "req-1", firing("fp-1", "alertname", "CPU")).Replayed {
		e.t.Fatal("a key younger than 24 h was not replayed")
	}
	if _, err := e.st.SweepDeadlines(e.ctx, Start.Add(arqir.IngestRequestRetention+time.Second)); err != nil {
		e.t.Fatal(err)
	}
	if e.ingest(in, "req-1", firing("fp-1", "alertname", "CPU")).Replayed {
		e.t.Fatal("the deadline sweep did not forget a key older than 24 h")
	}
	if n, err := e.st.SweepIngestRequests(e.ctx, Start.Add(48*time.Hour)); err != nil || n != 1 {
		e.t.Fatalf("sweep at 48 h forgot %d (%v), want the re-stored key", n, err)
	}
}

// A key derived from the request body stands for the sender's retries only
// (arqir.RetryKeyRetention): a PagerDuty trigger, resolved, then sent again
// byte for byte three hours later fires the alert again; within the
// retention the same body is a retry and a replay.
func testIngestBodyKeys(e *env) {
	in := e.prom()
	trigger := arqir.BodyKeyPrefix + "pagerduty:sha256:trigger"
	resolve := arqir.BodyKeyPrefix + "pagerduty:sha256:resolve"
	inc := e.only(e.ingest(in, trigger, firing("fp-1", "alertname", "CPU")))
	e.clock.Advance(arqir.RetryKeyRetention - time.Second)
	if !e.ingest(in, trigger, firing("fp-1", "alertname", "CPU")).Replayed {
		e.t.Fatal("the sender's retry within the retention was applied again")
	}
	e.ingest(in, resolve, resolvedEvent("fp-1"))

	e.clock.Advance(3 * time.Hour)
	res := e.ingest(in, trigger, firing("fp-1", "alertname", "CPU"))
	if a := res.Alerts[0]; res.Replayed || a.Status != arqir.AlertFiring || a.Count != 2 || e.incidentOf(a) != inc.ID {
		e.t.Fatalf("the same trigger 3 h after the resolve: replayed %v, alert %s count %d on %v; want it firing again on %s",
			res.Replayed, a.Status, a.Count, a.IncidentID, inc.ID)
	}
	if n := e.countKind(inc.ID, arqir.EventAlertFiredAgain); n != 1 {
		e.t.Fatalf("%d fired-again events, want 1", n)
	}
	// The same resolve again resolves it again.
	e.clock.Advance(time.Hour)
	if a := e.ingest(in, resolve, resolvedEvent("fp-1")).Alerts[0]; a.Status != arqir.AlertResolved {
		e.t.Fatalf("the same resolve an hour later left the alert %s", a.Status)
	}
	// The trigger's key was stored again with its new request: its retry
	// is a replay once more.
	e.clock.Advance(time.Minute)
	e.ingest(in, trigger, firing("fp-1", "alertname", "CPU"))
	if !e.ingest(in, trigger, firing("fp-1", "alertname", "CPU")).Replayed {
		e.t.Fatal("a retry of the re-sent trigger was applied again")
	}
}

// Every key expires after its own retention, 24 h for a key the sender
// chose, 10 min for a body key; an expired key is applied again whether
// or not a sweep has forgotten it, and the sweep forgets each key when it
// expires, not before.
func testIngestKeyExpiry(e *env) {
	in := e.prom()
	sender, body := "cloudwatch:id:m-1", arqir.BodyKeyPrefix+"generic:sha256:b"
	e.ingest(in, sender, firing("fp-1", "alertname", "CPU"))
	e.ingest(in, body, firing("fp-2", "alertname", "Memory"))
	if n, err := e.st.SweepIngestRequests(e.ctx, Start.Add(arqir.RetryKeyRetention-time.Second)); err != nil || n != 0 {
		e.t.Fatalf("sweep before 10 min forgot %d (%v)", n, err)
	}
	if n, err := e.st.SweepIngestRequests(e.ctx, Start.Add(arqir.RetryKeyRetention)); err != nil || n != 1 {
		e.t.Fatalf("sweep at 10 min forgot %d (%v), want the body key only", n, err)
	}

	e.clock.Advance(arqir.IngestRequestRetention - time.Second)
	if !e.ingest(in, sender, firing("fp-1", "alertname", "CPU")).Replayed {
		e.t.Fatal("a key the sender chose was forgotten within 24 h")
	}
	e.clock.Advance(time.Second) // 24 h: expired, though no sweep ran since
	res := e.ingest(in, sender, firing("fp-1", "alertname", "CPU"))
	if res.Replayed || res.Alerts[0].Count != 2 {
		e.t.Fatalf("a key 24 h old: replayed %v, count %d; want it applied", res.Replayed, res.Alerts[0].Count)
	}
	if !e.ingest(in, sender, firing("fp-1", "alertname", "CPU")).Replayed {
		e.t.Fatal("the key stored again with its new request was not replayed")
	}
	if n, err := e.st.SweepIngestRequests(e.ctx, e.clock.Now()); err != nil || n != 0 {
		e.t.Fatalf("sweep forgot %d (%v) fresh keys", n, err)
	}
}
