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

// bodyVersion is the "version" a request body carries, for decodeAct.
func (q versionRequest) bodyVersion() int  { return q.Version }
func (q severityRequest) bodyVersion() int { return q.Version }
func (q rolesRequest) bodyVersion() int    { return q.Version }
func (q noteRequest) bodyVersion() int     { return q.Version }
func (q resolveRequest) bodyVersion() int  { return q.Version }
func (q reopenRequest) bodyVersion() int   { return q.Version }

// decodeAct decodes the body of an incident action into a Req, then acts
// (see act) with the store call change makes of it.
func decodeAct[Req interface{ bodyVersion() int }](s *server, w http.ResponseWriter, r *http.Request, allowEmpty bool,
	change func(ctx context.Context, id arqir.IncidentID, c arqir.Change, req Req) (*arqir.Incident, error)) error {
	var req Req
	if err := decodeJSON(w, r, &req, allowEmpty); err != nil {
		return err
	}
	return s.act(w, r, req.bodyVersion(), func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
		return change(ctx, id, c, req)
	})
}

// handleAcknowledge records that the caller took the incident (R1); it
// meets the response deadline.
func (s *server) handleAcknowledge(w http.ResponseWriter, r *http.Request) error {
	return decodeAct(s, w, r, emptyAllowed, func(ctx context.Context, id arqir.IncidentID, c arqir.Change, req versionRequest) (*arqir.Incident, error) {
		return s.store.Acknowledge(ctx, id, c)
	})
}

// handleChangeSeverity sets another severity of the policy.
func (s *server) handleChangeSeverity(w http.ResponseWriter, r *http.Request) error {
	return decodeAct(s, w, r, bodyRequired, func(ctx context.Context, id arqir.IncidentID, c arqir.Change, req severityRequest) (*arqir.Incident, error) {
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
	return decodeAct(s, w, r, bodyRequired, func(ctx context.Context, id arqir.IncidentID, c arqir.Change, req rolesRequest) (*arqir.Incident, error) {
		rc := arqir.RoleChange{Commander: req.Commander, AddResponders: req.AddResponders, RemoveResponders: req.RemoveResponders}
		return s.store.AssignRoles(ctx, id, rc, c)
	})
}

// handleAddNote appends a note to the timeline.
func (s *server) handleAddNote(w http.ResponseWriter, r *http.Request) error {
	return decodeAct(s, w, r, bodyRequired, func(ctx context.Context, id arqir.IncidentID, c arqir.Change, req noteRequest) (*arqir.Incident, error) {
		return s.store.AddNote(ctx, id, req.Text, c)
	})
}

// handleTickChecklist records that a person did checklist item {item}.
func (s *server) handleTickChecklist(w http.ResponseWriter, r *http.Request) error {
	return decodeAct(s, w, r, emptyAllowed, func(ctx context.Context, id arqir.IncidentID, c arqir.Change, req versionRequest) (*arqir.Incident, error) {
		return s.store.TickChecklist(ctx, id, r.PathValue("item"), c)
	})
}

// handleResolve closes the incident; the root cause and the customer impact
// are required (C3), which the domain enforces.
func (s *server) handleResolve(w http.ResponseWriter, r *http.Request) error {
	return decodeAct(s, w, r, bodyRequired, func(ctx context.Context, id arqir.IncidentID, c arqir.Change, req resolveRequest) (*arqir.Incident, error) {
		res := arqir.Resolution{RootCause: req.RootCause, CustomerImpact: req.CustomerImpact, FalsePositive: req.FalsePositive}
		return s.store.Resolve(ctx, id, res, c)
	})
}

// handleReopen returns a resolved incident to INVESTIGATING.
func (s *server) handleReopen(w http.ResponseWriter, r *http.Request) error {
	return decodeAct(s, w, r, bodyRequired, func(ctx context.Context, id arqir.IncidentID, c arqir.Change, req reopenRequest) (*arqir.Incident, error) {
		return s.store.Reopen(ctx, id, req.Reason, c)
	})
}
