package sqlstore

import (
	"fmt"
	"slices"
	"strings"

	"github.com/arqir/arqir"
)

// The INSERT of new alerts, the most frequent row of a storm. Each bound
// value costs the committer a conversion in database/sql, a bind in the
// driver and, on SQLite, a reset of the binding after the statement, so a
// row binds only what varies:
//
//   - a new alert has no verdict yet: the verdict columns
//     (false_positive…, the last four of alertWriteColumns) take their
//     defaults, which are the zero values an ingested alert holds;
//   - a new firing alert, nearly every new alert, has its status written
//     as a constant and no resolved_at (NULL by default), in statements of
//     their own;
//   - NULLs are bound as nil rather than as sql.NullInt64, whose value
//     database/sql asks for through an interface.

// freshShape is the row of one kind of new alert.
type freshShape struct {
	insert string // the statement up to its VALUES list
	row    string // one row of the VALUES list
	values int    // the values bound per row
	firing bool   // the shape of firing alerts with no resolved_at
}

var (
	// alertFreshColumns are the columns a new alert's row sets.
	alertFreshColumns = alertWriteColumns[:slices.Index(alertWriteColumns, "false_positive")]
	freshAny          = newFreshShape(false)
	freshFiring       = newFreshShape(true)
)

func newFreshShape(firing bool) freshShape {
	var cols, row []string
	values := 0
	for _, c := range alertFreshColumns {
		switch {
		case firing && c == "resolved_at":
			continue
		case firing && c == "status":
			row = append(row, "'"+string(arqir.AlertFiring)+"'")
		default:
			row = append(row, "?")
			values++
		}
		cols = append(cols, c)
	}
	return freshShape{
		insert: "INSERT INTO alerts (" + strings.Join(cols, ", ") + ") VALUES ",
		row:    "(" + strings.Join(row, ", ") + ")",
		values: values,
		firing: firing,
	}
}

// shapeOf returns the row shape of a new alert.
func shapeOf(a *arqir.Alert) *freshShape {
	if a.Status == arqir.AlertFiring && a.ResolvedAt == nil {
		return &freshFiring
	}
	return &freshAny
}

// insertFresh inserts new alerts in the order they arrived, each run of
// one row shape in statements of that shape (nearly always a single run of
// firing alerts), and takes their IDs from what the statements return.
// Keeping the order keeps IDs in arrival order, which the alert listing
// (newest first, by ID) relies on.
func (b *batch) insertFresh(fresh []*alertState) error {
	for len(fresh) > 0 {
		shape := shapeOf(&fresh[0].a)
		run := 1
		for run < len(fresh) && shapeOf(&fresh[run].a) == shape {
			run++
		}
		part := fresh[:run]
		err := chunks(len(part), func(off, n int) error {
			return b.insertFreshChunk(shape, part[off:off+n])
		})
		if err != nil {
			return fmt.Errorf("insert alerts: %w", err)
		}
		fresh = fresh[run:]
	}
	return nil
}

func (b *batch) insertFreshChunk(shape *freshShape, sts []*alertState) error {
	args := make([]any, 0, len(sts)*shape.values)
	for _, st := range sts {
		args = shape.appendRow(args, &st.a, st.raw)
	}
	q := shape.insert + rowsList(len(sts), shape.row) + " RETURNING id, integration_id, dedup_key"
	st, err := b.s.stmt(b.ctx, b.tx, q)
	if err != nil {
		return err
	}
	rows, err := st.query(b.ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k alertKey
		if err := rows.Scan(&id, &k.integration, &k.dedup); err != nil {
			return err
		}
		if st := b.alerts[k]; st != nil {
			st.a.ID, st.stored = id, true
		}
	}
	return rows.Err()
}

// appendRow appends the values the shape binds for a, a new alert whose
// lists are encoded as j.
func (shape *freshShape) appendRow(args []any, a *arqir.Alert, j alertJSON) []any {
	var incident any
	if a.IncidentID != nil {
		incident = int64(*a.IncidentID)
	}
	args = append(args, a.IntegrationID, a.DedupKey, string(a.Source))
	if !shape.firing {
		args = append(args, string(a.Status))
	}
	args = append(args, a.Summary, j.labels, j.annotations, j.links, a.Service, a.Severity, a.GroupKey,
		micros(a.StartedAt), micros(a.ReceivedAt), micros(a.LastSeenAt))
	if !shape.firing {
		var resolved any
		if a.ResolvedAt != nil {
			resolved = micros(*a.ResolvedAt)
		}
		args = append(args, resolved)
	}
	return append(args, a.Count, incident)
}

// rowsList returns rows copies of row, comma-separated.
func rowsList(rows int, row string) string {
	var sb strings.Builder
	sb.Grow(rows * (len(row) + 2))
	for i := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	return sb.String()
}
