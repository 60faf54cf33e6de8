package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/arqir/arqir/bench/internal/pgschema"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for the bench schema

	"github.com/arqir/arqir/app"
)

// target is the server the load goes to.
type target struct {
	url, token string
	desc       string
	seeded     int
	seedTime   time.Duration
	close      func(log io.Writer)
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// spawn starts arqir in-process as `arqir serve` would (app.New, Start) on
// 127.0.0.1:0: on a temporary SQLite file when db is empty, on db when it is
// a SQLite path (which must not exist yet), or in a fresh PostgreSQL schema
// when db is a postgres:// URL. It seeds seed incidents before serving, and
// takes the admin token from the first-run banner. The server logs like
// serve does (text, Info), to nowhere.
func spawn(ctx context.Context, db string, seed int, log io.Writer) (_ *target, err error) {
	var cleanups []func()
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()

	dsn, desc := db, ""
	switch {
	case db == "":
		dir, err := os.MkdirTemp("", "arqir-load-")
		if err != nil {
			return nil, err
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		dsn = filepath.Join(dir, "arqir.db")
		desc = "spawned arqir on SQLite " + dsn
	case isPostgres(db):
		u, schema, err := pgschema.Create(ctx, db, "arqir_bench")
		if err != nil {
			return nil, err
		}
		cleanups = append(cleanups, func() {
			if err := pgschema.Drop(context.Background(), db, schema); err != nil {
				fmt.Fprintln(log, "load:", err)
			}
		})
		dsn = u
		desc = "spawned arqir on PostgreSQL schema " + schema
	default:
		if _, err := os.Stat(db); err == nil {
			return nil, fmt.Errorf("--db %s exists: give a new file, the tool seeds and writes to it", db)
		}
		desc = "spawned arqir on SQLite " + db
	}

	var banner bytes.Buffer
	t0 := time.Now()
	a, err := app.New(ctx, app.Config{
		Addr:   "127.0.0.1:0",
		DB:     dsn,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Out:    &banner,
	})
	if err != nil {
		return nil, fmt.Errorf("start arqir: %w", err)
	}
	cleanups = append(cleanups, func() { a.Close() })
	srvCtx, stop := context.WithCancel(context.Background()) // the scheduler; stopped before Close
	cleanups = append(cleanups, stop)
	fmt.Fprintf(log, "load: opened the database, migrated and created the admin token in %s\n", time.Since(t0).Round(time.Millisecond))
	token, err := bannerToken(banner.String())
	if err != nil {
		return nil, err
	}
	t := &target{token: token, desc: desc}
	if seed > 0 {
		fmt.Fprintf(log, "load: seeding %d incidents…\n", seed)
		t0 := time.Now()
		if err := seedStore(ctx, a.Store, seed, time.Now()); err != nil {
			return nil, err
		}
		t.seeded, t.seedTime = seed, time.Since(t0)
		fmt.Fprintf(log, "load: seeded in %s\n", t.seedTime.Round(time.Millisecond))
	}
	if err := a.Start(srvCtx); err != nil {
		return nil, err
	}
	t.url = a.URL()
	t.close = func(io.Writer) { cleanup() }
	return t, nil
}

var tokenLine = regexp.MustCompile(`export ARQIR_TOKEN=(\S+)`)

// bannerToken finds the admin token in the first-run banner.
func bannerToken(banner string) (string, error) {
	m := tokenLine.FindStringSubmatch(banner)
	if m == nil {
		return "", errors.New("no admin token in the first-run banner: is the database new? " +
			"the tool needs a database it creates itself")
	}
	return m[1], nil
}
