package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// The request bodies of the incident actions. Each carries the optional
// "version" the change is based on (see act); If-Match works as well.
type (
	versionRequest struct {
		Version int `json:"version"`
	}
	severityRequest struct {
		Severity string `json:"severity"`
		Reason   string `json:"reason"`
		Version  int    `json:"version"`
	}
	statusRequest struct {
		Status  string `json:"status"`
		Note    string `json:"note"`
		Version int    `json:"version"`
	}
	rolesRequest struct {
		Commander        *string  `json:"commander"` // absent: unchanged; "": cleared
		AddResponders    []string `json:"add_responders"`
		RemoveResponders []string `json:"remove_responders"`
		Version          int      `json:"version"`
	}
	noteRequest struct {
		Text    string `json:"text"`
		Version int    `json:"version"`
	}
	resolveRequest struct {
		RootCause      string `json:"root_cause"`
		CustomerImpact string `json:"customer_impact"`
		FalsePositive  bool   `json:"false_positive"`
		Version        int    `json:"version"`
	}
	reopenRequest struct {
		Reason  string `json:"reason"`
		Version int    `json:"version"`
	}
)

// handleAcknowledge records that the caller took the incident (R1); it
// meets the response deadline.
func (s *server) handleAcknowledge(w http.ResponseWriter, r *http.Request) error {
	var req versionRequest
	if err := decodeJSON(w, r, &req, emptyAllowed); err != nil {
		return err
	}
	return s.act(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
		return s.store.Acknowledge(ctx, id, c)
	})
}

// handleChangeSeverity sets another severity of the policy.
func (s *server) handleChangeSeverity(w http.ResponseWriter, r *http.Request) error {
	var req severityRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	return s.act(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
		return s.store.ChangeSeverity(ctx, id, req.Severity, req.Reason, c)
	})
}

// handleChangeStatus moves an open incident between open statuses;
// resolving has its own route because it needs more than a status.
func (s *server) handleChangeStatus(w http.ResponseWriter, r *http.Request) error {
	var req statusRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	if strings.TrimSpace(req.Status) == "" {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "status", "status is required: use INVESTIGATING, IDENTIFIED or MONITORING (resolve through /resolve)")
	}
	status, err := arqir.ParseStatus(strings.TrimSpace(req.Status))
	if err != nil {
		return err
	}
	return s.act(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
		return s.store.ChangeStatus(ctx, id, status, req.Note, c)
	})
}

// handleAssignRoles sets the incident commander and adds or removes responders.
func (s *server) handleAssignRoles(w http.ResponseWriter, r *http.Request) error {
	var req rolesRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	rc := arqir.RoleChange{Commander: req.Commander, AddResponders: req.AddResponders, RemoveResponders: req.RemoveResponders}
	return s.act(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
		return s.store.AssignRoles(ctx, id, rc, c)
	})
}

// handleAddNote appends a note to the timeline.
func (s *server) handleAddNote(w http.ResponseWriter, r *http.Request) error {
	var req noteRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	return s.act(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
		return s.store.AddNote(ctx, id, req.Text, c)
	})
}

// handleTickChecklist records that a person did checklist item {item}.
func (s *server) handleTickChecklist(w http.ResponseWriter, r *http.Request) error {
	var req versionRequest
	if err := decodeJSON(w, r, &req, emptyAllowed); err != nil {
		return err
	}
	item := r.PathValue("item")
	return s.act(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
		return s.store.TickChecklist(ctx, id, item, c)
	})
}

// handleResolve closes the incident; the root cause and the customer impact
// are required (C3), which the domain enforces.
func (s *server) handleResolve(w http.ResponseWriter, r *http.Request) error {
	var req resolveRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	res := arqir.Resolution{RootCause: req.RootCause, CustomerImpact: req.CustomerImpact, FalsePositive: req.FalsePositive}
	return s.act(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
		return s.store.Resolve(ctx, id, res, c)
	})
}

// handleReopen returns a resolved incident to INVESTIGATING.
func (s *server) handleReopen(w http.ResponseWriter, r *http.Request) error {
	var req reopenRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	return s.act(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
		return s.store.Reopen(ctx, id, req.Reason, c)
	})
}
