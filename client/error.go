package client

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// Error is a refusal by the server: an HTTP status of 400 or more with the
// server's error code, message and offending field.
type Error struct {
	Status  int    // HTTP status, e.g. 422
	Code    string // the server's code, e.g. "unprocessable" (see arqir.E*)
	Message string // what went wrong and what to do, from the server
	Field   string // the offending input, if any
	// Problems lists every problem of a refused policy document.
	Problems []Problem
	// Current is the incident as it is now, sent with a version conflict
	// (409) so the caller can show what changed and retry.
	Current *arqir.Incident
}

// Problem is one reason a policy document was refused.
type Problem struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Error returns the server's message.
func (e *Error) Error() string { return e.Message }

// errorBody is the JSON of an error answer.
type errorBody struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
	Current  *arqir.Incident `json:"current"`
	Problems []Problem       `json:"problems"`
	// Status and Reason are the answer of /readyz when it is not ready.
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// maxErrorBody bounds how much of an error answer is read: enough for any
// arqir error, and a proxy's HTML page is cut short.
const maxErrorBody = 1 << 20

// readError turns an error answer into *Error. An answer that is not
// arqir's JSON (a proxy, a wrong URL) still becomes an *Error that says so.
func readError(req *http.Request, resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{Status: resp.StatusCode}
	var body errorBody
	if json.Unmarshal(b, &body) == nil && body.Error != nil && body.Error.Message != "" {
		e.Code, e.Message, e.Field = body.Error.Code, body.Error.Message, body.Error.Field
		e.Problems, e.Current = body.Problems, body.Current
		return e
	}
	if body.Status != "" && body.Reason != "" {
		e.Code, e.Message = body.Status, "the server is not ready: "+body.Reason
		return e
	}
	snippet := strings.TrimSpace(string(b))
	if len(snippet) > 200 {
		snippet = snippet[:200] + "…"
	}
	e.Message = fmt.Sprintf("%s %s answered %s, not an arqir error: is this the arqir server's URL?", req.Method, req.URL.Redacted(), resp.Status)
	if snippet != "" {
		e.Message += " (" + snippet + ")"
	}
	return e
}
