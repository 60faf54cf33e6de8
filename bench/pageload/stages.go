package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// stages splits the latency of first pages at the outbox's own timestamps
// (the store's clock is this process's): the page to schedule:primary is
// queued with the incident, then resolved to the person on call (a claim,
// an on-call lookup and a finish that queues her SMS), then her SMS is
// claimed and sent.
type stages struct {
	queued      []time.Duration // alert sent → page queued (created_at: the ingest transaction's time)
	resolved    []time.Duration // page queued → resolved to ada (delivered_at of the page to the schedule)
	sent        []time.Duration // resolved → her SMS at the receiver
	perIncident map[string]int  // notifications queued per incident, by purpose/channel (in-app where no provider)
	incidents   int
	total       int       // notifications of these incidents
	finished    int       // of them in a final state (delivered, failed, …)
	lastFinish  time.Time // the last one's
}

// firstStages reads the outbox of every incident (concurrently, after the
// run) and splits each first page's latency.
func firstStages(ctx context.Context, store arqir.Store, sentAt map[arqir.IncidentID]time.Time, pages map[arqir.IncidentID]time.Time) (stages, error) {
	st := stages{perIncident: map[string]int{}}
	ids := make(chan arqir.IncidentID)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				list, err := store.Notifications(ctx, arqir.NotificationFilter{IncidentID: id})
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("read the notifications of %s: %w", id, err)
				}
				st.add(list, sentAt[id], pages[id])
				mu.Unlock()
			}
		}()
	}
	for id := range sentAt {
		ids <- id
	}
	close(ids)
	wg.Wait()
	return st, firstErr
}

// add takes one incident's notifications.
func (st *stages) add(list []*arqir.Notification, sentAt, paged time.Time) {
	st.incidents++
	var page, sms *arqir.Notification
	for _, n := range list {
		ch := n.Channel
		if ch == "" {
			ch = "(to resolve)"
		}
		st.perIncident[n.Purpose+" via "+ch]++
		st.total++
		if n.State.Terminal() {
			st.finished++
			st.lastFinish = maxTime(st.lastFinish, n.UpdatedAt)
		}
		switch {
		case n.Purpose == arqir.PurposePage && n.Step == 1 && n.Channel == "":
			page = n
		case n.Purpose == arqir.PurposePage && n.Step == 1 && n.Channel == arqir.ChannelSMS:
			sms = n
		}
	}
	if page == nil || sms == nil || page.DeliveredAt == nil || paged.IsZero() {
		return
	}
	st.queued = append(st.queued, page.CreatedAt.Sub(sentAt))
	st.resolved = append(st.resolved, page.DeliveredAt.Sub(page.CreatedAt))
	st.sent = append(st.sent, paged.Sub(*page.DeliveredAt))
}

// fanOut lists the notifications per incident, most first.
func (st *stages) fanOut() []string {
	type kv struct {
		k string
		n int
	}
	var all []kv
	for k, n := range st.perIncident {
		all = append(all, kv{k, n})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || all[i].n == all[j].n && all[i].k < all[j].k })
	var out []string
	for _, e := range all {
		out = append(out, fmt.Sprintf("%s %.2f", e.k, float64(e.n)/float64(max(st.incidents, 1))))
	}
	return out
}
