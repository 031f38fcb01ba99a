package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// The queries of the response clock (agent/respond.go): it holds only the open
// comments and the conversations busy lately, and reads the rest from here when
// a conversation it let go receives something again.

// ResponseItem is an item as the response clock replays it: the item's current
// version, whether its parent is one of the account's own items, and the
// comment's stored response row, if any.
type ResponseItem struct {
	StoredItem
	// ParentOwn reports whether the item's parent is an own item of the archive.
	ParentOwn bool
	// Prior is the comment's responses row; nil when it has none.
	Prior *ResponseRow
}

const responseItemCols = `i.network, i.external_id, i.account_id, i.kind, i.parent_id, i.root_id, i.author_id,
		i.own, i.created_at, v.text, COALESCE(i.deleted_at, 0), v.author_handle,
		COALESCE((SELECT group_concat(f.rule) FROM flags f WHERE f.item_id = i.id AND f.version = i.current_version), ''),
		COALESCE((SELECT d.decision FROM decisions d WHERE d.item_id = i.id ORDER BY d.decided_at DESC, d.id DESC LIMIT 1), ''),
		i.parent_id <> '' AND EXISTS (SELECT 1 FROM items p WHERE p.network = i.network AND p.external_id = i.parent_id AND p.own = 1),
		r.comment_item_id IS NOT NULL, COALESCE(r.intent, ''), COALESCE(r.needs_answer, 0), COALESCE(a.external_id, ''), COALESCE(r.how, ''),
		COALESCE(r.business_seconds, 0), COALESCE(r.wall_seconds, 0), COALESCE(r.state, '')`

// responseItemJoins follows items i with what responseItemCols reads.
const responseItemJoins = `JOIN item_versions v ON v.item_id = i.id AND v.version = i.current_version
		LEFT JOIN responses r ON r.comment_item_id = i.id LEFT JOIN items a ON a.id = r.reply_item_id`

// allKinds restricts a query on items_account(account_id, kind, created_at) to
// every kind, so that the index's created_at range applies.
const allKinds = `i.kind IN ('post', 'comment', 'reply', 'mention')`

// responseItems runs q, which selects responseItemCols, calling fn for each row;
// tag, when not nil, receives a first column before them.
func (s *Store) responseItems(ctx context.Context, q string, tag *string, fn func(ResponseItem) error, args ...any) error {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("archive: read items for responses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it ResponseItem
		var kind, flags string
		var created, deleted int64
		var hasRow bool
		var prior ResponseRow
		var business, wall int64
		dest := []any{&it.Network, &it.ExternalID, &it.Account, &kind, &it.ParentID, &it.RootID, &it.AuthorID,
			&it.Own, &created, &it.Text, &deleted, &it.AuthorHandle, &flags, &it.Decision, &it.ParentOwn,
			&hasRow, &prior.Intent, &prior.NeedsAnswer, &prior.Reply, &prior.How, &business, &wall, &prior.State}
		if tag != nil {
			dest = append([]any{tag}, dest...)
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("archive: read items for responses: %w", err)
		}
		if flags != "" {
			it.Flags = strings.Split(flags, ",")
		}
		it.Kind, it.CreatedAt, it.DeletedAt = internKind(kind), fromNanos(created), fromNanos(deleted)
		if it.ParentID == it.RootID {
			it.ParentID = it.RootID // one string for both: the response clock holds them
		}
		if hasRow {
			prior.Comment = it.ExternalID
			prior.Business, prior.Wall = time.Duration(business)*time.Second, time.Duration(wall)*time.Second
			it.Prior = &prior
		}
		if err := fn(it); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("archive: read items for responses: %w", err)
	}
	return nil
}

// ResponseItemsSince calls fn for every item of account created at or after
// since, in archive order.
func (s *Store) ResponseItemsSince(ctx context.Context, account string, since time.Time, fn func(ResponseItem) error) error {
	return s.responseItems(ctx, `SELECT `+responseItemCols+` FROM items i `+responseItemJoins+`
		WHERE i.account_id = ?1 AND `+allKinds+` AND i.created_at >= ?2 ORDER BY i.id`, nil, fn, account, nanos(since))
}

