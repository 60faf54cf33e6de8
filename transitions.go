package arqir

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The functions below are the incident life cycle as pure decisions: they
// take the current state, the rules and `now`, change the incident in memory
// and return the timeline events to append. Stores call them inside the
// transaction that persists the result, so state and timeline never diverge.

// Limits on free text, so one request cannot bloat every page that lists it.
// The title counts characters (what a person sees); the others bytes.
const (
	MaxTitleLen = 200
	MaxTextLen  = 10000
	MaxNameLen  = 100
	MaxServices = 50
)

// AllServices stands for every service where a service is expected (the KPI
// rollup's all-services rows), so no service may be called that.
const AllServices = "*"

// NewIncident builds a declared incident (R2: INVESTIGATING, R3: severity
// required, R6: timeline starts) without an ID; the store assigns one.
func NewIncident(d Declaration, rules Rules, a Actor, now time.Time) (*Incident, []TimelineEvent, error) {
	title := strings.TrimSpace(d.Title)
	if title == "" {
		return nil, nil, FieldErrorf(EUNPROCESSABLE, "title", "title is required: say in a few words what is broken, e.g. \"Checkout errors\"")
	} else if n := utf8.RuneCountInString(title); n > MaxTitleLen {
		return nil, nil, FieldErrorf(EUNPROCESSABLE, "title", "title is %d characters; keep it under %d and put details in the summary", n, MaxTitleLen)
	}
	if len(d.Summary) > MaxTextLen {
		return nil, nil, FieldErrorf(EUNPROCESSABLE, "summary", "summary is over %d bytes", MaxTextLen)
	}
	sev, err := severityRule(rules, d.Severity)
	if err != nil {
		return nil, nil, err
	}
	services, err := cleanNames("services", d.Services, MaxServices)
	if err != nil {
		return nil, nil, err
	}
	det := d.Detection
	if det == (Detection{}) {
		det = Detection{Kind: DetectionManual, Source: SourceInternalObservation}
	}
	if err := det.Validate(); err != nil {
		return nil, nil, err
	}
	detected := now
	if d.DetectedAt != nil {
		detected = d.DetectedAt.UTC()
	}
	impact := detected
	if d.ImpactStartedAt != nil {
		impact = d.ImpactStartedAt.UTC()
	}
	switch {
	case detected.After(now):
		return nil, nil, FieldErrorf(EUNPROCESSABLE, "detected_at", "detected_at %s is in the future", detected.Format(time.RFC3339))
	case impact.After(detected):
		return nil, nil, FieldErrorf(EUNPROCESSABLE, "impact_started_at", "impact_started_at %s is after detected_at %s: impact cannot start after we knew of it", impact.Format(time.RFC3339), detected.Format(time.RFC3339))
	}
	if err := checkName("commander", d.Commander); err != nil {
		return nil, nil, err
	}

	inc := &Incident{
		Title: title, Summary: strings.TrimSpace(d.Summary), Severity: sev.Name,
		Status: StatusInvestigating, Services: services, Detection: det,
		ImpactStartedAt: impact, DetectedAt: detected, DeclaredAt: now,
		Commander: strings.TrimSpace(d.Commander), Responders: []string{},
		Drill: d.Drill, PolicyRevision: rules.Revision, Version: 1, UpdatedAt: now,
		Deadlines: []Deadline{{Kind: DeadlineResponse, DueAt: now.Add(sev.ResponseTarget)}},
	}
	if rules.Paging.Channel != "" {
		inc.Deadlines = append(inc.Deadlines, Deadline{Kind: DeadlineInitialNotice, DueAt: now.Add(rules.Paging.InitialWithin)})
	}
	inc.armUpdate(rules, now)
	for _, c := range rules.ChecklistFor(sev.Name) {
		inc.Checklist = append(inc.Checklist, ChecklistItem{ID: c.ID, Task: c.Task, DoneBy: c.DoneBy})
	}
	events := []TimelineEvent{newEvent(a, now, EventDeclared,
		fmt.Sprintf("Declared %s %q, status %s (respond within %s)", sev.Name, title, StatusInvestigating, sev.ResponseTarget),
		map[string]string{"severity": sev.Name, "status": string(StatusInvestigating), "detection": string(det.Kind) + ":" + det.Source})}
	if inc.Commander != "" {
		events = append(events, newEvent(a, now, EventRolesChanged, "Incident commander: "+inc.Commander, map[string]string{"commander": inc.Commander}))
	}
	events = append(events, inc.tick(ChecklistTriggerDeclare, SystemActor, now)...)
	return inc, events, nil
}

