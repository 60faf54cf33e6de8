package sqlstore_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/storetest"
)

// TestFinish_BatchesDoNotDeadlock: two replicas record batches at once on
// the same incidents, each changing (a war room's link) the incidents the
// other only appends to (a delivered page). The incidents a batch changes
// are locked FOR NO KEY UPDATE, which the appends' foreign-key share locks
// do not wait for: with FOR UPDATE, such batches deadlock every few rounds
// and one waits PostgreSQL's deadlock_timeout (1 s) before its retry.
func TestFinish_BatchesDoNotDeadlock(t *testing.T) {
	url := schema(t, storetest.PostgresURL(t))
	var stores []*sqlstore.Store
	for range 2 {
		st, err := postgres.Open(t.Context(), url, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		stores = append(stores, st)
	}
	ctx := t.Context()
	rec, _, err := stores[0].ApplyPolicy(ctx, "t", "sha256:t", []byte("t"), "t")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stores {
		st.SetRules(storetest.PagingRules(rec.Revision))
	}
	const incidents, rounds = 6, 8
	var ids []arqir.IncidentID
	for i := range incidents {
		inc, err := stores[0].Declare(ctx, arqir.Declaration{Title: fmt.Sprint("Incident ", i), Severity: "SEV2"}, arqir.Actor{Name: "t", Source: arqir.SourceAPI})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inc.ID)
	}
	before := sqlstore.BatchRetries()
	for round := range rounds {
		stores[0].SetPlanner(planEach(func(id arqir.IncidentID) []arqir.NotificationIntent {
			return []arqir.NotificationIntent{
				{Key: fmt.Sprintf("%s/war/%d", id, round), Purpose: arqir.PurposeWarRoom, Target: "zoom", Channel: arqir.ChannelZoom},
				{Key: fmt.Sprintf("%s/page/%d/0", id, round), Purpose: arqir.PurposePage, Target: "a"},
				{Key: fmt.Sprintf("%s/page/%d/1", id, round), Purpose: arqir.PurposePage, Target: "b"},
			}
		}))
		for _, id := range ids {
			if _, err := stores[0].AddNote(ctx, id, "queue", arqir.Change{Actor: arqir.Actor{Name: "t", Source: arqir.SourceAPI}}); err != nil {
				t.Fatal(err)
			}
		}
		claimed, err := stores[0].ClaimNotifications(ctx, time.Now(), time.Hour, 100)
		if err != nil || len(claimed) != 3*incidents {
			t.Fatalf("round %d claimed %d (%v), want %d", round, len(claimed), err, 3*incidents)
		}
		byKey := map[string]*arqir.Notification{}
		for _, n := range claimed {
			byKey[n.Key] = n
		}
		batches := make([][]arqir.NotificationResult, 2)
		for r := range 2 {
			for k := range ids {
				i := k
				if r == 1 {
					i = len(ids) - 1 - k
				}
				add := func(key string, d arqir.Delivery) {
					n := byKey[key]
					batches[r] = append(batches[r], arqir.NotificationResult{ID: n.ID, Attempt: n.Attempts, Delivery: d})
				}
				if i%2 == r {
					add(fmt.Sprintf("%s/war/%d", ids[i], round), arqir.Delivery{State: arqir.NotificationDelivered,
						Refs: map[string]string{arqir.RefWarRoomURL: fmt.Sprintf("https://zoom.example/%d/%d", i, round)}})
				}
				add(fmt.Sprintf("%s/page/%d/%d", ids[i], round, r), arqir.Delivery{State: arqir.NotificationDelivered})
			}
		}
		var wg sync.WaitGroup
		for r := range 2 {
			wg.Go(func() {
				out, err := stores[r].FinishNotifications(ctx, batches[r], time.Now(), 0)
				if err != nil {
					t.Errorf("round %d, replica %d: %v", round, r, err)
					return
				}
				for i, o := range out {
					if o.Err != nil {
						t.Errorf("round %d, replica %d, result %d: %v", round, r, i, o.Err)
					}
				}
			})
		}
		wg.Wait()
	}
	if n := sqlstore.BatchRetries() - before; n != 0 {
		t.Fatalf("%d batches deadlocked and were tried again", n)
	}
}

// planEach is a planner that queues intents for the incident of each change.
type planEach func(id arqir.IncidentID) []arqir.NotificationIntent

func (p planEach) Plan(before, after *arqir.Incident, _ []arqir.TimelineEvent, _ time.Time) arqir.Plan {
	return arqir.Plan{Notify: p(after.ID)}
}
