package datadog_test

import (
	"testing"

	"github.com/arqir/arqir/ingest/ingesttest"
)

// FuzzParse feeds arbitrary bodies to Parse; the committed corpus in
// testdata/fuzz/FuzzParse starts from the documented payloads.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"title":"[P1] [Triggered on {host:a}] x","alert_id":"1"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parse(t, string(body))
		ingesttest.CheckOutcome(t, p, err)
	})
}
