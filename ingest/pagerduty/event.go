package pagerduty

import (
	"encoding/json"

	"github.com/arqir/arqir/ingest"
)

// Event is an Events API v2 alert event, as go-pagerduty's V2Event and
// Alertmanager's notify/pagerduty send it.
type Event struct {
	RoutingKey  string   `json:"routing_key"`
	EventAction string   `json:"event_action"`
	DedupKey    string   `json:"dedup_key"`
	Payload     *Payload `json:"payload"`
	Images      []Image  `json:"images"`
	Links       []Link   `json:"links"`
	Client      string   `json:"client"`
	ClientURL   string   `json:"client_url"`
}

// Payload is the PD-CEF payload of a trigger.
type Payload struct {
	Summary   string      `json:"summary"`
	Source    string      `json:"source"`
	Severity  string      `json:"severity"`
	Timestamp ingest.Text `json:"timestamp"`
	Component string      `json:"component"`
	Group     string      `json:"group"`
	Class     string      `json:"class"`
	// CustomDetails is documented as an object; senders also put strings
	// and lists there, which are kept as text.
	CustomDetails json.RawMessage `json:"custom_details"`
}

// Image is one entry of images.
type Image struct {
	Src  string `json:"src"`
	Href string `json:"href"`
	Alt  string `json:"alt"`
}

// Link is one entry of links.
type Link struct {
	Href string `json:"href"`
	Text string `json:"text"`
}
