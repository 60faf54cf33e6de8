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
		"ParticipantsRequest": participantsRequest{}, "Shifts": shiftsBody{}, "UserShifts": userShiftsBody{},
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
