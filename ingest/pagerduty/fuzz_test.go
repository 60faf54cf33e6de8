package pagerduty_test

import (
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest/ingesttest"
	"github.com/arqir/arqir/ingest/pagerduty"
)

// FuzzParse feeds arbitrary bodies to Credential and Parse; the committed
// corpus in testdata/fuzz/FuzzParse starts from the documented examples.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"routing_key":"k","event_action":"resolve","dedup_key":"d"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := enqueue(string(body))
		if _, err := (pagerduty.Source{}).Credential(r); err != nil && arqir.ErrorCode(err) == arqir.EINTERNAL {
			t.Fatalf("Credential: %v", err)
		}
		p, err := pagerduty.Source{}.Parse(r, ingesttest.Integration(arqir.KindPagerDuty))
		ingesttest.CheckOutcome(t, p, err)
	})
}
