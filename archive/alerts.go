package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Alert states as stored: AlertFiring and AlertResolved in alert_state; the chained
// alerts records also hold AlertEscalated.
const (
	AlertFiring    = "firing"
	AlertResolved  = "resolved"
	AlertEscalated = "escalated"
)

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// AlertStateRow is an alert's current state.
type AlertStateRow struct {
	Rule, Subject, Account string
	// State is AlertFiring or AlertResolved.
	State string
	// AlertID is the latest chained record of the alert.
	AlertID int64
	FiredAt time.Time
	// Step is how many steps of the ladder were queued.
	Step int
	// NextStepAt is when the next step is due; zero when none is.
	NextStepAt time.Time
	// Event is the alert as JSON.
	Event string
}

// AlertTransition is a change of an alert's state, written in one transaction: a
// chained record, the new state and the deliveries it queues.
type AlertTransition struct {
	Rule, Subject, Account string
	// Record is the state of the chained record: AlertFiring, AlertEscalated or AlertResolved.
	Record string
	// State is the alert's state afterwards: AlertFiring or AlertResolved.
	State string
	// Payload is the chained record's payload and the stored event (JSON).
	Payload    string
	FiredAt    time.Time
	Step       int
	NextStepAt time.Time
	Outbox     []OutboxEntry
}

// OutboxEntry is one delivery to make.
type OutboxEntry struct {
	ID      int64
	AlertID int64
	// Channel is the unit of ordering and rate limiting: a notifier and a recipient.
	Channel   string
	Notifier  string
	Recipient string
	// RecipientName is the recipient's name (e-mail only).
	RecipientName string
	GroupKey      string
	Urgent        bool
	Payload       string
	CreatedAt     time.Time
	NotBefore     time.Time
	NextAttemptAt time.Time
	Attempts      int
	LastReason    string
}

const alertStateCols = `rule, subject, account, state, alert_id, fired_at, step, COALESCE(next_step_at, 0), event`

func scanAlertState(sc interface{ Scan(...any) error }) (AlertStateRow, error) {
	var r AlertStateRow
	var fired, next int64
	err := sc.Scan(&r.Rule, &r.Subject, &r.Account, &r.State, &r.AlertID, &fired, &r.Step, &next, &r.Event)
	r.FiredAt = fromNanos(fired)
	if next != 0 {
		r.NextStepAt = fromNanos(next)
	}
	return r, err
}

// AlertState returns an alert's current state; found is false when it never fired.
func (s *Store) AlertState(ctx context.Context, rule, subject string) (row AlertStateRow, found bool, err error) {
	row, err = scanAlertState(s.r.QueryRowContext(ctx, `SELECT `+alertStateCols+` FROM alert_state WHERE rule = ? AND subject = ?`, rule, subject))
	if errors.Is(err, sql.ErrNoRows) {
		return AlertStateRow{}, false, nil
	}
	if err != nil {
		return AlertStateRow{}, false, fmt.Errorf("archive: alert state: %w", err)
	}
	return row, true, nil
}

