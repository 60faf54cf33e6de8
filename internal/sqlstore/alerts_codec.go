package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/arqir/arqir"
)

// The columns of an alert row. alertWriteColumns are all but the id, in the
// order alertValues writes them; alertColumns adds the id first, in the
// order scanAlert reads them.
var (
	alertWriteColumns = []string{
		"integration_id", "dedup_key", "source", "status", "summary", "labels", "annotations", "links",
		"service", "severity", "group_key", "started_at", "received_at", "last_seen_at", "resolved_at",
		"count", "incident_id", "false_positive", "false_positive_reason", "false_positive_by", "false_positive_at",
	}
	alertColumns = "id, " + strings.Join(alertWriteColumns, ", ")
	// alertFullSet is what an ingest changes when an alert fires, resolves
	// or moves to another incident; the verdict columns belong to people.
	alertFullSet = setExcluded("status", "summary", "labels", "annotations", "links", "service", "severity",
		"group_key", "started_at", "last_seen_at", "resolved_at", "count", "incident_id")
	// alertTouchSet is what a repeat changes: no indexed column, so the
	// database rewrites no index entry for the most common write of all.
	alertTouchSet = setExcluded("summary", "labels", "annotations", "links", "last_seen_at", "count")
)

func setExcluded(cols ...string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + " = excluded." + c
	}
	return strings.Join(parts, ", ")
}

// scanAlert reads one row of alertColumns.
func scanAlert(sc scanner) (*arqir.Alert, error) {
	var (
		a                           arqir.Alert
		labels, annotations, links  string
		started, received, lastSeen int64
		resolved, incident, fpAt    sql.NullInt64
	)
	err := sc.Scan(&a.ID, &a.IntegrationID, &a.DedupKey, &a.Source, &a.Status, &a.Summary, &labels, &annotations, &links,
		&a.Service, &a.Severity, &a.GroupKey, &started, &received, &lastSeen, &resolved,
		&a.Count, &incident, &a.FalsePositive, &a.FalsePositiveReason, &a.FalsePositiveBy, &fpAt)
	if err != nil {
		return nil, err
	}
	if err := decodeAlertJSON(&a, labels, annotations, links); err != nil {
		return nil, err
	}
	a.StartedAt, a.ReceivedAt, a.LastSeenAt = fromMicros(started), fromMicros(received), fromMicros(lastSeen)
	a.ResolvedAt, a.FalsePositiveAt = fromNullMicros(resolved), fromNullMicros(fpAt)
	if incident.Valid {
		id := arqir.IncidentID(incident.Int64)
		a.IncidentID = &id
	}
	return &a, nil
}

func decodeAlertJSON(a *arqir.Alert, labels, annotations, links string) error {
	if err := json.Unmarshal([]byte(labels), &a.Labels); err != nil {
		return fmt.Errorf("decode the labels of alert %d: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(annotations), &a.Annotations); err != nil {
		return fmt.Errorf("decode the annotations of alert %d: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(links), &a.Links); err != nil {
		return fmt.Errorf("decode the links of alert %d: %w", a.ID, err)
	}
	a.Labels, a.Annotations, a.Links = nonNilMap(a.Labels), nonNilMap(a.Annotations), nonNil(a.Links)
	return nil
}

// appendAlertValues appends the values of alertWriteColumns for a.
func appendAlertValues(args []any, a *arqir.Alert) ([]any, error) {
	labels, err := json.Marshal(nonNilMap(a.Labels))
	if err != nil {
		return nil, fmt.Errorf("encode alert labels: %w", err)
	}
	annotations, err := json.Marshal(nonNilMap(a.Annotations))
	if err != nil {
		return nil, fmt.Errorf("encode alert annotations: %w", err)
	}
	links, err := json.Marshal(nonNil(a.Links))
	if err != nil {
		return nil, fmt.Errorf("encode alert links: %w", err)
	}
	var incident sql.NullInt64
	if a.IncidentID != nil {
		incident = sql.NullInt64{Int64: int64(*a.IncidentID), Valid: true}
	}
	return append(args, a.IntegrationID, a.DedupKey, string(a.Source), string(a.Status), a.Summary,
		string(labels), string(annotations), string(links), a.Service, a.Severity, a.GroupKey,
		micros(a.StartedAt), micros(a.ReceivedAt), micros(a.LastSeenAt), nullMicros(a.ResolvedAt),
		a.Count, incident, a.FalsePositive, a.FalsePositiveReason, a.FalsePositiveBy, nullMicros(a.FalsePositiveAt)), nil
}
