package web

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rca"
)

// The RCA pages (P1–P4, I4): the list of RCAs, overdue first, and one
// incident's RCA with its eight sections editable one at a time, the
// state changes, the review meeting, feedback, action items and export.
// Every change is based on the RCA version the form was rendered from,
// so a section someone else saved meanwhile is not overwritten silently.

// rcaRow is one RCA in the list with its incident.
type rcaRow struct {
	*arqir.RCA
	Incident *arqir.Incident
}

// rcasPage lists RCAs: overdue ones first, then the earliest due.
func (s *server) rcasPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	list, err := s.store.RCAs(ctx, arqir.RCAFilter{Limit: 500})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slices.SortStableFunc(list, func(a, b *arqir.RCA) int {
		switch {
		case a.Overdue && !b.Overdue:
			return -1
		case b.Overdue && !a.Overdue:
			return 1
		}
		return a.DueAt.Compare(b.DueAt)
	})
	rows := make([]rcaRow, 0, len(list))
	for _, x := range list {
		inc, err := s.store.Incident(ctx, x.IncidentID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rows = append(rows, rcaRow{x, inc})
	}
	s.render(w, r, http.StatusOK, "rcas", view{Title: "RCAs", Nav: "rcas", Data: rows})
}

// rcaData is what templates/rca.html reads.
type rcaData struct {
	RCA        *arqir.RCA
	Incident   *arqir.Incident
	Items      []*arqir.ActionItem
	Categories []arqir.ActionCategoryRule
	Users      []*arqir.User
	Now        time.Time
	// Editing is the section whose form shows the refused text again.
	Editing, EditingBody string
	// Item is what a refused action-item form said.
	Item actionItemForm
}

// actionItemForm is the add-an-action-item form's fields.
type actionItemForm struct {
	Title, Description, Category, Owner, DueOn string
}

// rcaPage shows one incident's RCA.
func (s *server) rcaPage(w http.ResponseWriter, r *http.Request) {
	s.showRCA(w, r, http.StatusOK, "", rcaData{})
}

