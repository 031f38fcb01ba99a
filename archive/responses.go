package archive

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ResponseRow is the response clock's view of one comment by others: its intent,
// whether it needs an answer, and its first own answer.
type ResponseRow struct {
	// Comment is the comment's external id; Reply its first answer's (empty while
	// open or when it needs none).
	Comment     string
	Intent      string
	NeedsAnswer bool
	Reply       string
	How         string
	Business    time.Duration
	Wall        time.Duration
	// State is answered_in_time or answered_late once answered; empty otherwise.
	State string
}

// SaveResponses upserts the response rows of one account's comments. The table is
// derived (the agent rebuilds it from the archive at start), so it is written
// outside the hash chain. Rows naming items the archive does not hold are skipped.
func (s *Store) SaveResponses(ctx context.Context, network, account string, rows []ResponseRow) error {
	if len(rows) == 0 {
		return nil
	}
	now := s.now().UnixNano()
	return s.write(ctx, func(tx *sql.Tx, a *appender) error {
		stmt, err := s.cache.get(ctx, s.wc, `INSERT INTO responses(comment_item_id, account_id, intent, needs_answer, reply_item_id, how,
				business_seconds, wall_seconds, state, computed_at, item_account_id, created_at)
			SELECT c.id, ?3, ?4, ?5, r.id, ?7, ?8, ?9, ?10, ?11, c.account_id, c.created_at
			FROM items c LEFT JOIN items r ON r.network = ?1 AND r.external_id = ?6
			WHERE c.network = ?1 AND c.external_id = ?2
			ON CONFLICT(comment_item_id) DO UPDATE SET intent = CASE WHEN excluded.intent = '' THEN responses.intent ELSE excluded.intent END, needs_answer = excluded.needs_answer,
				reply_item_id = excluded.reply_item_id, how = excluded.how, business_seconds = excluded.business_seconds,
				wall_seconds = excluded.wall_seconds, state = excluded.state, computed_at = excluded.computed_at`)
		if err != nil {
			return fmt.Errorf("archive: save responses: %w", err)
		}
		ts := a.stmt(ctx, stmt)
		for _, r := range rows {
			var business, wall any
			if r.Reply != "" {
				business, wall = int64(r.Business/time.Second), int64(r.Wall/time.Second)
			}
			needs := int64(0)
			if r.NeedsAnswer {
				needs = 1
			}
			if _, err := ts.ExecContext(ctx, network, r.Comment, account, r.Intent, needs, r.Reply, r.How, business, wall, r.State, now); err != nil {
				return fmt.Errorf("archive: save response of %q: %w", r.Comment, err)
			}
		}
		return nil
	})
}

// Responses returns the stored response rows of an account, keyed by comment.
func (s *Store) Responses(ctx context.Context, account string) (map[string]ResponseRow, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.external_id, r.intent, r.needs_answer, COALESCE(a.external_id, ''), r.how,
			COALESCE(r.business_seconds, 0), COALESCE(r.wall_seconds, 0), r.state
		FROM responses r JOIN items c ON c.id = r.comment_item_id LEFT JOIN items a ON a.id = r.reply_item_id
		WHERE r.account_id = ?`, account)
	if err != nil {
		return nil, fmt.Errorf("archive: read responses: %w", err)
	}
	defer rows.Close()
	out := map[string]ResponseRow{}
	for rows.Next() {
		var r ResponseRow
		var b, w int64
		if err := rows.Scan(&r.Comment, &r.Intent, &r.NeedsAnswer, &r.Reply, &r.How, &b, &w, &r.State); err != nil {
			return nil, fmt.Errorf("archive: read responses: %w", err)
		}
		r.Business, r.Wall = time.Duration(b)*time.Second, time.Duration(w)*time.Second
		out[r.Comment] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: read responses: %w", err)
	}
	return out, nil
}

// OldestOpenComment returns the creation time of the account's oldest comment that
// needs an answer and has none; zero when none waits.
func (s *Store) OldestOpenComment(ctx context.Context, account string) (time.Time, error) {
	var n sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT MIN(c.created_at) FROM responses r JOIN items c ON c.id = r.comment_item_id
		WHERE r.account_id = ? AND r.needs_answer = 1 AND r.reply_item_id IS NULL AND c.deleted_at IS NULL`, account).Scan(&n)
	if err != nil {
		return time.Time{}, fmt.Errorf("archive: oldest open comment: %w", err)
	}
	return fromNanos(n.Int64), nil
}
