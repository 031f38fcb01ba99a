package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Cursor returns the account's stored cursor; nil when it has none yet.
func (s *Store) Cursor(ctx context.Context, account string) (connectors.Cursor, error) {
	var c []byte
	err := s.r.QueryRowContext(ctx, `SELECT cursor FROM cursors WHERE account_id = ?`, account).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive: read cursor of %q: %w", account, err)
	}
	return connectors.Cursor(c), nil
}

// PollState is the scheduler's persisted view of one account.
type PollState struct {
	LastAttemptAt     time.Time
	LastSuccessAt     time.Time
	ConsecutiveErrors int
	NextPollAt        time.Time
}

// PollStates returns the poll state of every account that has been polled.
func (s *Store) PollStates(ctx context.Context) (map[string]PollState, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT account_id, last_attempt_at, last_success_at, consecutive_errors, next_poll_at FROM poll_state`)
	if err != nil {
		return nil, fmt.Errorf("archive: read poll states: %w", err)
	}
	defer rows.Close()
	out := map[string]PollState{}
	for rows.Next() {
		var id string
		var a, ok, next int64
		var st PollState
		if err := rows.Scan(&id, &a, &ok, &st.ConsecutiveErrors, &next); err != nil {
			return nil, fmt.Errorf("archive: read poll states: %w", err)
		}
		st.LastAttemptAt, st.LastSuccessAt, st.NextPollAt = fromNanos(a), fromNanos(ok), fromNanos(next)
		out[id] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: read poll states: %w", err)
	}
	return out, nil
}

// Version is one stored version of an item.
type Version struct {
	Version      int
	Text         string
	AuthorHandle string
	AuthorName   string
	EditedAt     time.Time
	ObservedAt   time.Time
	Raw          []byte
}

// Versions returns every stored version of an item, oldest first.
func (s *Store) Versions(ctx context.Context, network, externalID string) ([]Version, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT v.version, v.text, v.author_handle, v.author_name, v.edited_at, f.finished_at, v.raw
		FROM item_versions v JOIN items i ON i.id = v.item_id JOIN fetch_log f ON f.id = v.fetch_id
		WHERE i.network = ? AND i.external_id = ? ORDER BY v.version`, network, externalID)
	if err != nil {
		return nil, fmt.Errorf("archive: read versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var ed, obs int64
		if err := rows.Scan(&v.Version, &v.Text, &v.AuthorHandle, &v.AuthorName, &ed, &obs, &v.Raw); err != nil {
			return nil, fmt.Errorf("archive: read versions: %w", err)
		}
		v.EditedAt, v.ObservedAt = fromNanos(ed), fromNanos(obs)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: read versions: %w", err)
	}
	return out, nil
}

// StoredItem is an item as the archive holds it now: identity, current text,
// number of versions and deletion mark.
type StoredItem struct {
	Network    string
	ExternalID string
	Account    string
	Kind       connectors.Kind
	ParentID   string
	RootID     string
	AuthorID   string
	Own        bool
	CreatedAt  time.Time
	Text       string
	Versions   int
	DeletedAt  time.Time
	// AuthorHandle is the author's handle in the current version.
	AuthorHandle string
	// Flags are the rules that flagged the current version (offensive, spam, …).
	Flags []string
	// Decision is the administrators' latest decision on the item (block_confirmed,
	// false_positive, …); empty when none.
	Decision string
}

// Items calls fn for every item of account (all accounts when empty), in archive
// order, with its current version.
func (s *Store) Items(ctx context.Context, account string, fn func(StoredItem) error) error {
	return s.ItemsSince(ctx, account, time.Time{}, fn)
}

