package api

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/arqir/arqir"
)

// ReportSeverity is the severity a report opens its incident at when the
// reporter gives none: SEV3 (partial feature unavailability) is what a
// customer or user usually sees, and the first responder re-assigns the
// level anyway (R3). The policy has no field for it yet; a policy without
// SEV3 uses its routing default severity, else its least severe one.
const ReportSeverity = "SEV3"

// A reporter token (customer support) may estimate a severity, but not
// declare the most severe level: a SEV1 pages every responder and, by the
// procedures, notifies the executives, which is the responders' call (R3).
// So a reporter's severity is capped at the policy's second level (SEV2 in
// the ARQ policy: response within 15 minutes, so a real outage is still
// answered fast); the estimate itself is kept in the incident's summary,
// and a responder raises the severity if they agree. Responders and
// admins, who may declare incidents anyway, file reports at any severity.
// The cap is not a policy field yet: it is the policy's order of levels.

// maxContactLen bounds reporter_contact: an email, a phone number or a
// ticket reference.
const maxContactLen = 500

// reportSources are where a report may come from (D5). Internal team
// observations are declared by responders (POST /api/v1/incidents).
var reportSources = map[string]string{
	arqir.SourceCustomerSupport: "customer support",
	arqir.SourceUserReport:      "a user",
}

// reportRequest is the body of POST /api/v1/reports.
type reportRequest struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	// Severity is the reporter's estimate; default ReportSeverity. A
	// reporter token opens at reporterMaxSeverity at most.
	Severity string   `json:"severity"`
	Services []string `json:"services"`
	// Source is customer_support or user_report.
	Source string `json:"source"`
	// ReporterContact is whom responders get back to: the customer's email,
	// a phone number or the support ticket.
	ReporterContact string `json:"reporter_contact"`
	// IncidentID, when set, adds the report to that open incident's
	// timeline instead of opening a new incident. An unknown incident and
	// one that is not open are refused alike (404).
	IncidentID string `json:"incident_id"`
}

