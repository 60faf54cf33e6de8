package sources_test

import (
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest/sources"
)

// TestEveryKindHasASource: every integration kind except the built-in
// evaluator has exactly one Source, and Lookup finds it.
func TestEveryKindHasASource(t *testing.T) {
	seen := map[arqir.IntegrationKind]int{}
	for _, s := range sources.All() {
		seen[s.Kind()]++
	}
	for _, kind := range arqir.IntegrationKinds {
		if kind == arqir.KindEvaluator {
			if seen[kind] != 0 {
				t.Errorf("the evaluator has a Source")
			}
			continue
		}
		if seen[kind] != 1 {
			t.Errorf("kind %s has %d Sources, want 1", kind, seen[kind])
		}
		s, ok := sources.Lookup(kind)
		if !ok || s.Kind() != kind {
			t.Errorf("Lookup(%s) = %v, %v", kind, s, ok)
		}
		delete(seen, kind)
	}
	for kind := range seen {
		if kind != arqir.KindEvaluator {
			t.Errorf("Source of unknown kind %s", kind)
		}
	}
	if _, ok := sources.Lookup("nagios"); ok {
		t.Error("Lookup of an unknown kind succeeded")
	}
}
