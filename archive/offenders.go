package archive

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// The recommendations of the repeat-offender register (Criterio 6.xv), in Spanish
// as administrators read them.
const (
	// RecommendBlock: at least one comment recommended for blocking that no
	// administrator marked a false positive, and no block recorded.
	RecommendBlock = "bloquear"
	// RecommendReview: comments in the review band only; an administrator should look.
	RecommendReview = "revisar"
	// RecommendBlocked: a block is recorded and not undone.
	RecommendBlocked = "bloqueado"
	// RecommendNone: every flagged comment was marked a false positive, or a block
	// was undone and nothing new was flagged.
	RecommendNone = "ninguna"
)

// Flag rules the register counts (the agent's offensive classifier writes them).
const (
	ruleOffensive       = "offensive"
	ruleOffensiveReview = "offensive_review"
)

// Offender is one author in an account's repeat-offender register.
type Offender struct {
	Account  string
	Network  string
	AuthorID string
	// Handle is the author's last known handle.
	Handle string
	// Offensive counts the author's comments flagged offensive (recommend_block).
	Offensive int
	// Review counts the comments flagged offensive_review and not offensive.
	Review int
	// FalsePositives counts the flagged comments whose latest verdict is
	// false_positive.
	FalsePositives int
	// LastOffence is when the latest flagged comment not marked a false positive was
	// written; zero when there is none.
	LastOffence time.Time
	// Blocked is true when a block (block_confirmed or blocked_on_network) is
	// recorded and no later unblocked undid it; BlockedAt is when it was decided.
	Blocked   bool
	BlockedAt time.Time
	// Recommendation is one of the Recommend* constants.
	Recommendation string
}

type offenderKey struct{ account, network, author string }

