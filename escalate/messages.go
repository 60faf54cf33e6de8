package escalate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// The messages, one builder per purpose. Labels are the procedures' words
// (C1: what, when, severity, status; C2: current status, investigating,
// findings, ETA; C3: service restored, root cause, duration, customer
// impact); times are RFC 3339 in UTC, so every reader converts them the
// same way.

// Field labels of the messages.
const (
	LabelWhat            = "What"             // C1: the title, and the summary if any
	LabelWhen            = "When"             // C1: when the impact started
	LabelSeverity        = "Severity"         // C1: e.g. SEV1
	LabelStatus          = "Status"           // C1: e.g. INVESTIGATING
	LabelServices        = "Services"         // the incident's services, comma-separated
	LabelDetectedBy      = "Detected by"      // the alert source or manual source, and the kind
	LabelAcknowledgedBy  = "Acknowledged by"  // who took the incident, and when
	LabelWarRoom         = "War room"         // the war-room link (R5)
	LabelStep            = "Step"             // a page's step of the chain
	LabelEscalation      = "Escalation"       // why an escalation target hears of it
	LabelResponseDue     = "Response due"     // the missed response deadline
	LabelUpdateDue       = "Update due"       // the missed status-update deadline (C2)
	LabelCurrentStatus   = "Current status"   // C2
	LabelInvestigating   = "Investigating"    // C2
	LabelFindings        = "Findings"         // C2
	LabelETA             = "ETA"              // C2
	LabelServiceRestored = "Service restored" // C3: when service came back
	LabelRootCause       = "Root cause"       // C3
	LabelDuration        = "Duration"         // C3: from impact start to resolution
	LabelCustomerImpact  = "Customer impact"  // C3
)

// initialNotice is the first message in the incident channel (C1): what,
// when, severity and status, the teams to @mention, and buttons.
func initialNotice(inc *arqir.Incident, r arqir.PagingRules) arqir.Message {
	m := mainMessage(inc, r)
	m.Mentions = mentions(inc, r)
	return m
}

// mainMessage is the incident's message in the channel as it stands now,
// for updating it in place (T2): status, who acknowledged, the war room.
func mainMessage(inc *arqir.Incident, r arqir.PagingRules) arqir.Message {
	m := base(inc, r)
	m.Headline = fmt.Sprintf("%s declared: %s", inc.Severity, inc.Title)
	m.Fields = facts(inc)
	if inc.AcknowledgedAt != nil {
		m.Fields = append(m.Fields, field(LabelAcknowledgedBy, fmt.Sprintf("%s at %s", inc.AcknowledgedBy, stamp(*inc.AcknowledgedAt))))
	}
	if u := inc.Refs[arqir.RefWarRoomURL]; u != "" && inc.Status.Open() {
		m.Fields = append(m.Fields, field(LabelWarRoom, u))
	}
	if !inc.Status.Open() {
		m.Headline = fmt.Sprintf("%s resolved: %s", inc.Severity, inc.Title)
		if inc.ResolvedAt != nil {
			m.Fields = append(m.Fields, field(LabelServiceRestored, stamp(*inc.ResolvedAt)))
		}
	}
	m.Actions = inc.Status.Open()
	return m
}

// pageMessage asks a person to respond (O4).
func pageMessage(inc *arqir.Incident, r arqir.PagingRules, step, steps int) arqir.Message {
	m := base(inc, r)
	m.Headline = fmt.Sprintf("%s page: %s", inc.Severity, inc.Title)
	m.Fields = facts(inc)
	s := fmt.Sprintf("%d of %d", step, steps)
	if r.AckWithin > 0 {
		s += fmt.Sprintf("; acknowledge within %s or the next step is paged", human(r.AckWithin))
	}
	m.Fields = append(m.Fields, field(LabelStep, s))
	return m
}

// escalationMessage informs a severity's escalation target (S1–S4).
func escalationMessage(inc *arqir.Incident, r arqir.PagingRules, contact string) arqir.Message {
	m := base(inc, r)
	m.Headline = fmt.Sprintf("%s escalation: %s", inc.Severity, inc.Title)
	m.Fields = append(facts(inc), field(LabelEscalation, fmt.Sprintf("%s is informed of %s incidents", title(r, contact), inc.Severity)))
	return m
}

// responseBreachMessage says nobody acknowledged within the response target.
func responseBreachMessage(inc *arqir.Incident, r arqir.PagingRules, due time.Time) arqir.Message {
	m := base(inc, r)
	m.Headline = fmt.Sprintf("%s not acknowledged in time: %s", inc.Severity, inc.Title)
	m.Fields = append(facts(inc), field(LabelResponseDue, stamp(due)))
	return m
}

// exhaustedMessage says the whole paging chain went unanswered.
func exhaustedMessage(inc *arqir.Incident, r arqir.PagingRules, pages int) arqir.Message {
	m := base(inc, r)
	if pages == 0 {
		m.Headline = fmt.Sprintf("Nobody could be paged for %s: every step of the paging chain was skipped", inc.ID)
	} else {
		m.Headline = fmt.Sprintf("Nobody acknowledged %s after %d pages", inc.ID, pages)
	}
	m.Fields = facts(inc)
	return m
}

