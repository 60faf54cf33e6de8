// Package pgschema gives a benchmark run its own PostgreSQL schema, so runs
// never see each other's rows and leave nothing behind.
package pgschema

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Create makes the schema <prefix>_<random> in the local database at base
// and returns base with its search_path set there (options=-c
// search_path=…, which PostgreSQL applies at connection start). Load tools
// write as fast as they can: a database that is not on this machine is
// refused.
func Create(ctx context.Context, base, prefix string) (dsn, schema string, err error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", "", fmt.Errorf("--db %q: give a postgres:// URL", base)
	}
	if h := u.Hostname(); h != "localhost" && !isLoopback(h) {
		return "", "", fmt.Errorf("--db %s is not on this machine: load tools only use a local PostgreSQL", u.Redacted())
	}
	q := u.Query()
	if q.Has("options") || q.Has("search_path") {
		return "", "", errors.New("--db already sets options or search_path: the tool sets search_path to its own schema")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema = prefix + "_" + hex.EncodeToString(b)
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

// Drop removes a schema Create made, with everything in it.
func Drop(ctx context.Context, base, schema string) error {
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

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
