package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
)

// rcasBody is the answer of GET /api/v1/rcas.
type rcasBody struct {
	RCAs []*arqir.RCA `json:"rcas"`
}

// rcaListParams are the query parameters of GET /api/v1/rcas; any other is
// refused, so a misspelt filter is not mistaken for an answer.
var rcaListParams = []string{"state", "overdue", "limit"}

// writeRCA answers with an RCA and its version as the ETag, which the
// client sends back in If-Match to make its next change conditional.
func writeRCA(w http.ResponseWriter, rca *arqir.RCA) {
	w.Header().Set("ETag", etag(rca.Version))
	writeJSON(w, http.StatusOK, rca)
}

// handleGetRCA answers the RCA of a resolved incident (P1, P2).
func (s *server) handleGetRCA(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	rca, err := s.store.RCA(r.Context(), id)
	if err != nil {
		return err
	}
	writeRCA(w, rca)
	return nil
}

// handleListRCAs lists RCAs, the earliest due first: the ones to chase.
func (s *server) handleListRCAs(w http.ResponseWriter, r *http.Request) error {
	f, err := rcaFilter(r.URL.Query())
	if err != nil {
		return err
	}
	rcas, err := s.store.RCAs(r.Context(), f)
	if err != nil {
		return err
	}
	if rcas == nil {
		rcas = []*arqir.RCA{}
	}
	writeJSON(w, http.StatusOK, rcasBody{RCAs: rcas})
	return nil
}

// rcaFilter reads and checks the query of GET /api/v1/rcas.
func rcaFilter(q url.Values) (arqir.RCAFilter, error) {
	f := arqir.RCAFilter{Limit: 100}
	for name := range q {
		if !slices.Contains(rcaListParams, name) {
			return f, arqir.FieldErrorf(arqir.EINVALID, name, "unknown query parameter %q: use %s", name, strings.Join(rcaListParams, ", "))
		}
	}
	for _, v := range list(q["state"]) {
		st, err := parseRCAState(v)
		if err != nil {
			return f, arqir.FieldErrorf(arqir.EINVALID, "state", "%s", arqir.ErrorMessage(err))
		}
		f.States = append(f.States, st)
	}
	if v := q.Get("overdue"); v != "" {
		overdue, err := strconv.ParseBool(v)
		if err != nil {
			return f, arqir.FieldErrorf(arqir.EINVALID, "overdue", "overdue=%q: use overdue=true (meeting not held by its deadline) or overdue=false", v)
		}
		f.Overdue = &overdue
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

// rcaStates are the states in the order an RCA goes through them.
var rcaStates = []arqir.RCAState{arqir.RCADraft, arqir.RCAInReview, arqir.RCAPublished}

// parseRCAState accepts a state name in any case, with - or _ or a space
// ("in review", "in-review", "IN_REVIEW").
func parseRCAState(v string) (arqir.RCAState, error) {
	norm := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(v)))
	for _, st := range rcaStates {
		if norm == string(st) {
			return st, nil
		}
	}
	return "", arqir.FieldErrorf(arqir.EUNPROCESSABLE, "state", "unknown RCA state %q: use draft, in_review or published", v)
}
