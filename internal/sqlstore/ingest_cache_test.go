package sqlstore_test

import (
	"reflect"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
)

// The committer's incident cache holds each incident exactly as stored,
// row values included, through attachments (written as stamps), a
// responder's change between batches (the cached copy is stale and read
// again), a severity raise and an auto-resolution; and batches take
// incidents from it.
func TestIngest_IncidentCacheHoldsTheStoredIncident(t *testing.T) {
	onBoth(t, testIncidentCache)
}

func testIncidentCache(t *testing.T, st *sqlstore.Store) {
	ctx := t.Context()
	in := alertIntegration(t, st)
	fire := func(key string, labels ...string) arqir.AlertEvent {
		l := map[string]string{"alertname": "Errors", "service": "checkout"}
		for i := 0; i+1 < len(labels); i += 2 {
			l[labels[i]] = labels[i+1]
		}
		return arqir.AlertEvent{DedupKey: key, Status: arqir.AlertFiring, Summary: "Errors on " + key, Labels: l}
	}
	var inc arqir.IncidentID
	ingest := func(step string, events ...arqir.AlertEvent) {
		t.Helper()
		res, err := st.Ingest(ctx, in.ID, "", events)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if inc == 0 {
			inc = res.Incidents[0]
		}
		stored, err := st.Incident(ctx, inc)
		if err != nil {
			t.Fatal(err)
		}
		cached, vals, ok := st.CachedIncident(inc)
		if !ok {
			t.Fatalf("%s: the cache does not hold %s", step, inc)
		}
		if !reflect.DeepEqual(cached, stored) {
			t.Fatalf("%s: cached\n%+v\nstored\n%+v", step, cached, stored)
		}
		if vals != nil {
			want, err := sqlstore.IncidentRowValues(stored)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(vals, want) {
				t.Fatalf("%s: cached row values\n%v\nstored\n%v", step, vals, want)
			}
		}
	}
	ingest("open", fire("a"))
	ingest("attach", fire("b"))
	ingest("attach again", fire("c"), fire("d"))
	hits := st.IncidentCacheHits()
	if hits < 2 {
		t.Fatalf("%d incidents taken from the cache, want the two attachments' at least", hits)
	}
	if _, err := st.Acknowledge(ctx, inc, arqir.Change{Actor: arqir.Actor{Name: "ana", Source: arqir.SourceAPI}}); err != nil {
		t.Fatal(err)
	}
	ingest("attach after an acknowledgement", fire("e"))
	if got := st.IncidentCacheHits(); got != hits {
		t.Fatalf("the acknowledged incident was taken from the cache (%d hits, was %d)", got, hits)
	}
	if got, _ := st.Incident(ctx, inc); got.AcknowledgedAt == nil {
		t.Fatal("the attachment after the acknowledgement lost it")
	}
	ingest("raise", fire("f", "team", "payments"))
	ingest("repeat", fire("f", "team", "payments"))
	var resolves []arqir.AlertEvent
	for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
		resolves = append(resolves, arqir.AlertEvent{DedupKey: k, Status: arqir.AlertResolved})
	}
	ingest("all resolved", resolves...)
	if got := st.IncidentCacheHits(); got <= hits {
		t.Fatalf("no incident taken from the cache after the acknowledgement (%d hits)", got)
	}
}
