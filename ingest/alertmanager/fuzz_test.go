package alertmanager_test

import (
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest/alertmanager"
	"github.com/arqir/arqir/ingest/ingesttest"
)

// FuzzParse feeds arbitrary bodies to both Sources; the committed corpus in
// testdata/fuzz/FuzzParse starts from the documented samples.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version":"4","alerts":[{"status":"firing","fingerprint":"a"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := ingesttest.NewRequest(string(body))
		p, err := alertmanager.Source{}.Parse(r, ingesttest.Integration(arqir.KindAlertmanager))
		ingesttest.CheckOutcome(t, p, err)
		p, err = alertmanager.Grafana{}.Parse(r, ingesttest.Integration(arqir.KindGrafana))
		ingesttest.CheckOutcome(t, p, err)
	})
}