// warRoomMessage names the incident call (R5); its headline is the topic.
func warRoomMessage(inc *arqir.Incident, r arqir.PagingRules) arqir.Message {
	m := base(inc, r)
	m.Headline = fmt.Sprintf("%s %s war room: %s", inc.Severity, inc.ID, inc.Title)
	return m
}

// threadMessage is one line in the incident message's thread.
func threadMessage(inc *arqir.Incident, r arqir.PagingRules, headline string) arqir.Message {
	m := base(inc, r)
	m.Headline = headline
	m.InThread = true
	return m
}

// reopenedMessage tells stakeholders the incident is live again.
func reopenedMessage(inc *arqir.Incident, r arqir.PagingRules) arqir.Message {
	m := base(inc, r)
	m.Headline = fmt.Sprintf("%s reopened: %s", inc.Severity, inc.Title)
	m.Fields = facts(inc)
	return m
}

// statusUpdateMessage is a structured status update (C2).
func statusUpdateMessage(inc *arqir.Incident, r arqir.PagingRules, data map[string]string) arqir.Message {
	m := base(inc, r)
	m.Headline = fmt.Sprintf("%s update: %s", inc.Severity, inc.Title)
	status := data["status"]
	if status == "" {
		status = string(inc.Status)
	}
	m.Fields = []arqir.MessageField{
		field(LabelCurrentStatus, status),
		field(LabelInvestigating, orNone(data["investigating"])),
		field(LabelFindings, orNone(data["findings"])),
		field(LabelETA, orNone(data["eta"])),
	}
	return m
}

// reminderMessage asks for the status update that is due (C2).
func reminderMessage(inc *arqir.Incident, r arqir.PagingRules, due time.Time) arqir.Message {
	m := base(inc, r)
	m.Headline = fmt.Sprintf("Status update overdue: %s", inc.Title)
	m.Fields = []arqir.MessageField{
		field(LabelUpdateDue, stamp(due)),
		field(LabelSeverity, inc.Severity),
		field(LabelStatus, string(inc.Status)),
		field("Post", fmt.Sprintf("a status update every %s: current status, investigating, findings, ETA", human(r.UpdateEvery))),
	}
	return m
}

// overdueMessage escalates the reminder to the lead and the escalation list.
func overdueMessage(inc *arqir.Incident, r arqir.PagingRules, due time.Time) arqir.Message {
	m := reminderMessage(inc, r, due)
	m.Headline = fmt.Sprintf("Still no status update: %s", inc.Title)
	if inc.Commander != "" {
		m.Fields = append(m.Fields, field("Incident commander", inc.Commander))
	}
	return m
}

// resolutionMessage announces that service is restored (C3).
func resolutionMessage(inc *arqir.Incident, r arqir.PagingRules) arqir.Message {
	m := base(inc, r)
	m.Headline = fmt.Sprintf("%s resolved: %s", inc.Severity, inc.Title)
	restored, duration := "yes", ""
	if inc.ResolvedAt != nil {
		restored = "yes, at " + stamp(*inc.ResolvedAt)
		duration = human(inc.ResolvedAt.Sub(inc.ImpactStartedAt))
	}
	m.Fields = []arqir.MessageField{
		field(LabelServiceRestored, restored),
		field(LabelRootCause, orNone(inc.RootCause)),
		field(LabelDuration, duration),
		field(LabelCustomerImpact, orNone(inc.CustomerImpact)),
	}
	return m
}

// base is what every message carries: the incident and its link.
func base(inc *arqir.Incident, r arqir.PagingRules) arqir.Message {
	m := arqir.Message{IncidentID: inc.ID, Title: inc.Title, Severity: inc.Severity, Status: inc.Status}
	if r.BaseURL != "" {
		m.URL = r.BaseURL + "/incidents/" + inc.ID.String()
	}
	return m
}

// facts are C1's what, when, severity and status, with the services and
// how the incident was detected.
func facts(inc *arqir.Incident) []arqir.MessageField {
	what := inc.Title
	if inc.Summary != "" {
		what += " — " + inc.Summary
	}
	fs := []arqir.MessageField{
		field(LabelWhat, what),
		field(LabelWhen, stamp(inc.ImpactStartedAt)),
		field(LabelSeverity, inc.Severity),
		field(LabelStatus, string(inc.Status)),
	}
	if len(inc.Services) > 0 {
		fs = append(fs, field(LabelServices, strings.Join(inc.Services, ", ")))
	}
	if d := inc.Detection; d.Source != "" {
		fs = append(fs, field(LabelDetectedBy, fmt.Sprintf("%s (%s)", strings.ReplaceAll(d.Source, "_", " "), d.Kind)))
	}
	return fs
}

// mentions are whom the initial notice @mentions (C1): those for every
// incident ("*"), then those of each of its services, each once.
func mentions(inc *arqir.Incident, r arqir.PagingRules) []string {
	if !r.MentionTeams {
		return nil
	}
	var out []string
	for _, k := range append([]string{"*"}, inc.Services...) {
		for _, m := range r.Mentions[k] {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

func field(label, value string) arqir.MessageField {
	return arqir.MessageField{Label: label, Value: value}
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none given"
	}
	return s
}

// stamp writes a time as RFC 3339 in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// human writes a duration rounded for people: whole seconds under a
// minute, else whole minutes, e.g. "45s", "1h23m".
func human(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	s := strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
