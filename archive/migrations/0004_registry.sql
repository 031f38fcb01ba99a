-- Account governance (Criterios 7.iii, 7.iv, 6.xxvi, 6.xx). Both tables are chained
-- (archive/chain.go): a record is never changed or removed.

-- The registry log: every organ's and account's registry record as configured,
-- written when it first appears and whenever it changes between two
-- configurations (administrators, status, authorization, …).
CREATE TABLE registry_log (
    id          INTEGER PRIMARY KEY,  -- the record's place in the chain
    subject     TEXT NOT NULL,        -- "organ:<id>" or "account:<id>"
    event       TEXT NOT NULL,        -- registered, admins_changed, status_changed, changed
    detail      TEXT NOT NULL,        -- JSON: the record now ("now") and before ("before")
    recorded_at INTEGER NOT NULL,     -- Unix nanoseconds
    hash        BLOB NOT NULL
);
CREATE INDEX registry_log_subject ON registry_log(subject, id);

-- Account-health signals: takeover assessments with their score and evidence,
-- changes of cadence state (stale, abandoned).
CREATE TABLE signals (
    id          INTEGER PRIMARY KEY,  -- the record's place in the chain
    account_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,        -- takeover, cadence
    score       REAL NOT NULL,
    urgent      INTEGER NOT NULL,
    detail      TEXT NOT NULL,        -- JSON: the evidence
    observed_at INTEGER NOT NULL,     -- Unix nanoseconds
    hash        BLOB NOT NULL
);
CREATE INDEX signals_account ON signals(account_id, id);
