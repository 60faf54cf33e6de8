-- Pages are claimed before everything else (issue 5): under a backlog (an
-- alert storm queues a dozen notifications per incident) the person who
-- must act is paged first. The claim reads the due pages from this index
-- of their own, then fills the rest of its batch from notifications_queued
-- with the other purposes: two index range scans, no sort of the backlog.
-- The per-channel notifications a page is resolved into are pages too.

-- +goose Up
CREATE INDEX notifications_queued_pages ON notifications (not_before, id) WHERE state = 'queued' AND purpose = 'page';

-- +goose Down
DROP INDEX notifications_queued_pages;
