package archive

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
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
// Rows are applied in order: of two rows of one comment the later wins, keeping
// the earlier's intent when it has none.
func (s *Store) SaveResponses(ctx context.Context, network, account string, rows []ResponseRow) error {
	if len(rows) == 0 {
		return nil
	}
	rows = mergeResponseRows(rows)
	now := s.now().UnixNano()
	return s.write(ctx, func(tx *sql.Conn, a *appender) error {
		args := make([]any, 0, 3+min(len(rows), responseRows)*responseWidth)
		for _, n := range chunks(len(rows), responseRows) {
			reply := slices.ContainsFunc(rows[:n], func(r ResponseRow) bool { return r.Reply != "" })
			stmt, err := s.cache.get(ctx, s.wc, responsesSQL(n, reply))
			if err != nil {
				return fmt.Errorf("archive: save responses: %w", err)
			}
			args = append(args[:0], network, account, now)
			for _, r := range rows[:n] {
				var business, wall any
				if r.Reply != "" {
					business, wall = int64(r.Business/time.Second), int64(r.Wall/time.Second)
				}
				needs := int64(0)
				if r.NeedsAnswer {
					needs = 1
				}
				args = append(args, r.Comment, r.Intent, needs, r.Reply, r.How, business, wall, r.State)
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("archive: save responses of %q…: %w", rows[0].Comment, err)
			}
			rows = rows[n:]
		}
		return nil
	})
}

// The response rows of one multi-row upsert, and the values each row binds.
const (
	responseRows  = 64
	responseWidth = 8
)

// responsesSQL is the upsert of n response rows: ?1 the network, ?2 the account,
// ?3 the computation time, then per row the comment's external id, intent, needs
// answer, reply's external id, how, business and wall seconds, and state. Without
// reply (no row has one, as for most batches) it skips looking replies up.
func responsesSQL(n int, reply bool) string {
	k := responsesKey{n, reply}
	if q, ok := responsesSQLs.Load(k); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO responses(comment_item_id, account_id, intent, needs_answer, reply_item_id, how,
			business_seconds, wall_seconds, state, computed_at, item_account_id, created_at)
		SELECT c.id, ?2, v.column2, v.column3, `)
	if reply {
		b.WriteString("r.id")
	} else {
		b.WriteString("NULL")
	}
	b.WriteString(`, v.column5, v.column6, v.column7, v.column8, ?3, c.account_id, c.created_at
		FROM (VALUES `)
	p := 4
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for j := range responseWidth {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("?" + strconv.Itoa(p))
			p++
		}
		b.WriteString(")")
	}
	b.WriteString(`) AS v
		JOIN items c ON c.network = ?1 AND c.external_id = v.column1`)
	if reply {
		b.WriteString(`
		LEFT JOIN items r ON r.network = ?1 AND r.external_id = v.column4`)
	}
	b.WriteString(`
		WHERE true
		ON CONFLICT(comment_item_id) DO UPDATE SET intent = CASE WHEN excluded.intent = '' THEN responses.intent ELSE excluded.intent END, needs_answer = excluded.needs_answer,
			reply_item_id = excluded.reply_item_id, how = excluded.how, business_seconds = excluded.business_seconds,
			wall_seconds = excluded.wall_seconds, state = excluded.state, computed_at = excluded.computed_at`)
	q, _ := responsesSQLs.LoadOrStore(k, b.String())
	return q.(string)
}

// responsesSQLs memoises responsesSQL (a few shapes: powers of two, with or
// without replies).
var responsesSQLs sync.Map // responsesKey → string

type responsesKey struct {
	n     int
	reply bool
}

// mergeResponseRows keeps one row per comment, as applying the rows one after
// the other would leave it: the later row, with the earlier's intent when the
// later has none. Order follows each comment's first row.
func mergeResponseRows(rows []ResponseRow) []ResponseRow {
	at := make(map[string]int, len(rows))
	out := make([]ResponseRow, 0, len(rows))
	for _, r := range rows {
		i, ok := at[r.Comment]
		if !ok {
			at[r.Comment] = len(out)
			out = append(out, r)
			continue
		}
		if r.Intent == "" {
			r.Intent = out[i].Intent
		}
		out[i] = r
	}
	return out
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
