package generic

import (
	"bytes"
	"encoding/json"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// IdempotencyKeyHeader lets a sender name its request, so that its retries
// are recognised even if the body is re-rendered, for 24 h, and so that an
// identical body sent again on purpose under another key is applied (a
// key derived from the body stands for retries only: 10 min). On a signed
// request the signature covers it (see Sign).
const IdempotencyKeyHeader = "Idempotency-Key"

// maxIdempotencyKey bounds the header, in bytes, so that the request key
// fits ingest.MaxRequestKey.
const maxIdempotencyKey = 128

// Source reads arqir's generic JSON.
type Source struct{}

var (
	_ ingest.Source       = Source{}
	_ ingest.Verifier     = Source{}
	_ ingest.ErrorReplier = Source{}
)

// Kind implements ingest.Source.
func (Source) Kind() arqir.IntegrationKind { return arqir.KindGeneric }

// Credential implements ingest.Source: "Authorization: Bearer <credential>".
func (Source) Credential(r *ingest.Request) (string, error) {
	return ingest.Bearer(r, "the generic integration's credential")
}

// Parse implements ingest.Source: one alert object, or an array of them
// accepted all or nothing (a *ingest.BatchError lists every bad item).
func (Source) Parse(r *ingest.Request, _ *arqir.Integration) (*ingest.Parsed, error) {
	if err := ingest.CheckMethod(r); err != nil {
		return nil, err
	}
	if err := ingest.CheckContentType(r, false, ""); err != nil {
		return nil, err
	}
	key := ingest.BodyKey(arqir.KindGeneric, r.Body)
	if k := r.Header.Get(IdempotencyKeyHeader); k != "" {
		if len(k) > maxIdempotencyKey {
			return nil, arqir.FieldErrorf(arqir.EINVALID, IdempotencyKeyHeader, "the %s header is over %d bytes", IdempotencyKeyHeader, maxIdempotencyKey)
		}
		key = ingest.IDKey(arqir.KindGeneric, k)
	}
	trimmed := bytes.TrimLeft(r.Body, " \t\r\n")
	var events []arqir.AlertEvent
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		var err error
		if events, err = batch(r.Body); err != nil {
			return nil, err
		}
	case len(trimmed) > 0 && trimmed[0] == '{':
		ev, err := decodeAlert(r.Body)
		if err != nil {
			return nil, err
		}
		events = []arqir.AlertEvent{ev}
	default:
		if err := ingest.DecodeJSON(r.Body, new(json.RawMessage)); err != nil {
			return nil, err
		}
		return nil, arqir.Errorf(arqir.EINVALID, "the body must be an alert object {…} or an array of them [{…}, …]")
	}
	return &ingest.Parsed{Events: events, RequestKey: key, Reply: ingest.DefaultReply}, nil
}

// batch reads an array of alerts. A well-formed batch, the usual case, is
// decoded in one pass straight into Alerts; anything the one pass refuses
// is read again item by item, so that the answer names every bad item.
func batch(body []byte) ([]arqir.AlertEvent, error) {
	if events, ok := batchFast(body); ok {
		return events, nil
	}
	return batchItems(body)
}

// batchItems reads a batch item by item and refuses it with every bad
// item listed.
func batchItems(body []byte) ([]arqir.AlertEvent, error) {
	var items []json.RawMessage
	if err := ingest.DecodeJSON(body, &items); err != nil {
		return nil, err
	}
	switch {
	case len(items) == 0:
		return nil, arqir.Errorf(arqir.EUNPROCESSABLE, "the batch is empty: send at least one alert")
	case len(items) > ingest.MaxAlerts:
		return nil, ingest.CheckCount("", len(items))
	}
	events := make([]arqir.AlertEvent, 0, len(items))
	var bad []ingest.ItemError
	for i, raw := range items {
		ev, err := decodeAlert(raw)
		if err != nil {
			bad = append(bad, ingest.ItemError{Index: i, Field: arqir.ErrorField(err), Message: arqir.ErrorMessage(err)})
			continue
		}
		events = append(events, ev)
	}
	if len(bad) > 0 {
		return nil, ingest.NewBatchError(len(items), bad)
	}
	return events, nil
}

// batchFast decodes a batch in one pass, strictly, and reports false for
// anything that is not a valid batch of valid alerts: batch then reads it
// again item by item to say what is wrong.
func batchFast(body []byte) ([]arqir.AlertEvent, bool) {
	var items []Alert
	if ingest.DecodeStrictJSON(body, &items) != nil || len(items) == 0 || len(items) > ingest.MaxAlerts {
		return nil, false
	}
	events := make([]arqir.AlertEvent, len(items))
	for i := range items {
		ev, err := items[i].event()
		if err != nil {
			return nil, false
		}
		events[i] = ev
	}
	return events, true
}

// ReplyError implements ingest.ErrorReplier: arqir's error shape plus, for a
// refused batch, every bad item.
func (Source) ReplyError(status int, err error) (int, any) {
	return status, ingest.NewErrorBody(err)
}
