package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The administrators' decisions on an item (Criterio 6.xv).
const (
	// DecisionBlockConfirmed: an administrator confirms that the comment is offensive
	// and its author is to be blocked.
	DecisionBlockConfirmed = "block_confirmed"
	// DecisionFalsePositive: an administrator judges that a flagged comment is not
	// offensive.
	DecisionFalsePositive = "false_positive"
	// DecisionBlockedOnNetwork: the author was blocked on the network for this item.
	DecisionBlockedOnNetwork = "blocked_on_network"
	// DecisionUnblocked: a block of the item's author was undone.
	DecisionUnblocked = "unblocked"
)

// DecisionKinds lists the decisions the archive accepts, in a stable order.
var DecisionKinds = []string{DecisionBlockConfirmed, DecisionFalsePositive, DecisionBlockedOnNetwork, DecisionUnblocked}

// Where a decision came from.
const (
	// SourceCLI: recorded one at a time with «vigia label».
	SourceCLI = "cli"
	// SourceImport: part of a bulk import of the institute's own records.
	SourceImport = "import"
	// SourceNetwork: a block observed through a network's API.
	SourceNetwork = "network"
)

// ErrUnknownItem reports a decision on an item the archive does not hold.
var ErrUnknownItem = errors.New("item is not in the archive")

// ErrOwnItem reports a decision on one of the institutional account's own items:
// only what others wrote can be blocked.
var ErrOwnItem = errors.New("item is the account's own")

// Decision is an administrator's decision on an archived item, named by its network
// and external id.
type Decision struct {
	Network    string
	ExternalID string
	// Decision is one of the Decision* constants.
	Decision string
	// By names who decided; required.
	By     string
	Reason string
	// At is when it was decided; the store's clock when zero.
	At time.Time
	// Source is one of the Source* constants; SourceCLI when empty.
	Source string
}

// DecisionError reports the decision of a RecordDecisions call that was refused;
// none of the call's decisions was recorded.
type DecisionError struct {
	// Index is the decision's place in the call's slice.
	Index int
	// Network and ExternalID name the item.
	Network, ExternalID string
	Err                 error
}

func (e *DecisionError) Error() string {
	return fmt.Sprintf("archive: decision %d on item %s:%s: %v", e.Index, e.Network, e.ExternalID, e.Err)
}

func (e *DecisionError) Unwrap() error { return e.Err }

func (d *Decision) validate() error {
	switch {
	case d.Network == "" || d.ExternalID == "":
		return errors.New("the item's network and external id are required")
	case !validDecision(d.Decision):
		return fmt.Errorf("unknown decision %q (valid: %s)", d.Decision, strings.Join(DecisionKinds, ", "))
	case strings.TrimSpace(d.By) == "":
		return errors.New("who decided is required")
	}
	switch d.Source {
	case "", SourceCLI, SourceImport, SourceNetwork:
	default:
		return fmt.Errorf("unknown source %q", d.Source)
	}
	return nil
}

func validDecision(s string) bool {
	for _, d := range DecisionKinds {
		if s == d {
			return true
		}
	}
	return false
}

// RecordDecision records one administrator's decision on an archived item, as a
// chained record. It fails, naming the item, when the archive does not hold it
// (ErrUnknownItem) or when it is the account's own (ErrOwnItem).
func (s *Store) RecordDecision(ctx context.Context, d Decision) error {
	err := s.RecordDecisions(ctx, []Decision{d})
	var de *DecisionError
	if errors.As(err, &de) {
		return fmt.Errorf("archive: record decision on item %s:%s: %w", de.Network, de.ExternalID, de.Err)
	}
	return err
}

