package sqlstore

import (
	"database/sql"
	"time"
)

// Times are stored as unix microseconds UTC in both dialects: one code path,
// integer comparisons that sort, and no driver converting time zones. Every
// time the store hands to the domain is truncated to microseconds first, so
// what a change returns equals what a later read returns.

// clock returns the store's current time as it will be stored.
func (s *Store) clock() time.Time { return storable(s.now()) }

// storable is t as the database keeps it: UTC, whole microseconds.
func storable(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func storablePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := storable(*t)
	return &v
}

// micros converts a time to its column value.
func micros(t time.Time) int64 { return t.UnixMicro() }

// nullMicros converts an optional time to its column value (NULL when nil).
func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

// fromMicros converts a column value back to a UTC time.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// fromNullMicros converts a nullable column value back to an optional time.
func fromNullMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}
