package sqlstore

import (
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// Each shape of a new alert's row binds as many values as its text has
// placeholders, and the firing shape writes its status as a constant.
func TestFreshShapes(t *testing.T) {
	now := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	firing := arqir.Alert{IntegrationID: 1, DedupKey: "k", Status: arqir.AlertFiring, Count: 1, StartedAt: now, ReceivedAt: now, LastSeenAt: now}
	resolved := firing
	resolved.Status, resolved.ResolvedAt, resolved.Count = arqir.AlertResolved, &now, 0
	for _, a := range []*arqir.Alert{&firing, &resolved} {
		shape := shapeOf(a)
		args := shape.appendRow(nil, a, alertJSON{"{}", "{}", "[]"})
		if n := strings.Count(shape.row, "?"); len(args) != n || n != shape.values {
			t.Errorf("%s alert: %d values for %d placeholders (shape says %d)", a.Status, len(args), n, shape.values)
		}
		if cols := strings.Count(shape.insert, ",") + 1; cols != strings.Count(shape.row, ",")+1 {
			t.Errorf("%s alert: %d columns for a row of %d", a.Status, cols, strings.Count(shape.row, ",")+1)
		}
	}
	if shapeOf(&firing) != &freshFiring || !strings.Contains(freshFiring.row, "'firing'") || strings.Contains(freshFiring.insert, "resolved_at") {
		t.Errorf("firing shape %+v", freshFiring)
	}
	if shapeOf(&resolved) != &freshAny {
		t.Errorf("a resolved alert takes the firing shape")
	}
}
