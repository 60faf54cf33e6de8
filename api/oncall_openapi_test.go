package api

import (
	"reflect"
	"slices"
	"testing"

	"github.com/arqir/arqir"
)

// The on-call schemas of openapi.json have exactly the JSON fields of the
// Go types the on-call routes read and write.
func TestOpenAPIOnCallSchemasMatchTheWireTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	types := map[string]any{
		"User": arqir.User{}, "Users": usersBody{}, "CreateUserRequest": createUserRequest{}, "UpdateUserRequest": updateUserRequest{},
		"Team": arqir.Team{}, "Teams": teamsBody{}, "CreateTeamRequest": createTeamRequest{},
		"Contact": arqir.Contact{}, "ContactGroup": arqir.ContactGroup{}, "ContactDirectory": arqir.ContactDirectory{},
		"ContactAssignment": arqir.ContactAssignment{}, "AssignContactRequest": assignContactRequest{},
		"Shift": arqir.Shift{}, "ShiftPart": arqir.ShiftPart{}, "OnCallAnswer": arqir.OnCallAnswer{}, "OnCall": onCallBody{},
		"Participant": arqir.Participant{}, "Override": arqir.Override{}, "ScheduleInfo": arqir.ScheduleInfo{}, "Schedules": schedulesBody{},
		"ParticipantsRequest": participantsRequest{}, "ParticipantsChange": arqir.ParticipantsChange{}, "LayerInfo": arqir.LayerInfo{}, "Shifts": shiftsBody{}, "UserShifts": userShiftsBody{},
		"OverrideRequest": overrideRequest{}, "SwapRequest": swapRequest{}, "Overrides": overridesBody{},
		"HandoffNote": arqir.HandoffNote{}, "HandoffNoteRequest": handoffNoteRequest{}, "HandoffNotes": notesBody{},
		"HandoffIncident": arqir.HandoffIncident{}, "HandoffDeadline": arqir.HandoffDeadline{}, "HandoffActionItems": arqir.HandoffActionItems{},
		"PostShiftItem": arqir.PostShiftItem{}, "PostShiftChecklist": arqir.PostShiftChecklist{}, "HandoffReport": arqir.HandoffReport{},
		"Handoffs": handoffsBody{}, "InAppMessage": arqir.InAppMessage{}, "Inbox": inboxBody{},
		"CalendarFeed": arqir.CalendarFeed{}, "CalendarRequest": calendarRequest{}, "CreatedCalendar": createdCalendarBody{}, "Calendars": calendarsBody{},
		"PageStats": arqir.PageStats{}, "ResponderAvailability": arqir.ResponderAvailability{}, "AvailabilityReport": arqir.AvailabilityReport{},
	}
	for name, v := range types {
		schema, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("openapi.json has no schema %s", name)
			continue
		}
		props, _ := schema["properties"].(map[string]any)
		var documented, fields []string
		for p := range props {
			documented = append(documented, p)
		}
		fields = wireFields(reflect.TypeOf(v))
		slices.Sort(documented)
		slices.Sort(fields)
		if !slices.Equal(documented, fields) {
			t.Errorf("schema %s has properties %v; the Go type has %v", name, documented, fields)
		}
	}
}

// wireFields lists the JSON fields of a struct type, with those of an
// embedded struct as encoding/json flattens them.
func wireFields(rt reflect.Type) []string {
	var out []string
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Anonymous && f.Tag.Get("json") == "" {
			t := f.Type
			if t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			out = append(out, wireFields(t)...)
			continue
		}
		if name := jsonName(f); name != "-" {
			out = append(out, name)
		}
	}
	return out
}
