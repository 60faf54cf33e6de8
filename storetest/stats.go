package storetest

import (
	"time"

	"github.com/arqir/arqir"
)

var statsTests = []namedTest{
	{name: "StatsCountOpenBySeverityAndBreaches", fn: testStats},
}

func testStats(e *env) {
	st, err := e.st.Stats(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "stats of an empty database", st, &arqir.IncidentStats{OpenBySeverity: map[string]int{"SEV1": 0, "SEV2": 0, "SEV3": 0, "SEV4": 0}, BreachesByKind: map[string]int{}})

	e.declare("SEV1", "Checkout down")
	e.declare("SEV2", "Payments slow")
	resolved := e.declare("SEV2", "Search slow")
	e.declare("SEV3", "Images slow")
	e.must(e.st.Resolve(e.ctx, resolved.ID, arqir.Resolution{RootCause: "cache", CustomerImpact: "none"}, as))
	if n, err := e.st.SweepDeadlines(e.ctx, micro(Start).Add(time.Hour)); err != nil || n != 3 {
		e.t.Fatalf("sweep breached %d (%v), want 3", n, err)
	}
	st, err = e.st.Stats(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "stats", st, &arqir.IncidentStats{OpenBySeverity: map[string]int{"SEV1": 1, "SEV2": 1, "SEV3": 1, "SEV4": 0},
		BreachesTotal: 3, BreachesByKind: map[string]int{arqir.DeadlineResponse: 3}})
}
