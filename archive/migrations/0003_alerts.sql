-- Alerts (alerts/): the current state of every alert, the outbox of deliveries and
-- the digests sent. Every change of an alert's state (fired, escalated, resolved)
-- is a chained record of the alerts table (0001); these tables are the working
-- state derived from it and are not chained.

-- One row per alert (rule and subject): its current state, the latest chained
-- record, and how far up its escalation ladder it went.
CREATE TABLE alert_state (
    rule         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    account      TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
    alert_id     INTEGER NOT NULL REFERENCES alerts(id),
    fired_at     INTEGER NOT NULL,      -- Unix nanoseconds
    step         INTEGER NOT NULL,      -- ladder steps queued so far
    next_step_at INTEGER,               -- when the next step is due; NULL when none is
    event        TEXT NOT NULL,         -- the alert as JSON (for later steps and the resolution)
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (rule, subject)
);
CREATE INDEX alert_state_due ON alert_state(next_step_at) WHERE state = 'firing' AND next_step_at IS NOT NULL;

-- Deliveries to make, in order per channel (a notifier and a recipient). An entry
-- stays until it is sent; a failure worth retrying moves next_attempt_at; one that
-- is not marks it failed (kept, with its reason).
CREATE TABLE alert_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id        INTEGER REFERENCES alerts(id),  -- NULL for digests and tests
    channel         TEXT NOT NULL,
    notifier        TEXT NOT NULL,
    recipient       TEXT NOT NULL,     -- e-mail address, or '' for a chat or Alertmanager
    recipient_name  TEXT NOT NULL,
    group_key       TEXT NOT NULL,     -- entries with the same key may go in one message
    urgent          INTEGER NOT NULL,
    payload         TEXT NOT NULL,     -- the alert as JSON (never a secret)
    created_at      INTEGER NOT NULL,
    not_before      INTEGER NOT NULL,  -- quiet hours and grouping wait
    next_attempt_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_reason     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    done_at         INTEGER,
    message         INTEGER            -- the entries sent in one message share the first one's id
);
CREATE INDEX alert_outbox_pending ON alert_outbox(id) WHERE status = 'pending';
CREATE INDEX alert_outbox_channel ON alert_outbox(channel, done_at);

-- Digests queued, once per kind, key (account, organ) and period.
CREATE TABLE alert_digests (
    kind      TEXT NOT NULL,
    key       TEXT NOT NULL,
    period    TEXT NOT NULL,
    queued_at INTEGER NOT NULL,
    PRIMARY KEY (kind, key, period)
);
