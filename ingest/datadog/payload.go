package datadog

import "github.com/arqir/arqir/ingest"

// Payload is the default webhook payload plus the fields of arqir's
// documented custom payload. Every value is a string in Datadog's templates;
// ingest.Text also reads a number, for users who leave out the quotes.
type Payload struct {
	ID          ingest.Text `json:"id"`
	Title       ingest.Text `json:"title"`
	Body        ingest.Text `json:"body"`
	EventType   ingest.Text `json:"event_type"`
	Date        ingest.Text `json:"date"`
	LastUpdated ingest.Text `json:"last_updated"`
	Org         struct {
		ID   ingest.Text `json:"id"`
		Name ingest.Text `json:"name"`
	} `json:"org"`

	AlertCycleKey   ingest.Text `json:"alert_cycle_key"`
	AlertTransition ingest.Text `json:"alert_transition"`
	AlertID         ingest.Text `json:"alert_id"`
	AlertPriority   ingest.Text `json:"alert_priority"`
	AlertTitle      ingest.Text `json:"alert_title"`
	AlertStatus     ingest.Text `json:"alert_status"`
	AlertScope      ingest.Text `json:"alert_scope"`
	AlertType       ingest.Text `json:"alert_type"`
	AlertQuery      ingest.Text `json:"alert_query"`
	AlertMetric     ingest.Text `json:"alert_metric"`
	AggregKey       ingest.Text `json:"aggreg_key"`
	Hostname        ingest.Text `json:"hostname"`
	Link            ingest.Text `json:"link"`
	Tags            ingest.Text `json:"tags"`
}
