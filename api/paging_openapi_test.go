package api

import (
	"reflect"
	"slices"
	"testing"

	"github.com/arqir/arqir"
)

// The paging schemas of openapi.json have exactly the JSON fields of the Go
// types the paging routes read and write.
func TestOpenAPIPagingSchemasMatchTheWireTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	types := map[string]any{
		"Notification": arqir.Notification{}, "Message": arqir.Message{}, "MessageField": arqir.MessageField{},
		"Notifications": notificationsBody{}, "UpdateRequest": updateRequest{},
		"SlackReply": slackReply{}, "PagerDutyWebhookReply": pagerDutyReply{},
	}
	for name, v := range types {
		schema, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("openapi.json has no schema %s", name)
			continue
		}
		props, _ := schema["properties"].(map[string]any)
		var documented []string
		for p := range props {
			documented = append(documented, p)
		}
		fields := wireFields(reflect.TypeOf(v))
		slices.Sort(documented)
		slices.Sort(fields)
		if !slices.Equal(documented, fields) {
			t.Errorf("schema %s has properties %v; the Go type has %v", name, documented, fields)
		}
	}
}

// Every source a change can come through is documented on the timeline.
func TestOpenAPIDocumentsEveryChangeSource(t *testing.T) {
	doc := loadOpenAPI(t)
	event := doc.Components.Schemas["TimelineEvent"]["properties"].(map[string]any)
	enum, _ := event["source"].(map[string]any)["enum"].([]any)
	for _, src := range []arqir.Source{arqir.SourceAPI, arqir.SourceCLI, arqir.SourceWeb, arqir.SourceSystem,
		arqir.SourceSlack, arqir.SourcePagerDuty, arqir.SourceLink} {
		if !slices.Contains(enum, any(string(src))) {
			t.Errorf("TimelineEvent.source does not list %q", src)
		}
	}
}
