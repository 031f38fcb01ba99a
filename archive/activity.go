package archive

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"
)

// The events of an account's activity log (bitácora, Criterio 8.iii).
const (
	ActivityPoll      = "poll"      // a poll the agent made (fetch_log)
	ActivityPublished = "published" // an own post, first version
	ActivityAnswered  = "answered"  // an own reply or comment, first version
	ActivityEdited    = "edited"    // a later version of an own item
	ActivityDeleted   = "deleted"   // an own item seen deleted
	ActivityRestored  = "restored"  // an own item seen again after a deletion
	ActivityProfile   = "profile"   // a profile snapshot
	ActivityFlag      = "flag"      // a policy flag on an own item
	ActivityAlert     = "alert"     // an alert about the account
	ActivitySignal    = "signal"    // an account-health signal
	ActivityRegistry  = "registry"  // a registry-log record of the account or its organ
)

// Activity is one record of an account's activity log, with its place in the hash
// chain and its hash, so an exported log can be checked against the archive.
type Activity struct {
	// ID is the record's place in the hash chain; Table the chained table it is in.
	ID    int64  `json:"id"`
	Table string `json:"table"`
	// Hash is the record's chain hash, hex.
	Hash  string    `json:"hash"`
	At    time.Time `json:"at"`
	Event string    `json:"event"`
	// Item is the item's external id and Kind its kind, for item events.
	Item string `json:"item,omitempty"`
	Kind string `json:"kind,omitempty"`
	// Detail is the record's content: a text, or a JSON object.
	Detail string `json:"detail"`
}