// RecordDecisions records several decisions in one transaction: all of them or,
// when one is refused (a *DecisionError naming it), none.
func (s *Store) RecordDecisions(ctx context.Context, ds []Decision) error {
	for i := range ds {
		if err := ds[i].validate(); err != nil {
			return &DecisionError{Index: i, Network: ds[i].Network, ExternalID: ds[i].ExternalID, Err: err}
		}
	}
	if len(ds) == 0 {
		return nil
	}
	now := s.now()
	return s.write(ctx, func(tx *sql.Conn, a *appender) error {
		lookup, err := s.cache.get(ctx, s.wc, `SELECT id, own FROM items WHERE network = ? AND external_id = ?`)
		if err != nil {
			return fmt.Errorf("archive: record decisions: %w", err)
		}
		ins, err := s.cache.get(ctx, s.wc, insertChainedSQL("decisions"))
		if err != nil {
			return fmt.Errorf("archive: record decisions: %w", err)
		}
		for i, d := range ds {
			var id int64
			var own bool
			err := lookup.QueryRowContext(ctx, d.Network, d.ExternalID).Scan(&id, &own)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return &DecisionError{Index: i, Network: d.Network, ExternalID: d.ExternalID, Err: ErrUnknownItem}
			case err != nil:
				return fmt.Errorf("archive: record decisions: look up item %s:%s: %w", d.Network, d.ExternalID, err)
			case own:
				return &DecisionError{Index: i, Network: d.Network, ExternalID: d.ExternalID, Err: ErrOwnItem}
			}
			at := d.At
			if at.IsZero() {
				at = now
			}
			source := d.Source
			if source == "" {
				source = SourceCLI
			}
			if _, err := a.insert(ctx, ins, "decisions", id, d.Decision, strings.TrimSpace(d.By), d.Reason,
				at.UnixNano(), source, now.UnixNano()); err != nil {
				return fmt.Errorf("archive: %w", err)
			}
		}
		return nil
	})
}

// insertChainedSQL is the INSERT of one row of a chained table, with placeholders
// in the order appender.insert binds them: id, the hashed columns, hash.
func insertChainedSQL(table string) string {
	t := tableByName(table)
	return "INSERT INTO " + t.name + "(id, " + strings.Join(t.cols, ", ") + ", hash) VALUES (?" +
		strings.Repeat(", ?", len(t.cols)+1) + ")"
}

// DecisionRow is a recorded decision with the item it is about, as Decisions
// returns it.
type DecisionRow struct {
	// ID is the decision's place in the hash chain.
	ID         int64
	Network    string
	ExternalID string
	Account    string
	AuthorID   string
	// AuthorHandle is the author's handle in the item's current version.
	AuthorHandle string
	// Text is the item's current text (what a classifier learns from).
	Text     string
	Decision string
	By       string
	Reason   string
	At       time.Time
	Source   string
	// RecordedAt is when the archive recorded the decision.
	RecordedAt time.Time
}

// Decisions calls fn for every recorded decision on account's items (every
// account's when empty), in the order they were recorded, with the item's current
// text.
func (s *Store) Decisions(ctx context.Context, account string, fn func(DecisionRow) error) error {
	return s.decisions(ctx, `?1 = '' OR i.account_id = ?1`, account, fn)
}

// DecisionsAfter calls fn for every decision recorded after the one whose chain id
// is after (all of them when after is 0), in the order they were recorded: what
// the agent reads to resolve the alerts administrators have attended.
func (s *Store) DecisionsAfter(ctx context.Context, after int64, fn func(DecisionRow) error) error {
	return s.decisions(ctx, `d.id > ?1`, after, fn)
}

func (s *Store) decisions(ctx context.Context, where string, arg any, fn func(DecisionRow) error) error {
	if ok, err := s.hasTable(ctx, "decisions"); err != nil || !ok {
		if err != nil {
			return fmt.Errorf("archive: read decisions: %w", err)
		}
		return nil // an archive from before decisions, opened read-only
	}
	rows, err := s.r.QueryContext(ctx, `SELECT d.id, i.network, i.external_id, i.account_id, i.author_id, v.author_handle, v.text,
			d.decision, d.decided_by, d.reason, d.decided_at, d.source, d.created_at
		FROM decisions d JOIN items i ON i.id = d.item_id
		JOIN item_versions v ON v.item_id = i.id AND v.version = i.current_version
		WHERE `+where+` ORDER BY d.id`, arg)
	if err != nil {
		return fmt.Errorf("archive: read decisions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r DecisionRow
		var at, rec int64
		if err := rows.Scan(&r.ID, &r.Network, &r.ExternalID, &r.Account, &r.AuthorID, &r.AuthorHandle, &r.Text,
			&r.Decision, &r.By, &r.Reason, &at, &r.Source, &rec); err != nil {
			return fmt.Errorf("archive: read decisions: %w", err)
		}
		r.At, r.RecordedAt = fromNanos(at), fromNanos(rec)
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("archive: read decisions: %w", err)
	}
	return nil
}
