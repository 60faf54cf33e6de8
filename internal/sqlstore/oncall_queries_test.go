package sqlstore_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
	"github.com/arqir/arqir/sqlite"
	"github.com/arqir/arqir/storetest"
)

// TestOnCall_UsersAreReadOncePerRequest: an answer about every schedule
// reads the users once, not once per schedule — the names and deletions
// are the same for all of them.
func TestOnCall_UsersAreReadOncePerRequest(t *testing.T) {
	ctx := t.Context()
	now := storetest.Start
	st, reads := countingStore(t, func() time.Time { return now })
	st.SetOnCallRules(storetest.OnCallRules())
	admin := arqir.Actor{Name: "admin", Source: arqir.SourceAPI}
	for _, h := range []string{"ada", "bob"} {
		if _, err := st.CreateUser(ctx, arqir.UserInput{Handle: h, Name: h}, admin); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{"primary", "secondary"} {
		if _, err := st.SetParticipants(ctx, s, arqir.Participants{Users: []string{"ada", "bob"}}, admin); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"who is on call", func() error { _, err := st.WhoIsOnCall(ctx, "", time.Time{}); return err }},
		{"schedules", func() error { _, err := st.Schedules(ctx); return err }},
		{"next shifts", func() error { _, err := st.UserShifts(ctx, "ada", time.Time{}, 5); return err }},
		{"contacts", func() error { _, err := st.Contacts(ctx, time.Time{}); return err }},
		{"sweep", func() error { _, err := st.SweepOnCall(ctx, now.Add(time.Minute)); return err }},
	} {
		reads.Store(0)
		if err := tc.call(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n := reads.Load(); n != 1 {
			t.Errorf("%s over two schedules read every user %d times, want once", tc.name, n)
		}
	}
}

// countingStore is a SQLite store whose reads of the whole users table are
// counted: the real store on the real database, seen through a driver
// that counts the statements it prepares.
func countingStore(t *testing.T, now func() time.Time) (*sqlstore.Store, *atomic.Int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "arqir.db")
	migrated, err := sqlite.Open(t.Context(), path, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrated.Close(); err != nil {
		t.Fatal(err)
	}
	registered, err := sql.Open("sqlite", "")
	if err != nil {
		t.Fatal(err)
	}
	drv := registered.Driver()
	registered.Close()
	reads := &atomic.Int64{}
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_txlock=immediate"
	db := sql.OpenDB(countingConnector{drv: drv, dsn: dsn, reads: reads})
	st := sqlstore.New(db, sqlite.Dialect(), now)
	t.Cleanup(func() { st.Close() })
	return st, reads
}

type countingConnector struct {
	drv   driver.Driver
	dsn   string
	reads *atomic.Int64
}

func (c countingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return countingConn{Conn: conn, reads: c.reads}, nil
}

func (c countingConnector) Driver() driver.Driver { return c.drv }

// countingConn hides the driver's direct query paths, so that every
// statement is prepared here and counted.
type countingConn struct {
	driver.Conn
	reads *atomic.Int64
}

func (c countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if strings.HasSuffix(strings.TrimSpace(query), "FROM users") {
		c.reads.Add(1)
	}
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

func (c countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}
