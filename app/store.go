package app

import (
	"context"
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

// redactURL hides the password of a database URL so it never reaches a log.
func redactURL(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return dsn[:scheme+3] + userinfo[:i] + ":xxxxx" + dsn[at:]
	}
	return dsn
}
