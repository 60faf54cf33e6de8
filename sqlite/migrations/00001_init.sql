-- The first schema of arqir on SQLite. Times are INTEGER unix microseconds
-- UTC (the same code path as PostgreSQL, sortable, no driver time zones).
-- STRICT tables make SQLite refuse a value of the wrong type instead of
-- storing it silently.

-- +goose Up
CREATE TABLE policies (
    revision   INTEGER PRIMARY KEY AUTOINCREMENT,
    version    TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    source     BLOB    NOT NULL,
    applied_at INTEGER NOT NULL,
    applied_by TEXT    NOT NULL
) STRICT;

-- AUTOINCREMENT: an incident number people quoted is never handed out again.
CREATE TABLE incidents (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    title             TEXT    NOT NULL,
    summary           TEXT    NOT NULL,
    severity          TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    detection_kind    TEXT    NOT NULL,
    detection_source  TEXT    NOT NULL,
    impact_started_at INTEGER NOT NULL,
    detected_at       INTEGER NOT NULL,
    declared_at       INTEGER NOT NULL,
    acknowledged_at   INTEGER,
    acknowledged_by   TEXT    NOT NULL,
    resolved_at       INTEGER,
    commander         TEXT    NOT NULL,
    responders        TEXT    NOT NULL, -- JSON array of names
    root_cause        TEXT    NOT NULL,
    customer_impact   TEXT    NOT NULL,
    false_positive    INTEGER NOT NULL,
    drill             INTEGER NOT NULL,
    policy_revision   INTEGER REFERENCES policies (revision), -- NULL: rules not from a stored policy
    checklist         TEXT    NOT NULL, -- JSON array of checklist items
    version           INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX incidents_declared_at ON incidents (declared_at DESC, id DESC);
CREATE INDEX incidents_status ON incidents (status, id);
CREATE INDEX incidents_severity ON incidents (severity, id);
-- Open incidents by severity, for the dashboard and /metrics.
CREATE INDEX incidents_open ON incidents (severity) WHERE status <> 'RESOLVED';
-- Word-prefix search of titles (the listing's q): an external-content
-- full-text index, kept in step with incidents by the triggers below. The
-- unicode61 tokenizer splits on everything but letters and numbers and folds
-- Unicode case, like the PostgreSQL index does.
CREATE VIRTUAL TABLE incidents_fts USING fts5(title, content='incidents', content_rowid='id', tokenize="unicode61 remove_diacritics 0");
-- +goose StatementBegin
CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO incidents_fts (rowid, title) VALUES (new.id, new.title);
END;
-- +goose StatementEnd
-- +goose StatementBegin
-- Every write of an incident lists all its columns, title included: only a
-- title that really changed re-indexes it.
CREATE TRIGGER incidents_fts_update AFTER UPDATE OF title ON incidents
WHEN old.title IS NOT new.title BEGIN
    INSERT INTO incidents_fts (incidents_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO incidents_fts (rowid, title) VALUES (new.id, new.title);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents BEGIN
    INSERT INTO incidents_fts (incidents_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
-- +goose StatementEnd

-- position keeps the services in the order they were declared.
CREATE TABLE incident_services (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    service     TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (incident_id, service)
) STRICT;
CREATE INDEX incident_services_service ON incident_services (service, incident_id);

CREATE TABLE deadlines (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    seq         INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    due_at      INTEGER NOT NULL,
    met_at      INTEGER,
    breached_at INTEGER,
    cancelled_at INTEGER,
    PRIMARY KEY (incident_id, seq)
) STRICT;
-- seq is the deadline's place in the incident's list: a reopened incident
-- gets a new response deadline beside the old one.
-- The sweeper only ever looks at pending deadlines that are due.
CREATE INDEX deadlines_pending ON deadlines (due_at, incident_id) WHERE met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX deadlines_breached ON deadlines (incident_id) WHERE breached_at IS NOT NULL;

-- Append-only: no statement updates or deletes a timeline event. Rows are
-- never deleted, so the rowid alias orders them without AUTOINCREMENT.
CREATE TABLE timeline_events (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    data        TEXT -- JSON object of strings; NULL when the event has none
) STRICT;
CREATE INDEX timeline_events_incident ON timeline_events (incident_id, id);

-- Only the SHA-256 of a secret is stored.
CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
) STRICT;
-- A name identifies one active token; revoked ones free their name.
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE tokens;
DROP TABLE timeline_events;
DROP TABLE deadlines;
DROP TABLE incident_services;
DROP TRIGGER incidents_fts_delete;
DROP TRIGGER incidents_fts_update;
DROP TRIGGER incidents_fts_insert;
DROP TABLE incidents_fts;
DROP TABLE incidents;
DROP TABLE policies;
