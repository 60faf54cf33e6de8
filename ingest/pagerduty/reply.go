package pagerduty

import (
	"net/http"

	"github.com/arqir/arqir"
)

// Response is PagerDuty's answer to an event, success or error (the fields
// of go-pagerduty's V2EventResponse and EventsAPIV2Error).
type Response struct {
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	DedupKey string   `json:"dedup_key,omitempty"`
	Errors   []string `json:"errors,omitempty"`
}

// ReplyError implements ingest.ErrorReplier in PagerDuty's shape: an invalid
// or unprocessable event is 400 "invalid event", as PagerDuty answers it
// (PagerDuty has no 422), with arqir's message in errors.
func (Source) ReplyError(status int, err error) (int, any) {
	switch arqir.ErrorCode(err) {
	case arqir.EINVALID, arqir.EUNPROCESSABLE:
		return http.StatusBadRequest, Response{Status: "invalid event", Message: "Event object is invalid", Errors: []string{arqir.ErrorMessage(err)}}
	}
	return status, Response{Status: arqir.ErrorCode(err), Message: arqir.ErrorMessage(err), Errors: []string{arqir.ErrorMessage(err)}}
}
