package testserver

import (
	"context"
	"database/sql"
	"testing"
)

// ingestRequest is one remembered ingest request key (ingest_requests):
// no read of the store lists them, yet a request that must be refused must
// not store its key either, or the sender's corrected retry would be
// answered as a replay of nothing.
type ingestRequest struct {
	IntegrationID int64  `json:"integration_id"`
	RequestKey    string `json:"request_key"`
	Result        string `json:"result"`
	ReceivedAt    int64  `json:"received_at"`
	ExpiresAt     int64  `json:"expires_at"`
}

// dumpIngestRequests reads every row of ingest_requests, in key order.
func dumpIngestRequests(t testing.TB, db *sql.DB) []ingestRequest {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT integration_id, request_key, result, received_at, expires_at
		FROM ingest_requests ORDER BY integration_id, request_key`)
	if err != nil {
		t.Fatalf("dump ingest_requests: %v", err)
	}
	defer rows.Close()
	out := []ingestRequest{}
	for rows.Next() {
		var r ingestRequest
		if err := rows.Scan(&r.IntegrationID, &r.RequestKey, &r.Result, &r.ReceivedAt, &r.ExpiresAt); err != nil {
			t.Fatalf("dump ingest_requests: %v", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("dump ingest_requests: %v", err)
	}
	return out
}
