-- Alerts from monitoring tools (issue 3): integrations with their
-- credentials, deduplicated alerts, the open incident of each alert group,
-- and the request keys that make ingest idempotent. Times are INTEGER unix
-- microseconds UTC, JSON is TEXT, as in 00001.

-- +goose Up
ALTER TABLE incidents ADD COLUMN false_positive_reason TEXT NOT NULL DEFAULT '';

-- hash is the SHA-256 of the credential; signing_secret is kept as-is
-- because verifying an HMAC needs it (docs/adr/0004-integration-credentials.md).
CREATE TABLE integrations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    service        TEXT    NOT NULL,
    severity       TEXT    NOT NULL,
    settings       TEXT    NOT NULL, -- JSON object of strings
    hash           TEXT    NOT NULL UNIQUE,
    signing_secret TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    rotated_at     INTEGER,
    revoked_at     INTEGER
) STRICT;
-- A name identifies one active integration; revoked ones free their name.
CREATE UNIQUE INDEX integrations_active_name ON integrations (name) WHERE revoked_at IS NULL;

-- One row per (integration, dedup key): repeats update it. incident_id is
-- the incident of the alert's latest firing episode.
CREATE TABLE alerts (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    integration_id        INTEGER NOT NULL REFERENCES integrations (id),
    dedup_key             TEXT    NOT NULL,
    source                TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    summary               TEXT    NOT NULL,
    labels                TEXT    NOT NULL, -- JSON object of strings
    annotations           TEXT    NOT NULL, -- JSON object of strings
    links                 TEXT    NOT NULL, -- JSON array of strings
    service               TEXT    NOT NULL,
    severity              TEXT    NOT NULL,
    group_key             TEXT    NOT NULL,
    started_at            INTEGER NOT NULL,
    received_at           INTEGER NOT NULL,
    last_seen_at          INTEGER NOT NULL,
    resolved_at           INTEGER,
    count                 INTEGER NOT NULL,
    incident_id           INTEGER REFERENCES incidents (id),
    false_positive        INTEGER NOT NULL DEFAULT 0,
    false_positive_reason TEXT    NOT NULL DEFAULT '',
    false_positive_by     TEXT    NOT NULL DEFAULT '',
    false_positive_at     INTEGER,
    -- dedup_key first: ingest looks up many keys of one integration at
    -- once, and with the key leading the planner uses the index for the
    -- whole list whatever its statistics say of integration_id.
    UNIQUE (dedup_key, integration_id)
) STRICT;
-- The alert listing's filters, each newest first (id DESC, keyset on
-- id): an incident's alerts, an integration's, the firing or resolved
-- ones. A repeat, ingest's most common write, changes none of these
-- columns, so it still rewrites no index entry.
CREATE INDEX alerts_incident ON alerts (incident_id, id);
CREATE INDEX alerts_integration ON alerts (integration_id, id);
CREATE INDEX alerts_status ON alerts (status, id);

-- How many alerts each alert-driven incident has and how many of them fire,
-- kept by ingest so that an incident with thousands of alerts is not
-- counted again on every resolve.
CREATE TABLE incident_alerts (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
    total       INTEGER NOT NULL,
    firing      INTEGER NOT NULL
) STRICT;

-- The latest incident of each alert group: firing alerts of the group
-- attach to it while it is open, and reopen it within the policy's window.
CREATE TABLE alert_groups (
    group_key   TEXT    PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id)
) STRICT, WITHOUT ROWID;

-- Idempotency: a request key seen before expires_at is answered from
-- result (JSON: the alert and incident IDs) instead of being applied
-- again. A key expires 24 h after it was received, or 10 min for a key
-- derived from the body (arqir.RequestKeyRetention); the sweep deletes
-- expired keys in expires_at order, and a lookup ignores them before that.
CREATE TABLE ingest_requests (
    integration_id INTEGER NOT NULL REFERENCES integrations (id),
    request_key    TEXT    NOT NULL,
    result         TEXT    NOT NULL,
    received_at    INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    PRIMARY KEY (request_key, integration_id) -- key first, as in alerts
) STRICT, WITHOUT ROWID;
CREATE INDEX ingest_requests_expires ON ingest_requests (expires_at);

-- +goose Down
DROP TABLE ingest_requests;
DROP TABLE alert_groups;
DROP TABLE incident_alerts;
DROP TABLE alerts;
DROP TABLE integrations;
ALTER TABLE incidents DROP COLUMN false_positive_reason;
