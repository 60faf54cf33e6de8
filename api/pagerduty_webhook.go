package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// pagerDutyWebhook is the part of a PagerDuty V3 webhook arqir reads
// (developer.pagerduty.com, Webhooks → Overview): one event, whose data is
// the PagerDuty incident for incident.* event types. Decoding is lenient:
// PagerDuty adds fields without notice.
type pagerDutyWebhook struct {
	Event struct {
		ID        string `json:"id"`
		EventType string `json:"event_type"`
		Agent     *struct {
			Summary string `json:"summary"`
			Type    string `json:"type"`
		} `json:"agent"`
		Data struct {
			Type string `json:"type"`
			// IncidentKey is the de-duplication key of the PagerDuty
			// incident: for one opened through the Events API v2 it is the
			// dedup_key of the trigger, which arqir sets to the incident
			// ID ("INC-42") and keeps in Refs[RefPagerDutyDedupKey].
			IncidentKey string `json:"incident_key"`
			Title       string `json:"title"`
		} `json:"data"`
	} `json:"event"`
}

// pagerDutyReply is the answer to a webhook: what arqir did with it.
type pagerDutyReply struct {
	// Result is acknowledged, already_acknowledged or ignored.
	Result   string `json:"result"`
	Incident string `json:"incident,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// handlePagerDutyWebhook takes acknowledgements made in PagerDuty back
// into arqir (R4, T1: the paging tool and arqir agree). The webhook is
// verified first; then an incident.acknowledged event for an incident that
// arqir triggered acknowledges it, as "pagerduty:<who>". Everything else is
// answered 200 and ignored, with the reason: PagerDuty retries anything
// but a 2xx and disables a subscription after repeated failures, so only a
// request that is not PagerDuty's own (bad signature: 401) or not a webhook
// at all (400) is refused.
//
// The incident is found by the PagerDuty incident's incident_key, which
// V3 webhooks carry in event.data and which is the dedup_key arqir sent;
// it must equal the key the incident recorded when PagerDuty accepted the
// trigger, so a PagerDuty incident some other tool opened with a key that
// merely looks like "INC-42" acknowledges nothing.
func (s *server) handlePagerDutyWebhook(w http.ResponseWriter, r *http.Request) error {
	if s.pagerDutyWebhookSecret == "" {
		return arqir.Errorf(arqir.ENOTFOUND, "PagerDuty webhooks are not configured on this arqir server: an admin sets the webhook subscription's signing secret in arqir's configuration")
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	if !pagerDutySigned(body, r.Header.Get("X-PagerDuty-Signature"), s.pagerDutyWebhookSecret) {
		return arqir.Errorf(arqir.EUNAUTHORIZED, "the X-PagerDuty-Signature does not match: check that arqir's PagerDuty webhook secret is the subscription's; nothing was done")
	}
	var hook pagerDutyWebhook
	if err := json.Unmarshal(body, &hook); err != nil {
		return arqir.Errorf(arqir.EINVALID, "not a PagerDuty V3 webhook: the body is not valid JSON (%v)", err)
	}
	if hook.Event.EventType == "" {
		return arqir.Errorf(arqir.EINVALID, "not a PagerDuty V3 webhook: it has no event.event_type")
	}
	reply, err := s.pagerDutyAcknowledge(r, hook)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reply)
	return nil
}

// pagerDutyAcknowledge acts on a verified webhook. Only a failure of arqir
// itself is an error (500: PagerDuty retries, and the acknowledgement is
// not lost); whatever arqir declines is a reply.
func (s *server) pagerDutyAcknowledge(r *http.Request, hook pagerDutyWebhook) (pagerDutyReply, error) {
	ev := hook.Event
	if ev.EventType != "incident.acknowledged" {
		return pagerDutyReply{Result: "ignored", Reason: "arqir acts only on incident.acknowledged, not " + ev.EventType}, nil
	}
	key := ev.Data.IncidentKey
	notOurs := pagerDutyReply{Result: "ignored", Reason: "no arqir incident triggered a PagerDuty incident with this incident_key"}
	id, err := arqir.ParseIncidentID(key)
	if err != nil {
		return notOurs, nil
	}
	inc, err := s.store.Incident(r.Context(), id)
	if arqir.ErrorCode(err) == arqir.ENOTFOUND {
		return notOurs, nil
	} else if err != nil {
		return pagerDutyReply{}, err
	} else if inc.Refs[arqir.RefPagerDutyDedupKey] != key {
		return notOurs, nil
	}
	who := "pagerduty"
	if ev.Agent != nil {
		who = actorName("pagerduty", ev.Agent.Summary)
	}
	// A concurrent change (ECONFLICT), or an acknowledgement or resolution
	// in between (EUNPROCESSABLE), is answered as the incident is then.
	for range 3 {
		switch {
		case inc.AcknowledgedAt != nil:
			return pagerDutyReply{Result: "already_acknowledged", Incident: inc.ID.String(), Reason: "acknowledged by " + inc.AcknowledgedBy}, nil
		case !inc.Status.Open():
			return pagerDutyReply{Result: "ignored", Incident: inc.ID.String(), Reason: "the incident is resolved"}, nil
		}
		_, err := s.store.Acknowledge(r.Context(), id, arqir.Change{Actor: arqir.Actor{Name: who, Source: arqir.SourcePagerDuty}})
		if err == nil {
			return pagerDutyReply{Result: "acknowledged", Incident: inc.ID.String()}, nil
		} else if code := arqir.ErrorCode(err); code != arqir.EUNPROCESSABLE && code != arqir.ECONFLICT {
			return pagerDutyReply{}, err
		}
		if inc, err = s.store.Incident(r.Context(), id); err != nil {
			return pagerDutyReply{}, err
		}
	}
	return pagerDutyReply{}, fmt.Errorf("acknowledge %s from PagerDuty: the incident kept changing", id)
}

// pagerDutySigned reports whether any v1 signature of the header is the
// HMAC-SHA256 of the raw body with the secret. The header may carry
// several, comma-separated, while PagerDuty rotates the secret. Each is
// compared in constant time.
func pagerDutySigned(body []byte, header, secret string) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	want := mac.Sum(nil)
	ok := false
	for _, sig := range strings.Split(header, ",") {
		hexSig, found := strings.CutPrefix(strings.TrimSpace(sig), "v1=")
		if !found {
			continue
		}
		got, err := hex.DecodeString(hexSig)
		if err == nil && hmac.Equal(got, want) {
			ok = true
		}
	}
	return ok
}
