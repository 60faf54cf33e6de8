package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
)

// actionItemsBody is the answer of GET /api/v1/action-items.
type actionItemsBody struct {
	ActionItems []*arqir.ActionItem `json:"action_items"`
}

// actionItemListParams are the query parameters of GET /api/v1/action-items.
var actionItemListParams = []string{"owner", "category", "status", "overdue", "incident", "limit"}

// handleListActionItems lists action items, the earliest due first.
func (s *server) handleListActionItems(w http.ResponseWriter, r *http.Request) error {
	f, err := s.actionItemFilter(r.URL.Query())
	if err != nil {
		return err
	}
	items, err := s.store.ActionItems(r.Context(), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []*arqir.ActionItem{}
	}
	writeJSON(w, http.StatusOK, actionItemsBody{ActionItems: items})
	return nil
}

// actionItemFilter reads and checks the query. A category the policy does
// not define is refused rather than answered with an empty list.
func (s *server) actionItemFilter(q url.Values) (arqir.ActionItemFilter, error) {
	f := arqir.ActionItemFilter{Limit: 100}
	for name := range q {
		if !slices.Contains(actionItemListParams, name) {
			return f, arqir.FieldErrorf(arqir.EINVALID, name, "unknown query parameter %q: use %s", name, strings.Join(actionItemListParams, ", "))
		}
	}
	f.Owner = strings.TrimSpace(q.Get("owner"))
	if v := strings.TrimSpace(q.Get("category")); v != "" {
		c, err := s.knownCategory(v)
		if err != nil {
			return f, err
		}
		f.Category = c
	}
	for _, v := range list(q["status"]) {
		st, err := parseActionItemStatus(v)
		if err != nil {
			return f, arqir.FieldErrorf(arqir.EINVALID, "status", "%s", arqir.ErrorMessage(err))
		}
		f.Statuses = append(f.Statuses, st)
	}
	if v := q.Get("overdue"); v != "" {
		overdue, err := strconv.ParseBool(v)
		if err != nil {
			return f, arqir.FieldErrorf(arqir.EINVALID, "overdue", "overdue=%q: use overdue=true (open past the due date) or overdue=false", v)
		}
		f.Overdue = &overdue
	}
	if v := q.Get("incident"); v != "" {
		id, err := arqir.ParseIncidentID(v)
		if err != nil {
			return f, arqir.FieldErrorf(arqir.EINVALID, "incident", "%s", arqir.ErrorMessage(err))
		}
		f.IncidentID = id
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return f, arqir.FieldErrorf(arqir.EINVALID, "limit", "limit=%q: use a number from 1 to %d", v, maxListLimit)
		}
		f.Limit = n
	}
	return f, nil
}

// knownCategory returns the policy's id of an action-item category (P3).
func (s *server) knownCategory(v string) (string, error) {
	cats := s.policies.Rules().PostIncident.Categories
	var ids []string
	for _, c := range cats {
		if strings.EqualFold(c.ID, v) {
			return c.ID, nil
		}
		ids = append(ids, c.ID)
	}
	return "", arqir.FieldErrorf(arqir.EINVALID, "category", "the policy has no action-item category %q: use one of %s", v, strings.Join(ids, ", "))
}