// Activity returns the account's activity log between from and to (both
// included; a zero bound is open), ordered by chain id: every poll, every own item
// published, answered, edited, deleted or restored, every profile snapshot, the
// flags on own items, the alerts whose subject is the account, its health signals
// and the registry log of the account and its organ.
func (s *Store) Activity(ctx context.Context, account string, from, to time.Time) ([]Activity, error) {
	lo, hi := nanos(from), nanos(to)
	if to.IsZero() {
		hi = 1<<63 - 1
	}
	var organ string
	if err := s.r.QueryRowContext(ctx, `SELECT organ FROM accounts WHERE id = ?`, account).Scan(&organ); err != nil {
		return nil, fmt.Errorf("archive: activity: account %q: %w", account, ErrUnknownAccount)
	}
	exists, err := s.tables(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive: activity: %w", err)
	}
	var out []Activity
	type source struct {
		table string
		q     string
		args  []any
		// scan reads the row's columns after id, hash and time into a.
		scan func(rows *sql.Rows, a *Activity, dest ...any) error
	}
	sources := []source{
		{"fetch_log", `SELECT id, hash, started_at, result, error, calls, items_new, items_changed, items_deleted
			FROM fetch_log WHERE account_id = ? AND started_at BETWEEN ? AND ?`, []any{account, lo, hi},
			func(rows *sql.Rows, a *Activity, head ...any) error {
				var result, errText string
				var calls, nw, ch, del int64
				if err := rows.Scan(append(head, &result, &errText, &calls, &nw, &ch, &del)...); err != nil {
					return err
				}
				a.Event = ActivityPoll
				d := map[string]any{"result": result, "calls": calls, "new": nw, "changed": ch, "deleted": del}
				if errText != "" {
					d["error"] = errText
				}
				a.Detail = jsonText(d)
				return nil
			}},
		{"item_versions", `SELECT v.id, v.hash, CASE WHEN v.version = 1 THEN i.created_at WHEN v.edited_at <> 0 THEN v.edited_at ELSE f.finished_at END AS at,
				i.external_id, i.kind, v.text, v.version
			FROM item_versions v JOIN items i ON i.id = v.item_id JOIN fetch_log f ON f.id = v.fetch_id
			WHERE i.account_id = ? AND i.own = 1 AND at BETWEEN ? AND ?`,
			[]any{account, lo, hi},
			func(rows *sql.Rows, a *Activity, head ...any) error {
				var version int64
				if err := rows.Scan(append(head, &a.Item, &a.Kind, &a.Detail, &version)...); err != nil {
					return err
				}
				switch {
				case version > 1:
					a.Event = ActivityEdited
				case a.Kind == "post":
					a.Event = ActivityPublished
				default:
					a.Event = ActivityAnswered
				}
				return nil
			}},
		{"item_events", `SELECT e.id, e.hash, e.observed_at, i.external_id, i.kind, e.event
			FROM item_events e JOIN items i ON i.id = e.item_id
			WHERE i.account_id = ? AND i.own = 1 AND e.observed_at BETWEEN ? AND ?`, []any{account, lo, hi},
			func(rows *sql.Rows, a *Activity, head ...any) error {
				var ev string
				if err := rows.Scan(append(head, &a.Item, &a.Kind, &ev)...); err != nil {
					return err
				}
				a.Event = ActivityDeleted
				if ev == "restored" {
					a.Event = ActivityRestored
				}
				return nil
			}},
		{"profile_snapshots", `SELECT id, hash, observed_at, handle, display_name, bio, avatar_url, link, verified, followers
			FROM profile_snapshots WHERE account_id = ? AND observed_at BETWEEN ? AND ?`, []any{account, lo, hi},
			func(rows *sql.Rows, a *Activity, head ...any) error {
				var handle, name, bio, avatar, link string
				var verified bool
				var followers int64
				if err := rows.Scan(append(head, &handle, &name, &bio, &avatar, &link, &verified, &followers)...); err != nil {
					return err
				}
				a.Event = ActivityProfile
				a.Detail = jsonText(map[string]any{"handle": handle, "display_name": name, "bio": bio,
					"avatar_url": avatar, "link": link, "verified": verified, "followers": followers})
				return nil
			}},
		{"flags", `SELECT f.id, f.hash, f.created_at, i.external_id, i.kind, f.rule, f.severity, f.score, f.evidence, f.version
			FROM flags f JOIN items i ON i.id = f.item_id
			WHERE i.account_id = ? AND i.own = 1 AND f.created_at BETWEEN ? AND ?`, []any{account, lo, hi},
			func(rows *sql.Rows, a *Activity, head ...any) error {
				var rule, severity, evidence string
				var score float64
				var version int64
				if err := rows.Scan(append(head, &a.Item, &a.Kind, &rule, &severity, &score, &evidence, &version)...); err != nil {
					return err
				}
				a.Event = ActivityFlag
				a.Detail = jsonText(map[string]any{"rule": rule, "severity": severity, "score": score,
					"evidence": json.RawMessage(orString(evidence)), "version": version})
				return nil
			}},
		{"alerts", `SELECT id, hash, created_at, rule, state, payload FROM alerts
			WHERE subject = ? AND created_at BETWEEN ? AND ?`, []any{account, lo, hi},
			func(rows *sql.Rows, a *Activity, head ...any) error {
				var rule, state, payload string
				if err := rows.Scan(append(head, &rule, &state, &payload)...); err != nil {
					return err
				}
				a.Event, a.Kind = ActivityAlert, rule
				a.Detail = jsonText(map[string]any{"rule": rule, "state": state, "payload": json.RawMessage(orString(payload))})
				return nil
			}},
		{"signals", `SELECT id, hash, observed_at, kind, score, urgent, detail FROM signals
			WHERE account_id = ? AND observed_at BETWEEN ? AND ?`, []any{account, lo, hi},
			func(rows *sql.Rows, a *Activity, head ...any) error {
				var score float64
				var urgent bool
				var detail string
				if err := rows.Scan(append(head, &a.Kind, &score, &urgent, &detail)...); err != nil {
					return err
				}
				a.Event = ActivitySignal
				a.Detail = jsonText(map[string]any{"score": score, "urgent": urgent, "evidence": json.RawMessage(orString(detail))})
				return nil
			}},
		{"registry_log", `SELECT id, hash, recorded_at, subject, event, detail FROM registry_log
			WHERE subject IN (?, ?) AND recorded_at BETWEEN ? AND ?`, []any{"account:" + account, "organ:" + organ, lo, hi},
			func(rows *sql.Rows, a *Activity, head ...any) error {
				if err := rows.Scan(append(head, &a.Item, &a.Kind, &a.Detail)...); err != nil {
					return err
				}
				a.Event = ActivityRegistry
				return nil
			}},
	}
	for _, src := range sources {
		if !exists[src.table] {
			continue
		}
		if err := func() error {
			rows, err := s.r.QueryContext(ctx, src.q, src.args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var a Activity
				var hash []byte
				var at int64
				if err := src.scan(rows, &a, &a.ID, &hash, &at); err != nil {
					return err
				}
				a.Table, a.Hash, a.At = src.table, hex.EncodeToString(hash), fromNanos(at).UTC()
				out = append(out, a)
			}
			return rows.Err()
		}(); err != nil {
			return nil, fmt.Errorf("archive: activity: read %s: %w", src.table, err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ErrUnknownAccount reports an account the archive does not hold.
var ErrUnknownAccount = errors.New("account is not in the archive")

func (s *Store) tables(ctx context.Context) (map[string]bool, error) {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return tableNames(ctx, conn)
}

func orString(s string) string {
	if !json.Valid([]byte(s)) {
		b, _ := json.Marshal(s)
		return string(b)
	}
	return s
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", err.Error())
	}
	return string(b)
}
