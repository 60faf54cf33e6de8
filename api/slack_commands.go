package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// slackCommand is one slash command as Slack posts it (form fields
// command, text, user_id, user_name; wire-formats §6). The deprecated
// verification token is ignored: the signature proves the sender.
type slackCommand struct {
	command  string // e.g. /incident
	text     string // what followed it, unescaped
	userID   string
	userName string
}

// handleSlackCommand runs `/incident …` typed in Slack, as the arqir user
// whose Slack member ID it is (else slack:<name>), and answers within
// Slack's 3 seconds with {response_type, text}: changes in the channel,
// reads, help and refusals only to the person who typed. A refusal is
// answered 200 with what to type instead, as Slack expects; a request that
// is not Slack's (bad signature, stale, replayed) is refused 401.
func (s *server) handleSlackCommand(w http.ResponseWriter, r *http.Request) error {
	body, err := s.verifySlack(w, r)
	if err != nil {
		return err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("command") == "" || form.Get("user_id") == "" {
		return arqir.Errorf(arqir.EINVALID, "not a Slack slash command: the form-encoded body needs command, text and user_id")
	}
	cmd := slackCommand{
		command:  form.Get("command"),
		text:     strings.TrimSpace(slackUnescape(form.Get("text"))),
		userID:   form.Get("user_id"),
		userName: form.Get("user_name"),
	}
	ctx, cancel := context.WithTimeout(r.Context(), slackDeadline)
	defer cancel()
	writeJSON(w, http.StatusOK, s.runSlackCommand(ctx, cmd))
	return nil
}

// runSlackCommand dispatches on the first word of the text.
func (s *server) runSlackCommand(ctx context.Context, cmd slackCommand) slackReply {
	sub, rest, _ := strings.Cut(cmd.text, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(sub) {
	case "", "help":
		return ephemeral("%s", slackHelp(cmd.command))
	case "declare":
		return s.slackDeclare(ctx, cmd, rest)
	case "ack", "acknowledge":
		return s.slackAck(ctx, cmd, rest)
	case "status":
		return s.slackStatus(ctx, cmd, rest)
	case "update":
		return s.slackUpdate(ctx, cmd, rest)
	case "resolve":
		return s.slackResolve(ctx, cmd, rest)
	}
	return ephemeral("Unknown command `%s`.\n%s", slackEscape(sub), slackHelp(cmd.command))
}

// slackHelp lists the subcommands with the command's own name.
func slackHelp(command string) string {
	c := slackEscape(command)
	return strings.Join([]string{
		"*arqir incident commands*",
		"`" + c + " declare SEV2 Checkout errors` — declare an incident (severity, then title)",
		"`" + c + " ack INC-42` — acknowledge it: you have it, pages stop",
		"`" + c + " status INC-42` — show where it stands; `" + c + " status INC-42 IDENTIFIED` — move it",
		"`" + c + " update INC-42 what is being investigated | findings | ETA` — post a status update",
		"`" + c + " resolve INC-42 root cause | customer impact` — resolve it (both are required)",
		"`" + c + " help` — this list",
	}, "\n")
}

// slackIncidentID reads the incident ID that starts rest and returns the
// words after it.
func slackIncidentID(rest string) (arqir.IncidentID, string, error) {
	first, after, _ := strings.Cut(rest, " ")
	if first == "" {
		return 0, "", arqir.Errorf(arqir.EINVALID, "name the incident, e.g. INC-42")
	}
	id, err := arqir.ParseIncidentID(first)
	return id, strings.TrimSpace(after), err
}

func (s *server) slackDeclare(ctx context.Context, cmd slackCommand, rest string) slackReply {
	usage := cmd.command + " declare SEV2 Checkout errors"
	sev, title, _ := strings.Cut(rest, " ")
	if strings.TrimSpace(title) == "" {
		return s.slackFailure(ctx, arqir.Errorf(arqir.EUNPROCESSABLE, "declaring needs a severity and a title"), usage)
	}
	// People type sev2 as often as SEV2: take the policy's spelling.
	severity, err := s.knownSeverity(sev)
	if err != nil {
		return s.slackFailure(ctx, err, usage)
	}
	actor := s.slackActor(ctx, cmd.userID, cmd.userName)
	inc, err := s.store.Declare(ctx, arqir.Declaration{Title: strings.TrimSpace(title), Severity: severity}, actor)
	if err != nil {
		return s.slackFailure(ctx, err, usage)
	}
	text := fmt.Sprintf("%s declared *%s* %s “%s”: %s.", slackMention(cmd.userID, cmd.userName), inc.ID, slackEscape(inc.Severity), slackEscape(inc.Title), inc.Status)
	for _, d := range inc.Deadlines {
		if d.Kind == arqir.DeadlineResponse && d.Pending() {
			text += fmt.Sprintf(" Acknowledge by %s: `%s ack %s`", d.DueAt.UTC().Format("15:04 MST"), slackEscape(cmd.command), inc.ID)
		}
	}
	return inChannel("%s", text)
}

func (s *server) slackAck(ctx context.Context, cmd slackCommand, rest string) slackReply {
	usage := cmd.command + " ack INC-42"
	id, _, err := slackIncidentID(rest)
	if err != nil {
		return s.slackFailure(ctx, err, usage)
	}
	inc, err := s.store.Acknowledge(ctx, id, arqir.Change{Actor: s.slackActor(ctx, cmd.userID, cmd.userName)})
	if err != nil {
		return s.slackFailure(ctx, err, "")
	}
	return inChannel("%s acknowledged *%s* “%s” after %s. Pages for it stop.",
		slackMention(cmd.userID, cmd.userName), inc.ID, slackEscape(inc.Title), inc.AcknowledgedAt.Sub(inc.DeclaredAt).Round(time.Second))
}

func (s *server) slackStatus(ctx context.Context, cmd slackCommand, rest string) slackReply {
	usage := cmd.command + " status INC-42 [INVESTIGATING|IDENTIFIED|MONITORING]"
	id, after, err := slackIncidentID(rest)
	if err != nil {
		return s.slackFailure(ctx, err, usage)
	}
	if after == "" {
		inc, err := s.store.Incident(ctx, id)
		if err != nil {
			return s.slackFailure(ctx, err, usage)
		}
		return ephemeral("%s", slackStatusText(inc))
	}
	status, err := arqir.ParseStatus(after)
	if err != nil {
		return s.slackFailure(ctx, err, usage)
	}
	if status == arqir.StatusResolved {
		return s.slackFailure(ctx, arqir.Errorf(arqir.EUNPROCESSABLE, "resolving needs the root cause and the customer impact"),
			fmt.Sprintf("%s resolve %s <root cause> | <customer impact>", cmd.command, id))
	}
	inc, err := s.store.ChangeStatus(ctx, id, status, "", arqir.Change{Actor: s.slackActor(ctx, cmd.userID, cmd.userName)})
	if err != nil {
		return s.slackFailure(ctx, err, "")
	}
	return inChannel("%s moved *%s* “%s” to %s.", slackMention(cmd.userID, cmd.userName), inc.ID, slackEscape(inc.Title), inc.Status)
}

// slackStatusText says where an incident stands, in a few lines.
func slackStatusText(inc *arqir.Incident) string {
	lines := []string{fmt.Sprintf("*%s* “%s” — %s, %s", inc.ID, slackEscape(inc.Title), slackEscape(inc.Severity), inc.Status)}
	switch {
	case inc.AcknowledgedAt != nil:
		lines = append(lines, fmt.Sprintf("Acknowledged by %s at %s", slackEscape(inc.AcknowledgedBy), inc.AcknowledgedAt.UTC().Format("15:04 MST")))
	case inc.Status.Open():
		lines = append(lines, "Not acknowledged yet")
	}
	if inc.Commander != "" {
		lines = append(lines, "Commander: "+slackEscape(inc.Commander))
	}
	if inc.LastUpdateAt != nil {
		lines = append(lines, "Last update at "+inc.LastUpdateAt.UTC().Format("15:04 MST"))
	}
	for _, d := range inc.Deadlines {
		if d.Pending() && d.Kind != arqir.DeadlinePageAck {
			lines = append(lines, fmt.Sprintf("Next %s due %s", strings.ReplaceAll(d.Kind, "_", " "), d.DueAt.UTC().Format("15:04 MST")))
		}
	}
	if inc.ResolvedAt != nil {
		lines = append(lines, "Resolved at "+inc.ResolvedAt.UTC().Format("2006-01-02 15:04 MST"))
	}
	return strings.Join(lines, "\n")
}

func (s *server) slackUpdate(ctx context.Context, cmd slackCommand, rest string) slackReply {
	usage := cmd.command + " update INC-42 what is being investigated | findings | ETA"
	id, after, err := slackIncidentID(rest)
	if err != nil {
		return s.slackFailure(ctx, err, usage)
	}
	parts := strings.Split(after, "|")
	if len(parts) > 3 {
		return s.slackFailure(ctx, arqir.Errorf(arqir.EUNPROCESSABLE, "an update has at most three parts separated by |"), usage)
	}
	parts = append(parts, "", "")
	u := arqir.StatusUpdate{Investigating: strings.TrimSpace(parts[0]), Findings: strings.TrimSpace(parts[1]), ETA: strings.TrimSpace(parts[2])}
	inc, err := s.store.PostUpdate(ctx, id, u, arqir.Change{Actor: s.slackActor(ctx, cmd.userID, cmd.userName)})
	if err != nil {
		return s.slackFailure(ctx, err, usage)
	}
	text := fmt.Sprintf("%s posted a status update on *%s* “%s” (%s)", slackMention(cmd.userID, cmd.userName), inc.ID, slackEscape(inc.Title), inc.Status)
	for _, f := range []struct{ label, value string }{{"Investigating", u.Investigating}, {"Findings", u.Findings}, {"ETA", u.ETA}} {
		if f.value != "" {
			text += "\n" + f.label + ": " + slackEscape(f.value)
		}
	}
	return inChannel("%s", text)
}

func (s *server) slackResolve(ctx context.Context, cmd slackCommand, rest string) slackReply {
	usage := cmd.command + " resolve INC-42 root cause | customer impact"
	id, after, err := slackIncidentID(rest)
	if err != nil {
		return s.slackFailure(ctx, err, usage)
	}
	rootCause, impact, ok := strings.Cut(after, "|")
	if !ok || strings.TrimSpace(rootCause) == "" || strings.TrimSpace(impact) == "" {
		return s.slackFailure(ctx, arqir.Errorf(arqir.EUNPROCESSABLE, "resolving %s needs the root cause and the customer impact, separated by |", id),
			fmt.Sprintf("%s resolve %s <root cause> | <customer impact>", cmd.command, id))
	}
	res := arqir.Resolution{RootCause: strings.TrimSpace(rootCause), CustomerImpact: strings.TrimSpace(impact)}
	inc, err := s.store.Resolve(ctx, id, res, arqir.Change{Actor: s.slackActor(ctx, cmd.userID, cmd.userName)})
	if err != nil {
		return s.slackFailure(ctx, err, usage)
	}
	return inChannel("%s resolved *%s* “%s” after %s.\nRoot cause: %s\nCustomer impact: %s",
		slackMention(cmd.userID, cmd.userName), inc.ID, slackEscape(inc.Title), inc.ResolvedAt.Sub(inc.DeclaredAt).Round(time.Second),
		slackEscape(inc.RootCause), slackEscape(inc.CustomerImpact))
}