// Acknowledge records who took the incident and meets the response deadline.
func (inc *Incident) Acknowledge(a Actor, now time.Time) ([]TimelineEvent, error) {
	if !inc.Status.Open() {
		return nil, Errorf(EUNPROCESSABLE, "%s is resolved; reopen it before acknowledging", inc.ID)
	} else if inc.AcknowledgedAt != nil {
		return nil, Errorf(EUNPROCESSABLE, "%s was already acknowledged by %s at %s", inc.ID, inc.AcknowledgedBy, inc.AcknowledgedAt.Format(time.RFC3339))
	}
	inc.AcknowledgedAt, inc.AcknowledgedBy = &now, a.Name
	inc.meet(DeadlineResponse, now)
	inc.meet(DeadlinePageAck, now) // the page was answered: no further step (O4)
	msg := fmt.Sprintf("Acknowledged by %s after %s", a.Name, now.Sub(inc.DeclaredAt).Round(time.Second))
	events := []TimelineEvent{newEvent(a, now, EventAcknowledged, msg, nil)}
	return append(events, inc.tick(ChecklistTriggerAcknowledge, a, now)...), nil
}

// ChangeSeverity sets a new severity. An unmet response deadline is moved to
// the new severity's target, counted from the declaration: raising a stale
// SEV3 to SEV1 can breach at once, which is the truth.
func (inc *Incident) ChangeSeverity(rules Rules, severity, reason string, a Actor, now time.Time) ([]TimelineEvent, error) {
	sev, err := severityRule(rules, severity)
	if err != nil {
		return nil, err
	} else if !inc.Status.Open() {
		return nil, Errorf(EUNPROCESSABLE, "%s is resolved; reopen it before changing its severity", inc.ID)
	} else if sev.Name == inc.Severity {
		return nil, FieldErrorf(EUNPROCESSABLE, "severity", "%s is already %s", inc.ID, sev.Name)
	} else if len(reason) > MaxTextLen {
		return nil, FieldErrorf(EUNPROCESSABLE, "reason", "reason is over %d bytes", MaxTextLen)
	}
	from := inc.Severity
	inc.Severity = sev.Name
	for i, d := range inc.Deadlines {
		if d.Kind == DeadlineResponse && d.Pending() {
			inc.Deadlines[i].DueAt = inc.DeclaredAt.Add(sev.ResponseTarget)
		}
		// A level that needs no status updates drops the pending ones (C2).
		if (d.Kind == DeadlineStatusUpdate || d.Kind == DeadlineUpdateOverdue) && d.Pending() && !rules.Paging.NeedsUpdates(sev.Name) {
			inc.Deadlines[i].CancelledAt = &now
		}
	}
	inc.armUpdate(rules, now)
	msg := fmt.Sprintf("Severity %s → %s", from, sev.Name)
	if r := strings.TrimSpace(reason); r != "" {
		msg += ": " + r
	}
	return []TimelineEvent{newEvent(a, now, EventSeverityChanged, msg, map[string]string{"from": from, "to": sev.Name})}, nil
}

// ChangeStatus moves an open incident to another open status. Going back is
// allowed (a fix under MONITORING that did not hold returns to
// INVESTIGATING); resolving needs Resolve and its required fields.
func (inc *Incident) ChangeStatus(to Status, note string, a Actor, now time.Time) ([]TimelineEvent, error) {
	switch {
	case !inc.Status.Open():
		return nil, FieldErrorf(EUNPROCESSABLE, "status", "%s is RESOLVED: reopen it instead of moving it to %s", inc.ID, to)
	case to == StatusResolved:
		return nil, FieldErrorf(EUNPROCESSABLE, "status", "resolving needs a root cause and the customer impact: use resolve, not a status change")
	case to == inc.Status:
		return nil, FieldErrorf(EUNPROCESSABLE, "status", "%s is already %s", inc.ID, to)
	case !slices.Contains(Statuses, to):
		return nil, FieldErrorf(EUNPROCESSABLE, "status", "unknown status %q: use INVESTIGATING, IDENTIFIED or MONITORING", to)
	case len(note) > MaxTextLen:
		return nil, FieldErrorf(EUNPROCESSABLE, "note", "note is over %d bytes", MaxTextLen)
	}
	from := inc.Status
	inc.Status = to
	msg := fmt.Sprintf("Status %s → %s", from, to)
	if n := strings.TrimSpace(note); n != "" {
		msg += ": " + n
	}
	return []TimelineEvent{newEvent(a, now, EventStatusChanged, msg, map[string]string{"from": string(from), "to": string(to)})}, nil
}

