package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/arqir/arqir"
)

// The columns of an incident row, in the order scanIncident reads them.
// writableColumns are all but the id, in the order incidentValues writes them.
var (
	writableColumns = []string{
		"title", "summary", "severity", "status", "detection_kind", "detection_source",
		"impact_started_at", "detected_at", "declared_at", "acknowledged_at", "acknowledged_by",
		"resolved_at", "commander", "responders", "root_cause", "customer_impact",
		"false_positive", "drill", "policy_revision", "checklist", "version", "updated_at",
		"false_positive_reason", "refs", "last_update_at",
	}
	incidentColumns   = "id, " + strings.Join(writableColumns, ", ")
	insertIncidentSQL = "INSERT INTO incidents (" + strings.Join(writableColumns, ", ") + ") VALUES (" +
		placeholders(len(writableColumns)) + ") RETURNING id"
	updateIncidentSQL = "UPDATE incidents SET " + strings.Join(writableColumns, " = ?, ") +
		" = ? WHERE id = ? AND version = ?"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanIncident reads one incident row (without services and deadlines).
func scanIncident(sc scanner) (*arqir.Incident, error) {
	var (
		inc                                 arqir.Incident
		impact, detected, declared, updated int64
		acked, resolved, policyRevision     sql.NullInt64
		responders, checklist, refs         string
		lastUpdate                          sql.NullInt64
	)
	err := sc.Scan(&inc.ID, &inc.Title, &inc.Summary, &inc.Severity, &inc.Status,
		&inc.Detection.Kind, &inc.Detection.Source, &impact, &detected, &declared,
		&acked, &inc.AcknowledgedBy, &resolved, &inc.Commander, &responders,
		&inc.RootCause, &inc.CustomerImpact, &inc.FalsePositive, &inc.Drill,
		&policyRevision, &checklist, &inc.Version, &updated, &inc.FalsePositiveReason,
		&refs, &lastUpdate)
	if err != nil {
		return nil, err
	}
	inc.ImpactStartedAt, inc.DetectedAt, inc.DeclaredAt = fromMicros(impact), fromMicros(detected), fromMicros(declared)
	inc.AcknowledgedAt, inc.ResolvedAt = fromNullMicros(acked), fromNullMicros(resolved)
	inc.UpdatedAt, inc.LastUpdateAt = fromMicros(updated), fromNullMicros(lastUpdate)
	inc.PolicyRevision = int(policyRevision.Int64)
	if err := json.Unmarshal([]byte(responders), &inc.Responders); err != nil {
		return nil, fmt.Errorf("decode responders of %s: %w", inc.ID, err)
	}
	if err := json.Unmarshal([]byte(checklist), &inc.Checklist); err != nil {
		return nil, fmt.Errorf("decode checklist of %s: %w", inc.ID, err)
	}
	if err := json.Unmarshal([]byte(refs), &inc.Refs); err != nil {
		return nil, fmt.Errorf("decode refs of %s: %w", inc.ID, err)
	}
	return &inc, nil
}

// incidentValues returns the values of writableColumns for inc.
func incidentValues(inc *arqir.Incident) ([]any, error) {
	responders, err := json.Marshal(nonNil(inc.Responders))
	if err != nil {
		return nil, fmt.Errorf("encode responders: %w", err)
	}
	checklist, err := json.Marshal(nonNil(inc.Checklist))
	if err != nil {
		return nil, fmt.Errorf("encode checklist: %w", err)
	}
	refs, err := json.Marshal(nonNilMap(inc.Refs))
	if err != nil {
		return nil, fmt.Errorf("encode refs: %w", err)
	}
	// Revision 0 means rules that did not come from a stored policy (e.g. a
	// test's); NULL keeps the foreign key satisfied.
	revision := sql.NullInt64{Int64: int64(inc.PolicyRevision), Valid: inc.PolicyRevision != 0}
	return []any{
		inc.Title, inc.Summary, inc.Severity, string(inc.Status), string(inc.Detection.Kind), inc.Detection.Source,
		micros(inc.ImpactStartedAt), micros(inc.DetectedAt), micros(inc.DeclaredAt), nullMicros(inc.AcknowledgedAt), inc.AcknowledgedBy,
		nullMicros(inc.ResolvedAt), inc.Commander, string(responders), inc.RootCause, inc.CustomerImpact,
		inc.FalsePositive, inc.Drill, revision, string(checklist), inc.Version, micros(inc.UpdatedAt),
		inc.FalsePositiveReason, string(refs), nullMicros(inc.LastUpdateAt),
	}, nil
}

// encodeData stores an event's data; an event without data stores NULL.
func encodeData(data map[string]string) (sql.NullString, error) {
	if len(data) == 0 {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(data)
	if err != nil {
		return sql.NullString{}, fmt.Errorf("encode event data: %w", err)
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

// normalize gives an incident the same shape however it was obtained: empty
// lists and maps rather than nil ones (JSON shows [] and {}, not null).
func normalize(inc *arqir.Incident) {
	inc.Services = nonNil(inc.Services)
	inc.Responders = nonNil(inc.Responders)
	inc.Checklist = nonNil(inc.Checklist)
	inc.Deadlines = nonNil(inc.Deadlines)
	inc.Refs = nonNilMap(inc.Refs)
}

// jsonUnmarshal decodes a JSON column.
func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