// Offenders returns the repeat-offender register of account (every account's when
// empty): per author of flagged comments or of recorded blocks, the counts of
// flagged comments, the last offence, whether a block is in force, and a
// recommendation. Decisions count in the order they were decided: an item's latest
// block_confirmed or false_positive is its verdict, and an author's latest
// block_confirmed, blocked_on_network or unblocked is the block state. Authors to
// block come first, then to review, blocked, and the rest; within each, the most
// offensive first.
func (s *Store) Offenders(ctx context.Context, account string) ([]Offender, error) {
	byKey := map[offenderKey]*Offender{}
	get := func(k offenderKey, handle string) *Offender {
		o, ok := byKey[k]
		if !ok {
			o = &Offender{Account: k.account, Network: k.network, AuthorID: k.author}
			byKey[k] = o
		}
		if o.Handle == "" {
			o.Handle = handle
		}
		return o
	}

	// Verdicts per item and block state per author, in decision order.
	verdict := map[int64]string{}
	hasDecisions, err := s.hasTable(ctx, "decisions")
	if err != nil {
		return nil, fmt.Errorf("archive: offenders: %w", err)
	}
	if hasDecisions {
		err := s.readRows(ctx, `SELECT i.account_id, i.network, i.author_id, COALESCE(a.handle, ''), i.id, d.decision, d.decided_at
			FROM decisions d JOIN items i ON i.id = d.item_id
			LEFT JOIN authors a ON a.network = i.network AND a.external_id = i.author_id
			WHERE i.own = 0 AND i.author_id <> '' AND (?1 = '' OR i.account_id = ?1)
			ORDER BY d.decided_at, d.id`, account, func(scan func(...any) error) error {
			var k offenderKey
			var handle, decision string
			var item, at int64
			if err := scan(&k.account, &k.network, &k.author, &handle, &item, &decision, &at); err != nil {
				return err
			}
			switch decision {
			case DecisionBlockConfirmed, DecisionFalsePositive:
				verdict[item] = decision
			}
			switch decision {
			case DecisionBlockConfirmed, DecisionBlockedOnNetwork:
				o := get(k, handle)
				if !o.Blocked {
					o.Blocked, o.BlockedAt = true, fromNanos(at)
				}
			case DecisionUnblocked:
				o := get(k, handle)
				o.Blocked, o.BlockedAt = false, time.Time{}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("archive: offenders: read decisions: %w", err)
		}
	}

	// Flagged comments.
	pending := map[offenderKey][2]int{} // recommend_block and review comments not marked false positives
	err = s.readRows(ctx, `SELECT i.account_id, i.network, i.author_id, COALESCE(a.handle, ''), i.id, i.created_at,
			MAX(f.rule = '`+ruleOffensive+`'), MAX(f.rule = '`+ruleOffensiveReview+`')
		FROM flags f JOIN items i ON i.id = f.item_id
		LEFT JOIN authors a ON a.network = i.network AND a.external_id = i.author_id
		WHERE f.rule IN ('`+ruleOffensive+`', '`+ruleOffensiveReview+`') AND i.own = 0 AND i.author_id <> ''
			AND (?1 = '' OR i.account_id = ?1)
		GROUP BY i.id ORDER BY i.id`, account, func(scan func(...any) error) error {
		var k offenderKey
		var handle string
		var item, created int64
		var block, review bool
		if err := scan(&k.account, &k.network, &k.author, &handle, &item, &created, &block, &review); err != nil {
			return err
		}
		o := get(k, handle)
		if block {
			o.Offensive++
		} else {
			o.Review++
		}
		if verdict[item] == DecisionFalsePositive {
			o.FalsePositives++
			return nil
		}
		p := pending[k]
		if block {
			p[0]++
		} else {
			p[1]++
		}
		pending[k] = p
		if t := fromNanos(created); t.After(o.LastOffence) {
			o.LastOffence = t
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("archive: offenders: read flags: %w", err)
	}

	out := make([]Offender, 0, len(byKey))
	for k, o := range byKey {
		if o.Handle == "" {
			// The last version stored had no handle: the latest of the author's items
			// that has one.
			err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(v.author_handle), '') FROM item_versions v
				WHERE v.id = (SELECT MAX(v2.id) FROM items i JOIN item_versions v2 ON v2.item_id = i.id
					WHERE i.account_id = ? AND i.network = ? AND i.author_id = ? AND v2.author_handle <> '')`,
				k.account, k.network, k.author).Scan(&o.Handle)
			if err != nil {
				return nil, fmt.Errorf("archive: offenders: read handle: %w", err)
			}
		}
		p := pending[k]
		switch {
		case o.Blocked:
			o.Recommendation = RecommendBlocked
		case p[0] > 0:
			o.Recommendation = RecommendBlock
		case p[1] > 0:
			o.Recommendation = RecommendReview
		default:
			o.Recommendation = RecommendNone
		}
		out = append(out, *o)
	}
	rank := map[string]int{RecommendBlock: 0, RecommendReview: 1, RecommendBlocked: 2, RecommendNone: 3}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		switch {
		case rank[a.Recommendation] != rank[b.Recommendation]:
			return rank[a.Recommendation] < rank[b.Recommendation]
		case a.Offensive != b.Offensive:
			return a.Offensive > b.Offensive
		case a.Review != b.Review:
			return a.Review > b.Review
		case !a.LastOffence.Equal(b.LastOffence):
			return a.LastOffence.After(b.LastOffence)
		case a.Account != b.Account:
			return a.Account < b.Account
		case a.Network != b.Network:
			return a.Network < b.Network
		}
		return a.AuthorID < b.AuthorID
	})
	return out, nil
}

// readRows runs q on the read pool with the account as ?1 and calls fn for each row
// with the row's Scan.
func (s *Store) readRows(ctx context.Context, q, account string, fn func(scan func(...any) error) error) error {
	return s.query(ctx, q, []any{account}, fn)
}

// hasTable reports whether the archive has the table: a read-only archive made
// before a migration lacks the tables it adds.
func (s *Store) hasTable(ctx context.Context, name string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up table %s: %w", name, err)
	}
	return n > 0, nil
}
