package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/arqir/arqir"
)

const messageColumns = "id, recipient, kind, subject, body, schedule, handoff_id, incident_id, created_at"

// insertMessage delivers a message into the in-app log unless one with the
// same dedup key exists; it reports whether it delivered.
func (s *Store) insertMessage(ctx context.Context, tx *sql.Tx, m *arqir.InAppMessage, dedup string) (bool, error) {
	var handoff, incident sql.NullInt64
	if m.HandoffID != 0 {
		handoff = sql.NullInt64{Int64: m.HandoffID, Valid: true}
	}
	if m.Incident != 0 {
		incident = sql.NullInt64{Int64: int64(m.Incident), Valid: true}
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO inapp_messages (recipient, kind, subject, body, schedule, handoff_id, incident_id, dedup_key, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`),
		m.Recipient, m.Kind, m.Subject, m.Body, m.Schedule, handoff, incident, dedup, micros(storable(m.CreatedAt)))
	if err != nil {
		return false, fmt.Errorf("deliver %s to %s: %w", m.Kind, m.Recipient, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("deliver %s to %s: %w", m.Kind, m.Recipient, err)
	}
	return n > 0, nil
}

// maxInbox bounds one inbox listing.
const maxInbox = 500

// Inbox lists a user's in-app messages, newest first.
func (s *Store) Inbox(ctx context.Context, handle string, limit int) ([]*arqir.InAppMessage, error) {
	if limit <= 0 || limit > maxInbox {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "limit", "limit=%d: ask for 1 to %d messages", limit, maxInbox)
	}
	handle = strings.TrimSpace(handle)
	out, err := queryAll(ctx, s.db, s.q(`SELECT `+messageColumns+` FROM inapp_messages WHERE recipient = ? ORDER BY id DESC LIMIT ?`),
		func(sc scanner) (*arqir.InAppMessage, error) {
			var (
				m                 arqir.InAppMessage
				handoff, incident sql.NullInt64
				created           int64
			)
			if err := sc.Scan(&m.ID, &m.Recipient, &m.Kind, &m.Subject, &m.Body, &m.Schedule, &handoff, &incident, &created); err != nil {
				return nil, err
			}
			m.HandoffID, m.Incident, m.CreatedAt = handoff.Int64, arqir.IncidentID(incident.Int64), fromMicros(created)
			return &m, nil
		}, handle, limit)
	if err != nil {
		return nil, fmt.Errorf("read the inbox of %s: %w", handle, err)
	}
	return out, nil
}
