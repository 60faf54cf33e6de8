package cloudwatch

import (
	"strings"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// SNS message types (the Type field and x-amz-sns-message-type header).
const (
	TypeNotification             = "Notification"
	TypeSubscriptionConfirmation = "SubscriptionConfirmation"
	TypeUnsubscribeConfirmation  = "UnsubscribeConfirmation"
)

// Envelope is the JSON body SNS posts to an HTTP(S) endpoint.
type Envelope struct {
	Type      string `json:"Type"`
	MessageID string `json:"MessageId"`
	TopicArn  string `json:"TopicArn"`
	// Subject is a pointer because an absent Subject is left out of the
	// string to sign while an empty one is signed.
	Subject          *string `json:"Subject"`
	Message          string  `json:"Message"`
	Timestamp        string  `json:"Timestamp"`
	SignatureVersion string  `json:"SignatureVersion"`
	Signature        string  `json:"Signature"`
	SigningCertURL   string  `json:"SigningCertURL"`
	UnsubscribeURL   string  `json:"UnsubscribeURL"`
	Token            string  `json:"Token"`
	SubscribeURL     string  `json:"SubscribeURL"`
}

// decodeEnvelope reads and checks the envelope of r.
func decodeEnvelope(r *ingest.Request) (*Envelope, error) {
	if err := ingest.CheckContentType(r, true, "SNS sends text/plain; a relay must keep the SNS JSON envelope"); err != nil {
		return nil, err
	}
	var env Envelope
	if err := ingest.DecodeJSON(r.Body, &env); err != nil {
		return nil, err
	}
	switch env.Type {
	case TypeNotification, TypeSubscriptionConfirmation, TypeUnsubscribeConfirmation:
	case "":
		return nil, arqir.FieldErrorf(arqir.EINVALID, "Type", "the body is not an SNS message (no Type): subscribe this URL to the SNS topic, and turn off raw message delivery, since arqir needs the signed envelope")
	default:
		return nil, arqir.FieldErrorf(arqir.EINVALID, "Type", "SNS message type %q is not one of Notification, SubscriptionConfirmation, UnsubscribeConfirmation", ingest.Truncate(env.Type, 32))
	}
	if h := r.Header.Get("x-amz-sns-message-type"); h != "" && h != env.Type {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "Type", "the x-amz-sns-message-type header (%q) and the message Type (%q) differ", ingest.Truncate(h, 32), env.Type)
	}
	if h := r.Header.Get("x-amz-sns-topic-arn"); h != "" && h != env.TopicArn {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "TopicArn", "the x-amz-sns-topic-arn header and the message TopicArn differ")
	}
	if env.MessageID == "" {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "MessageId", "the SNS message has no MessageId")
	}
	return &env, nil
}

// StringToSign builds the canonical string SNS signs for the envelope's
// type: "Key\nValue\n" for each key in the documented order.
func (e *Envelope) StringToSign() string {
	var b strings.Builder
	add := func(k, v string) {
		b.WriteString(k)
		b.WriteByte('\n')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	add("Message", e.Message)
	add("MessageId", e.MessageID)
	if e.Type == TypeNotification {
		if e.Subject != nil {
			add("Subject", *e.Subject)
		}
		add("Timestamp", e.Timestamp)
		add("TopicArn", e.TopicArn)
		add("Type", e.Type)
		return b.String()
	}
	add("SubscribeURL", e.SubscribeURL)
	add("Timestamp", e.Timestamp)
	add("Token", e.Token)
	add("TopicArn", e.TopicArn)
	add("Type", e.Type)
	return b.String()
}
