package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
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
		u, schema, err := createSchema(ctx, db)
		if err != nil {
			return nil, err
		}
		cleanups = append(cleanups, func() {
			if err := dropSchema(context.Background(), db, schema); err != nil {
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

// createSchema creates arqir_bench_<random> and returns base with its
// search_path set there (options=-c search_path=…, which PostgreSQL
// applies at connection start).
func createSchema(ctx context.Context, base string) (dsn, schema string, err error) {
	b := make([]byte, 6)
	rand.Read(b)
	schema = "arqir_bench_" + hex.EncodeToString(b)
	u, err := url.Parse(base)
	if err != nil {
		return "", "", fmt.Errorf("--db: %v", err)
	}
	q := u.Query()
	if q.Has("options") || q.Has("search_path") {
		return "", "", errors.New("--db already sets options or search_path: the tool sets search_path to its own schema")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", "", fmt.Errorf("create schema %s: %w", schema, err)
	}
	q.Set("options", "-c search_path="+schema)
	// pgx reads "+" in the query literally: encode the space as %20.
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String(), schema, nil
}

func dropSchema(ctx context.Context, base, schema string) error {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
		return fmt.Errorf("drop schema %s: %w", schema, err)
	}
	return nil
}
