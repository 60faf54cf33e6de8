package api

import (
	"reflect"
	"slices"
	"testing"

	"github.com/arqir/arqir"
)

// The KPI schemas of openapi.json have exactly the JSON fields of the Go
// types GET /api/v1/kpis answers, and every KPI field is required: a
// measure without data says so with null, it never drops the field.
func TestOpenAPIKPISchemasMatchTheWireTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	for name, v := range map[string]any{"KPIReport": arqir.KPIReport{}, "KPI": arqir.KPI{}, "KPIWeek": arqir.KPIWeek{}} {
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
	required, _ := doc.Components.Schemas["KPI"]["required"].([]any)
	if len(required) != reflect.TypeOf(arqir.KPI{}).NumField() {
		t.Errorf("KPI requires %v: every field is always present", required)
	}
	for _, f := range []string{"value", "target", "pass"} {
		p := doc.Components.Schemas["KPI"]["properties"].(map[string]any)[f].(map[string]any)
		if p["nullable"] != true {
			t.Errorf("KPI.%s is not nullable: it is null without data", f)
		}
	}
}