// AssignRoles sets the commander and adds or removes responders.
func (inc *Incident) AssignRoles(r RoleChange, a Actor, now time.Time) ([]TimelineEvent, error) {
	add, err := cleanNames("add_responders", r.AddResponders, MaxServices)
	if err != nil {
		return nil, err
	}
	remove, err := cleanNames("remove_responders", r.RemoveResponders, MaxServices)
	if err != nil {
		return nil, err
	}
	var parts []string
	data := map[string]string{}
	if r.Commander != nil {
		c := strings.TrimSpace(*r.Commander)
		if err := checkName("commander", c); err != nil {
			return nil, err
		}
		if c != inc.Commander {
			inc.Commander = c
			data["commander"] = c
			if c == "" {
				parts = append(parts, "incident commander cleared")
			} else {
				parts = append(parts, "incident commander: "+c)
			}
		}
	}
	for _, n := range add {
		if !slices.Contains(inc.Responders, n) {
			inc.Responders = append(inc.Responders, n)
			parts = append(parts, "responder added: "+n)
		}
	}
	for _, n := range remove {
		if i := slices.Index(inc.Responders, n); i >= 0 {
			inc.Responders = slices.Delete(inc.Responders, i, i+1)
			parts = append(parts, "responder removed: "+n)
		}
	}
	if len(parts) == 0 {
		return nil, Errorf(EUNPROCESSABLE, "the role change changes nothing: name a different commander or responders to add or remove")
	}
	data["responders"] = strings.Join(inc.Responders, ",")
	msg := strings.ToUpper(parts[0][:1]) + strings.Join(parts, "; ")[1:]
	return []TimelineEvent{newEvent(a, now, EventRolesChanged, msg, data)}, nil
}

// AddNote appends a free-text note to the timeline.
func (inc *Incident) AddNote(text string, a Actor, now time.Time) ([]TimelineEvent, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return nil, FieldErrorf(EUNPROCESSABLE, "text", "the note is empty: write what you saw or did")
	} else if len(t) > MaxTextLen {
		return nil, FieldErrorf(EUNPROCESSABLE, "text", "the note is over %d bytes", MaxTextLen)
	}
	return []TimelineEvent{newEvent(a, now, EventNote, t, nil)}, nil
}

// TickChecklist marks a checklist item done by a person.
func (inc *Incident) TickChecklist(item string, a Actor, now time.Time) ([]TimelineEvent, error) {
	for i := range inc.Checklist {
		c := &inc.Checklist[i]
		if !strings.EqualFold(c.ID, item) {
			continue
		} else if c.Done {
			return nil, Errorf(EUNPROCESSABLE, "checklist item %s of %s was already done by %s", c.ID, inc.ID, c.Who)
		} else if c.DoneBy == ChecklistTriggerAcknowledge {
			return nil, Errorf(EUNPROCESSABLE, "checklist item %s is done by acknowledging %s: acknowledge it instead", c.ID, inc.ID)
		} else if c.DoneBy == ChecklistTriggerDeclare {
			return nil, Errorf(EUNPROCESSABLE, "checklist item %s is done by arqir when an incident is declared", c.ID)
		}
		c.Done, c.DoneAt, c.Who = true, &now, a.Name
		return []TimelineEvent{checklistEvent(*c, a, now)}, nil
	}
	return nil, FieldErrorf(ENOTFOUND, "item", "%s has no checklist item %q", inc.ID, item)
}

