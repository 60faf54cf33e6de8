package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// actionItemRequest is the body of POST /api/v1/incidents/{id}/action-items.
type actionItemRequest struct {
	Category    string `json:"category"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Owner       string `json:"owner"`
	DueOn       string `json:"due_on"` // YYYY-MM-DD
	Runbook     string `json:"runbook"`
	Export      bool   `json:"export"`
}

// actionItemPatchRequest is the body of PATCH /api/v1/action-items/{id}:
// the fields present are changed.
type actionItemPatchRequest struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Owner       *string `json:"owner"`
	DueOn       *string `json:"due_on"`
	Category    *string `json:"category"`
	Status      *string `json:"status"`
	Runbook     *string `json:"runbook"`
	Version     int     `json:"version"`
}

// writeActionItem answers with an action item and its version as the ETag.
func writeActionItem(w http.ResponseWriter, status int, it *arqir.ActionItem) {
	w.Header().Set("ETag", etag(it.Version))
	writeJSON(w, status, it)
}

// handleCreateActionItem files an action item on an incident (P3, P4). A
// due date already past is accepted, and the answer's "warning" says so:
// the work is real even when its date was set late, and it is listed as
// overdue at once (docs/kpis.md).
func (s *server) handleCreateActionItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	actor, err := actorOf(r)
	if err != nil {
		return err
	}
	var req actionItemRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	var due time.Time
	if strings.TrimSpace(req.DueOn) != "" {
		if due, err = parseDueOn(req.DueOn); err != nil {
			return err
		}
	}
	in := arqir.ActionItemInput{
		IncidentID:  id,
		Category:    strings.TrimSpace(req.Category),
		Title:       strings.TrimSpace(req.Title),
		Description: strings.TrimSpace(req.Description),
		Owner:       strings.TrimSpace(req.Owner),
		DueOn:       due,
		Runbook:     strings.TrimSpace(req.Runbook),
		Export:      req.Export,
	}
	it, err := s.store.CreateActionItem(r.Context(), in, actor)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/action-items/"+strconv.FormatInt(it.ID, 10))
	writeActionItem(w, http.StatusCreated, it)
	return nil
}

// handleGetActionItem answers one action item.
func (s *server) handleGetActionItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathActionItemID(r)
	if err != nil {
		return err
	}
	it, err := s.store.ActionItem(r.Context(), id)
	if err != nil {
		return err
	}
	writeActionItem(w, http.StatusOK, it)
	return nil
}

// handleUpdateActionItem changes the fields the body names; a status of
// done or cancelled closes the item (and its GitHub issue, if exported).
func (s *server) handleUpdateActionItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathActionItemID(r)
	if err != nil {
		return err
	}
	actor, err := actorOf(r)
	if err != nil {
		return err
	}
	var req actionItemPatchRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	p, err := req.patch()
	if err != nil {
		return err
	}
	version, err := itemVersion(r, req.Version)
	if err != nil {
		return err
	}
	it, err := s.store.UpdateActionItem(r.Context(), id, p, arqir.Change{Actor: actor, ExpectedVersion: version})
	if err != nil {
		return err
	}
	writeActionItem(w, http.StatusOK, it)
	return nil
}

// patch checks the request and turns it into the store's patch.
func (q actionItemPatchRequest) patch() (arqir.ActionItemPatch, error) {
	p := arqir.ActionItemPatch{
		Title: trimmed(q.Title), Description: trimmed(q.Description), Owner: trimmed(q.Owner),
		Category: trimmed(q.Category), Runbook: trimmed(q.Runbook),
	}
	if q.DueOn != nil {
		due, err := parseDueOn(*q.DueOn)
		if err != nil {
			return p, err
		}
		p.DueOn = &due
	}
	if q.Status != nil {
		st, err := parseActionItemStatus(*q.Status)
		if err != nil {
			return p, err
		}
		p.Status = &st
	}
	return p, nil
}

// itemVersion is the action item version a change is based on, from the
// body's "version" or If-Match; 0 applies to whatever is current.
func itemVersion(r *http.Request, bodyVersion int) (int, error) {
	if bodyVersion < 0 {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "version", "version %d is not an action item version: send the version (or ETag) from your last read, or leave it out", bodyVersion)
	}
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return bodyVersion, nil
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v <= 0 {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "If-Match", "If-Match %s is not an action item version: send the ETag of the action item, e.g. \"3\"", h)
	}
	if bodyVersion != 0 && bodyVersion != v {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "version", "the body says version %d but If-Match says %d: send one of them", bodyVersion, v)
	}
	return v, nil
}

// trimmed trims an optional text, keeping nil as nil.
func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}

// parseDueOn reads a due date, a calendar day: midnight UTC of it.
func parseDueOn(v string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, arqir.FieldErrorf(arqir.EINVALID, "due_on", "due_on %q is not a date: write it as YYYY-MM-DD, e.g. 2026-12-15", v)
	}
	return t, nil
}

// actionItemStatuses are the statuses an action item may have.
var actionItemStatuses = []arqir.ActionItemStatus{arqir.ActionItemOpen, arqir.ActionItemDone, arqir.ActionItemCancelled}

// parseActionItemStatus accepts a status in any case ("canceled" too).
func parseActionItemStatus(v string) (arqir.ActionItemStatus, error) {
	norm := strings.ToLower(strings.TrimSpace(v))
	if norm == "canceled" {
		norm = string(arqir.ActionItemCancelled)
	}
	for _, st := range actionItemStatuses {
		if norm == string(st) {
			return st, nil
		}
	}
	return "", arqir.FieldErrorf(arqir.EUNPROCESSABLE, "status", "unknown action item status %q: use open, done or cancelled", v)
}

// pathActionItemID reads {id} of the path: a positive number.
func pathActionItemID(r *http.Request) (int64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "id", "%q is not an action item ID: use the number arqir gave it, e.g. 12", v)
	}
	return id, nil
}
