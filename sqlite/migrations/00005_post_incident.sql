-- After the incident (issue 6): the RCA of each resolved incident, action
-- items, and the indexes the KPI scorecard reads. Times are INTEGER unix
-- microseconds UTC, JSON is TEXT, as in 00001.

-- +goose Up
-- One RCA per incident, created in the transaction that first resolves it.
-- Every writer locks the incident row first, so the RCA row needs no lock
-- of its own. held_at meets the P1 deadline; an RCA is overdue while
-- held_at is NULL and due_at has passed (computed on read).
CREATE TABLE rcas (
    incident_id  INTEGER PRIMARY KEY REFERENCES incidents (id),
    state        TEXT    NOT NULL,
    due_at       INTEGER NOT NULL,
    meeting_at   INTEGER,
    held_at      INTEGER,
    attendees    TEXT    NOT NULL, -- JSON array of user handles
    sections     TEXT    NOT NULL, -- JSON array of arqir.RCASection, in the policy's order
    feedback     TEXT    NOT NULL, -- JSON array of arqir.RCAFeedback, one per author
    published_at INTEGER,
    version      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
-- The listing, most urgent first, whole or by state; the overdue ones.
CREATE INDEX rcas_due ON rcas (due_at, incident_id);
CREATE INDEX rcas_state ON rcas (state, due_at, incident_id);
CREATE INDEX rcas_unheld ON rcas (due_at, incident_id) WHERE held_at IS NULL;

-- owner is a user handle ('' only when the policy does not require one);
-- due_on is midnight UTC of the due date (NULL: none). exported says the
-- item was filed in the issue tracker, so closing it closes the issue too.
CREATE TABLE action_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    category    TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL,
    owner       TEXT    NOT NULL,
    due_on      INTEGER,
    status      TEXT    NOT NULL,
    runbook     TEXT    NOT NULL,
    tracker_url TEXT    NOT NULL,
    warning     TEXT    NOT NULL,
    exported    INTEGER NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    closed_at   INTEGER,
    reminded_at INTEGER,
    version     INTEGER NOT NULL
) STRICT;
CREATE INDEX action_items_incident ON action_items (incident_id, id);
CREATE INDEX action_items_owner ON action_items (owner, status, due_on);
CREATE INDEX action_items_status ON action_items (status, due_on, id);
-- The overdue sweep and the handoff report read only open items by due date.
CREATE INDEX action_items_open_due ON action_items (due_on, id) WHERE status = 'open';

-- The KPI scorecard (internal/sqlstore/kpi_rollup.go) reads whole UTC days
-- from kpi_days, the sums of the incidents declared that day (drills
-- left out) per severity and per service ('*': all of them, each once;
-- '': those without a service), and aggregates only the partial days at
-- a window's ends from the incidents themselves. A day is recomputed when
-- a scorecard needs it and kpi_stale says an incident of that day changed
-- since: every write of an incident marks its day there.
CREATE TABLE kpi_days (
    day                  INTEGER NOT NULL, -- midnight UTC
    severity             TEXT    NOT NULL,
    service              TEXT    NOT NULL,
    incidents            INTEGER NOT NULL,
    resolved             INTEGER NOT NULL,
    sum_resolve_detected INTEGER NOT NULL,
    sum_resolve_impact   INTEGER NOT NULL,
    sum_detect_impact    INTEGER NOT NULL,
    automated            INTEGER NOT NULL,
    false_positive       INTEGER NOT NULL,
    min_impact           INTEGER,
    max_impact           INTEGER,
    response_met         INTEGER NOT NULL,
    response_missed      INTEGER NOT NULL,
    notice_met           INTEGER NOT NULL,
    notice_missed        INTEGER NOT NULL,
    update_met           INTEGER NOT NULL,
    update_missed        INTEGER NOT NULL,
    rca_met              INTEGER NOT NULL,
    rca_missed           INTEGER NOT NULL,
    PRIMARY KEY (day, severity, service)
) STRICT;
CREATE TABLE kpi_stale (
    day INTEGER PRIMARY KEY
) STRICT;
-- Every day that already has incidents is computed on first use.
INSERT INTO kpi_stale (day)
SELECT DISTINCT declared_at - ((declared_at % 86400000000) + 86400000000) % 86400000000 FROM incidents WHERE drill = 0;

-- The partial days at a window's ends read every column they need from
-- this index, never the table.
CREATE INDEX incidents_kpi ON incidents (declared_at, drill, severity, detection_kind, false_positive,
    impact_started_at, detected_at, resolved_at);
-- Deadline compliance per kind, met or missed, read by incident.
CREATE INDEX deadlines_kpi ON deadlines (incident_id, kind, met_at, breached_at);

-- +goose Down
DROP INDEX deadlines_kpi;
DROP INDEX incidents_kpi;
DROP TABLE kpi_stale;
DROP TABLE kpi_days;
DROP TABLE action_items;
DROP TABLE rcas;