// Resolve closes the incident (C3 needs the root cause and customer impact).
func (inc *Incident) Resolve(r Resolution, a Actor, now time.Time) ([]TimelineEvent, error) {
	rc, ci := strings.TrimSpace(r.RootCause), strings.TrimSpace(r.CustomerImpact)
	switch {
	case !inc.Status.Open():
		return nil, Errorf(EUNPROCESSABLE, "%s is already resolved", inc.ID)
	case rc == "":
		return nil, FieldErrorf(EUNPROCESSABLE, "root_cause", "root_cause is required to resolve: summarise what caused the incident (the resolution notice and the RCA start from it)")
	case ci == "":
		return nil, FieldErrorf(EUNPROCESSABLE, "customer_impact", "customer_impact is required to resolve: say who was affected and how, or \"none\"")
	case len(rc) > MaxTextLen || len(ci) > MaxTextLen:
		return nil, Errorf(EUNPROCESSABLE, "root_cause and customer_impact must each be under %d bytes", MaxTextLen)
	}
	from := inc.Status
	inc.Status, inc.ResolvedAt = StatusResolved, &now
	// A false-positive verdict given earlier stands (K5): resolving can add
	// one, never take one away.
	inc.RootCause, inc.CustomerImpact = rc, ci
	inc.FalsePositive = inc.FalsePositive || r.FalsePositive
	// A deadline still running at resolution is moot: neither met nor breached.
	for i, d := range inc.Deadlines {
		if d.Pending() {
			inc.Deadlines[i].CancelledAt = &now
		}
	}
	msg := fmt.Sprintf("Resolved after %s. Root cause: %s. Customer impact: %s", now.Sub(inc.DeclaredAt).Round(time.Second), rc, ci)
	if r.FalsePositive {
		msg += " (false positive)"
	}
	data := map[string]string{"from": string(from), "to": string(StatusResolved), "false_positive": fmt.Sprint(r.FalsePositive)}
	return []TimelineEvent{newEvent(a, now, EventResolved, msg, data)}, nil
}

// Reopen returns a resolved incident to INVESTIGATING. A reopened incident
// is live again and nobody owns it yet: it needs a new acknowledgement
// within its severity's response target, like a new one. The earlier
// acknowledgement and resolution stay on the timeline.
func (inc *Incident) Reopen(rules Rules, reason string, a Actor, now time.Time) ([]TimelineEvent, error) {
	r := strings.TrimSpace(reason)
	switch {
	case inc.Status.Open():
		return nil, Errorf(EUNPROCESSABLE, "%s is open (%s); only a resolved incident can be reopened", inc.ID, inc.Status)
	case r == "":
		return nil, FieldErrorf(EUNPROCESSABLE, "reason", "say why the incident is reopened")
	case len(r) > MaxTextLen:
		return nil, FieldErrorf(EUNPROCESSABLE, "reason", "reason is over %d bytes", MaxTextLen)
	}
	target := inc.Deadlines[0].DueAt.Sub(inc.DeclaredAt) // the target it was declared with
	if sev, ok := rules.Severity(inc.Severity); ok {
		target = sev.ResponseTarget
	}
	inc.Status, inc.ResolvedAt = StatusInvestigating, nil
	inc.AcknowledgedAt, inc.AcknowledgedBy = nil, ""
	// The RCA waits for the next resolution, which sets its new deadline.
	for i, d := range inc.Deadlines {
		if d.Kind == DeadlineRCA && d.Pending() {
			inc.Deadlines[i].CancelledAt = &now
		}
	}
	// The false-positive verdict is about the alerts that opened it and
	// stays; the resolution texts were about the fix that did not hold.
	inc.RootCause, inc.CustomerImpact = "", ""
	inc.Deadlines = append(inc.Deadlines, Deadline{Kind: DeadlineResponse, DueAt: now.Add(target)})
	inc.armUpdate(rules, now)
	msg := fmt.Sprintf("Reopened: %s (acknowledge again within %s)", r, target)
	return []TimelineEvent{newEvent(a, now, EventReopened, msg, map[string]string{"from": string(StatusResolved), "to": string(StatusInvestigating)})}, nil
}

