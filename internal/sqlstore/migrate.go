package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// Migrate applies every pending migration of the dialect to db. Options such
// as goose.WithSessionLocker make concurrent migrations from several
// replicas safe.
func Migrate(ctx context.Context, db *sql.DB, d Dialect, opts ...goose.ProviderOption) error {
	p, err := newProvider(db, d, opts...)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate the %s database: %w", d.Name, err)
	}
	return nil
}

// MigrationVersions returns the newest migration applied to the database and
// the newest one this build embeds.
func (s *Store) MigrationVersions(ctx context.Context) (applied, embedded int64, err error) {
	s.migrations.once.Do(func() {
		s.migrations.p, s.migrations.err = newProvider(s.db, s.d)
	})
	if s.migrations.err != nil {
		return 0, 0, s.migrations.err
	}
	applied, embedded, err = s.migrations.p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read the %s schema version: %w", s.d.Name, err)
	}
	return applied, embedded, nil
}

// checkMigrated fails while the schema is older than this build. A newer
// schema is fine: during a rolling upgrade the new replicas migrate first.
func (s *Store) checkMigrated(ctx context.Context) error {
	applied, embedded, err := s.MigrationVersions(ctx)
	if err != nil {
		return err
	}
	if applied < embedded {
		return fmt.Errorf("the %s schema is at migration %d but this arqir needs %d: run `arqir migrate` or restart arqir, which migrates on start", s.d.Name, applied, embedded)
	}
	return nil
}

// newProvider returns a goose provider for the dialect's migrations. Go
// migrations registered globally by other packages are ignored: the schema
// is exactly the embedded SQL files. The provider must not be closed: that
// would close db.
func newProvider(db *sql.DB, d Dialect, opts ...goose.ProviderOption) (*goose.Provider, error) {
	opts = append([]goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}, opts...)
	p, err := goose.NewProvider(d.Goose, db, d.Migrations, opts...)
	if err != nil {
		return nil, fmt.Errorf("load the %s migrations: %w", d.Name, err)
	}
	return p, nil
}
