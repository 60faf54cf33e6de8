package generic_test

import (
	"testing"

	"github.com/arqir/arqir/ingest/ingesttest"
)

// FuzzParse feeds arbitrary bodies to Parse; the committed corpus in
// testdata/fuzz/FuzzParse starts from the documented examples.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`[{"dedup_key":"k","status":"resolved"}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parse(t, string(body))
		ingesttest.CheckOutcome(t, p, err)
	})
}
