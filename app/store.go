package app

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/sqlite"
)

// OpenStore opens (and migrates) the database a --db value names:
// a postgres:// or postgresql:// URL, or a SQLite file path (optionally
// prefixed with sqlite:).
func OpenStore(ctx context.Context, dsn string, now func() time.Time) (arqir.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn, now)
	case strings.TrimSpace(dsn) == "":
		return nil, arqir.Errorf(arqir.EINVALID, "--db is empty: give a SQLite file path or a postgres:// URL")
	default:
		path := strings.TrimPrefix(dsn, "sqlite:")
		return sqlite.Open(ctx, path, now)
	}
}

// redactURL hides the password of a database URL, in the user info or the
// query string, so it never reaches a log.
func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return dsn
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// OpenExistingStore is OpenStore for admin commands: a SQLite file must
// already exist, so a mistyped --db or the wrong directory is an error
// instead of a new empty database with a token that works nowhere.
func OpenExistingStore(ctx context.Context, dsn string, now func() time.Time) (arqir.Store, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		path := strings.TrimPrefix(dsn, "sqlite:")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, arqir.Errorf(arqir.EINVALID, "no arqir database at %s: run the command where `arqir serve` keeps its data, or pass --db", path)
		}
	}
	return OpenStore(ctx, dsn, now)
}
