-- What makes the semester report (report/, archive/report.go) read a semester of
-- 400 accounts in seconds, however many years the archive holds. The three parts
-- are derived data, outside the hash chain, and all are filled here for the rows
-- already archived, so an archive created before this migration gives the same
-- report as one written after it.

-- 1. Polling coverage. poll_days is the fetch log summed per account and UTC day
-- (day = finished_at / 86,400 s in Unix nanoseconds): the polls that finished that
-- day, the failed ones, the time watched (the sum, over each successful poll of the
-- day, of the time since the account's previous successful poll when that is at
-- most 30 minutes: report.DefaultCoverageGap) and the day's last successful poll
-- (NULL when none). Commit and RecordFailure keep it (archive/polldays.go); the
-- report reads whole days from it and only the period's partial days from the
-- fetch log.
CREATE TABLE poll_days (
    account_id TEXT NOT NULL,
    day        INTEGER NOT NULL,
    polls      INTEGER NOT NULL,
    failed     INTEGER NOT NULL,
    watched    INTEGER NOT NULL,  -- nanoseconds
    last_ok    INTEGER,           -- Unix nanoseconds
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

INSERT INTO poll_days(account_id, day, polls, failed, watched, last_ok)
SELECT account_id, finished_at / 86400000000000, COUNT(*), SUM(NOT ok),
    COALESCE(SUM(CASE WHEN ok AND finished_at - prev <= 1800000000000 THEN finished_at - prev END), 0),
    MAX(CASE WHEN ok THEN finished_at END)
FROM (SELECT account_id, finished_at, result = 'ok' AS ok,
        LAG(finished_at) OVER (PARTITION BY account_id, result = 'ok' ORDER BY finished_at) AS prev
    FROM fetch_log)
GROUP BY 1, 2;

-- 2. Comments. Each response row gets the account and creation time of its comment
-- (items are never changed once stored, so these never go stale) and a class that
-- packs what the report counts: intent (1 question, 2 info_request, 3 suggestion,
-- 4 complaint, 5 praise, 6 other, 0 anything else) × 16 + needs an answer × 8 +
-- answered × 4 + state (0 open, 1 answered_in_time, 2 answered_late, 3 anything
-- else). With the index below every figure of an account's comments in a period
-- is a count, a minimum or a list over a few index ranges, in time order.
ALTER TABLE responses ADD COLUMN item_account_id TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE responses ADD COLUMN report_class INTEGER GENERATED ALWAYS AS (
    (CASE intent WHEN 'question' THEN 1 WHEN 'info_request' THEN 2 WHEN 'suggestion' THEN 3 WHEN 'complaint' THEN 4
        WHEN 'praise' THEN 5 WHEN 'other' THEN 6 ELSE 0 END) * 16
    + (needs_answer = 1) * 8 + (reply_item_id IS NOT NULL) * 4
    + (CASE state WHEN '' THEN 0 WHEN 'answered_in_time' THEN 1 WHEN 'answered_late' THEN 2 ELSE 3 END)) VIRTUAL;

UPDATE responses SET item_account_id = i.account_id, created_at = i.created_at
FROM items i WHERE i.id = responses.comment_item_id;

CREATE INDEX responses_report ON responses(item_account_id, report_class, created_at, business_seconds, wall_seconds, reply_item_id);

-- SaveResponses writes both columns; a row inserted without them (any other
-- writer) gets them from its item.
CREATE TRIGGER responses_item AFTER INSERT ON responses WHEN NEW.created_at = 0 BEGIN
    UPDATE responses SET item_account_id = (SELECT account_id FROM items WHERE id = NEW.comment_item_id),
        created_at = (SELECT created_at FROM items WHERE id = NEW.comment_item_id)
    WHERE comment_item_id = NEW.comment_item_id;
END;

-- 3. Flags. Each flag gets its item's creation time (not chained: the hash covers
-- the columns archive/chain.go lists), so the flags of a period's items are one
-- range of flags_period rather than the whole table.
ALTER TABLE flags ADD COLUMN item_created_at INTEGER NOT NULL DEFAULT 0;

UPDATE flags SET item_created_at = i.created_at FROM items i WHERE i.id = flags.item_id;

CREATE INDEX flags_period ON flags(item_created_at, item_id, rule, category, severity);

CREATE TRIGGER flags_item AFTER INSERT ON flags WHEN NEW.item_created_at = 0 BEGIN
    UPDATE flags SET item_created_at = (SELECT created_at FROM items WHERE id = NEW.item_id) WHERE id = NEW.id;
END;
