package archive

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Registry log events (table registry_log).
const (
	// RegistryRegistered: the organ or account appears for the first time.
	RegistryRegistered = "registered"
	// RegistryAdminsChanged: an organ's administrators or head changed (7.iv).
	RegistryAdminsChanged = "admins_changed"
	// RegistryStatusChanged: an account's lifecycle status changed (7.vii).
	RegistryStatusChanged = "status_changed"
	// RegistryChanged: any other field of the record changed.
	RegistryChanged = "changed"
)

// RegistryEvent is one record of the registry log.
type RegistryEvent struct {
	// Subject is "organ:<id>" or "account:<id>".
	Subject string
	// Event is one of the Registry* constants.
	Event string
	// Detail is JSON: the record now and, for a change, before.
	Detail string
	// At is when it was recorded; the store's clock when zero.
	At time.Time
}

// RegistryRow is a recorded registry event with its place in the chain.
type RegistryRow struct {
	ID int64
	RegistryEvent
}

// RecordRegistry appends events to the registry log, all in one transaction.
func (s *Store) RecordRegistry(ctx context.Context, evs []RegistryEvent) error {
	if len(evs) == 0 {
		return nil
	}
	now := s.now()
	return s.write(ctx, func(tx *sql.Conn, a *appender) error {
		ins, err := s.cache.get(ctx, s.wc, insertChainedSQL("registry_log"))
		if err != nil {
			return fmt.Errorf("archive: record registry: %w", err)
		}
		for _, e := range evs {
			at := e.At
			if at.IsZero() {
				at = now
			}
			if _, err := a.insert(ctx, ins, "registry_log", e.Subject, e.Event, e.Detail, nanos(at)); err != nil {
				return fmt.Errorf("archive: %w", err)
			}
		}
		return nil
	})
}

// RegistryLatest returns the last registry event of every subject.
func (s *Store) RegistryLatest(ctx context.Context) (map[string]RegistryRow, error) {
	out := map[string]RegistryRow{}
	if ok, err := s.hasTable(ctx, "registry_log"); err != nil || !ok {
		return out, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, subject, event, detail, recorded_at FROM registry_log r
		WHERE id = (SELECT MAX(id) FROM registry_log WHERE subject = r.subject)`)
	if err != nil {
		return nil, fmt.Errorf("archive: read registry log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r RegistryRow
		var at int64
		if err := rows.Scan(&r.ID, &r.Subject, &r.Event, &r.Detail, &at); err != nil {
			return nil, fmt.Errorf("archive: read registry log: %w", err)
		}
		r.At = fromNanos(at)
		out[r.Subject] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: read registry log: %w", err)
	}
	return out, nil
}

// Signal is an account-health signal to record (table signals).
type Signal struct {
	Account string
	// Kind is "takeover" or "cadence".
	Kind   string
	Score  float64
	Urgent bool
	// Detail is JSON: the evidence.
	Detail string
	At     time.Time
}

// RecordSignal appends one account-health signal to the archive.
func (s *Store) RecordSignal(ctx context.Context, sg Signal) error {
	at := sg.At
	if at.IsZero() {
		at = s.now()
	}
	urgent := int64(0)
	if sg.Urgent {
		urgent = 1
	}
	return s.write(ctx, func(tx *sql.Conn, a *appender) error {
		ins, err := s.cache.get(ctx, s.wc, insertChainedSQL("signals"))
		if err != nil {
			return fmt.Errorf("archive: record signal: %w", err)
		}
		if _, err := a.insert(ctx, ins, "signals", sg.Account, sg.Kind, sg.Score, urgent, sg.Detail, nanos(at)); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		return nil
	})
}

// ProfileRow is a stored profile snapshot (its Raw payload is not read).
type ProfileRow struct {
	Account    string
	ObservedAt time.Time
	connectors.Profile
}

// LatestProfiles returns every account's last profile snapshot.
func (s *Store) LatestProfiles(ctx context.Context) (map[string]ProfileRow, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT account_id, observed_at, external_id, handle, display_name, bio, avatar_url, link, verified, followers
		FROM profile_snapshots p WHERE id = (SELECT MAX(id) FROM profile_snapshots WHERE account_id = p.account_id)`)
	if err != nil {
		return nil, fmt.Errorf("archive: read profiles: %w", err)
	}
	defer rows.Close()
	out := map[string]ProfileRow{}
	for rows.Next() {
		var p ProfileRow
		var at int64
		if err := rows.Scan(&p.Account, &at, &p.ExternalID, &p.Handle, &p.DisplayName, &p.Bio, &p.AvatarURL, &p.Link, &p.Verified, &p.Followers); err != nil {
			return nil, fmt.Errorf("archive: read profiles: %w", err)
		}
		p.ObservedAt = fromNanos(at)
		out[p.Account] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: read profiles: %w", err)
	}
	return out, nil
}

// OwnPost is one of an account's own items with its current text.
type OwnPost struct {
	ExternalID string
	Text       string
	Lang       string
	CreatedAt  time.Time
}

// OwnPosts returns the account's latest own items (posts and replies), at most
// limit, newest first, with their current text; deleted ones included.
func (s *Store) OwnPosts(ctx context.Context, account string, limit int) ([]OwnPost, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT i.external_id, v.text, v.lang, i.created_at FROM items i
		JOIN item_versions v ON v.item_id = i.id AND v.version = i.current_version
		WHERE i.account_id = ? AND i.own = 1 ORDER BY i.created_at DESC LIMIT ?`, account, limit)
	if err != nil {
		return nil, fmt.Errorf("archive: read own posts: %w", err)
	}
	defer rows.Close()
	var out []OwnPost
	for rows.Next() {
		var p OwnPost
		var at int64
		if err := rows.Scan(&p.ExternalID, &p.Text, &p.Lang, &at); err != nil {
			return nil, fmt.Errorf("archive: read own posts: %w", err)
		}
		p.CreatedAt = fromNanos(at)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: read own posts: %w", err)
	}
	return out, nil
}

// OwnDeletedIn returns the external ids of the account's own items that the poll
// fetchID marked deleted.
func (s *Store) OwnDeletedIn(ctx context.Context, fetchID int64) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT i.external_id FROM item_events e JOIN items i ON i.id = e.item_id
		WHERE e.id > ?1 AND e.fetch_id = ?1 AND e.event = 'deleted' AND i.own = 1 ORDER BY e.id`, fetchID)
	if err != nil {
		return nil, fmt.Errorf("archive: read deletions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("archive: read deletions: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: read deletions: %w", err)
	}
	return out, nil
}
