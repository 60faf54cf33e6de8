package main

import (
	"context"
	"fmt"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
	"github.com/arqir/arqir/internal/sqlstore/sqlstoretest"
)

// seedStore fills an empty store with n incidents in bulk with the same SQL
// as the store benchmarks (internal/sqlstore/sqlstoretest.Seed), so the HTTP
// numbers compare with the store numbers. TestListSpawn seeds through it on
// every `go test ./...`, so a schema change that breaks it fails there.
//
// The incidents are declared one second apart from start, cycle through the
// four statuses and SEV1–SEV4, each with one service "svc-<id%20>" and a
// response deadline 5 min after declaration, met unless INVESTIGATING. With
// start = now, no deadline falls due during a run of a few minutes.
func seedStore(ctx context.Context, st arqir.Store, n int, start time.Time) error {
	s, ok := st.(*sqlstore.Store)
	if !ok {
		return fmt.Errorf("seed: the store %T is not arqir's SQL store", st)
	}
	return sqlstoretest.Seed(ctx, s, n, start)
}