// showRCA renders the RCA page; msg, when set, is why a form was refused.
func (s *server) showRCA(w http.ResponseWriter, r *http.Request, status int, msg string, d rcaData) {
	ctx := r.Context()
	id, err := incidentID(r)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if d.Incident, err = s.store.Incident(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.RCA, err = s.store.RCA(ctx, id); arqir.ErrorCode(err) == arqir.ENOTFOUND {
		s.render(w, r, http.StatusNotFound, "error", view{Title: "No RCA yet",
			Error: id.String() + " has no RCA yet: it is written once the incident is resolved."})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Items, err = s.store.ActionItems(ctx, arqir.ActionItemFilter{IncidentID: id, Limit: 500}); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Users, err = s.store.Users(ctx, false); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Categories = s.policy.Rules().PostIncident.Categories
	d.Now = s.now()
	s.render(w, r, status, "rca", view{Title: "RCA of " + id.String(), Nav: "rcas", Error: msg, Data: d})
}

// rcaChange runs one change of the path's RCA based on the form's version
// and answers 303 back to the RCA, or the page again with why it was refused.
func (s *server) rcaChange(w http.ResponseWriter, r *http.Request, done string, d rcaData, change func(id arqir.IncidentID, c arqir.Change) error) {
	id, err := incidentID(r)
	if err != nil {
		s.notFound(w, r)
		return
	}
	c := arqir.Change{Actor: actor(r)}
	c.ExpectedVersion, _ = strconv.Atoi(r.PostFormValue("version"))
	err = change(id, c)
	switch arqir.ErrorCode(err) {
	case "":
		s.redirect(w, r, "/incidents/"+itoa(int(id))+"/rca", done)
	case arqir.EINVALID, arqir.EUNPROCESSABLE, arqir.ECONFLICT:
		s.showRCA(w, r, statusOf(err), arqir.ErrorMessage(err), d)
	default:
		s.fail(w, r, err)
	}
}

// editRCASection replaces one section's Markdown (P2).
func (s *server) editRCASection(w http.ResponseWriter, r *http.Request) {
	section, body := r.PathValue("section"), strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n")
	s.rcaChange(w, r, "Section saved.", rcaData{Editing: section, EditingBody: body}, func(id arqir.IncidentID, c arqir.Change) error {
		_, err := s.store.EditRCASection(r.Context(), id, section, body, c)
		return err
	})
}

// setRCAState moves the RCA: to review, published, back to draft, or
// reopened with a reason.
func (s *server) setRCAState(w http.ResponseWriter, r *http.Request) {
	to := arqir.RCAState(r.PostFormValue("state"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	s.rcaChange(w, r, "RCA moved to "+strings.ReplaceAll(string(to), "_", " ")+".", rcaData{}, func(id arqir.IncidentID, c arqir.Change) error {
		if !slices.Contains([]arqir.RCAState{arqir.RCADraft, arqir.RCAInReview, arqir.RCAPublished}, to) {
			return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "state", "unknown RCA state %q: choose draft, in review or published", string(to))
		}
		_, err := s.store.SetRCAState(r.Context(), id, to, reason, c)
		return err
	})
}

// scheduleRCAMeeting sets the meeting time (UTC) and attendees and sends
// the invitations (P1).
func (s *server) scheduleRCAMeeting(w http.ResponseWriter, r *http.Request) {
	at, perr := parseUTCInput("at", r.PostFormValue("at"))
	attendees := list(r.PostFormValue("attendees"))
	s.rcaChange(w, r, "Meeting scheduled; invitations sent.", rcaData{}, func(id arqir.IncidentID, c arqir.Change) error {
		if perr != nil {
			return perr
		}
		_, err := s.store.ScheduleRCAMeeting(r.Context(), id, at, attendees, c)
		return err
	})
}

// recordRCAMeeting records that the meeting was held, meeting P1.
func (s *server) recordRCAMeeting(w http.ResponseWriter, r *http.Request) {
	at, perr := parseUTCInput("held_at", r.PostFormValue("held_at"))
	attendees := list(r.PostFormValue("attendees"))
	s.rcaChange(w, r, "Meeting recorded as held.", rcaData{}, func(id arqir.IncidentID, c arqir.Change) error {
		if perr != nil {
			return perr
		}
		_, err := s.store.RecordRCAMeeting(r.Context(), id, at, attendees, c)
		return err
	})
}

// addRCAFeedback records the signed-in person's view of the response (I4).
func (s *server) addRCAFeedback(w http.ResponseWriter, r *http.Request) {
	rating, _ := strconv.Atoi(r.PostFormValue("rating"))
	f := arqir.RCAFeedback{Rating: rating, WentWell: strings.TrimSpace(r.PostFormValue("went_well")), ToImprove: strings.TrimSpace(r.PostFormValue("to_improve"))}
	s.rcaChange(w, r, "Feedback recorded.", rcaData{}, func(id arqir.IncidentID, c arqir.Change) error {
		c.ExpectedVersion = 0 // feedback is per author and does not edit the document
		_, err := s.store.AddRCAFeedback(r.Context(), id, f, c)
		return err
	})
}

// rcaExportMarkdown answers the RCA as the Markdown document rca.Markdown
// writes (the API's export, under the session).
func (s *server) rcaExportMarkdown(w http.ResponseWriter, r *http.Request) {
	s.rcaExport(w, r, "md", "text/markdown; charset=utf-8", rca.Markdown)
}

// rcaExportHTML answers the RCA as a self-contained HTML page. Its own
// inline style may apply; scripts stay refused, so hostile text in a
// section cannot run.
func (s *server) rcaExportHTML(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	s.rcaExport(w, r, "html", "text/html; charset=utf-8", rca.HTML)
}

func (s *server) rcaExport(w http.ResponseWriter, r *http.Request, ext, contentType string, render func(*arqir.RCA, *arqir.Incident, []*arqir.ActionItem) string) {
	ctx := r.Context()
	id, err := incidentID(r)
	if err != nil {
		s.notFound(w, r)
		return
	}
	doc, err := s.store.RCA(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inc, err := s.store.Incident(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.store.ActionItems(ctx, arqir.ActionItemFilter{IncidentID: id, Limit: 500})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `inline; filename="`+id.String()+`-rca.`+ext+`"`)
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, render(doc, inc, items))
}

// parseUTCInput reads a datetime-local field as UTC (the page says so).
func parseUTCInput(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "pick a date and time (UTC)")
	}
	t, err := time.ParseInLocation(localInput, v, time.UTC)
	if err != nil {
		return time.Time{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "%q is not a date and time: write it as 2025-03-04T09:00 (UTC)", v)
	}
	return t, nil
}