// Conversations calls fn for every item of each of account's conversations
// roots on network, conversation by conversation, each in archive order: the
// root and the items under it, found through their parents (the items_parent
// index, partial: hence parent_id <> ”), so the cost is the conversations' size
// whatever the archive's, in one query. An item whose parent the archive does
// not hold is not reached. Items under a root that name another root (a thread
// the platform split) are read too: the caller tells them apart by their RootID.
// (CROSS JOIN keeps the walk from the conversations outwards: the planner would
// otherwise scan the network's items.)
func (s *Store) Conversations(ctx context.Context, network, account string, roots []string, fn func(root string, it ResponseItem) error) error {
	if len(roots) == 0 {
		return nil
	}
	seeds, err := json.Marshal(roots)
	if err != nil {
		return fmt.Errorf("archive: read conversations: %w", err)
	}
	var root string
	return s.responseItems(ctx, `WITH RECURSIVE conv(eid, root) AS (
			SELECT value, value FROM json_each(?3)
			UNION SELECT c.external_id, conv.root FROM conv CROSS JOIN items c ON c.network = ?1 AND c.parent_id = conv.eid AND c.parent_id <> ''
		)
		SELECT conv.root, `+responseItemCols+` FROM conv CROSS JOIN items i ON i.network = ?1 AND i.external_id = conv.eid `+responseItemJoins+`
		WHERE i.account_id = ?2 ORDER BY conv.root, i.id`, &root,
		func(it ResponseItem) error { return fn(root, it) }, network, account, string(seeds))
}

// OpenComments calls fn for every comment of account created before before whose
// responses row says it needs an answer and has none, and that is not deleted.
func (s *Store) OpenComments(ctx context.Context, account string, before time.Time, fn func(ResponseItem) error) error {
	return s.responseItems(ctx, `SELECT `+responseItemCols+` FROM items i `+responseItemJoins+`
		WHERE r.account_id = ?1 AND r.needs_answer = 1 AND r.reply_item_id IS NULL
			AND i.deleted_at IS NULL AND i.created_at < ?2 ORDER BY i.id`, nil, fn, account, nanos(before))
}

// ItemFact is what the response clock needs to know of an item it does not hold:
// its conversation, whether it is own, and its author.
type ItemFact struct {
	RootID   string
	Own      bool
	AuthorID string
	// AuthorHandle is the author's handle in the current version.
	AuthorHandle string
}

// ItemFacts returns the facts of the items of network among ids that the archive
// holds, keyed by external id.
func (s *Store) ItemFacts(ctx context.Context, network string, ids []string) (map[string]ItemFact, error) {
	out := map[string]ItemFact{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, network)
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := s.r.QueryContext(ctx, `SELECT i.external_id, i.root_id, i.own, i.author_id, v.author_handle
			FROM items i JOIN item_versions v ON v.item_id = i.id AND v.version = i.current_version
			WHERE i.network = ? AND i.external_id IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("archive: read item facts: %w", err)
		}
		for rows.Next() {
			var id string
			var f ItemFact
			if err := rows.Scan(&id, &f.RootID, &f.Own, &f.AuthorID, &f.AuthorHandle); err != nil {
				rows.Close()
				return nil, fmt.Errorf("archive: read item facts: %w", err)
			}
			out[id] = f
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("archive: read item facts: %w", err)
		}
	}
	return out, nil
}

// OldestOpen returns the account's oldest comment that needs an answer and has
// none (its external id and creation); empty when none waits.
func (s *Store) OldestOpen(ctx context.Context, account string) (string, time.Time, error) {
	oc, err := s.OldestOpenComments(ctx, account, 1)
	if err != nil || len(oc) == 0 {
		return "", time.Time{}, err
	}
	return oc[0].ID, oc[0].Created, nil
}

// OldestOpenComments returns up to n of the account's comments that need an
// answer and have none, oldest first: external id and creation.
func (s *Store) OldestOpenComments(ctx context.Context, account string, n int) ([]OpenComment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.external_id, c.created_at FROM responses r JOIN items c ON c.id = r.comment_item_id
		WHERE r.account_id = ? AND r.needs_answer = 1 AND r.reply_item_id IS NULL AND c.deleted_at IS NULL
		ORDER BY c.created_at, c.id LIMIT ?`, account, n)
	if err != nil {
		return nil, fmt.Errorf("archive: oldest open comments: %w", err)
	}
	defer rows.Close()
	var out []OpenComment
	for rows.Next() {
		var oc OpenComment
		var created int64
		if err := rows.Scan(&oc.ID, &created); err != nil {
			return nil, fmt.Errorf("archive: oldest open comments: %w", err)
		}
		oc.Created = fromNanos(created)
		out = append(out, oc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: oldest open comments: %w", err)
	}
	return out, nil
}

// OpenComment is a comment waiting for an answer.
type OpenComment struct {
	ID      string
	Created time.Time
}

// internKind returns the Kind constant for k, so that items held in memory share
// its text.
func internKind(k string) connectors.Kind {
	for _, c := range []connectors.Kind{connectors.KindComment, connectors.KindReply, connectors.KindPost, connectors.KindMention} {
		if string(c) == k {
			return c
		}
	}
	return connectors.Kind(k)
}
