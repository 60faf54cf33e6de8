package arqir

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Timeline event kinds of alert-driven changes (D1–D4) and noise verdicts (K5).
const (
	EventAlertAttached      = "alert_attached"       // an alert joined the incident
	EventAlertFiredAgain    = "alert_fired_again"    // an alert of the open incident fired again after resolving
	EventAlertsResolved     = "alerts_resolved"      // every alert of the incident has resolved
	EventFalsePositive      = "false_positive"       // a responder judged the incident noise
	EventAlertFalsePositive = "alert_false_positive" // a responder judged one of its alerts noise
)

// What an auto-resolved incident records as its resolution (C3 requires
// both texts; these say plainly that no person assessed them).
const (
	AutoResolvedRootCause = "Auto-resolved: all alerts resolved"
	AutoResolvedImpact    = "Not assessed (auto-resolved)"
)

// AlertActor is who changes an incident on behalf of an integration's
// alerts: the integration, named "<kind>:<name>", through the API.
func AlertActor(in *Integration) Actor {
	return Actor{Name: string(in.Kind) + ":" + in.Name, Source: SourceAPI}
}

// AlertDetection is the detection record of an incident opened by an
// integration's alert (K4): automated, with the integration as the source.
func AlertDetection(in *Integration) Detection {
	return Detection{Kind: DetectionAutomated, Source: string(in.Kind) + ":" + in.Name}
}

// NewIncidentFromAlert builds the incident a firing alert opens: detected
// automatically by the integration, at the alert's routed severity and
// service, titled after the alert, with impact starting when the alert's
// condition began and detection now (the first alert was received now).
// The timeline holds the declaration and the alert's attachment.
func NewIncidentFromAlert(a *Alert, in *Integration, rules Rules, now time.Time) (*Incident, []TimelineEvent, error) {
	impact := a.StartedAt
	if impact.After(now) {
		impact = now
	}
	summary := strings.TrimSpace(a.Annotations["description"])
	if summary == "" {
		summary = a.Summary
	}
	d := Declaration{
		Title:           a.Title(),
		Summary:         truncateBytes(summary, MaxTextLen),
		Severity:        a.Severity,
		Detection:       AlertDetection(in),
		DetectedAt:      &now,
		ImpactStartedAt: &impact,
	}
	if a.Service != "" {
		d.Services = []string{a.Service}
	}
	inc, events, err := NewIncident(d, rules, AlertActor(in), now)
	if err != nil {
		return nil, nil, fmt.Errorf("open an incident for alert %q: %w", a.DedupKey, err)
	}
	return inc, append(events, inc.AttachAlert(a, AlertActor(in), now)...), nil
}

// AttachAlert records that a firing alert joined the incident: its service
// joins the incident's services, and an earlier condition start moves the
// impact start back (impact starts with the earliest alert).
func (inc *Incident) AttachAlert(a *Alert, by Actor, now time.Time) []TimelineEvent {
	inc.JoinAlert(a)
	return []TimelineEvent{AlertAttachedEvent(a, by, now)}
}

// JoinAlert is AttachAlert without its timeline event, for a caller that
// records a run of attachments as one event and builds AlertAttachedEvent
// only for an attachment left alone.
func (inc *Incident) JoinAlert(a *Alert) {
	if a.Service != "" && !slices.Contains(inc.Services, a.Service) && len(inc.Services) < MaxServices {
		inc.Services = append(inc.Services, a.Service)
	}
	if a.StartedAt.Before(inc.ImpactStartedAt) {
		inc.ImpactStartedAt = a.StartedAt
	}
}

// AlertAttachedEvent is the timeline event of one alert's attachment.
func AlertAttachedEvent(a *Alert, by Actor, now time.Time) TimelineEvent {
	msg := fmt.Sprintf("Alert %q attached: %s, firing since %s", a.Title(), a.Severity, a.StartedAt.Format(time.RFC3339))
	return newEvent(by, now, EventAlertAttached, msg, alertData(a))
}

// AlertFiredAgain records that an alert of the open incident resolved and
// fired again (a flap): no new incident, one line on the timeline.
func (inc *Incident) AlertFiredAgain(a *Alert, by Actor, now time.Time) []TimelineEvent {
	if a.StartedAt.Before(inc.ImpactStartedAt) {
		inc.ImpactStartedAt = a.StartedAt
	}
	msg := fmt.Sprintf("Alert %q fired again (notification %d)", a.Title(), a.Count)
	return []TimelineEvent{newEvent(by, now, EventAlertFiredAgain, msg, alertData(a))}
}

// RaiseSeverityForAlert raises an open incident to the severity its alert
// was routed to, when that one is more severe: a critical alert joining a
// SEV3 group's incident makes it a SEV1 (how joins the message, e.g.
// "attached" or "fired again"). It never lowers a severity: lowering is a
// responder's judgement (R3). The pending response deadline keeps its
// start (the declaration, or the latest reopening) and takes the new
// target, as ChangeSeverity re-targets it: a SEV3 raised to SEV1 ten
// minutes after its declaration is overdue at once, which is the truth. An
// alert or incident severity the rules do not know changes nothing.
func (inc *Incident) RaiseSeverityForAlert(rules Rules, a *Alert, how string, by Actor, now time.Time) []TimelineEvent {
	if !inc.Status.Open() {
		return nil
	}
	to, from := slices.Index(rules.SeverityNames(), a.Severity), slices.Index(rules.SeverityNames(), inc.Severity)
	if to < 0 || from < 0 || to >= from {
		return nil
	}
	old, sev := rules.Severities[from], rules.Severities[to]
	inc.Severity = sev.Name
	// A new list, not the old one changed in place: a copy of the incident
	// taken before (the store's undo of a request) keeps its deadlines.
	inc.Deadlines = slices.Clone(inc.Deadlines)
	for i, d := range inc.Deadlines {
		if d.Kind == DeadlineResponse && d.Pending() {
			inc.Deadlines[i].DueAt = d.DueAt.Add(sev.ResponseTarget - old.ResponseTarget)
		}
	}
	msg := fmt.Sprintf("Severity %s → %s: alert %q %s (respond within %s)", old.Name, sev.Name, a.Title(), how, sev.ResponseTarget)
	data := alertData(a)
	data["from"], data["to"] = old.Name, sev.Name
	return []TimelineEvent{newEvent(by, now, EventSeverityChanged, msg, data)}
}

