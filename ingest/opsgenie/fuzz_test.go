package opsgenie_test

import (
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest/ingesttest"
	"github.com/arqir/arqir/ingest/opsgenie"
)

// FuzzParse feeds arbitrary paths, identifier types and bodies to Parse; the
// committed corpus in testdata/fuzz/FuzzParse starts from the documented
// examples.
func FuzzParse(f *testing.F) {
	f.Add("/v2/alerts", "", []byte(`{"message":"m"}`))
	f.Add("/v2/alerts/a%2Fb/close", "alias", []byte(``))
	f.Fuzz(func(t *testing.T, path, identifierType string, body []byte) {
		p, err := opsgenie.Source{}.Parse(request(path, identifierType, string(body)), ingesttest.Integration(arqir.KindOpsgenie))
		ingesttest.CheckOutcome(t, p, err)
	})
}
