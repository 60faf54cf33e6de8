package api

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/arqir/arqir"
)

// openAPI is the part of the document the tests read.
type openAPI struct {
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Parameters map[string]parameter      `json:"parameters"`
		Schemas    map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	Role       string      `json:"x-arqir-role"`
	Parameters []parameter `json:"parameters"`
}

type parameter struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	var doc openAPI
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return &doc
}

// The route table and the document must agree both ways: every route is
// documented, every documented operation is served, with the same role.
func TestOpenAPIMatchesTheRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	served := map[string]route{}
	for _, rt := range (&server{}).routes() {
		served[rt.method+" "+rt.pattern] = rt
	}
	documented := map[string]operation{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = op
		}
	}
	for key, rt := range served {
		op, ok := documented[key]
		if !ok {
			t.Errorf("route %s is not in openapi.json", key)
			continue
		}
		role := string(rt.role)
		if rt.role == rolePublic {
			role = "public"
		}
		if op.Role != role {
			t.Errorf("%s: openapi.json says role %q, the route needs %q", key, op.Role, role)
		}
	}
	for key := range documented {
		if _, ok := served[key]; !ok {
			t.Errorf("openapi.json documents %s, which no route serves", key)
		}
	}
}

// Each {param} of a path is declared as a path parameter, and no other.
func TestOpenAPIDeclaresThePathParameters(t *testing.T) {
	doc := loadOpenAPI(t)
	braces := regexp.MustCompile(`\{([^}]+)\}`)
	for path, ops := range doc.Paths {
		var want []string
		for _, m := range braces.FindAllStringSubmatch(path, -1) {
			want = append(want, m[1])
		}
		for method, op := range ops {
			var got []string
			for _, p := range op.Parameters {
				if p.Ref != "" {
					p = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				if p.In == "path" {
					got = append(got, p.Name)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s declares path parameters %v, want %v", method, path, got, want)
			}
		}
	}
}

// Every $ref points at something the document defines.
func TestOpenAPIReferencesResolve(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				var target any = doc
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, _ := target.(map[string]any)
					target = m[part]
				}
				if target == nil {
					t.Errorf("$ref %s does not resolve", ref)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
}

// The documented schemas have exactly the JSON fields of the Go types the
// API reads and writes.
func TestOpenAPISchemasMatchTheWireTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	types := map[string]any{
		"Incident": arqir.Incident{}, "Detection": arqir.Detection{}, "ChecklistItem": arqir.ChecklistItem{},
		"Deadline": arqir.Deadline{}, "IncidentPage": arqir.IncidentPage{}, "TimelineEvent": arqir.TimelineEvent{},
		"Timeline": timelineBody{}, "Token": arqir.Token{}, "Tokens": tokensBody{}, "CreatedToken": createdTokenBody{},
		"PolicyRecord": arqir.PolicyRecord{}, "PolicyHistory": policyHistoryBody{}, "PolicyApplied": appliedBody{},
		"Policy": policyBody{}, "PolicyProblem": PolicyProblem{}, "Status": statusBody{},
		"DeclareRequest": declareRequest{}, "VersionRequest": versionRequest{}, "SeverityRequest": severityRequest{},
		"StatusRequest": statusRequest{}, "RolesRequest": rolesRequest{}, "NoteRequest": noteRequest{},
		"ResolveRequest": resolveRequest{}, "ReopenRequest": reopenRequest{}, "CreateTokenRequest": createTokenRequest{},
		"Alert": arqir.Alert{}, "AlertPage": arqir.AlertPage{}, "Integration": arqir.Integration{}, "Integrations": integrationsBody{},
		"IntegrationDetail": integrationBody{}, "CreatedIntegration": createdIntegrationBody{}, "Endpoint": endpointBody{},
		"IntegrationKind": kindBody{}, "IntegrationKinds": kindsBody{}, "IntegrationSetting": settingBody{},
		"CreateIntegrationRequest": createIntegrationRequest{}, "AlertFalsePositiveRequest": alertFalsePositiveRequest{},
		"IncidentFalsePositiveRequest": incidentFalsePositiveRequest{}, "ReportRequest": reportRequest{}, "ReportReceipt": reportReceipt{},
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
		var fields []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			if name := jsonName(rt.Field(i)); name != "-" {
				fields = append(fields, name)
			}
		}
		slices.Sort(documented)
		slices.Sort(fields)
		if !slices.Equal(documented, fields) {
			t.Errorf("schema %s has properties %v; the Go type has %v", name, documented, fields)
		}
	}
}

// R6: the timeline is append-only, so the table has no route that writes it.
func TestR6_NoRouteWritesTheTimeline(t *testing.T) {
	for _, rt := range (&server{}).routes() {
		if strings.Contains(rt.pattern, "timeline") && rt.method != "GET" {
			t.Errorf("route %s %s writes the timeline", rt.method, rt.pattern)
		}
	}
}
