package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
)

// The incident room's actions. Each reads its form, makes one change as the
// signed-in person (through the web door) based on the version the form
// was rendered from, and answers 303 back to the room with a message; a
// change the procedures refuse re-renders the room with why.

// act runs one change of the incident named by the path.
func (s *server) act(w http.ResponseWriter, r *http.Request, done string, change func(id arqir.IncidentID, c arqir.Change) error) {
	id, err := incidentID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := arqir.Change{Actor: actor(r)}
	c.ExpectedVersion, _ = strconv.Atoi(r.PostFormValue("version"))
	err = change(id, c)
	switch arqir.ErrorCode(err) {
	case "":
		s.redirect(w, r, "/incidents/"+itoa(int(id)), done)
	case arqir.EINVALID, arqir.EUNPROCESSABLE, arqir.ECONFLICT:
		s.showIncident(w, r, statusOf(err), arqir.ErrorMessage(err))
	default:
		s.fail(w, r, err)
	}
}

// acknowledge: someone is on it (R1).
func (s *server) acknowledge(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, "Acknowledged.", func(id arqir.IncidentID, c arqir.Change) error {
		_, err := s.store.Acknowledge(r.Context(), id, c)
		return err
	})
}

// changeSeverity re-assigns the severity with a reason (R3).
func (s *server) changeSeverity(w http.ResponseWriter, r *http.Request) {
	sev, reason := r.PostFormValue("severity"), strings.TrimSpace(r.PostFormValue("reason"))
	s.act(w, r, "Severity changed to "+sev+".", func(id arqir.IncidentID, c arqir.Change) error {
		_, err := s.store.ChangeSeverity(r.Context(), id, sev, reason, c)
		return err
	})
}

// changeStatus moves the incident along its life cycle (R2).
func (s *server) changeStatus(w http.ResponseWriter, r *http.Request) {
	note := strings.TrimSpace(r.PostFormValue("note"))
	st, err := arqir.ParseStatus(r.PostFormValue("status"))
	s.act(w, r, "Status changed to "+string(st)+".", func(id arqir.IncidentID, c arqir.Change) error {
		if err != nil {
			return err
		}
		_, err := s.store.ChangeStatus(r.Context(), id, st, note, c)
		return err
	})
}

// assignRoles sets the commander and adds or removes responders.
func (s *server) assignRoles(w http.ResponseWriter, r *http.Request) {
	var rc arqir.RoleChange
	if r.PostForm == nil {
		r.ParseForm()
	}
	if _, ok := r.PostForm["commander"]; ok {
		cmd := strings.TrimSpace(r.PostFormValue("commander"))
		rc.Commander = &cmd
	}
	rc.AddResponders, rc.RemoveResponders = list(r.PostFormValue("add")), list(r.PostFormValue("remove"))
	s.act(w, r, "Roles updated.", func(id arqir.IncidentID, c arqir.Change) error {
		_, err := s.store.AssignRoles(r.Context(), id, rc, c)
		return err
	})
}

// postUpdate posts a structured status update (C2).
func (s *server) postUpdate(w http.ResponseWriter, r *http.Request) {
	u := arqir.StatusUpdate{
		Investigating: strings.TrimSpace(r.PostFormValue("investigating")),
		Findings:      strings.TrimSpace(r.PostFormValue("findings")),
		ETA:           strings.TrimSpace(r.PostFormValue("eta")),
	}
	var err error
	if st := r.PostFormValue("status"); st != "" {
		u.Status, err = arqir.ParseStatus(st)
	}
	s.act(w, r, "Status update posted.", func(id arqir.IncidentID, c arqir.Change) error {
		if err != nil {
			return err
		}
		_, err := s.store.PostUpdate(r.Context(), id, u, c)
		return err
	})
}

// tickChecklist ticks a first-responder task.
func (s *server) tickChecklist(w http.ResponseWriter, r *http.Request) {
	item := r.PostFormValue("item")
	s.act(w, r, "Checklist item "+item+" ticked.", func(id arqir.IncidentID, c arqir.Change) error {
		_, err := s.store.TickChecklist(r.Context(), id, item, c)
		return err
	})
}

// addNote adds a note to the timeline.
func (s *server) addNote(w http.ResponseWriter, r *http.Request) {
	text := strings.TrimSpace(r.PostFormValue("text"))
	s.act(w, r, "Note added.", func(id arqir.IncidentID, c arqir.Change) error {
		_, err := s.store.AddNote(r.Context(), id, text, c)
		return err
	})
}

// resolve records the root cause and customer impact (C3).
func (s *server) resolve(w http.ResponseWriter, r *http.Request) {
	res := arqir.Resolution{RootCause: strings.TrimSpace(r.PostFormValue("root_cause")), CustomerImpact: strings.TrimSpace(r.PostFormValue("customer_impact"))}
	s.act(w, r, "Resolved.", func(id arqir.IncidentID, c arqir.Change) error {
		_, err := s.store.Resolve(r.Context(), id, res, c)
		return err
	})
}

// falsePositive marks the incident noise, with why (K5).
func (s *server) falsePositive(w http.ResponseWriter, r *http.Request) {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	s.act(w, r, "Marked as a false positive.", func(id arqir.IncidentID, c arqir.Change) error {
		_, err := s.store.MarkFalsePositive(r.Context(), id, reason, c)
		return err
	})
}
