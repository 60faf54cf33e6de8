package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// initPaging installs the dispatcher's Wake as the store's queued hook
// through an interface check: were the stores to lose SetQueuedHook, the
// wiring would silently fall back to polling and pages would wait up to a
// second. Both SQL stores are one type (internal/sqlstore).
func TestTheStoreWakesTheDispatcherWhenItQueuesAPage(t *testing.T) {
	st, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, ok := st.(queuedHooker); !ok {
		t.Fatalf("%T has no SetQueuedHook: the dispatcher would only poll", st)
	}
}
