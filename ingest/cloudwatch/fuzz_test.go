package cloudwatch_test

import (
	"testing"

	"github.com/arqir/arqir/ingest/cloudwatch"
	"github.com/arqir/arqir/ingest/ingesttest"
)

// FuzzParse feeds arbitrary SNS bodies to Parse (the envelope and the alarm
// inside it); the committed corpus in testdata/fuzz/FuzzParse starts from
// the documented envelopes and alarms. Verification is exercised by the
// tests with real signatures: random bytes never carry one.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"Type":"Notification","MessageId":"1","Message":"{\"AlarmArn\":\"a\",\"NewStateValue\":\"OK\"}"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := ingesttest.NewRequest(string(body), "Content-Type", "text/plain; charset=UTF-8")
		p, err := cloudwatch.New().Parse(r, integration(topic))
		ingesttest.CheckOutcome(t, p, err)
	})
}
