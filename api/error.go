package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// errorBody is the JSON of every error response:
// {"error":{"code","message","field"}}, plus "current" on an incident
// conflict and "problems" on a refused policy.
type errorBody struct {
	Error    errorDetail     `json:"error"`
	Current  *arqir.Incident `json:"current,omitempty"`
	Problems []PolicyProblem `json:"problems,omitempty"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// codeMethodNotAllowed is the one error code the API adds to the domain's:
// a request for a path that exists under other methods.
const codeMethodNotAllowed = "method_not_allowed"

// writeError is the only place that turns an error into an HTTP status and
// body (STYLE habit 3). Application errors (*arqir.Error) are answered with
// their own message; anything else is internal: logged with the request's
// method and route, and answered with a generic message so no detail leaks.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	body := errorBody{Error: errorDetail{
		Code:    arqir.ErrorCode(err),
		Message: arqir.ErrorMessage(err),
		Field:   arqir.ErrorField(err),
	}}
	var (
		conflict *conflictError
		refused  *policyRefused
		method   *methodNotAllowed
	)
	switch {
	case errors.As(err, &conflict):
		body.Current = conflict.current
	case errors.As(err, &refused):
		body.Problems = refused.problems
	case errors.As(err, &method):
		body.Error = errorDetail{Code: codeMethodNotAllowed, Message: method.Error()}
		w.Header().Set("Allow", strings.Join(method.allowed, ", "))
	}

	status := http.StatusInternalServerError
	switch body.Error.Code {
	case arqir.EINVALID:
		status = http.StatusBadRequest
	case arqir.EUNAUTHORIZED:
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Bearer realm="arqir"`)
	case arqir.EFORBIDDEN:
		status = http.StatusForbidden
	case arqir.ENOTFOUND:
		status = http.StatusNotFound
	case codeMethodNotAllowed:
		status = http.StatusMethodNotAllowed
	case arqir.ECONFLICT:
		status = http.StatusConflict
	case arqir.ETOOLARGE:
		status = http.StatusRequestEntityTooLarge
	case arqir.EUNPROCESSABLE:
		status = http.StatusUnprocessableEntity
	default:
		body.Error.Code = arqir.EINTERNAL
		s.logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "route", routeOf(r), "err", err)
	}
	writeJSON(w, status, body)
}

// conflictError carries the incident as it is now with an ECONFLICT, so a
// client can show what changed and retry against the new version.
type conflictError struct {
	err     error
	current *arqir.Incident
}

func (e *conflictError) Error() string { return e.err.Error() }
func (e *conflictError) Unwrap() error { return e.err }

// policyRefused is a policy document with problems; nothing was applied.
type policyRefused struct{ problems []PolicyProblem }

func (e *policyRefused) Error() string { return policyRefusedMessage(len(e.problems)) }

// Unwrap makes the refusal an EUNPROCESSABLE application error.
func (e *policyRefused) Unwrap() error {
	return arqir.Errorf(arqir.EUNPROCESSABLE, "%s", policyRefusedMessage(len(e.problems)))
}

func policyRefusedMessage(n int) string {
	if n == 1 {
		return "the policy has 1 problem; nothing was applied"
	}
	return fmt.Sprintf("the policy has %d problems; nothing was applied", n)
}

// methodNotAllowed is a request for a known path with a method it lacks.
type methodNotAllowed struct {
	method, path string
	allowed      []string
}

func (e *methodNotAllowed) Error() string {
	return fmt.Sprintf("%s is not allowed on %s: use %s", e.method, e.path, strings.Join(e.allowed, " or "))
}

// routeOf is the route pattern the mux matched, without the method: bounded,
// unlike the raw path, and free of IDs.
func routeOf(r *http.Request) string {
	if _, path, ok := strings.Cut(r.Pattern, " "); ok {
		return path
	}
	if r.Pattern == "" || r.Pattern == "/" {
		return "unmatched"
	}
	return r.Pattern
}
