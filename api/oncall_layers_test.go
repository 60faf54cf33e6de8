package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
	"github.com/arqir/arqir/policy"
)

// followPolicy is the default policy with a third schedule of two layers:
// the weekly rotation around the clock, and a daily one above it in
// business hours. zone is the business-hours layer's handoff zone.
func followPolicy(t *testing.T, zone string) string {
	t.Helper()
	src := string(policy.Default().Source())
	const at = "  availability:\n    clause: O4\n"
	if !strings.Contains(src, at) {
		t.Fatalf("the default policy no longer contains %q", at)
	}
	follow := `    - id: follow
      title: Follow the day
      description: Weekly, with a daily business-hours layer
      coverage: always
      layers:
        - name: weekly
          rotation: *weekly
        - name: business-hours
          rotation: {length: 1d, handoff: {time: "09:00", zone: ` + zone + `}}
          restriction: {weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday], from: "09:00", to: "17:00", zone: ` + zone + `}
`
	return strings.Replace(src, at, follow+at, 1)
}

// O1–O3 through the API: a policy schedule of layers gets participants
// per layer; the answers say which layer someone is on call by, and
// assigning a layer that takes over now is a handoff now.
func TestO1_LayersOfRotationsThroughTheAPI(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t) // Monday 3 March 2025, 04:00 in New York
	A := srv.Admin
	// Layers handing off in two zones cannot be evaluated exactly.
	r := call(t, srv, "PUT", "/api/v1/policy", A, followPolicy(t, "Europe/London")).wantStatus(t, http.StatusUnprocessableEntity)
	found := false
	for _, p := range r.errorBody(t).Problems {
		found = found || p["path"] == "oncall.schedules[2].layers[1].rotation.handoff.zone" && strings.Contains(p["message"].(string), "one schedule is read in one zone")
	}
	if !found {
		t.Fatalf("problems %s do not name the second layer's zone", r.body)
	}
	call(t, srv, "PUT", "/api/v1/policy", A, followPolicy(t, "America/New_York")).wantStatus(t, http.StatusOK)
	for _, h := range []string{"ada", "bob", "carol", "dan"} {
		addUser(t, srv, h, strings.ToUpper(h[:1])+h[1:])
	}
	var change arqir.ParticipantsChange
	call(t, srv, "PUT", "/api/v1/schedules/follow/participants", A, `{"users":["ada","bob"]}`).wantStatus(t, http.StatusOK).decodeInto(t, &change)
	if len(change.Layers) != 2 || change.Layers[0].Name != "weekly" || len(change.Layers[0].Participants) != 2 || change.After.User != "ada" || change.Handoff != 0 {
		t.Fatalf("assigning the first layer = %+v", change)
	}
	call(t, srv, "PUT", "/api/v1/schedules/follow/participants", A, `{"layer":"business-hours","users":["carol","dan"]}`).wantStatus(t, http.StatusOK).decodeInto(t, &change)
	if change.Before.User != "ada" || change.After.User != "ada" || change.Handoff != 0 {
		t.Fatalf("business hours assigned at 04:00 = before %q after %q handoff %d; want ada still", change.Before.User, change.After.User, change.Handoff)
	}
	noon := nyTime(t, 2025, 3, 4, 12, 0).Format("2006-01-02T15:04:05Z07:00")
	a := answers(t, srv, "?schedule=follow&at="+noon)
	// The daily turns were anchored on Sunday's 09:00, the last handoff
	// before 04:00 Monday: carol Sunday, dan Monday, carol Tuesday.
	if p := a[0].Shift.Parts; a[0].Shift.User != "carol" || len(p) != 1 || p[0].Layer != "business-hours" || p[0].Source != arqir.PartRotation {
		t.Fatalf("Tuesday noon = %+v", a[0].Shift)
	}
	if a := answers(t, srv, "?schedule=follow"); a[0].Shift.User != "ada" || a[0].Shift.Parts[0].Layer != "weekly" {
		t.Fatalf("now = %+v", a[0].Shift)
	}
	// At 09:00 business hours begin, and the weekly turn passes to bob;
	// emptying business hours then hands the schedule to bob at once, with
	// a report to both.
	moveTo(srv, nyTime(t, 2025, 3, 3, 10, 0))
	call(t, srv, "PUT", "/api/v1/schedules/follow/participants", A, `{"layer":"business-hours","users":[]}`).wantStatus(t, http.StatusOK).decodeInto(t, &change)
	if change.Before.User != "dan" || change.After.User != "bob" || change.Handoff == 0 {
		t.Fatalf("emptying business hours at 10:00 = before %q after %q handoff %d", change.Before.User, change.After.User, change.Handoff)
	}
	var report arqir.HandoffReport
	call(t, srv, "GET", "/api/v1/handoffs/"+itoa(int(change.Handoff)), srv.Viewer, "").wantStatus(t, http.StatusOK).decodeInto(t, &report)
	if report.Outgoing != "dan" || report.Incoming != "bob" || !report.At.Equal(change.At) {
		t.Fatalf("report = %+v", report)
	}
	call(t, srv, "PUT", "/api/v1/schedules/follow/participants", A, `{"layer":"nights","users":["bob"]}`).wantError(t, http.StatusUnprocessableEntity, "layer")
}
