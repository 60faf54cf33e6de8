package ingest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// Receipt is the JSON answer of sources whose senders only look at the
// status code (Alertmanager, Grafana, Datadog, SNS, generic): enough for a
// person testing with curl to see what happened.
type Receipt struct {
	Status    string             `json:"status"` // "accepted"
	Alerts    []ReceiptAlert     `json:"alerts"`
	Incidents []arqir.IncidentID `json:"incidents"`
	Replayed  bool               `json:"replayed"`
}

// ReceiptAlert is one stored alert in a Receipt.
type ReceiptAlert struct {
	ID       int64             `json:"id"`
	DedupKey string            `json:"dedup_key"`
	Status   arqir.AlertStatus `json:"status"`
}

// DefaultReply answers 200 with a Receipt.
func DefaultReply(res *arqir.IngestResult) (int, any) {
	rc := Receipt{Status: "accepted", Alerts: []ReceiptAlert{}, Incidents: []arqir.IncidentID{}}
	if res != nil {
		for _, a := range res.Alerts {
			if a != nil {
				rc.Alerts = append(rc.Alerts, ReceiptAlert{ID: a.ID, DedupKey: a.DedupKey, Status: a.Status})
			}
		}
		if res.Incidents != nil {
			rc.Incidents = res.Incidents
		}
		rc.Replayed = res.Replayed
	}
	return http.StatusOK, rc
}

// ItemError is what is wrong with one item of a list.
type ItemError struct {
	Index   int    `json:"index"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// BatchError refuses a whole request because some of its items are bad:
// ingest is all-or-nothing, never a silent partial. Its code is
// EUNPROCESSABLE (errors.As finds the *arqir.Error), and Items lists every
// bad item, not only the first, so the sender fixes them in one round.
type BatchError struct {
	Total int
	Items []ItemError
	err   *arqir.Error
}

// NewBatchError returns a BatchError for total items of which items are bad.
func NewBatchError(total int, items []ItemError) *BatchError {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d alerts are invalid, so none was accepted: fix them and send the whole request again", len(items), total)
	for i, it := range items {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(items)-10)
			break
		}
		fmt.Fprintf(&b, "; item %d: %s", it.Index, it.Message)
	}
	return &BatchError{Total: total, Items: items, err: &arqir.Error{Code: arqir.EUNPROCESSABLE, Message: b.String()}}
}

// Error implements error.
func (e *BatchError) Error() string { return e.err.Error() }

// Unwrap returns the *arqir.Error that carries the code and message.
func (e *BatchError) Unwrap() error { return e.err }

// ErrorBody is the JSON error shape of arqir's API ({"error":{code, message,
// field}}), with the bad items of a BatchError. Sources use it in
// ReplyError to keep arqir's shape while adding detail.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
	Items []ItemError `json:"items,omitempty"`
}

// ErrorDetail is the "error" member of ErrorBody.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// NewErrorBody builds the ErrorBody of err.
func NewErrorBody(err error) ErrorBody {
	body := ErrorBody{Error: ErrorDetail{Code: arqir.ErrorCode(err), Message: arqir.ErrorMessage(err), Field: arqir.ErrorField(err)}}
	var b *BatchError
	if errors.As(err, &b) {
		body.Items = b.Items
	}
	return body
}
