package sqlstore_test

import (
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/storetest"
)

// TestIncidentRowLock_LetsOthersAppendToItsTimeline: on PostgreSQL, the
// lock a change holds on an incident (the ingest committer holds a batch's
// incidents, an API change one) must not block another transaction from
// appending to that incident's timeline or outbox, whose foreign keys take
// a share lock on the incident row. With FOR UPDATE it did: the ingest
// committer and the dispatcher deadlocked, and PostgreSQL broke the cycle
// only after its deadlock_timeout (1 s), a second of stalled ingest.
func TestIncidentRowLock_LetsOthersAppendToItsTimeline(t *testing.T) {
	st := openPostgres(t)
	ctx := t.Context()
	rec, _, err := st.ApplyPolicy(ctx, "t", "sha256:t", []byte("t"), "t")
	if err != nil {
		t.Fatal(err)
	}
	st.SetRules(storetest.Rules(rec.Revision))
	inc, err := st.Declare(ctx, arqir.Declaration{Title: "Locked", Severity: "SEV2"}, arqir.Actor{Name: "t", Source: arqir.SourceAPI})
	if err != nil {
		t.Fatal(err)
	}

	changing, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer changing.Rollback()
	var id int64
	if err := changing.QueryRowContext(ctx, "SELECT id FROM incidents WHERE id = $1"+st.RowLock(), int64(inc.ID)).Scan(&id); err != nil {
		t.Fatalf("lock the incident: %v", err)
	}

	appending, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer appending.Rollback()
	if _, err := appending.ExecContext(ctx, "SET LOCAL lock_timeout = '2s'"); err != nil {
		t.Fatal(err)
	}
	_, err = appending.ExecContext(ctx, `INSERT INTO timeline_events (incident_id, at, kind, actor, source, message)
		VALUES ($1, 0, 'note', 't', 'system', 'appended while the incident is locked')`, id)
	if err != nil {
		t.Fatalf("appending to the timeline of an incident locked with %q: %v; want the row lock not to block foreign-key checks (FOR NO KEY UPDATE)", st.RowLock(), err)
	}
}
