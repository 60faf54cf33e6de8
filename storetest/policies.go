package storetest

import (
	"sync"
	"time"

	"github.com/arqir/arqir"
)

var policyTests = []namedTest{
	{name: "PoliciesApplyOncePerHashWithHistory", fn: testPolicies, bare: true},
	{name: "ReplicasApplyingOnePolicyCreateOneRevision", fn: testConcurrentApply, bare: true},
}

func testPolicies(e *env) {
	_, err := e.st.ActivePolicy(e.ctx)
	wantCode(e.t, err, arqir.ENOTFOUND)
	if h, err := e.st.PolicyHistory(e.ctx); err != nil || len(h) != 0 {
		e.t.Fatalf("history of a fresh database = %v (%v)", h, err)
	}

	v1, created, err := e.st.ApplyPolicy(e.ctx, "1.0", "sha256:aaa", []byte("version: 1.0\n"), "alice")
	if err != nil || !created {
		e.t.Fatalf("first apply: created=%v err=%v", created, err)
	}
	now := micro(Start)
	if v1.Revision <= 0 || v1.Version != "1.0" || v1.Hash != "sha256:aaa" || v1.AppliedBy != "alice" || !v1.AppliedAt.Equal(now) {
		e.t.Fatalf("record = %+v", v1)
	}
	active, err := e.st.ActivePolicy(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "active policy", active, v1)

	e.clock.Advance(time.Minute)
	same, created, err := e.st.ApplyPolicy(e.ctx, "1.0", "sha256:aaa", []byte("version: 1.0\n"), "bob")
	if err != nil || created {
		e.t.Fatalf("applying the same hash: created=%v err=%v", created, err)
	}
	equal(e.t, "record of the same hash", same, v1)

	v2, created, err := e.st.ApplyPolicy(e.ctx, "2.0", "sha256:bbb", []byte("version: 2.0\n"), "bob")
	if err != nil || !created || v2.Revision <= v1.Revision {
		e.t.Fatalf("second policy: %+v created=%v err=%v", v2, created, err)
	}
	e.clock.Advance(time.Minute)
	// Going back to an earlier policy is a new revision: history is kept in order.
	v3, created, err := e.st.ApplyPolicy(e.ctx, "1.0", "sha256:aaa", []byte("version: 1.0\n"), "carol")
	if err != nil || !created || v3.Revision <= v2.Revision {
		e.t.Fatalf("re-applying 1.0: %+v created=%v err=%v", v3, created, err)
	}

	history, err := e.st.PolicyHistory(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	var revisions []int
	for _, rec := range history {
		revisions = append(revisions, rec.Revision)
		if rec.Source != nil {
			e.t.Fatalf("history carries the source of revision %d", rec.Revision)
		}
	}
	equal(e.t, "history, newest first", revisions, []int{v3.Revision, v2.Revision, v1.Revision})
	if history[1].AppliedBy != "bob" || history[1].Hash != "sha256:bbb" {
		e.t.Fatalf("history[1] = %+v", history[1])
	}
	if active, _ := e.st.ActivePolicy(e.ctx); active.Revision != v3.Revision || string(active.Source) != "version: 1.0\n" {
		e.t.Fatalf("active = %+v", active)
	}
}

func testConcurrentApply(e *env) {
	stores := []arqir.Store{e.st, e.another()}
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, c, err := stores[i%2].ApplyPolicy(e.ctx, "1.0", "sha256:aaa", []byte("version: 1.0\n"), "replica")
			if err != nil {
				e.t.Errorf("apply: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if c {
				created++
			}
		}()
	}
	wg.Wait()
	history, err := e.st.PolicyHistory(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if created != 1 || len(history) != 1 {
		e.t.Fatalf("%d applies created a revision and the history has %d, want 1 and 1", created, len(history))
	}
}
