package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The polling-coverage summary (migration 0006): poll_days sums the fetch log per
// account and UTC day, so the semester report reads one row per account and day
// instead of every poll. Each poll adds itself in its own transaction (notePoll,
// from Commit and RecordFailure).

// CoverageSummaryGap is the longest stretch between two successful polls that
// poll_days counts as watched. PollCoverage reads the summary for this gap only;
// any other gap is computed from the fetch log.
const CoverageSummaryGap = 30 * time.Minute

// coverageDay is the summary's bucket: a UTC day in Unix nanoseconds.
const coverageDay = int64(24 * time.Hour)

// pollDaysUpsert adds one poll to its day: ?3 polls is always 1, ?4 failed, ?5 the
// time watched since the previous successful poll, ?6 the poll's time when it
// succeeded (NULL when it failed).
const pollDaysUpsert = `INSERT INTO poll_days(account_id, day, polls, failed, watched, last_ok) VALUES (?1, ?2, 1, ?3, ?4, ?5)
	ON CONFLICT(account_id, day) DO UPDATE SET polls = polls + 1, failed = failed + excluded.failed,
		watched = watched + excluded.watched, last_ok = MAX(COALESCE(last_ok, excluded.last_ok), COALESCE(excluded.last_ok, last_ok))`

// pollDaysLastOK is the account's latest successful poll in the summary.
const pollDaysLastOK = `SELECT last_ok FROM poll_days WHERE account_id = ?1 AND last_ok IS NOT NULL ORDER BY day DESC LIMIT 1`

// pollDaysRebuild recomputes an account's days from day ?2 on from the fetch log
// (the same computation as migration 0006's), after pollDaysClear.
const (
	pollDaysClear   = `DELETE FROM poll_days WHERE account_id = ?1 AND day >= ?2`
	pollDaysRebuild = `INSERT INTO poll_days(account_id, day, polls, failed, watched, last_ok)
	SELECT account_id, finished_at / 86400000000000, COUNT(*), SUM(NOT ok),
		COALESCE(SUM(CASE WHEN ok AND finished_at - prev <= ?3 THEN finished_at - prev END), 0),
		MAX(CASE WHEN ok THEN finished_at END)
	FROM (SELECT account_id, finished_at, result = 'ok' AS ok,
			LAG(finished_at) OVER (PARTITION BY result = 'ok' ORDER BY finished_at) AS prev
		FROM fetch_log WHERE account_id = ?1 AND finished_at >= ?2 * 86400000000000 - ?3)
	WHERE finished_at >= ?2 * 86400000000000
	GROUP BY 1, 2`
)

// notePoll adds one poll that finished at finished (Unix nanoseconds) to
// poll_days, inside the transaction that writes its fetch-log row. Polls of one
// account finish in order; one that finishes before the account's latest
// successful poll (the clock went back) has the account's days from its own day
// on recomputed from the fetch log.
func (s *Store) notePoll(ctx context.Context, a *appender, account string, finished int64, ok bool) error {
	day := finished / coverageDay
	if !ok {
		return s.execCached(ctx, a, pollDaysUpsert, account, day, 1, 0, nil)
	}
	var prev sql.NullInt64
	if err := s.queryRowCached(ctx, a, pollDaysLastOK, account).Scan(&prev); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("archive: poll summary: %w", err)
	}
	if prev.Valid && finished < prev.Int64 {
		if err := s.execCached(ctx, a, pollDaysClear, account, day); err != nil {
			return err
		}
		return s.execCached(ctx, a, pollDaysRebuild, account, day, int64(CoverageSummaryGap))
	}
	watched := int64(0)
	if prev.Valid && finished-prev.Int64 <= int64(CoverageSummaryGap) {
		watched = finished - prev.Int64
	}
	return s.execCached(ctx, a, pollDaysUpsert, account, day, 0, watched, finished)
}

// execCached runs q, prepared once per store, in the appender's transaction.
func (s *Store) execCached(ctx context.Context, a *appender, q string, args ...any) error {
	stmt, err := s.cache.get(ctx, s.wc, q)
	if err != nil {
		return fmt.Errorf("archive: poll summary: %w", err)
	}
	if _, err := stmt.ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("archive: poll summary: %w", err)
	}
	return nil
}

// queryRowCached is execCached for a query of one row.
func (s *Store) queryRowCached(ctx context.Context, a *appender, q string, args ...any) *sql.Row {
	stmt, err := s.cache.get(ctx, s.wc, q)
	if err != nil {
		// A statement that cannot be prepared fails again in QueryRowContext, on
		// the transaction, where the error is returned through Scan.
		return a.conn.QueryRowContext(ctx, q, args...)
	}
	return stmt.QueryRowContext(ctx, args...)
}
