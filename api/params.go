package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
)

// pathIncidentID reads {id} of the path: "INC-42" or "42".
func pathIncidentID(r *http.Request) (arqir.IncidentID, error) {
	id, err := arqir.ParseIncidentID(r.PathValue("id"))
	if err != nil {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "id", "%s", arqir.ErrorMessage(err))
	}
	return id, nil
}

// expectedVersion is the incident version a change is based on, from the
// body's "version" or the If-Match header (the ETag of a GET); 0 means the
// caller did not say, and the change applies to whatever is current.
func expectedVersion(r *http.Request, bodyVersion int) (int, error) {
	if bodyVersion < 0 {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "version", "version %d is not an incident version: send the version (or ETag) from your last read, or leave it out", bodyVersion)
	}
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return bodyVersion, nil
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v <= 0 {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "If-Match", "If-Match %s is not an incident version: send the ETag of the incident, e.g. \"3\"", h)
	}
	if bodyVersion != 0 && bodyVersion != v {
		return 0, arqir.FieldErrorf(arqir.EINVALID, "version", "the body says version %d but If-Match says %d: send one of them", bodyVersion, v)
	}
	return v, nil
}
