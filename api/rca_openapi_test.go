package api

import (
	"reflect"
	"slices"
	"testing"

	"github.com/arqir/arqir"
)

// The post-incident schemas of openapi.json have exactly the JSON fields of
// the Go types the RCA, action-item and GitHub webhook routes read and write.
func TestOpenAPIPostIncidentSchemasMatchTheWireTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	types := map[string]any{
		"RCA": arqir.RCA{}, "RCASection": arqir.RCASection{}, "RCAFeedback": arqir.RCAFeedback{}, "RCAs": rcasBody{},
		"RCASectionRequest": rcaSectionRequest{}, "RCAStateRequest": rcaStateRequest{}, "RCAMeetingRequest": rcaMeetingRequest{},
		"RCAHeldRequest": rcaHeldRequest{}, "RCAFeedbackRequest": rcaFeedbackRequest{},
		"ActionItem": arqir.ActionItem{}, "ActionItems": actionItemsBody{}, "ActionItemRequest": actionItemRequest{},
		"ActionItemPatchRequest": actionItemPatchRequest{}, "GitHubWebhookReply": gitHubReply{}, "MeetingInvite": arqir.MeetingInvite{},
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

// The documented enums are the values the API accepts.
func TestOpenAPIPostIncidentEnums(t *testing.T) {
	doc := loadOpenAPI(t)
	enum := func(schema, prop string) []string {
		p, _ := doc.Components.Schemas[schema]["properties"].(map[string]any)[prop].(map[string]any)
		var out []string
		for _, v := range p["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	var states, statuses []string
	for _, s := range rcaStates {
		states = append(states, string(s))
	}
	for _, s := range actionItemStatuses {
		statuses = append(statuses, string(s))
	}
	if got := enum("RCA", "state"); !slices.Equal(got, states) {
		t.Errorf("RCA.state enum %v, want %v", got, states)
	}
	if got := enum("RCAStateRequest", "state"); !slices.Equal(got, states) {
		t.Errorf("RCAStateRequest.state enum %v, want %v", got, states)
	}
	if got := enum("ActionItem", "status"); !slices.Equal(got, statuses) {
		t.Errorf("ActionItem.status enum %v, want %v", got, statuses)
	}
	if got := enum("ActionItemPatchRequest", "status"); !slices.Equal(got, statuses) {
		t.Errorf("ActionItemPatchRequest.status enum %v, want %v", got, statuses)
	}
	for _, r := range []string{"pong", "closed", "already_closed", "ignored"} {
		if !slices.Contains(enum("GitHubWebhookReply", "result"), r) {
			t.Errorf("GitHubWebhookReply.result lacks %q", r)
		}
	}
}
