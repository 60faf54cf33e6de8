-- Pages go out before everything else: under a backlog (an alert storm
-- queues a dozen notifications per incident) the person who must act is
-- paged first, and notices and copies follow. 0 pages, 1 notices and
-- reminders, 2 informational copies.

-- +goose Up
ALTER TABLE notifications ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
CREATE INDEX notifications_due_priority ON notifications (priority, not_before) WHERE state = 'queued';

-- +goose Down
DROP INDEX notifications_due_priority;
ALTER TABLE notifications DROP COLUMN priority;
