package webhook

import (
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// Version is the payload version this package sends.
const Version = "1"

// Payload is the JSON body of a delivery (see the package doc).
type Payload struct {
	Version string `json:"version"`
	// IdempotencyKey equals the Idempotency-Key header: the same for every
	// attempt at one notification.
	IdempotencyKey string       `json:"idempotency_key"`
	SentAt         time.Time    `json:"sent_at"`
	Notification   Notification `json:"notification"`
	Incident       Incident     `json:"incident"`
	Message        Message      `json:"message"`
}

// Notification says who is notified and why.
type Notification struct {
	ID        int64  `json:"id"`
	Purpose   string `json:"purpose"` // page, escalation, status_update, … (arqir.Purpose*)
	Step      int    `json:"step"`    // escalation step of a page, else 0
	Target    string `json:"target"`  // whom the policy names, e.g. "cto", "schedule:primary"
	Channel   string `json:"channel"` // webhook, sms, phone
	Address   string `json:"address"` // the phone number for sms and phone
	Recipient string `json:"recipient"`
	// Attempt counts sends of this notification; above 1 it is a retry.
	Attempt int `json:"attempt"`
}

// Incident is the incident the notification is about.
type Incident struct {
	ID       string `json:"id"` // e.g. "INC-42"
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Status   string `json:"status"`
	URL      string `json:"url,omitempty"`
	// Refs are its provider identities, e.g. war_room_url (never secrets).
	Refs map[string]string `json:"refs,omitempty"`
}

// Message is what to say.
type Message struct {
	Headline string `json:"headline"`
	// Text is the whole message as plain text, ready for an SMS or a voice.
	Text   string               `json:"text"`
	Fields []arqir.MessageField `json:"fields,omitempty"`
	URL    string               `json:"url,omitempty"`
	// AckURL acknowledges the incident with one click.
	AckURL string `json:"ack_url,omitempty"`
	// Event is the paging-tool action (trigger, acknowledge, resolve), if any.
	Event string `json:"event,omitempty"`
}

// NewPayload is the body sent for a job at now.
func NewPayload(j *notify.Job, key string, now time.Time) Payload {
	n := j.Notification
	m := n.Message
	id := n.IncidentID
	if id == 0 {
		id = m.IncidentID
	}
	return Payload{
		Version:        Version,
		IdempotencyKey: key,
		SentAt:         now.UTC().Truncate(time.Second),
		Notification: Notification{
			ID: n.ID, Purpose: n.Purpose, Step: n.Step, Target: n.Target,
			Channel: n.Channel, Address: n.Address, Recipient: n.Recipient, Attempt: n.Attempts,
		},
		Incident: Incident{
			ID: id.String(), Title: m.Title, Severity: m.Severity, Status: string(m.Status),
			URL: m.URL, Refs: j.Refs,
		},
		Message: Message{
			Headline: m.Headline, Text: m.Text(), Fields: m.Fields,
			URL: m.URL, AckURL: m.AckURL, Event: m.Event,
		},
	}
}