// TransitionAlert changes an alert's state atomically. decide is called inside the
// write transaction with the current state (nil when the alert never fired) and
// returns the transition to write, or nil to write nothing (the state did not
// change: nothing is recorded twice). It returns the chained record's id, or 0
// when nothing was written.
func (s *Store) TransitionAlert(ctx context.Context, rule, subject string, decide func(cur *AlertStateRow) (*AlertTransition, error)) (int64, error) {
	var id int64
	now := s.now()
	err := s.write(ctx, func(tx *sql.Conn, a *appender) error {
		cur, err := scanAlertState(tx.QueryRowContext(ctx, `SELECT `+alertStateCols+` FROM alert_state WHERE rule = ? AND subject = ?`, rule, subject))
		var curp *AlertStateRow
		switch {
		case err == nil:
			curp = &cur
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("archive: alert state: %w", err)
		}
		t, err := decide(curp)
		if err != nil || t == nil {
			return err
		}
		if t.Rule != rule || t.Subject != subject {
			return errors.New("archive: transition alert: rule and subject must not change")
		}
		if t.State != AlertFiring && t.State != AlertResolved {
			return fmt.Errorf("archive: transition alert: invalid state %q", t.State)
		}
		ins, err := s.cache.get(ctx, s.wc, insertChainedSQL("alerts"))
		if err != nil {
			return fmt.Errorf("archive: transition alert: %w", err)
		}
		id, err = a.insert(ctx, ins, "alerts", t.Rule, t.Subject, t.Record, t.Payload, nanos(now))
		if err != nil {
			return fmt.Errorf("archive: transition alert: %w", err)
		}
		var next any
		if !t.NextStepAt.IsZero() {
			next = nanos(t.NextStepAt)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_state(rule, subject, account, state, alert_id, fired_at, step, next_step_at, event, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(rule, subject) DO UPDATE SET account = excluded.account, state = excluded.state, alert_id = excluded.alert_id,
				fired_at = excluded.fired_at, step = excluded.step, next_step_at = excluded.next_step_at, event = excluded.event,
				updated_at = excluded.updated_at`,
			t.Rule, t.Subject, t.Account, t.State, id, nanos(t.FiredAt), t.Step, next, t.Payload, nanos(now)); err != nil {
			return fmt.Errorf("archive: transition alert: %w", err)
		}
		for i := range t.Outbox {
			t.Outbox[i].AlertID = id
		}
		return insertOutbox(ctx, tx, t.Outbox, now)
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

func insertOutbox(ctx context.Context, tx *sql.Conn, entries []OutboxEntry, now time.Time) error {
	for _, e := range entries {
		var alertID any
		if e.AlertID != 0 {
			alertID = e.AlertID
		}
		created := e.CreatedAt
		if created.IsZero() {
			created = now
		}
		next := e.NextAttemptAt
		if next.IsZero() {
			next = e.NotBefore
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_outbox(alert_id, channel, notifier, recipient, recipient_name, group_key,
				urgent, payload, created_at, not_before, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			alertID, e.Channel, e.Notifier, e.Recipient, e.RecipientName, e.GroupKey, e.Urgent, e.Payload,
			nanos(created), nanos(e.NotBefore), nanos(next)); err != nil {
			return fmt.Errorf("archive: queue alert: %w", err)
		}
	}
	return nil
}

// DueEscalations returns the firing alerts whose next ladder step is due at now.
func (s *Store) DueEscalations(ctx context.Context, now time.Time) ([]AlertStateRow, error) {
	return s.alertStates(ctx, `SELECT `+alertStateCols+` FROM alert_state
		WHERE state = 'firing' AND next_step_at IS NOT NULL AND next_step_at <= ? ORDER BY next_step_at, alert_id`, nanos(now))
}

// FiringAlerts returns the alerts firing now, oldest first.
func (s *Store) FiringAlerts(ctx context.Context) ([]AlertStateRow, error) {
	return s.alertStates(ctx, `SELECT `+alertStateCols+` FROM alert_state WHERE state = 'firing' ORDER BY fired_at, alert_id`)
}

func (s *Store) alertStates(ctx context.Context, q string, args ...any) ([]AlertStateRow, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("archive: alert states: %w", err)
	}
	defer rows.Close()
	var out []AlertStateRow
	for rows.Next() {
		r, err := scanAlertState(rows)
		if err != nil {
			return nil, fmt.Errorf("archive: alert states: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: alert states: %w", err)
	}
	return out, nil
}

// QueueOutbox adds deliveries that belong to no alert record (tests).
func (s *Store) QueueOutbox(ctx context.Context, entries []OutboxEntry) error {
	now := s.now()
	return s.write(ctx, func(tx *sql.Conn, _ *appender) error { return insertOutbox(ctx, tx, entries, now) })
}

// QueueDigest queues a digest's deliveries once per kind, key and period: it
// returns false, queuing nothing, when that digest was queued already.
func (s *Store) QueueDigest(ctx context.Context, kind, key, period string, entries []OutboxEntry) (bool, error) {
	now := s.now()
	queued := false
	err := s.write(ctx, func(tx *sql.Conn, _ *appender) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO alert_digests(kind, key, period, queued_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, kind, key, period, nanos(now))
		if err != nil {
			return fmt.Errorf("archive: queue digest: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		queued = true
		return insertOutbox(ctx, tx, entries, now)
	})
	return queued, err
}

// PendingOutbox returns up to limit pending deliveries, in queue order.
func (s *Store) PendingOutbox(ctx context.Context, limit int) ([]OutboxEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, COALESCE(alert_id, 0), channel, notifier, recipient, recipient_name, group_key,
			urgent, payload, created_at, not_before, next_attempt_at, attempts, last_reason
		FROM alert_outbox WHERE status = 'pending' ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("archive: pending outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		var created, notBefore, next int64
		if err := rows.Scan(&e.ID, &e.AlertID, &e.Channel, &e.Notifier, &e.Recipient, &e.RecipientName, &e.GroupKey,
			&e.Urgent, &e.Payload, &created, &notBefore, &next, &e.Attempts, &e.LastReason); err != nil {
			return nil, fmt.Errorf("archive: pending outbox: %w", err)
		}
		e.CreatedAt, e.NotBefore, e.NextAttemptAt = fromNanos(created), fromNanos(notBefore), fromNanos(next)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive: pending outbox: %w", err)
	}
	return out, nil
}

// MarkOutbox records the outcome of a delivery of the entries ids: OutboxSent or
// OutboxFailed (done at at), or, with status OutboxPending, a failure to retry at
// next. reason is a failure reason (never a secret).
func (s *Store) MarkOutbox(ctx context.Context, ids []int64, status string, at, next time.Time, reason string) error {
	if len(ids) == 0 {
		return nil
	}
	ph := "?" + strings.Repeat(", ?", len(ids)-1)
	args := make([]any, 0, len(ids)+4)
	var q string
	switch status {
	case OutboxSent, OutboxFailed:
		q = `UPDATE alert_outbox SET status = ?, done_at = ?, attempts = attempts + 1, last_reason = ?, message = ? WHERE id IN (` + ph + `)`
		args = append(args, status, nanos(at), reason, ids[0])
	case OutboxPending:
		q = `UPDATE alert_outbox SET next_attempt_at = ?, attempts = attempts + 1, last_reason = ? WHERE id IN (` + ph + `)`
		args = append(args, nanos(next), reason)
	default:
		return fmt.Errorf("archive: mark outbox: invalid status %q", status)
	}
	for _, id := range ids {
		args = append(args, id)
	}
	return s.write(ctx, func(tx *sql.Conn, _ *appender) error {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("archive: mark outbox: %w", err)
		}
		return nil
	})
}

// OutboxSentSince counts the messages a channel was sent since a time (the rate
// limit's window): entries sent in one message count once.
func (s *Store) OutboxSentSince(ctx context.Context, channel string, since time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(DISTINCT message) FROM alert_outbox
		WHERE channel = ? AND status = 'sent' AND done_at >= ?`, channel, nanos(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("archive: outbox sent: %w", err)
	}
	return n, nil
}

// OutboxStats returns the number of pending deliveries and the creation time of
// the oldest (zero when none).
func (s *Store) OutboxStats(ctx context.Context) (pending int, oldest time.Time, err error) {
	var o sql.NullInt64
	err = s.r.QueryRowContext(ctx, `SELECT COUNT(*), MIN(created_at) FROM alert_outbox WHERE status = 'pending'`).Scan(&pending, &o)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("archive: outbox stats: %w", err)
	}
	if o.Valid {
		oldest = fromNanos(o.Int64)
	}
	return pending, oldest, nil
}

// ItemSummary is what an alert shows of an archived item: its current text,
// author's handle and address.
type ItemSummary struct {
	Text, AuthorHandle, URL string
	CreatedAt               time.Time
}

// ItemForAlert returns an item's current text, author and address; found is false
// when the archive does not hold it.
func (s *Store) ItemForAlert(ctx context.Context, network, externalID string) (ItemSummary, bool, error) {
	var it ItemSummary
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT v.text, v.author_handle, v.url, i.created_at
		FROM items i JOIN item_versions v ON v.item_id = i.id AND v.version = i.current_version
		WHERE i.network = ? AND i.external_id = ?`, network, externalID).Scan(&it.Text, &it.AuthorHandle, &it.URL, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return ItemSummary{}, false, nil
	}
	if err != nil {
		return ItemSummary{}, false, fmt.Errorf("archive: item for alert: %w", err)
	}
	it.CreatedAt = fromNanos(created)
	return it, true, nil
}

// FlagCountsBetween counts an account's flags stored in [from, to) by rule, each
// item counted once per rule (for digests).
func (s *Store) FlagCountsBetween(ctx context.Context, account string, from, to time.Time) (map[string]int, error) {
	return s.countByRule(ctx, `SELECT f.rule, COUNT(DISTINCT f.item_id) FROM flags f JOIN items i ON i.id = f.item_id
		WHERE i.account_id = ? AND f.created_at >= ? AND f.created_at < ? GROUP BY f.rule`, account, nanos(from), nanos(to))
}
