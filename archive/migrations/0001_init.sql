-- Vigía archive, first schema. Migrations are append-only: never edit a shipped one.
--
-- In chained tables the primary key id is the record's place in one global sequence
-- over every chained record, and hash is SHA-256 over the previous record's hash, the
-- id, the table name and the row's recorded columns; see archive/chain.go. Mutable columns (items.current_*,
-- items.deleted_at, cursors, poll_state, authors) are derived from chained rows and
-- checked against them by Verify.

CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    network     TEXT NOT NULL,
    handle      TEXT NOT NULL,
    organ       TEXT NOT NULL,
    external_id TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'active',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE chain_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);

CREATE TABLE fetch_log (
    id            INTEGER PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    started_at    INTEGER NOT NULL,  -- Unix nanoseconds
    finished_at   INTEGER NOT NULL,
    calls         INTEGER NOT NULL,
    result        TEXT NOT NULL,     -- connectors.Reason* values
    error         TEXT NOT NULL,
    cursor        BLOB,              -- the new cursor; NULL when unchanged or failed
    hash          BLOB NOT NULL,
    -- derived, checked by Verify:
    items_new     INTEGER NOT NULL DEFAULT 0,
    items_changed INTEGER NOT NULL DEFAULT 0,
    items_deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fetch_log_account ON fetch_log(account_id, id);

CREATE TABLE cursors (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    cursor     BLOB NOT NULL,
    fetch_id   INTEGER NOT NULL REFERENCES fetch_log(id),
    updated_at INTEGER NOT NULL
);

CREATE TABLE poll_state (
    account_id         TEXT PRIMARY KEY REFERENCES accounts(id),
    last_attempt_at    INTEGER NOT NULL DEFAULT 0,
    last_success_at    INTEGER NOT NULL DEFAULT 0,
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    next_poll_at       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE authors (
    network     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    handle      TEXT NOT NULL,
    name        TEXT NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,  -- last time a new handle or name was stored
    PRIMARY KEY (network, external_id)
) WITHOUT ROWID;

CREATE TABLE items (
    id             INTEGER PRIMARY KEY,
    network        TEXT NOT NULL,
    external_id    TEXT NOT NULL,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    kind           TEXT NOT NULL,
    parent_id      TEXT NOT NULL,  -- external ids
    root_id        TEXT NOT NULL,
    author_id      TEXT NOT NULL,
    own            INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    fetch_id       INTEGER NOT NULL REFERENCES fetch_log(id),  -- first seen in this poll
    hash           BLOB NOT NULL,
    -- derived, checked by Verify:
    current_version INTEGER NOT NULL DEFAULT 0,
    content_hash    BLOB,
    deleted_at      INTEGER,
    UNIQUE (network, external_id)
);
CREATE INDEX items_account ON items(account_id, kind, created_at);
CREATE INDEX items_parent ON items(network, parent_id) WHERE parent_id <> '';

CREATE TABLE item_versions (
    id            INTEGER PRIMARY KEY,
    item_id       INTEGER NOT NULL REFERENCES items(id),
    version       INTEGER NOT NULL,
    text          TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    author_name   TEXT NOT NULL,
    lang          TEXT NOT NULL,
    edited_at     INTEGER NOT NULL,  -- 0 when never edited
    url           TEXT NOT NULL,
    media         TEXT NOT NULL,     -- JSON array of connectors.Media
    raw           BLOB NOT NULL,     -- the platform payload, verbatim
    content_hash  BLOB NOT NULL,
    fetch_id      INTEGER NOT NULL REFERENCES fetch_log(id),  -- observed in this poll
    hash          BLOB NOT NULL,
    UNIQUE (item_id, version)
);

CREATE TABLE item_events (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id),
    event       TEXT NOT NULL CHECK (event IN ('deleted', 'restored')),
    observed_at INTEGER NOT NULL,
    fetch_id    INTEGER NOT NULL REFERENCES fetch_log(id),
    hash        BLOB NOT NULL
);
CREATE INDEX item_events_item ON item_events(item_id, id);

CREATE TABLE profile_snapshots (
    id           INTEGER PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    observed_at  INTEGER NOT NULL,
    external_id  TEXT NOT NULL,
    handle       TEXT NOT NULL,
    display_name TEXT NOT NULL,
    bio          TEXT NOT NULL,
    avatar_url   TEXT NOT NULL,
    link         TEXT NOT NULL,
    verified     INTEGER NOT NULL,
    followers    INTEGER NOT NULL,
    raw          BLOB NOT NULL,
    fetch_id     INTEGER NOT NULL REFERENCES fetch_log(id),
    hash         BLOB NOT NULL
);
CREATE INDEX profile_snapshots_account ON profile_snapshots(account_id, id);

CREATE TABLE flags (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items(id),
    version    INTEGER NOT NULL,
    rule       TEXT NOT NULL,
    category   TEXT NOT NULL,
    severity   TEXT NOT NULL,
    score      REAL NOT NULL,
    evidence   TEXT NOT NULL,   -- JSON
    created_at INTEGER NOT NULL,
    hash       BLOB NOT NULL,
    UNIQUE (item_id, version, rule, category)
);

-- Derived: the response clock's view of each comment by others (policy/response),
-- rewritten by the agent as items arrive and rebuilt at start; reports read it.
CREATE TABLE responses (
    comment_item_id  INTEGER PRIMARY KEY REFERENCES items(id),
    account_id       TEXT NOT NULL,
    intent           TEXT NOT NULL,
    needs_answer     INTEGER NOT NULL,
    reply_item_id    INTEGER REFERENCES items(id),  -- the first own answer; NULL while open
    how              TEXT NOT NULL DEFAULT '',       -- direct, mention, thread
    business_seconds INTEGER,
    wall_seconds     INTEGER,
    state            TEXT NOT NULL DEFAULT '',       -- answered_in_time, answered_late; '' while open
    computed_at      INTEGER NOT NULL
);
CREATE INDEX responses_open ON responses(account_id, needs_answer, reply_item_id);

CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY,
    rule       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    state      TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    hash       BLOB NOT NULL
);
CREATE INDEX alerts_subject ON alerts(rule, subject, id);
