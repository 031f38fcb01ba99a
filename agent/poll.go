package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
)

// errPanic marks a connector panic recovered as an error.
var errPanic = errors.New("connector panicked")

// fetched is one connector call's outcome, before review and commit.
type fetched struct {
	cur               connectors.Cursor // the cursor the call started from
	batch             connectors.Batch
	calls             int
	err               error
	started, finished time.Time
}

// fetch calls the connector from cur under the poll timeout, a panic becoming an
// error, and counts the API calls it made.
func (a *Agent) fetch(ctx context.Context, cfg AccountConfig, conn connectors.Connector, acct connectors.Account, cur connectors.Cursor) fetched {
	f := fetched{cur: cur, started: a.now()}
	var calls connectors.CallCounter
	pctx, cancel := context.WithTimeout(connectors.WithCallCounter(ctx, &calls), cfg.PollTimeout)
	f.batch, f.err = safePoll(pctx, conn, acct, cur)
	cancel()
	f.finished = a.now()
	f.calls = max(calls.Load(), f.batch.Budget.Calls)
	a.metrics.APICalls.WithLabelValues(cfg.Network, cfg.ID).Add(float64(f.calls))
	a.stats.Calls.Add(int64(f.calls))
	return f
}

// pollPages runs up to pages batches of one account through the pipeline, one
// after the other while the connector says More: read the cursor, call the
// connector under a timeout (a panic becomes an error), review the items, commit
// batch, flags, fetch-log row and cursor in one transaction, update the metrics.
// A failed poll is recorded in the fetch log and the cursor does not move. plan
// says when the account polls next after the given outcome; it is stored with
// it. each (when set) is called after every committed batch. It returns the last
// batch's more and error, and stops after a committed batch once ctx is
// cancelled.
//
// The connector call of the next batch overlaps the review and commit of the
// current one: it starts, from the cursor the current batch brings, as soon as
// the current batch asks for more (and has not spent the allowance). Nothing else
// changes: batches are reviewed and committed in order, each cursor is stored
// only with its batch, and a prefetched batch whose predecessor was not committed
// (a refused batch, an archive error, shutdown) is dropped unseen; the next poll
// starts again from the stored cursor, as after any failed poll. Only its API
// calls are lost, and counted.
func (a *Agent) pollPages(ctx context.Context, cfg AccountConfig, conn connectors.Connector, acct connectors.Account,
	plan func(error) time.Time, pages int, each func()) (more bool, err error) {
	cur, err := a.store.Cursor(ctx, cfg.ID)
	if err != nil {
		return false, err
	}
	f := a.fetch(ctx, cfg, conn, acct, cur)
	for page := 1; ; page++ {
		var next chan fetched
		cancel := context.CancelFunc(func() {})
		stop := func() {}
		if f.err == nil && f.batch.More && page < pages && ctx.Err() == nil && allowanceSpent(f.batch.Budget, f.finished) == nil {
			nextCur := f.batch.Cursor
			if nextCur == nil {
				nextCur = f.cur // a batch without a cursor leaves the stored one
			}
			next = make(chan fetched, 1)
			var pctx context.Context
			pctx, cancel = context.WithCancel(ctx)
			go func() { next <- a.fetch(pctx, cfg, conn, acct, nextCur) }()
			stop = func() { cancel(); <-next } // the account's one poll in flight ends here
		}
		more, err = a.process(ctx, cfg, acct, f, plan)
		if err != nil {
			stop()
			return more, err
		}
		if each != nil {
			each()
		}
		if !more || next == nil || ctx.Err() != nil {
			stop()
			return more, nil
		}
		f = <-next
		cancel()
	}
}