// BreachDue marks every pending deadline due at or before now as breached.
func (inc *Incident) BreachDue(now time.Time) []TimelineEvent {
	var events []TimelineEvent
	for i, d := range inc.Deadlines {
		if d.Pending() && !d.DueAt.After(now) {
			inc.Deadlines[i].BreachedAt = &now
			msg := fmt.Sprintf("Deadline breached: %s due %s (%s %s target) passed unmet", d.Kind, d.DueAt.Format(time.RFC3339), inc.Severity, d.DueAt.Sub(inc.DeclaredAt))
			switch d.Kind {
			case DeadlinePageAck:
				msg = fmt.Sprintf("Deadline breached: the step %d page was not acknowledged by %s", d.Step, d.DueAt.Format(time.RFC3339))
			case DeadlineStatusUpdate:
				msg = fmt.Sprintf("Deadline breached: a status update was due %s and none was posted", d.DueAt.Format(time.RFC3339))
			case DeadlineUpdateOverdue:
				msg = fmt.Sprintf("Deadline breached: still no status update by %s", d.DueAt.Format(time.RFC3339))
			case DeadlineInitialNotice:
				msg = fmt.Sprintf("Deadline breached: the initial notice was not delivered by %s", d.DueAt.Format(time.RFC3339))
			case DeadlineRCA:
				msg = fmt.Sprintf("Deadline breached: the RCA meeting was not held by %s (P1)", d.DueAt.Format(time.RFC3339))
			}
			data := map[string]string{"deadline": d.Kind, "due_at": d.DueAt.Format(time.RFC3339Nano)}
			if d.Step > 0 {
				data["step"] = fmt.Sprint(d.Step)
			}
			events = append(events, newEvent(SystemActor, now, EventDeadlineBreached, msg, data))
		}
	}
	return events
}

// meet marks the pending deadline of a kind as met.
func (inc *Incident) meet(kind string, now time.Time) {
	for i, d := range inc.Deadlines {
		if d.Kind == kind && d.Pending() {
			if now.After(d.DueAt) {
				// Late, and no sweep noticed yet (a restart, a failing
				// sweep): it was missed, whatever happens now.
				inc.Deadlines[i].BreachedAt = &now
			} else {
				inc.Deadlines[i].MetAt = &now
			}
		}
	}
}

// tick marks done every open checklist item the trigger performs.
func (inc *Incident) tick(trigger string, a Actor, now time.Time) []TimelineEvent {
	var events []TimelineEvent
	for i := range inc.Checklist {
		c := &inc.Checklist[i]
		if c.DoneBy == trigger && !c.Done {
			c.Done, c.DoneAt, c.Who = true, &now, a.Name
			events = append(events, checklistEvent(*c, a, now))
		}
	}
	return events
}

func checklistEvent(c ChecklistItem, a Actor, now time.Time) TimelineEvent {
	return newEvent(a, now, EventChecklistTicked, fmt.Sprintf("Checklist %s done: %s", c.ID, c.Task), map[string]string{"item": c.ID})
}

func newEvent(a Actor, now time.Time, kind, msg string, data map[string]string) TimelineEvent {
	return TimelineEvent{At: now, Kind: kind, Actor: a.Name, Source: a.Source, Message: msg, Data: data}
}

func severityRule(rules Rules, name string) (SeverityRule, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return SeverityRule{}, FieldErrorf(EUNPROCESSABLE, "severity", "severity is required (R3): use one of %s", strings.Join(rules.SeverityNames(), ", "))
	}
	for _, s := range rules.Severities {
		if strings.EqualFold(s.Name, n) || strings.EqualFold(strings.ReplaceAll(s.Name, " ", ""), strings.ReplaceAll(n, " ", "")) {
			return s, nil
		}
	}
	return SeverityRule{}, FieldErrorf(EUNPROCESSABLE, "severity", "the policy has no severity %q: use one of %s", n, strings.Join(rules.SeverityNames(), ", "))
}

func checkName(field, s string) error {
	if len(s) > MaxNameLen {
		return FieldErrorf(EUNPROCESSABLE, field, "%s is over %d bytes", field, MaxNameLen)
	}
	return nil
}

// cleanNames trims, drops empties and duplicates, and bounds a list of names.
func cleanNames(field string, in []string, max int) ([]string, error) {
	out := []string{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || slices.Contains(out, s) {
			continue
		} else if field == "services" && s == AllServices {
			return nil, FieldErrorf(EUNPROCESSABLE, field, "%q is not a service name: it means every service in the KPIs; name the service", s)
		} else if err := checkName(field, s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) > max {
		return nil, FieldErrorf(EUNPROCESSABLE, field, "%s has %d entries; at most %d", field, len(out), max)
	}
	return out, nil
}
