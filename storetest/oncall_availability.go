package storetest

import (
	"time"

	"github.com/arqir/arqir"
)

var availabilityTests = []namedTest{
	{name: "O4_AvailabilityPerResponder", fn: testAvailability},
}

func testAvailability(e *env) {
	e.oncall()
	e.user("alice", "Alice")
	ack := func(severity string, after time.Duration, by arqir.Actor) {
		inc := e.declare(severity, "x")
		e.clock.Advance(after)
		e.must(e.st.Acknowledge(e.ctx, inc.ID, arqir.Change{Actor: by}))
		e.clock.Advance(time.Hour)
	}
	ack("SEV1", 1*time.Minute, alice)  // within SEV1's 5 min and O4's 5 min
	ack("SEV1", 7*time.Minute, alice)  // outside both
	ack("SEV3", 20*time.Minute, alice) // within SEV3's 30 min, outside O4's 5 min
	ack("SEV2", 2*time.Minute, bob)
	e.declare("SEV2", "never acknowledged")
	drill, err := e.st.Declare(e.ctx, arqir.Declaration{Title: "drill", Severity: "SEV1", Drill: true}, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	e.must(e.st.Acknowledge(e.ctx, drill.ID, as))

	r, err := e.st.Availability(e.ctx, Start, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	if r.RespondWithinSeconds != 300 || r.AcknowledgePageWithinSeconds != 120 || len(r.Responders) != 2 {
		e.t.Fatalf("report = %+v", r)
	}
	a := r.Responders[0]
	want := arqir.ResponderAvailability{Responder: "alice", Name: "Alice", Acknowledged: 3,
		ResponseP50Seconds: 420, ResponseP90Seconds: 1200, ResponseMaxSeconds: 1200,
		WithinSeverityTarget: 2, WithinSeverityTargetShare: 2.0 / 3, WithinRespondTarget: 1, WithinRespondTargetShare: 1.0 / 3,
		PagesNote: arqir.PagesNotConfigured}
	equal(e.t, "alice's availability", a, want)
	if b := r.Responders[1]; b.Responder != "bob" || b.Name != "" || b.Acknowledged != 1 || b.Pages != nil {
		e.t.Fatalf("bob = %+v", b)
	}
	_, err = e.st.Availability(e.ctx, Start, Start.Add(367*24*time.Hour))
	wantCode(e.t, err, arqir.EINVALID, "to")
	_, err = e.st.Availability(e.ctx, Start, Start)
	wantCode(e.t, err, arqir.EINVALID, "to")
}
