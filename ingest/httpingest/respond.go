package httpingest

import (
	"encoding/json"
	"net/http"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// codeMethodNotAllowed is the one error code added to the domain's, as in
// the API: a request with a method the endpoint does not take.
const codeMethodNotAllowed = "method_not_allowed"

// statusOf maps an error code to the HTTP status, as the API does. Senders
// act on the class: most retry 5xx and give up on 4xx, so only failures of
// arqir itself may be 5xx.
func statusOf(code string) int {
	switch code {
	case arqir.EINVALID:
		return http.StatusBadRequest
	case arqir.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case arqir.EFORBIDDEN:
		return http.StatusForbidden
	case arqir.ENOTFOUND:
		return http.StatusNotFound
	case codeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case arqir.ECONFLICT:
		return http.StatusConflict
	case arqir.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case arqir.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// writeError is the only place that answers a refusal: arqir's error shape
// (ingest.ErrorBody, with the bad items of a batch), or the source's own
// when it is an ingest.ErrorReplier (PagerDuty, Opsgenie senders parse
// theirs). Internal errors get a generic message; record logs them. It
// returns the status written.
func (h *handler) writeError(w http.ResponseWriter, src ingest.Source, err error) int {
	status := statusOf(arqir.ErrorCode(err))
	var body any = ingest.NewErrorBody(err)
	if er, ok := src.(ingest.ErrorReplier); ok {
		status, body = er.ReplyError(status, err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="arqir ingest"`)
	}
	writeJSON(w, status, body)
	return status
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // a failed write means the sender left; it retries
}

// setSecurityHeaders applies to every answer: JSON only, never sniffed,
// framed or cached (an answer may name alerts and incidents).
func setSecurityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
}
