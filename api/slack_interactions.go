package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/arqir/arqir"
)

// Action IDs of the buttons on arqir's incident messages in Slack; the
// value of each is the incident ID, e.g. "INC-42". The war-room button is
// a URL button: Slack opens the link and also posts its action, which is
// answered and otherwise ignored.
const (
	slackActionAck     = "arqir_ack"
	slackActionResolve = "arqir_resolve"
)

// slackInteraction is the part of a block_actions payload arqir reads
// (wire-formats §6); the rest is ignored, as Slack adds fields over time.
type slackInteraction struct {
	Type string `json:"type"`
	User struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
	} `json:"user"`
	Actions []struct {
		ActionID string `json:"action_id"`
		BlockID  string `json:"block_id"`
		Value    string `json:"value"`
	} `json:"actions"`
	ResponseURL string `json:"response_url"`
}

// handleSlackInteraction handles a click on a button of an incident
// message: Acknowledge acknowledges the incident (R1: acknowledging in
// Slack; the acknowledgement ticks R1 itself), Resolve tells the person the
// command to type, since resolving needs the root cause and the customer
// impact (C3). It answers 200 at once with the reply and also posts the
// reply to the payload's response_url, which is where Slack shows it.
func (s *server) handleSlackInteraction(w http.ResponseWriter, r *http.Request) error {
	body, err := s.verifySlack(w, r)
	if err != nil {
		return err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		return arqir.Errorf(arqir.EINVALID, "not a Slack interaction: the form-encoded body needs a payload field holding JSON")
	}
	var in slackInteraction
	if err := json.Unmarshal([]byte(form.Get("payload")), &in); err != nil {
		return arqir.Errorf(arqir.EINVALID, "the Slack interaction payload is not valid JSON: %v", err)
	}
	if in.Type != "block_actions" {
		w.WriteHeader(http.StatusOK) // shortcuts, modals…: arqir offers none
		return nil
	}
	if len(in.Actions) == 0 || in.User.ID == "" {
		return arqir.Errorf(arqir.EINVALID, "the Slack block_actions payload has no actions or no user")
	}
	ctx, cancel := context.WithTimeout(r.Context(), slackDeadline)
	defer cancel()
	reply, ok := s.runSlackAction(ctx, in)
	if !ok {
		w.WriteHeader(http.StatusOK)
		return nil
	}
	s.slack.postReply(r.Context(), in.ResponseURL, reply)
	writeJSON(w, http.StatusOK, reply)
	return nil
}

// runSlackAction does what the first action asks; ok is false for an
// action arqir does not handle (the war-room link button).
func (s *server) runSlackAction(ctx context.Context, in slackInteraction) (slackReply, bool) {
	action := in.Actions[0]
	name := in.User.Username
	if name == "" {
		name = in.User.Name
	}
	switch action.ActionID {
	case slackActionAck:
		id, err := arqir.ParseIncidentID(action.Value)
		if err != nil {
			return s.slackFailure(ctx, err, ""), true
		}
		inc, err := s.store.Acknowledge(ctx, id, arqir.Change{Actor: s.slackActor(ctx, in.User.ID, name)})
		if err != nil {
			return s.slackFailure(ctx, err, ""), true
		}
		return ephemeral("You acknowledged *%s* “%s” after %s. Pages for it stop.",
			inc.ID, slackEscape(inc.Title), inc.AcknowledgedAt.Sub(inc.DeclaredAt).Round(time.Second)), true
	case slackActionResolve:
		id, err := arqir.ParseIncidentID(action.Value)
		if err != nil {
			return s.slackFailure(ctx, err, ""), true
		}
		return ephemeral("Resolving needs the root cause and the customer impact (C3). Type:\n`/incident resolve %s <root cause> | <customer impact>`", id), true
	}
	return slackReply{}, false
}
