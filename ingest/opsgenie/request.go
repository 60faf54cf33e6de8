package opsgenie

import (
	"encoding/json"

	"github.com/arqir/arqir/ingest"
)

// CreateRequest is the body of POST /v2/alerts.
type CreateRequest struct {
	Message     string                 `json:"message"`
	Alias       string                 `json:"alias"`
	Description string                 `json:"description"`
	Responders  json.RawMessage        `json:"responders"`
	VisibleTo   json.RawMessage        `json:"visibleTo"`
	Actions     []string               `json:"actions"`
	Tags        []string               `json:"tags"`
	Details     map[string]ingest.Text `json:"details"`
	Entity      string                 `json:"entity"`
	Source      string                 `json:"source"`
	Priority    string                 `json:"priority"`
	User        string                 `json:"user"`
	Note        string                 `json:"note"`
}

// ActionRequest is the optional body of close and acknowledge.
type ActionRequest struct {
	User   string `json:"user"`
	Source string `json:"source"`
	Note   string `json:"note"`
}

// Response is Opsgenie's answer, success or error.
type Response struct {
	Result    string  `json:"result,omitempty"`
	Message   string  `json:"message,omitempty"`
	Took      float64 `json:"took"`
	RequestID string  `json:"requestId"`
}
