-- On-call (issue 4): people, teams, contact assignments, the operational
-- half of schedules (participants, anchor, overrides; the structure comes
-- from the policy), handoff reports and notes, post-shift ticks, the in-app
-- message log and calendar feeds. Times are INTEGER unix microseconds UTC,
-- JSON is TEXT, as in 00001.

-- +goose Up
-- A handle is never reused: deleted users keep their row (deleted_at), so
-- old shifts, reports and messages keep naming one person.
CREATE TABLE users (
    handle        TEXT    PRIMARY KEY,
    name          TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    slack_user_id TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    time_zone     TEXT    NOT NULL,
    channels      TEXT    NOT NULL, -- JSON array of channel names, in order of preference
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER
) STRICT;

CREATE TABLE teams (
    name             TEXT    PRIMARY KEY,
    slack_channel    TEXT    NOT NULL,
    slack_user_group TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;

-- position keeps members in the order they were added.
CREATE TABLE team_members (
    team     TEXT    NOT NULL REFERENCES teams (name),
    handle   TEXT    NOT NULL REFERENCES users (handle),
    position INTEGER NOT NULL,
    PRIMARY KEY (team, handle)
) STRICT;

-- role is the id of a person under contacts.people in the policy.
CREATE TABLE contact_assignments (
    role        TEXT    PRIMARY KEY,
    handle      TEXT    NOT NULL REFERENCES users (handle),
    assigned_at INTEGER NOT NULL,
    assigned_by TEXT    NOT NULL
) STRICT;

-- One row per policy schedule that was ever given participants or an
-- override. swept_through is the instant up to which the handoff reports
-- are made (by the scheduler, or by a change that hands over at once).
CREATE TABLE schedules (
    name          TEXT    PRIMARY KEY,
    updated_at    INTEGER,
    updated_by    TEXT    NOT NULL,
    swept_through INTEGER NOT NULL
) STRICT;

-- One row per layer of a policy schedule that was ever given participants.
-- anchor is the local date YYYY-MM-DD of the first participant's turn
-- ('' while the layer has none); changing who rotates keeps it.
CREATE TABLE schedule_layers (
    schedule TEXT    NOT NULL REFERENCES schedules (name),
    layer    TEXT    NOT NULL,
    anchor   TEXT    NOT NULL,
    PRIMARY KEY (schedule, layer)
) STRICT;

CREATE TABLE schedule_participants (
    schedule TEXT    NOT NULL,
    layer    TEXT    NOT NULL,
    position INTEGER NOT NULL,
    handle   TEXT    NOT NULL REFERENCES users (handle),
    PRIMARY KEY (schedule, layer, position),
    FOREIGN KEY (schedule, layer) REFERENCES schedule_layers (schedule, layer)
) STRICT;
-- Deleting a user asks which rotations they are in.
CREATE INDEX schedule_participants_handle ON schedule_participants (handle);

-- replaces is '' when the override covers whoever is on. swap_id is the id
-- of the first override of a swap (both halves carry it), 0 otherwise.
CREATE TABLE schedule_overrides (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule   TEXT    NOT NULL REFERENCES schedules (name),
    handle     TEXT    NOT NULL REFERENCES users (handle),
    replaces   TEXT    NOT NULL,
    start_at   INTEGER NOT NULL,
    end_at     INTEGER NOT NULL,
    swap_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL
) STRICT;
CREATE INDEX schedule_overrides_end ON schedule_overrides (schedule, end_at);

-- One report per (schedule, handoff instant): replicas sweeping at once,
-- and repeated sweeps, create it once. report is the JSON of the report.
CREATE TABLE handoff_reports (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule   TEXT    NOT NULL,
    handoff_at INTEGER NOT NULL,
    outgoing   TEXT    NOT NULL,
    incoming   TEXT    NOT NULL,
    report     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (schedule, handoff_at)
) STRICT;

CREATE TABLE handoff_notes (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule TEXT    NOT NULL,
    author   TEXT    NOT NULL,
    text     TEXT    NOT NULL,
    at       INTEGER NOT NULL
) STRICT;
CREATE INDEX handoff_notes_schedule ON handoff_notes (schedule, at);

-- task is the text of the policy's post-shift task, so reordering the
-- policy's list keeps who ticked what.
CREATE TABLE post_shift_ticks (
    schedule    TEXT    NOT NULL,
    shift_start INTEGER NOT NULL,
    task        TEXT    NOT NULL,
    who         TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (schedule, shift_start, task)
) STRICT;

-- The in-app log: every message arqir would have sent. dedup_key makes a
-- message exist once however many sweeps or replicas decide to send it.
CREATE TABLE inapp_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient   TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    schedule    TEXT    NOT NULL,
    handoff_id  INTEGER REFERENCES handoff_reports (id),
    incident_id INTEGER REFERENCES incidents (id),
    dedup_key   TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX inapp_messages_recipient ON inapp_messages (recipient, id);

-- Only the SHA-256 of a feed's token is stored; exactly one of schedule and
-- handle is non-empty.
CREATE TABLE calendar_feeds (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule   TEXT    NOT NULL,
    handle     TEXT    NOT NULL,
    hash       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    revoked_at INTEGER
) STRICT;

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE inapp_messages;
DROP TABLE post_shift_ticks;
DROP TABLE handoff_notes;
DROP TABLE handoff_reports;
DROP TABLE schedule_overrides;
DROP TABLE schedule_participants;
DROP TABLE schedule_layers;
DROP TABLE schedules;
DROP TABLE contact_assignments;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE users;
