package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// The request bodies of the RCA changes. Each carries the optional
// "version" of the RCA the change is based on; If-Match works as well.
type (
	rcaSectionRequest struct {
		Body    *string `json:"body"` // required; "" empties the section
		Version int     `json:"version"`
	}
	rcaStateRequest struct {
		State   string `json:"state"`
		Reason  string `json:"reason"` // required to reopen a published RCA
		Version int    `json:"version"`
	}
	rcaMeetingRequest struct {
		At        string   `json:"at"` // RFC 3339
		Attendees []string `json:"attendees"`
		Version   int      `json:"version"`
	}
	rcaHeldRequest struct {
		HeldAt    string   `json:"held_at"` // RFC 3339
		Attendees []string `json:"attendees"`
		Version   int      `json:"version"`
	}
	rcaFeedbackRequest struct {
		Rating    *int   `json:"rating"` // 1 (poor) to 5 (excellent)
		WentWell  string `json:"went_well"`
		ToImprove string `json:"to_improve"`
	}
)

// rcaChange is one change of an RCA by the store.
type rcaChange func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.RCA, error)

// changeRCA applies a change to the RCA of the path's incident as the
// caller, conditional on the version from the body or If-Match, and
// answers the RCA after it.
func (s *server) changeRCA(w http.ResponseWriter, r *http.Request, bodyVersion int, change rcaChange) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	actor, err := actorOf(r)
	if err != nil {
		return err
	}
	version, err := rcaVersion(r, bodyVersion)
	if err != nil {
		return err
	}
	rca, err := change(r.Context(), id, arqir.Change{Actor: actor, ExpectedVersion: version})
	if err != nil {
		return err
	}
	writeRCA(w, rca)
	return nil
}

// rcaVersion is the RCA version a change is based on, from the body's
// "version" or If-Match (the ETag of a GET); 0 applies to whatever is current.
func rcaVersion(r *http.Request, bodyVersion int) (int, error) {
	if bodyVersion < 0 {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "version", "version %d is not an RCA version: send the version (or ETag) from your last read, or leave it out", bodyVersion)
	}
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return bodyVersion, nil
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v <= 0 {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "If-Match", "If-Match %s is not an RCA version: send the ETag of the RCA, e.g. \"3\"", h)
	}
	if bodyVersion != 0 && bodyVersion != v {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "version", "the body says version %d but If-Match says %d: send one of them", bodyVersion, v)
	}
	return v, nil
}

// handleEditRCASection replaces the body of one section (P2). A published
// RCA is refused until it is reopened.
func (s *server) handleEditRCASection(w http.ResponseWriter, r *http.Request) error {
	var req rcaSectionRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	if req.Body == nil {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "body", "body is required: the section's new Markdown text (send \"\" to empty it)")
	}
	section := r.PathValue("section")
	return s.changeRCA(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.RCA, error) {
		return s.store.EditRCASection(ctx, id, section, *req.Body, c)
	})
}

// handleSetRCAState moves an RCA: draft → in_review → published, back to
// draft from review, and published → in_review to reopen it (with a reason).
func (s *server) handleSetRCAState(w http.ResponseWriter, r *http.Request) error {
	var req rcaStateRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	if strings.TrimSpace(req.State) == "" {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "state", "state is required: draft, in_review or published")
	}
	to, err := parseRCAState(req.State)
	if err != nil {
		return err
	}
	return s.changeRCA(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.RCA, error) {
		return s.store.SetRCAState(ctx, id, to, strings.TrimSpace(req.Reason), c)
	})
}

// handleScheduleRCAMeeting sets the review meeting's time and attendees;
// each attendee is sent an invitation with an iCal attachment.
func (s *server) handleScheduleRCAMeeting(w http.ResponseWriter, r *http.Request) error {
	var req rcaMeetingRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	at, err := bodyTime("at", req.At)
	if err != nil {
		return err
	}
	return s.changeRCA(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.RCA, error) {
		rca, err := s.store.ScheduleRCAMeeting(ctx, id, at, handles(req.Attendees), c)
		if arqir.ErrorField(err) == "meeting_at" {
			// The store names the RCA's field; the request calls it "at".
			return nil, arqir.FieldErrorf(arqir.ErrorCode(err), "at", "%s", arqir.ErrorMessage(err))
		}
		return rca, err
	})
}

// handleRecordRCAMeeting records that the review meeting was held: that
// meets the P1 deadline.
func (s *server) handleRecordRCAMeeting(w http.ResponseWriter, r *http.Request) error {
	var req rcaHeldRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	held, err := bodyTime("held_at", req.HeldAt)
	if err != nil {
		return err
	}
	return s.changeRCA(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.RCA, error) {
		return s.store.RecordRCAMeeting(ctx, id, held, handles(req.Attendees), c)
	})
}

// handleAddRCAFeedback adds the caller's view of how the response went
// (I4); a second one from the same caller replaces the first.
func (s *server) handleAddRCAFeedback(w http.ResponseWriter, r *http.Request) error {
	var req rcaFeedbackRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	if req.Rating == nil {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "rating", "rating is required: from 1 (the response went poorly) to 5 (excellent)")
	}
	return s.changeRCA(w, r, 0, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.RCA, error) {
		f := arqir.RCAFeedback{Author: c.Actor.Name, Rating: *req.Rating, WentWell: strings.TrimSpace(req.WentWell), ToImprove: strings.TrimSpace(req.ToImprove)}
		return s.store.AddRCAFeedback(ctx, id, f, c)
	})
}

// bodyTime parses a required RFC 3339 time of a request body.
func bodyTime(field, v string) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "%s is required: an RFC 3339 time like 2026-12-01T15:00:00Z", field)
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, arqir.FieldErrorf(arqir.EINVALID, field, "%s %q is not an RFC 3339 time: write it like 2026-12-01T15:00:00Z or 2026-12-01T10:00:00-05:00", field, v)
	}
	return t, nil
}

// handles trims a list of user handles and drops empty ones.
func handles(in []string) []string {
	var out []string
	for _, h := range in {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}