// process reviews and commits one fetched batch, or records its failure.
func (a *Agent) process(ctx context.Context, cfg AccountConfig, acct connectors.Account, f fetched, plan func(error) time.Time) (more bool, err error) {
	log := a.log.With(slog.String("network", cfg.Network), slog.String("account", cfg.ID))
	// Commits and failure records run to completion even when ctx is cancelled for
	// shutdown: the work is done, only the next poll is not started.
	storeCtx := context.WithoutCancel(ctx)
	batch, err, started, finished, ncalls := f.batch, f.err, f.started, f.finished, f.calls
	if err == nil {
		batch.Budget.Calls = ncalls
		flags, bands := a.cond.review(acct, batch.Items)
		if a.opts.Reviewer != nil && len(batch.Items) > 0 {
			flags = append(flags, a.opts.Reviewer.Review(acct, batch.Items)...)
		}
		flags = append(flags, a.resp.review(acct, batch.Items)...)
		next := plan(nil)
		spent := allowanceSpent(batch.Budget, finished)
		switch {
		case spent != nil:
			next = plan(spent) // no call left: the next one would only earn a 429
		case batch.More:
			next = finished // a backfill goes on at once, also after a restart
		}
		t0 := time.Now()
		var res archive.Result
		res, err = a.store.Commit(storeCtx, archive.Poll{
			Account: cfg.ID, Network: cfg.Network, Started: started, Finished: finished,
			Batch: batch, Flags: flags, NextPollAt: next,
		})
		a.metrics.ArchiveCommitSeconds.Observe(time.Since(t0).Seconds())
		if err == nil {
			if a.full.CompareAndSwap(true, false) {
				log.Info("archive writable again: polls resume where they stopped")
			}
			a.cond.count(acct, res.Stored, flags, bands)
			a.alerts.flags(cfg, batch, flags, res.Stored)
			a.resp.committed(ctx, cfg, batch, flags, res.Stored)
			a.gov.afterCommit(ctx, cfg, batch, flags, res)
			a.observeSuccess(cfg, batch, res, finished.Sub(started))
			if res.New+res.Changed+res.Deleted > 0 {
				log.Debug("poll committed", slog.Int("new", res.New), slog.Int("changed", res.Changed),
					slog.Int("deleted", res.Deleted), slog.Bool("more", batch.More))
			}
			return batch.More && spent == nil, nil
		}
		var ve *archive.ValidationError
		if errors.As(err, &ve) {
			// The connector returned something the archive refuses: nothing of it is
			// stored and the cursor stays, as for a malformed response.
			err = fmt.Errorf("%s: batch refused: %w: %v", cfg.Network, connectors.ErrMalformed, ve)
		} else {
			a.archiveWriteFailed(log, err)
		}
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return false, err // shutting down: not a failure of the account
	}
	reason := connectors.Reason(err)
	a.metrics.PollsTotal.WithLabelValues(cfg.Network, cfg.ID, reason).Inc()
	a.metrics.PollDuration.WithLabelValues(cfg.Network).Observe(finished.Sub(started).Seconds())
	a.stats.Polls.Add(1)
	a.stats.PollsFailed.Add(1)
	if errors.Is(err, errPanic) {
		a.metrics.ConnectorPanics.WithLabelValues(cfg.Network).Inc()
	}
	if rerr := a.store.RecordFailure(storeCtx, archive.Failure{
		Account: cfg.ID, Started: started, Finished: finished, Calls: ncalls,
		Reason: reason, Error: err.Error(), NextPollAt: plan(err),
	}); rerr != nil {
		a.archiveWriteFailed(log, rerr)
		log.Error("could not record a failed poll", slog.Any("error", rerr))
	}
	log.Warn("poll failed", slog.String("reason", reason), slog.Any("error", err))
	return false, err
}

// archiveWriteFailed counts an archive write that failed (nothing of it was
// stored, the cursor stayed) in vigia_archive_write_errors_total. The first
// failure of an archive full says so in the log (each failed poll logs its own
// warning): the accounts back off, and their polls resume where they were once
// space returns.
func (a *Agent) archiveWriteFailed(log *slog.Logger, err error) {
	full := errors.Is(err, archive.ErrFull)
	reason := "other"
	if full {
		reason = "disk_full"
	}
	a.metrics.ArchiveWriteErrors.WithLabelValues(reason).Inc() // counted before the line that reports it
	if full && a.full.CompareAndSwap(false, true) {
		log.Error("archive full: nothing of this poll was stored and the cursor stays; free space on the archive's filesystem",
			slog.Any("error", err))
	}
}

func (a *Agent) observeSuccess(cfg AccountConfig, b connectors.Batch, res archive.Result, d time.Duration) {
	m := a.metrics
	m.PollsTotal.WithLabelValues(cfg.Network, cfg.ID, connectors.ReasonOK).Inc()
	m.PollDuration.WithLabelValues(cfg.Network).Observe(d.Seconds())
	m.LastSuccessfulPoll.WithLabelValues(cfg.Network, cfg.ID).Set(float64(a.now().Unix()))
	if b.Budget.Remaining >= 0 {
		m.RateLimitRemaining.WithLabelValues(cfg.Network, cfg.ID).Set(float64(b.Budget.Remaining))
	}
	for k, n := range res.NewByKind {
		m.ItemsArchived.WithLabelValues(cfg.Network, string(k)).Add(float64(n))
	}
	m.ItemsEdited.WithLabelValues(cfg.Network).Add(float64(res.Changed))
	m.ArchiveRecords.Set(float64(a.store.Records()))
	m.ItemsDeleted.WithLabelValues(cfg.Network).Add(float64(res.Deleted))
	a.stats.Polls.Add(1)
	a.stats.ItemsNew.Add(int64(res.New))
	a.stats.ItemsEdited.Add(int64(res.Changed))
	a.stats.Deletions.Add(int64(res.Deleted))
}

// allowanceSpent returns a rate-limit error to plan with when a successful
// batch reports fewer calls left in the network's window than it has just
// spent (so the next poll would likely run out in the middle and be answered
// 429), with a known reset: the account then waits for the reset as after a
// 429, leaving at most one poll's worth of the window unused.
func allowanceSpent(b connectors.Budget, now time.Time) *connectors.RateLimitError {
	if b.Remaining < 0 || b.Remaining >= max(b.Calls, 1) || !b.Reset.After(now) {
		return nil
	}
	return &connectors.RateLimitError{Reset: b.Reset, Err: errors.New("allowance spent")}
}

// safePoll calls the connector, turning a panic into an error.
func safePoll(ctx context.Context, conn connectors.Connector, acct connectors.Account, cur connectors.Cursor) (b connectors.Batch, err error) {
	defer func() {
		if r := recover(); r != nil {
			b = connectors.Batch{}
			err = fmt.Errorf("%s: poll: %w: %v\n%s", conn.Network(), errPanic, r, debug.Stack())
		}
	}()
	if conn == nil {
		return connectors.Batch{}, errors.New("agent: no connector for the account's network")
	}
	return conn.Poll(ctx, acct, cur)
}
