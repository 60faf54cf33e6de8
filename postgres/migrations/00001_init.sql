-- The first schema of arqir on PostgreSQL. Times are BIGINT unix
-- microseconds UTC (the same code path as SQLite, sortable, no driver time
-- zones). JSON stays TEXT: the store reads and writes it whole.

-- +goose Up
CREATE TABLE policies (
    revision   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version    TEXT   NOT NULL,
    hash       TEXT   NOT NULL,
    source     BYTEA  NOT NULL,
    applied_at BIGINT NOT NULL,
    applied_by TEXT   NOT NULL
);

CREATE TABLE incidents (
    id                BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title             TEXT    NOT NULL,
    summary           TEXT    NOT NULL,
    severity          TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    detection_kind    TEXT    NOT NULL,
    detection_source  TEXT    NOT NULL,
    impact_started_at BIGINT  NOT NULL,
    detected_at       BIGINT  NOT NULL,
    declared_at       BIGINT  NOT NULL,
    acknowledged_at   BIGINT,
    acknowledged_by   TEXT    NOT NULL,
    resolved_at       BIGINT,
    commander         TEXT    NOT NULL,
    responders        TEXT    NOT NULL, -- JSON array of names
    root_cause        TEXT    NOT NULL,
    customer_impact   TEXT    NOT NULL,
    false_positive    BOOLEAN NOT NULL,
    drill             BOOLEAN NOT NULL,
    policy_revision   BIGINT  REFERENCES policies (revision), -- NULL: rules not from a stored policy
    checklist         TEXT    NOT NULL, -- JSON array of checklist items
    version           INTEGER NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE INDEX incidents_declared_at ON incidents (declared_at DESC, id DESC);
CREATE INDEX incidents_status ON incidents (status, id);
CREATE INDEX incidents_severity ON incidents (severity, id);
-- Open incidents by severity, for the dashboard and /metrics.
CREATE INDEX incidents_open ON incidents (severity) WHERE status <> 'RESOLVED';
-- Word-prefix search of titles (the listing's q). Punctuation becomes
-- spaces first so that the parser sees only words of letters and digits,
-- as SQLite's unicode61 tokenizer does (no host names, e-mails or versions
-- as single tokens); 'simple' lowercases without stemming or stop words.
CREATE INDEX incidents_title_search ON incidents
    USING GIN (to_tsvector('simple', regexp_replace(title, '[^[:alnum:]]+', ' ', 'g')));

-- position keeps the services in the order they were declared.
CREATE TABLE incident_services (
    incident_id BIGINT  NOT NULL REFERENCES incidents (id),
    service     TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (incident_id, service)
);
CREATE INDEX incident_services_service ON incident_services (service, incident_id);

CREATE TABLE deadlines (
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    seq         INT    NOT NULL,
    kind        TEXT   NOT NULL,
    due_at      BIGINT NOT NULL,
    met_at      BIGINT,
    breached_at BIGINT,
    cancelled_at BIGINT,
    PRIMARY KEY (incident_id, seq)
);
-- seq is the deadline's place in the incident's list: a reopened incident
-- gets a new response deadline beside the old one.
-- The sweeper only ever looks at pending deadlines that are due.
CREATE INDEX deadlines_pending ON deadlines (due_at, incident_id) WHERE met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX deadlines_breached ON deadlines (incident_id) WHERE breached_at IS NOT NULL;

-- Append-only: no statement updates or deletes a timeline event.
CREATE TABLE timeline_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    at          BIGINT NOT NULL,
    kind        TEXT   NOT NULL,
    actor       TEXT   NOT NULL,
    source      TEXT   NOT NULL,
    message     TEXT   NOT NULL,
    data        TEXT -- JSON object of strings; NULL when the event has none
);
CREATE INDEX timeline_events_incident ON timeline_events (incident_id, id);

-- Only the SHA-256 of a secret is stored.
CREATE TABLE tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT   NOT NULL,
    role         TEXT   NOT NULL,
    hash         TEXT   NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
-- A name identifies one active token; revoked ones free their name.
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE tokens;
DROP TABLE timeline_events;
DROP TABLE deadlines;
DROP TABLE incident_services;
DROP TABLE incidents;
DROP TABLE policies;
