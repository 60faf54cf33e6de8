package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/arqir/arqir"
)

// SendState reads the little of an incident a dispatcher checks right
// before a provider call, with one prepared point read instead of loading
// the incident with its services and deadlines.
func (s *Store) SendState(ctx context.Context, id arqir.IncidentID) (*arqir.SendState, error) {
	st, err := s.read(ctx, `SELECT status, acknowledged_at, acknowledged_by, refs FROM incidents WHERE id = ?`)
	if err != nil {
		return nil, fmt.Errorf("read the send state of %s: %w", id, err)
	}
	var (
		out   arqir.SendState
		acked sql.NullInt64
		refs  string
	)
	err = st.queryRow(ctx, id).Scan(&out.Status, &acked, &out.AcknowledgedBy, &refs)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	} else if err != nil {
		return nil, fmt.Errorf("read the send state of %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(refs), &out.Refs); err != nil {
		return nil, fmt.Errorf("decode refs of %s: %w", id, err)
	}
	out.Acknowledged = acked.Valid
	out.Refs = nonNilMap(out.Refs)
	return &out, nil
}
