package cli

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// The Datadog payload the CLI prints is the one ingest/datadog documents
// and parses.
func TestDatadogPayloadIsTheDocumentedTemplate(t *testing.T) {
	raw, err := os.ReadFile("../ingest/datadog/testdata/custom-payload-template.json")
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(datadogPayload), &got); err != nil {
		t.Fatalf("the printed payload is not JSON: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the printed payload differs from ingest/datadog's template:\n%s", datadogPayload)
	}
}