// ItemsSince is Items restricted to items created at or after since.
func (s *Store) ItemsSince(ctx context.Context, account string, since time.Time, fn func(StoredItem) error) error {
	rows, err := s.r.QueryContext(ctx, `SELECT i.network, i.external_id, i.account_id, i.kind, i.parent_id, i.root_id, i.author_id,
			i.own, i.created_at, v.text, i.current_version, COALESCE(i.deleted_at, 0), v.author_handle,
			COALESCE((SELECT group_concat(f.rule) FROM flags f WHERE f.item_id = i.id AND f.version = i.current_version), ''),
			COALESCE((SELECT d.decision FROM decisions d WHERE d.item_id = i.id ORDER BY d.decided_at DESC, d.id DESC LIMIT 1), '')
		FROM items i JOIN item_versions v ON v.item_id = i.id AND v.version = i.current_version
		WHERE (?1 = '' OR i.account_id = ?1) AND i.created_at >= ?2 ORDER BY i.id`, account, nanos(since))
	if err != nil {
		return fmt.Errorf("archive: read items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it StoredItem
		var kind string
		var created, deleted int64
		var flags string
		if err := rows.Scan(&it.Network, &it.ExternalID, &it.Account, &kind, &it.ParentID, &it.RootID, &it.AuthorID,
			&it.Own, &created, &it.Text, &it.Versions, &deleted, &it.AuthorHandle, &flags, &it.Decision); err != nil {
			return fmt.Errorf("archive: read items: %w", err)
		}
		if flags != "" {
			it.Flags = strings.Split(flags, ",")
		}
		it.Kind, it.CreatedAt, it.DeletedAt = connectors.Kind(kind), fromNanos(created), fromNanos(deleted)
		if err := fn(it); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("archive: read items: %w", err)
	}
	return nil
}

// Totals are archive-wide counts for summaries and metrics.
type Totals struct {
	Items     map[connectors.Kind]int64
	Versions  int64
	Deleted   int64
	Polls     int64
	PollFails int64
	// Unanswered counts comments that need an answer and have none; Answered those
	// answered (the responses table).
	Unanswered int64
	Answered   int64
	// Offensive counts comments flagged for blocking.
	Offensive int64
}

// Totals counts what the archive holds.
func (s *Store) Totals(ctx context.Context) (Totals, error) {
	t := Totals{Items: map[connectors.Kind]int64{}}
	rows, err := s.r.QueryContext(ctx, `SELECT kind, COUNT(*), COALESCE(SUM(deleted_at IS NOT NULL), 0) FROM items GROUP BY kind`)
	if err != nil {
		return t, fmt.Errorf("archive: totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n, d int64
		if err := rows.Scan(&k, &n, &d); err != nil {
			return t, fmt.Errorf("archive: totals: %w", err)
		}
		t.Items[connectors.Kind(k)] = n
		t.Deleted += d
	}
	if err := rows.Err(); err != nil {
		return t, fmt.Errorf("archive: totals: %w", err)
	}
	err = s.r.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM item_versions), (SELECT COUNT(*) FROM fetch_log),
		(SELECT COUNT(*) FROM fetch_log WHERE result <> 'ok'),
		(SELECT COUNT(*) FROM responses r JOIN items i ON i.id = r.comment_item_id
			WHERE r.needs_answer = 1 AND r.reply_item_id IS NULL AND i.deleted_at IS NULL),
		(SELECT COUNT(*) FROM responses WHERE needs_answer = 1 AND reply_item_id IS NOT NULL),
		(SELECT COUNT(DISTINCT item_id) FROM flags WHERE rule = 'offensive')`).Scan(&t.Versions, &t.Polls, &t.PollFails,
		&t.Unanswered, &t.Answered, &t.Offensive)
	if err != nil {
		return t, fmt.Errorf("archive: totals: %w", err)
	}
	return t, nil
}

// FlagCounts counts the stored flags of an account's items by rule (every version's).
func (s *Store) FlagCounts(ctx context.Context, account string) (map[string]int, error) {
	return s.countByRule(ctx, `SELECT f.rule, COUNT(*) FROM flags f JOIN items i ON i.id = f.item_id
		WHERE i.account_id = ? GROUP BY f.rule`, account)
}

// countByRule runs a query returning (rule, count) rows.
func (s *Store) countByRule(ctx context.Context, q string, args ...any) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("archive: flag counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var rule string
		var n int
		if err := rows.Scan(&rule, &n); err != nil {
			return nil, fmt.Errorf("archive: flag counts: %w", err)
		}
		out[rule] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: flag counts: %w", err)
	}
	return out, nil
}
