package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// The action items (P3, P4) across incidents: a list filtered by owner,
// category, status and overdue; filing one from the RCA page; marking one
// done or cancelled.

// actionsData is what templates/actions.html reads.
type actionsData struct {
	Items      []*arqir.ActionItem
	Owner      string
	Category   string
	Status     string
	Overdue    bool
	Categories []arqir.ActionCategoryRule
	Statuses   []arqir.ActionItemStatus
}

// actionItemsPage lists action items, earliest due first:
// ?owner=…&category=…&status=open|done|cancelled&overdue=1.
func (s *server) actionItemsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := actionsData{
		Owner: strings.TrimSpace(q.Get("owner")), Category: strings.TrimSpace(q.Get("category")),
		Status: strings.TrimSpace(q.Get("status")), Overdue: q.Get("overdue") == "1",
		Categories: s.policy.Rules().PostIncident.Categories,
		Statuses:   []arqir.ActionItemStatus{arqir.ActionItemOpen, arqir.ActionItemDone, arqir.ActionItemCancelled},
	}
	f := arqir.ActionItemFilter{Owner: d.Owner, Category: d.Category, Limit: 500}
	if d.Status != "" {
		st := arqir.ActionItemStatus(d.Status)
		if st != arqir.ActionItemOpen && st != arqir.ActionItemDone && st != arqir.ActionItemCancelled {
			s.fail(w, r, arqir.FieldErrorf(arqir.EINVALID, "status", "unknown status %q: choose open, done or cancelled", d.Status))
			return
		}
		f.Statuses = []arqir.ActionItemStatus{st}
	}
	if d.Overdue {
		yes := true
		f.Overdue = &yes
	}
	var err error
	if d.Items, err = s.store.ActionItems(r.Context(), f); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "actions", view{Title: "Action items", Nav: "action-items", Data: d})
}

// createActionItem files an action item from the RCA page (P3, P4).
func (s *server) createActionItem(w http.ResponseWriter, r *http.Request) {
	id, err := incidentID(r)
	if err != nil {
		s.notFound(w, r)
		return
	}
	f := actionItemForm{
		Title: strings.TrimSpace(r.PostFormValue("title")), Description: strings.TrimSpace(r.PostFormValue("description")),
		Category: strings.TrimSpace(r.PostFormValue("category")), Owner: strings.TrimSpace(r.PostFormValue("owner")),
		DueOn: strings.TrimSpace(r.PostFormValue("due_on")),
	}
	in := arqir.ActionItemInput{IncidentID: id, Title: f.Title, Description: f.Description, Category: f.Category, Owner: f.Owner}
	if f.DueOn != "" {
		y, m, dd, perr := arqir.ParseDate("due_on", f.DueOn)
		if perr != nil {
			s.showRCA(w, r, statusOf(perr), arqir.ErrorMessage(perr), rcaData{Item: f})
			return
		}
		in.DueOn = time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	}
	item, err := s.store.CreateActionItem(r.Context(), in, actor(r))
	switch arqir.ErrorCode(err) {
	case "":
		msg := "Action item filed: " + item.Title + "."
		if item.Warning != "" {
			msg += " " + item.Warning
		}
		s.redirect(w, r, "/incidents/"+itoa(int(id))+"/rca", msg)
	case arqir.EINVALID, arqir.EUNPROCESSABLE:
		s.showRCA(w, r, statusOf(err), arqir.ErrorMessage(err), rcaData{Item: f})
	default:
		s.fail(w, r, err)
	}
}

// setActionItemStatus marks an action item done or cancelled (or open
// again), based on the version the form showed.
func (s *server) setActionItemStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := pageID(r.PathValue("aid"))
	if !ok {
		s.notFound(w, r)
		return
	}
	st := arqir.ActionItemStatus(r.PostFormValue("status"))
	c := arqir.Change{Actor: actor(r)}
	c.ExpectedVersion, _ = strconv.Atoi(r.PostFormValue("version"))
	var err error
	var item *arqir.ActionItem
	if st != arqir.ActionItemOpen && st != arqir.ActionItemDone && st != arqir.ActionItemCancelled {
		err = arqir.FieldErrorf(arqir.EUNPROCESSABLE, "status", "unknown status %q: choose done or cancelled", string(st))
	} else {
		item, err = s.store.UpdateActionItem(r.Context(), id, arqir.ActionItemPatch{Status: &st}, c)
	}
	back := "/action-items"
	if item != nil && r.PostFormValue("back") == "rca" {
		back = "/incidents/" + itoa(int(item.IncidentID)) + "/rca"
	}
	switch arqir.ErrorCode(err) {
	case "":
		s.redirect(w, r, back, "Action item "+strconv.FormatInt(id, 10)+" is "+string(st)+".")
	case arqir.EINVALID, arqir.EUNPROCESSABLE, arqir.ECONFLICT:
		s.render(w, r, statusOf(err), "error", view{Title: "Action item not changed", Error: arqir.ErrorMessage(err) + " Go back, reload the page and try again."})
	default:
		s.fail(w, r, err)
	}
}
