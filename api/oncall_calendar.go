package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/calendar"
	"github.com/arqir/arqir/rotation"
)

// calendarRequest is the body of POST /api/v1/calendars.
type calendarRequest struct {
	Schedule string `json:"schedule"`
	User     string `json:"user"`
}

// createdCalendarBody is the answer of POST /api/v1/calendars: the only
// time the feed's URL (its token) is shown.
type createdCalendarBody struct {
	Feed *arqir.CalendarFeed `json:"feed"`
	URL  string              `json:"url"`
}

// calendarsBody is the answer of GET /api/v1/calendars.
type calendarsBody struct {
	Feeds []*arqir.CalendarFeed `json:"feeds"`
}

// icalPrefix is where feeds are served; the token is the credential.
const icalPrefix = "/ical/"

// handleCreateCalendar makes a feed of a schedule or a user and shows its
// URL once.
func (s *server) handleCreateCalendar(w http.ResponseWriter, r *http.Request) error {
	var req calendarRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	secret, f, err := s.store.CreateCalendarFeed(r.Context(), arqir.CalendarTarget{Schedule: req.Schedule, User: req.User}, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, createdCalendarBody{Feed: f, URL: s.endpointBase(r) + icalPrefix + secret + ".ics"})
	return nil
}

// handleListCalendars lists feeds, never their URLs.
func (s *server) handleListCalendars(w http.ResponseWriter, r *http.Request) error {
	feeds, err := s.store.CalendarFeeds(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, calendarsBody{Feeds: feeds})
	return nil
}

// handleRevokeCalendar stops a feed at once: its URL answers 404. The
// token that made the feed may revoke it, and an admin may revoke any.
func (s *server) handleRevokeCalendar(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "calendar feed", "GET /api/v1/calendars")
	if err != nil {
		return err
	}
	if t := tokenOf(r); t != nil && !t.Role.Allows(arqir.RoleAdmin) {
		feeds, err := s.store.CalendarFeeds(r.Context())
		if err != nil {
			return err
		}
		for _, f := range feeds {
			if f.ID == id && f.CreatedBy != t.Name {
				return arqir.Errorf(arqir.EFORBIDDEN, "calendar feed %d was made by %s: only they or an admin may revoke it", id, f.CreatedBy)
			}
		}
	}
	if err := s.store.RevokeCalendarFeed(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleICal serves a feed to calendar apps: a plain GET of
// /ical/<token>.ics, as Google Calendar and Outlook subscribe. The token is
// the credential, so an unknown and a revoked one both answer 404 and
// nothing says which.
func (s *server) handleICal(w http.ResponseWriter, r *http.Request) error {
	secret, ok := strings.CutSuffix(r.PathValue("feed"), ".ics")
	if !ok || secret == "" {
		return arqir.Errorf(arqir.ENOTFOUND, "no such calendar feed: calendar URLs end in .ics; ask for one with arqir oncall calendar")
	}
	c, err := s.store.CalendarContent(r.Context(), secret, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	body := renderFeed(c)
	w.Header().Set("Content-Type", calendar.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Content-Disposition", `inline; filename="arqir-oncall.ics"`)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body) // a failed write means the client left
	}
	return nil
}

// renderFeed turns a feed's content into iCalendar bytes.
func renderFeed(c *arqir.CalendarContent) []byte {
	opts := []calendar.Option{
		calendar.WithZone(c.Zone),
		calendar.WithStamp(c.Generated),
		calendar.WithUserNames(func(id string) string {
			if n := c.Names[id]; n != "" {
				return n
			}
			return id
		}),
		calendar.WithScheduleTitles(func(name string) string {
			if t := c.Titles[name]; t != "" {
				return t
			}
			return name
		}),
	}
	if c.Gaps {
		opts = append(opts, calendar.WithGaps())
	}
	return calendar.Feed(c.Feed.Name(), rotationShifts(c.Shifts), opts...)
}

// rotationShifts converts the domain's shifts back to rotation's, which the
// calendar renders (and derives stable UIDs from).
func rotationShifts(in []arqir.Shift) []rotation.Shift {
	out := make([]rotation.Shift, len(in))
	for i, sh := range in {
		parts := make([]rotation.Part, len(sh.Parts))
		for j, p := range sh.Parts {
			part := rotation.Part{Start: p.Start, End: p.End, Replaces: p.Replaces, Vacant: p.Vacant}
			switch p.Source {
			case arqir.PartOverride:
				part.Override = strconv.FormatInt(p.Override, 10)
			case arqir.PartRotation:
				part.Layer = arqir.PartRotation
			}
			parts[j] = part
		}
		out[i] = rotation.Shift{Schedule: sh.Schedule, User: sh.User, Start: sh.Start, End: sh.End, Parts: parts}
	}
	return out
}