// ReopenForAlert reopens a resolved incident because one of its group's
// alerts fired again within the policy's reopen window; the reason names
// the alert and how long after the resolution it fired.
func (inc *Incident) ReopenForAlert(rules Rules, a *Alert, by Actor, now time.Time) ([]TimelineEvent, error) {
	after := ""
	if inc.ResolvedAt != nil {
		after = " " + now.Sub(*inc.ResolvedAt).Round(time.Second).String() + " after the incident resolved"
	}
	return inc.Reopen(rules, fmt.Sprintf("alert %q fired again%s", a.Title(), after), by, now)
}

// ReopenWindowOpen reports whether a resolved incident may still be reopened
// by its alerts at now rather than replaced by a new incident.
func (inc *Incident) ReopenWindowOpen(r RoutingRules, now time.Time) bool {
	return !inc.Status.Open() && inc.ResolvedAt != nil && r.ReopenWithin > 0 && now.Sub(*inc.ResolvedAt) < r.ReopenWithin
}

// AlertsAllResolved records that all n alerts of the incident have resolved.
// With autoResolve (the policy's choice for the incident's severity) an open
// incident resolves, by arqir, with AutoResolvedRootCause and
// AutoResolvedImpact; otherwise it stays open for a person to confirm the
// service is restored (C3).
func (inc *Incident) AlertsAllResolved(n int, autoResolve bool, by Actor, now time.Time) ([]TimelineEvent, error) {
	msg := fmt.Sprintf("All %d alerts resolved", n)
	if n == 1 {
		msg = "All 1 alert resolved"
	}
	data := map[string]string{"alerts": strconv.Itoa(n), "auto_resolve": strconv.FormatBool(autoResolve)}
	switch {
	case !inc.Status.Open():
	case autoResolve:
		msg += ": resolving automatically as the policy says for " + inc.Severity
	default:
		msg += ": confirm the service is restored and resolve the incident (" + inc.Severity + " does not auto-resolve)"
	}
	events := []TimelineEvent{newEvent(by, now, EventAlertsResolved, msg, data)}
	if !inc.Status.Open() || !autoResolve {
		return events, nil
	}
	resolved, err := inc.Resolve(Resolution{RootCause: AutoResolvedRootCause, CustomerImpact: AutoResolvedImpact}, SystemActor, now)
	if err != nil {
		return nil, err
	}
	return append(events, resolved...), nil
}

// MarkFalsePositive records a responder's verdict that the incident was
// noise (K5). It is allowed open or resolved: the verdict often comes in the
// review after resolution.
func (inc *Incident) MarkFalsePositive(reason string, a Actor, now time.Time) ([]TimelineEvent, error) {
	r := strings.TrimSpace(reason)
	switch {
	case r == "":
		return nil, FieldErrorf(EUNPROCESSABLE, "reason", "say why %s was a false positive (the K5 review reads it)", inc.ID)
	case len(r) > MaxTextLen:
		return nil, FieldErrorf(EUNPROCESSABLE, "reason", "reason is over %d bytes", MaxTextLen)
	case inc.FalsePositive && inc.FalsePositiveReason != "":
		return nil, Errorf(EUNPROCESSABLE, "%s is already marked a false positive: %s", inc.ID, inc.FalsePositiveReason)
	}
	inc.FalsePositive, inc.FalsePositiveReason = true, r
	return []TimelineEvent{newEvent(a, now, EventFalsePositive, "Marked a false positive: "+r, map[string]string{"false_positive": "true"})}, nil
}

// AlertMarkedFalsePositive records on the incident's timeline that a
// responder judged one of its alerts noise.
func (inc *Incident) AlertMarkedFalsePositive(al *Alert, a Actor, now time.Time) []TimelineEvent {
	msg := fmt.Sprintf("Alert %q marked a false positive: %s", al.Title(), al.FalsePositiveReason)
	return []TimelineEvent{newEvent(a, now, EventAlertFalsePositive, msg, alertData(al))}
}

// alertData are the facts of an alert event; "alert_id" is absent while the
// alert has no ID yet (the store adds it once it has one).
func alertData(a *Alert) map[string]string {
	d := map[string]string{
		"dedup_key":      a.DedupKey,
		"integration_id": strconv.FormatInt(a.IntegrationID, 10),
		"severity":       a.Severity,
	}
	if a.ID != 0 {
		d["alert_id"] = strconv.FormatInt(a.ID, 10)
	}
	if a.Service != "" {
		d["service"] = a.Service
	}
	return d
}

// truncateBytes cuts s to at most n bytes without splitting a character.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
