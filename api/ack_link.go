package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/arqir/arqir"
)

// An acknowledge link in a page (e-mail, text) opens a page with one
// button; only pressing it (a POST) acknowledges. Mail scanners and link
// previews follow links with GET, and must not acknowledge an incident
// nobody has looked at. No sign-in: the signed token is the capability the
// page handed to the person it reached (arqir.VerifyAckLink).

// ackLink reads and verifies the {token} of an acknowledge route.
func (s *server) ackLink(r *http.Request) (arqir.IncidentID, int64, error) {
	return arqir.VerifyAckLink(s.ackLinkKey, r.PathValue("token"), s.now())
}

// ackLinksConfigured refuses the routes while no key is set (JSON 404, as
// for any route that is not there).
func (s *server) ackLinksConfigured() error {
	if len(s.ackLinkKey) == 0 {
		return arqir.Errorf(arqir.ENOTFOUND, "acknowledge links are not configured on this arqir server: acknowledge in arqir instead (arqir incident ack INC-…)")
	}
	return nil
}

// handleAckPage shows what the link would acknowledge, with the button;
// it changes nothing.
func (s *server) handleAckPage(w http.ResponseWriter, r *http.Request) error {
	if err := s.ackLinksConfigured(); err != nil {
		return err
	}
	id, _, err := s.ackLink(r)
	if err != nil {
		s.writeAckError(w, r, err)
		return nil
	}
	inc, err := s.store.Incident(r.Context(), id)
	if err != nil {
		s.writeAckError(w, r, err)
		return nil
	}
	if page, done := ackDone(inc); done {
		writeAckPage(w, http.StatusOK, page)
		return nil
	}
	writeAckPage(w, http.StatusOK, ackPage{
		Title:   "Acknowledge " + inc.ID.String(),
		Heading: fmt.Sprintf("%s — %s", inc.ID, inc.Title),
		Lines: []string{
			fmt.Sprintf("%s · %s · declared %s", inc.Severity, inc.Status, inc.DeclaredAt.UTC().Format("2006-01-02 15:04 MST")),
		},
		Button: fmt.Sprintf("Acknowledge %s — %s", inc.ID, inc.Title),
		Note:   "Acknowledging says you have it: the pages for this incident stop and the team sees your name.",
	})
	return nil
}

// handleAckLink acknowledges the incident as the person the page reached.
// Already acknowledged or resolved is not an error for them: the page says
// by whom, or that it is resolved.
func (s *server) handleAckLink(w http.ResponseWriter, r *http.Request) error {
	if err := s.ackLinksConfigured(); err != nil {
		return err
	}
	id, notification, err := s.ackLink(r)
	if err != nil {
		s.writeAckError(w, r, err)
		return nil
	}
	actor := arqir.Actor{Name: s.ackLinkRecipient(r.Context(), id, notification), Source: arqir.SourceLink}
	inc, err := s.store.Acknowledge(r.Context(), id, arqir.Change{Actor: actor})
	if code := arqir.ErrorCode(err); code == arqir.EUNPROCESSABLE || code == arqir.ECONFLICT {
		// Acknowledged or resolved meanwhile, or changed under us: show it
		// as it is now.
		if cur, getErr := s.store.Incident(r.Context(), id); getErr == nil {
			if page, done := ackDone(cur); done {
				writeAckPage(w, http.StatusOK, page)
				return nil
			}
		}
	}
	if err != nil {
		s.writeAckError(w, r, err)
		return nil
	}
	writeAckPage(w, http.StatusOK, ackPage{
		Title:   "Acknowledged " + inc.ID.String(),
		Heading: "Acknowledged " + inc.ID.String(),
		Lines: []string{
			fmt.Sprintf("%s — %s (%s, %s)", inc.ID, inc.Title, inc.Severity, inc.Status),
			fmt.Sprintf("Acknowledged by %s at %s, %s after it was declared.", inc.AcknowledgedBy,
				inc.AcknowledgedAt.UTC().Format("15:04 MST"), inc.AcknowledgedAt.Sub(inc.DeclaredAt).Round(time.Second)),
		},
		Note: "The pages for this incident stop. Next: join the incident channel and post what you see.",
	})
	return nil
}

// ackDone is the page for an incident with nothing left to acknowledge.
func ackDone(inc *arqir.Incident) (ackPage, bool) {
	switch {
	case !inc.Status.Open():
		resolved := ""
		if inc.ResolvedAt != nil {
			resolved = " at " + inc.ResolvedAt.UTC().Format("2006-01-02 15:04 MST")
		}
		return ackPage{
			Title:   inc.ID.String() + " is resolved",
			Heading: inc.ID.String() + " is resolved",
			Lines:   []string{fmt.Sprintf("%s — %s was resolved%s: there is nothing to acknowledge.", inc.ID, inc.Title, resolved)},
		}, true
	case inc.AcknowledgedAt != nil:
		return ackPage{
			Title:   inc.ID.String() + " is already acknowledged",
			Heading: inc.ID.String() + " is already acknowledged",
			Lines: []string{fmt.Sprintf("%s — %s was acknowledged by %s at %s.", inc.ID, inc.Title, inc.AcknowledgedBy,
				inc.AcknowledgedAt.UTC().Format("2006-01-02 15:04 MST"))},
			Note: "Someone has it: the pages for it have stopped.",
		}, true
	}
	return ackPage{}, false
}

// ackLinkRecipient names who acknowledges through a link: the recipient of
// the notification that carried it (e.g. "Ada Lovelace (schedule:primary)"),
// else "link:<notification id>". A failing lookup is logged and falls back:
// the acknowledgement matters more than the name.
func (s *server) ackLinkRecipient(ctx context.Context, id arqir.IncidentID, notification int64) string {
	fallback := "link:" + strconv.FormatInt(notification, 10)
	notes, err := s.store.Notifications(ctx, arqir.NotificationFilter{IncidentID: id})
	if err != nil {
		s.logger.ErrorContext(ctx, "acknowledge link: read notifications", "incident", id, "err", err)
		return fallback
	}
	for _, n := range notes {
		if n.ID == notification && n.Recipient != "" {
			return n.Recipient
		}
	}
	return fallback
}
