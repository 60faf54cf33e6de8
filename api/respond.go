package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/arqir/arqir"
)

// writeJSON answers with a JSON document. An encoding failure after the
// header is sent cannot change the status any more; the client sees a
// truncated body, which its decoder reports.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // messages like "--name <who>" stay readable; nosniff keeps it safe
	_ = enc.Encode(v)
}

// writeIncident answers with an incident and its version as the ETag, which
// the client sends back in If-Match to make its next change conditional.
func writeIncident(w http.ResponseWriter, status int, inc *arqir.Incident) {
	w.Header().Set("ETag", etag(inc.Version))
	writeJSON(w, status, inc)
}

// etag is the strong entity tag of an incident version: "7".
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }
