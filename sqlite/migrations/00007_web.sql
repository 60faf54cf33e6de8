-- Web sign-in (issue 7): users who may sign in to the web UI, and the
-- browsers signed in. Times are INTEGER unix microseconds UTC, as in 00001.

-- +goose Up
-- A user's password, kept only as an Argon2id hash in the PHC string
-- format ($argon2id$v=19$m=…,t=…,p=…$salt$hash), and the role they sign
-- in with. A deleted user (users.deleted_at) keeps the row but cannot
-- sign in.
CREATE TABLE logins (
    handle        TEXT    PRIMARY KEY REFERENCES users (handle),
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    must_change   INTEGER NOT NULL, -- 1: generated or reset, to change at the next sign-in
    updated_at    INTEGER NOT NULL
) STRICT;

-- A signed-in browser. id is the hex SHA-256 of the cookie's secret, so
-- a copy of the database signs nobody in; role is the login's at sign-in;
-- csrf is the token every form of the session echoes. Expired rows are
-- deleted on the way (by expires_at); a user's sessions end when their
-- password or role is set (by handle).
CREATE TABLE sessions (
    id         TEXT    PRIMARY KEY,
    handle     TEXT    NOT NULL REFERENCES logins (handle),
    role       TEXT    NOT NULL,
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_handle ON sessions (handle);

-- +goose Down
DROP TABLE sessions;
DROP TABLE logins;
