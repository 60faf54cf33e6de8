-- Paging and communications (issue 5): the incident's provider identities
-- and last status update, the paging step of a deadline, the outbox of
-- notifications, and the installation's server secrets. Times are BIGINT
-- unix microseconds UTC, JSON is TEXT, as in 00001.

-- +goose Up
ALTER TABLE incidents ADD COLUMN refs TEXT NOT NULL DEFAULT '{}'; -- JSON object of strings
ALTER TABLE incidents ADD COLUMN last_update_at BIGINT;
-- step: the paging step of a page_ack deadline, else 0. Pending deadlines
-- of every kind stay in deadlines_pending, whose sweep walks only the due
-- ones in due_at order: far-off page_ack and status_update deadlines are
-- never read until they are due.
ALTER TABLE deadlines ADD COLUMN step INTEGER NOT NULL DEFAULT 0;

-- The outbox: a notification is stored, in the transaction of the change
-- that caused it, before anything is sent. key is its idempotency key:
-- planning the same page twice queues it once. parent is the notification
-- addressed to a role that this one was resolved from.
CREATE TABLE notifications (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id   BIGINT  NOT NULL REFERENCES incidents (id),
    key           TEXT    NOT NULL UNIQUE,
    purpose       TEXT    NOT NULL,
    step          INTEGER NOT NULL,
    target        TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    address       TEXT    NOT NULL,
    recipient     TEXT    NOT NULL,
    message       TEXT    NOT NULL, -- JSON of arqir.Message
    state         TEXT    NOT NULL,
    attempts      INTEGER NOT NULL,
    ambiguous     INTEGER NOT NULL,
    not_before    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    claimed_until BIGINT,
    reason        TEXT    NOT NULL,
    provider_ref  TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    delivered_at  BIGINT,
    parent        BIGINT REFERENCES notifications (id)
);
-- The dispatcher reads only what is due: queued rows by when they may go,
-- sending rows by when their claim lapses. Both sets stay small; terminal
-- rows leave both indexes.
CREATE INDEX notifications_queued ON notifications (not_before, id) WHERE state = 'queued';
CREATE INDEX notifications_sending ON notifications (claimed_until, id) WHERE state = 'sending';
CREATE INDEX notifications_incident ON notifications (incident_id, id);

-- Random secrets of this installation (e.g. the key of acknowledge links),
-- created on first use and shared by every replica.
CREATE TABLE server_secrets (
    name       TEXT    PRIMARY KEY,
    secret     BYTEA   NOT NULL,
    created_at BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE server_secrets;
DROP TABLE notifications;
ALTER TABLE deadlines DROP COLUMN step;
ALTER TABLE incidents DROP COLUMN last_update_at;
ALTER TABLE incidents DROP COLUMN refs;
