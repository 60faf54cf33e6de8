-- Signed inbound requests seen (Slack slash commands and buttons), so a
-- replay is refused by every replica, not only the one that saw it first.
-- A row lives until the request's signature window closes.

-- +goose Up
CREATE TABLE replay_guard (
    key        TEXT   PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX replay_guard_expires ON replay_guard (expires_at);

-- +goose Down
DROP TABLE replay_guard;
