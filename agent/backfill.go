package agent

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// BackfillOptions configure Backfill.
type BackfillOptions struct {
	// MaxRetries bounds consecutive failed batches that are retried (transient
	// errors, timeouts, malformed responses); 5 when zero. Rate limits wait for
	// their reset and do not count.
	MaxRetries int
	// Progress, when set, is called after every batch.
	Progress func(BackfillProgress)
}

// BackfillProgress is how far a backfill has gone.
type BackfillProgress struct {
	Batches  int
	New      int64
	Changed  int64
	Deleted  int64
	Failures int
	// Waiting is set while a rate limit is waited out, until that time.
	Waiting time.Time
}

// ErrUnknownAccount is returned by Backfill for an account the configuration does
// not have.
var ErrUnknownAccount = errors.New("agent: unknown account")

// ErrNotPolled is returned by Backfill for a suspended or cancelled account.
var ErrNotPolled = errors.New("agent: account is not polled")

// Backfill captures one account's history once, outside the schedule: it runs the
// account's polls through the same pipeline as the daemon (review, one commit per
// batch with its cursor, metrics) for as long as the connector returns More, and
// returns when it has caught up. How far back the history goes is the connector's
// first poll's reach (its network section's horizon), so a backfill reaches back
// only for an account without a stored cursor; for one that has a cursor it
// finishes a pending backfill and catches up. The history is never read again
// from the start: connectors that replay edits as events would store a text that
// reverts to an older one as a new version. Every batch is committed, with its
// cursor, before the next one (whose connector call already runs meanwhile, see
// pollPages), so an interrupted backfill (ctx cancelled, the process killed) loses
// nothing and resumes from the last committed batch when run again, or when the
// daemon next polls the account. Run needs not be running; New must have succeeded.
func (a *Agent) Backfill(ctx context.Context, accountID string, opts BackfillOptions) (BackfillProgress, error) {
	var p BackfillProgress
	a.mu.Lock()
	acc, ok := a.sched.accounts[accountID]
	var cfg AccountConfig
	var conn connectors.Connector
	var acct connectors.Account
	if ok {
		cfg, conn, acct = acc.cfg, acc.conn, acc.acct
	}
	a.mu.Unlock()
	if !ok {
		return p, fmt.Errorf("%w %q", ErrUnknownAccount, accountID)
	}
	if cfg.Status != StatusActive {
		return p, fmt.Errorf("%w: %s is %s", ErrNotPolled, accountID, cfg.Status)
	}
	defer a.resp.wg.Wait() // the response clocks' rebuilds write to the archive
	maxRetries := opts.MaxRetries
	if maxRetries <= 0 {
		maxRetries = 5
	}
	// The daemon polls the account next at its usual interval after the backfill.
	plan := func(error) time.Time { return a.now().Add(cfg.PollInterval) }
	backoff := time.Second
	before := a.stats.ItemsNew.Load()
	changed, deleted := a.stats.ItemsEdited.Load(), a.stats.Deletions.Load()
	batchDone := func() {
		p.Batches++
		p.New += a.stats.ItemsNew.Load() - before
		p.Changed += a.stats.ItemsEdited.Load() - changed
		p.Deleted += a.stats.Deletions.Load() - deleted
		before = a.stats.ItemsNew.Load()
		changed, deleted = a.stats.ItemsEdited.Load(), a.stats.Deletions.Load()
		p.Failures, backoff = 0, time.Second
		if opts.Progress != nil {
			opts.Progress(p)
		}
	}
	for {
		// Batch after batch, each next connector call overlapping the commit of
		// the one before (pollPages); a failed batch ends the run of pages.
		more, err := a.pollPages(ctx, cfg, conn, acct, plan, math.MaxInt, batchDone)
		if ctx.Err() != nil {
			return p, ctx.Err()
		}
		if err == nil {
			if !more {
				return p, nil
			}
			continue
		}
		var rl *connectors.RateLimitError
		switch {
		case errors.As(err, &rl):
			p.Waiting = rl.Reset
			if opts.Progress != nil {
				opts.Progress(p)
			}
			if err := sleepUntil(ctx, a.now, rl.Reset); err != nil {
				return p, err
			}
			p.Waiting = time.Time{}
		case errors.Is(err, connectors.ErrAuth), errors.Is(err, connectors.ErrNotFound):
			return p, err
		default:
			p.Failures++
			if p.Failures > maxRetries {
				return p, fmt.Errorf("agent: backfill of %s: %d failed batches in a row: %w", accountID, p.Failures, err)
			}
			if opts.Progress != nil {
				opts.Progress(p)
			}
			if err := sleepUntil(ctx, a.now, a.now().Add(backoff)); err != nil {
				return p, err
			}
			backoff = min(2*backoff, time.Minute)
		}
	}
}

// sleepUntil waits until t by the clock now, or until ctx ends.
func sleepUntil(ctx context.Context, now func() time.Time, t time.Time) error {
	d := t.Sub(now())
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
