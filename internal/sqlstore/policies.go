package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/arqir/arqir"
)

// ApplyPolicy stores the policy as a new revision unless the newest one has
// the same hash. Replicas starting at once with the same policy create one
// revision: writers of the policy table queue.
func (s *Store) ApplyPolicy(ctx context.Context, version, hash string, source []byte, by string) (*arqir.PolicyRecord, bool, error) {
	var rec *arqir.PolicyRecord
	created := false
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if s.d.TableLock != "" {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(s.d.TableLock, "policies")); err != nil {
				return fmt.Errorf("lock policies: %w", err)
			}
		}
		newest, err := s.newestPolicy(ctx, tx, true)
		if err != nil && arqir.ErrorCode(err) != arqir.ENOTFOUND {
			return err
		} else if err == nil && newest.Hash == hash {
			rec = newest
			return nil
		}
		rec = &arqir.PolicyRecord{Version: version, Hash: hash, Source: source, AppliedAt: s.clock(), AppliedBy: by}
		if rec.Source == nil {
			rec.Source = []byte{} // the column is NOT NULL
		}
		created = true
		return tx.QueryRowContext(ctx, s.q(`INSERT INTO policies (version, hash, source, applied_at, applied_by)
			VALUES (?, ?, ?, ?, ?) RETURNING revision`),
			version, hash, rec.Source, micros(rec.AppliedAt), by).Scan(&rec.Revision)
	})
	if err != nil {
		return nil, false, fmt.Errorf("apply policy %s (%s): %w", version, hash, err)
	}
	return rec, created, nil
}

// ActivePolicy returns the newest applied policy with its source.
func (s *Store) ActivePolicy(ctx context.Context) (*arqir.PolicyRecord, error) {
	rec, err := s.newestPolicy(ctx, s.db, true)
	if err != nil {
		return nil, fmt.Errorf("read the active policy: %w", err)
	}
	return rec, nil
}

// PolicyHistory lists applied policies, newest first, without their sources.
func (s *Store) PolicyHistory(ctx context.Context) ([]*arqir.PolicyRecord, error) {
	out, err := queryAll(ctx, s.db, `SELECT revision, version, hash, applied_at, applied_by FROM policies ORDER BY revision DESC`,
		func(sc scanner) (*arqir.PolicyRecord, error) { return scanPolicy(sc, false) })
	if err != nil {
		return nil, fmt.Errorf("read the policy history: %w", err)
	}
	return out, nil
}

// newestPolicy returns the newest revision, with its source if asked.
func (s *Store) newestPolicy(ctx context.Context, x querier, withSource bool) (*arqir.PolicyRecord, error) {
	cols := "revision, version, hash, applied_at, applied_by"
	if withSource {
		cols += ", source"
	}
	rec, err := scanPolicy(x.QueryRowContext(ctx, `SELECT `+cols+` FROM policies ORDER BY revision DESC LIMIT 1`), withSource)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, arqir.Errorf(arqir.ENOTFOUND, "no policy has been applied yet: arqir applies its policy when the server starts")
	}
	return rec, err
}

func scanPolicy(sc scanner, withSource bool) (*arqir.PolicyRecord, error) {
	var rec arqir.PolicyRecord
	var applied int64
	dest := []any{&rec.Revision, &rec.Version, &rec.Hash, &applied, &rec.AppliedBy}
	if withSource {
		dest = append(dest, &rec.Source)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	rec.AppliedAt = fromMicros(applied)
	return &rec, nil
}