// reportReceipt is the answer to a report. It names the incident without
// showing it: a reporter may not read incidents.
type reportReceipt struct {
	IncidentID arqir.IncidentID `json:"incident_id"`
	// Opened is true when the report opened the incident, false when it
	// was added to an open one.
	Opened bool `json:"opened"`
	// Severity is the severity the incident opened at; empty when the
	// report was added to an open incident.
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// handleReport files a report from customer support or a user (D5): it
// declares an incident detected manually from that source, or, with
// incident_id, adds a note to that open incident. 201 when it opened an
// incident, 200 when it added to one.
func (s *server) handleReport(w http.ResponseWriter, r *http.Request) error {
	var req reportRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	if err := req.check(); err != nil {
		return err
	}
	actor, err := actorOf(r)
	if err != nil {
		return err
	}
	if strings.TrimSpace(req.IncidentID) != "" {
		return s.addReport(w, r, req, actor)
	}
	rules := s.policies.Rules()
	sev := strings.TrimSpace(req.Severity)
	if sev == "" {
		sev = reportSeverity(rules)
	}
	summary := fmt.Sprintf("%s\n\nReported by %s from %s; contact: %s", strings.TrimSpace(req.Description), actor.Name, reportSources[req.Source], strings.TrimSpace(req.ReporterContact))
	capped := ""
	if t := tokenOf(r); t != nil && t.Role == arqir.RoleReporter {
		if ceiling := reporterMaxSeverity(rules); severityIndex(rules, sev) >= 0 && severityIndex(rules, sev) < severityIndex(rules, ceiling) {
			capped = fmt.Sprintf(" The report estimated %s; a report opens at %s at most, and a responder raises it if they agree.", sev, ceiling)
			summary += fmt.Sprintf("\nThe reporter estimates %s (reports open at %s at most).", sev, ceiling)
			sev = ceiling
		}
	}
	inc, err := s.store.Declare(r.Context(), arqir.Declaration{
		Title:     req.Title,
		Summary:   summary,
		Severity:  sev,
		Services:  req.Services,
		Detection: arqir.Detection{Kind: arqir.DetectionManual, Source: req.Source},
	}, actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, reportReceipt{
		IncidentID: inc.ID, Opened: true, Severity: inc.Severity,
		Message: fmt.Sprintf("Opened %s at %s; responders take it from here.%s Quote %s when you follow up.", inc.ID, inc.Severity, capped, inc.ID),
	})
	return nil
}

// addReport adds a report to an open incident's timeline as a note.
func (s *server) addReport(w http.ResponseWriter, r *http.Request, req reportRequest, actor arqir.Actor) error {
	id, err := arqir.ParseIncidentID(req.IncidentID)
	if err != nil {
		return arqir.FieldErrorf(arqir.EINVALID, "incident_id", "%s", arqir.ErrorMessage(err))
	}
	// An unknown incident and one that is not open get the same answer: a
	// reporter may not read incidents, and telling the two apart would let
	// it probe which exist and whether they are resolved.
	notOpen := arqir.FieldErrorf(arqir.ENOTFOUND, "incident_id", "%s is not an open incident: file the report without incident_id to open a new incident", id)
	inc, err := s.store.Incident(r.Context(), id)
	if arqir.ErrorCode(err) == arqir.ENOTFOUND {
		return notOpen
	} else if err != nil {
		return err
	}
	if !inc.Status.Open() {
		return notOpen
	}
	note := fmt.Sprintf("Report from %s: %s: %s (contact: %s)", reportSources[req.Source], strings.TrimSpace(req.Title), strings.TrimSpace(req.Description), strings.TrimSpace(req.ReporterContact))
	if sev := strings.TrimSpace(req.Severity); sev != "" {
		note += fmt.Sprintf(" (the reporter estimates %s)", sev)
	}
	if len(req.Services) > 0 {
		note += fmt.Sprintf(" (services: %s)", strings.Join(req.Services, ", "))
	}
	if _, err := s.store.AddNote(r.Context(), id, note, arqir.Change{Actor: actor}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reportReceipt{
		IncidentID: id, Message: fmt.Sprintf("Added your report to %s, which responders are already handling.", id),
	})
	return nil
}

// check refuses a report that responders could not act on. Title, severity
// and services are checked by the declaration itself.
func (req *reportRequest) check() error {
	req.Source = strings.TrimSpace(req.Source)
	switch {
	case req.Source == "":
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "source", "say where the report comes from: source customer_support or user_report")
	case reportSources[req.Source] == "":
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "source", "unknown report source %q: use customer_support or user_report (internal observations are declared: arqir incident declare)", req.Source)
	case strings.TrimSpace(req.Title) == "":
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "title", "a report needs a title that says what is broken, e.g. \"Customers cannot pay by card\"")
	case utf8.RuneCountInString(req.Title) > arqir.MaxTitleLen:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "title", "the title is %d characters; keep it under %d and put the rest in the description", utf8.RuneCountInString(req.Title), arqir.MaxTitleLen)
	case strings.TrimSpace(req.Description) == "":
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "description", "a report needs a description: what the customer or user saw, since when, and how many are affected")
	case len(req.Description) > arqir.MaxTextLen-1000:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "description", "the description is %d bytes; keep it under %d and link to the ticket for the rest", len(req.Description), arqir.MaxTextLen-1000)
	case strings.TrimSpace(req.ReporterContact) == "":
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "reporter_contact", "say whom responders get back to: the customer's email, a phone number or the ticket, e.g. ZD-4411")
	case len(req.ReporterContact) > maxContactLen:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "reporter_contact", "the contact is %d bytes; give an email, a phone number or a ticket reference (at most %d bytes)", len(req.ReporterContact), maxContactLen)
	}
	return nil
}

// reporterMaxSeverity is the most severe level a reporter token may open a
// report at: the policy's second level (SEV2), or its only one.
func reporterMaxSeverity(rules arqir.Rules) string {
	switch n := len(rules.Severities); {
	case n > 1:
		return rules.Severities[1].Name
	case n == 1:
		return rules.Severities[0].Name
	}
	return ""
}

// severityIndex is the position of a severity in the policy, most severe
// first, matched as the declaration matches it (case and spaces aside);
// -1 when the policy has no such severity.
func severityIndex(rules arqir.Rules, name string) int {
	n := strings.ReplaceAll(strings.TrimSpace(name), " ", "")
	for i, s := range rules.Severities {
		if n != "" && strings.EqualFold(strings.ReplaceAll(s.Name, " ", ""), n) {
			return i
		}
	}
	return -1
}

// reportSeverity is the severity of a report that names none.
func reportSeverity(rules arqir.Rules) string {
	for _, name := range []string{ReportSeverity, rules.Routing.DefaultSeverity} {
		if _, ok := rules.Severity(name); ok && name != "" {
			return name
		}
	}
	if n := len(rules.Severities); n > 0 {
		return rules.Severities[n-1].Name
	}
	return ReportSeverity
}
