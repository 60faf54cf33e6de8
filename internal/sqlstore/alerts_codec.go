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

// alertJSON is an alert's labels, annotations and links as stored: JSON
// text. Ingest keeps them encoded, so that a repeat, the most common write,
// neither decodes nor encodes what it only passes through.
type alertJSON struct{ labels, annotations, links string }

// encodeAlertJSON encodes an alert's lists; absent ones are empty.
func encodeAlertJSON(labels, annotations map[string]string, links []string) (alertJSON, error) {
	l, err := json.Marshal(nonNilMap(labels))
	if err != nil {
		return alertJSON{}, fmt.Errorf("encode alert labels: %w", err)
	}
	a, err := json.Marshal(nonNilMap(annotations))
	if err != nil {
		return alertJSON{}, fmt.Errorf("encode alert annotations: %w", err)
	}
	k, err := json.Marshal(nonNil(links))
	if err != nil {
		return alertJSON{}, fmt.Errorf("encode alert links: %w", err)
	}
	return alertJSON{string(l), string(a), string(k)}, nil
}

// decodeInto decodes into a the lists a does not hold yet (nil).
func (j alertJSON) decodeInto(a *arqir.Alert) error {
	if a.Labels == nil {
		if err := json.Unmarshal([]byte(j.labels), &a.Labels); err != nil {
			return fmt.Errorf("decode the labels of alert %d: %w", a.ID, err)
		}
		a.Labels = nonNilMap(a.Labels)
	}
	if a.Annotations == nil {
		if err := json.Unmarshal([]byte(j.annotations), &a.Annotations); err != nil {
			return fmt.Errorf("decode the annotations of alert %d: %w", a.ID, err)
		}
		a.Annotations = nonNilMap(a.Annotations)
	}
	if a.Links == nil {
		if err := json.Unmarshal([]byte(j.links), &a.Links); err != nil {
			return fmt.Errorf("decode the links of alert %d: %w", a.ID, err)
		}
		a.Links = nonNil(a.Links)
	}
	return nil
}

// scanAlert reads one row of alertColumns.
func scanAlert(sc scanner) (*arqir.Alert, error) {
	a, j, err := scanAlertRow(sc)
	if err != nil {
		return nil, err
	}
	if err := j.decodeInto(a); err != nil {
		return nil, err
	}
	return a, nil
}

// scanAlertRow reads one row of alertColumns, leaving the lists encoded.
func scanAlertRow(sc scanner) (*arqir.Alert, alertJSON, error) {
	var (
		a                           arqir.Alert
		j                           alertJSON
		started, received, lastSeen int64
		resolved, incident, fpAt    sql.NullInt64
	)
	err := sc.Scan(&a.ID, &a.IntegrationID, &a.DedupKey, &a.Source, &a.Status, &a.Summary, &j.labels, &j.annotations, &j.links,
		&a.Service, &a.Severity, &a.GroupKey, &started, &received, &lastSeen, &resolved,
		&a.Count, &incident, &a.FalsePositive, &a.FalsePositiveReason, &a.FalsePositiveBy, &fpAt)
	if err != nil {
		return nil, alertJSON{}, err
	}
	a.StartedAt, a.ReceivedAt, a.LastSeenAt = fromMicros(started), fromMicros(received), fromMicros(lastSeen)
	a.ResolvedAt, a.FalsePositiveAt = fromNullMicros(resolved), fromNullMicros(fpAt)
	if incident.Valid {
		id := arqir.IncidentID(incident.Int64)
		a.IncidentID = &id
	}
	return &a, j, nil
}

// appendAlertRow appends the values of alertWriteColumns for a, whose
// lists are encoded as j.
func appendAlertRow(args []any, a *arqir.Alert, j alertJSON) []any {
	var incident sql.NullInt64
	if a.IncidentID != nil {
		incident = sql.NullInt64{Int64: int64(*a.IncidentID), Valid: true}
	}
	return append(args, a.IntegrationID, a.DedupKey, string(a.Source), string(a.Status), a.Summary,
		j.labels, j.annotations, j.links, a.Service, a.Severity, a.GroupKey,
		micros(a.StartedAt), micros(a.ReceivedAt), micros(a.LastSeenAt), nullMicros(a.ResolvedAt),
		a.Count, incident, a.FalsePositive, a.FalsePositiveReason, a.FalsePositiveBy, nullMicros(a.FalsePositiveAt))
}
