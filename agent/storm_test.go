package agent_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// TestAgent_FailureStormsBackOff has a connector fail every poll, the way each
// network fault ends a poll (a 5xx or reset storm, timeouts and slow bodies that
// hit the poll timeout, truncated JSON, a 429 storm): the agent never spins. Each
// poll after a failure waits at least its backoff (interval doubled per
// consecutive failure, capped by max_backoff) or the rate limit's reset; the
// failures are counted by result and as consecutive errors, and the agent stops
// cleanly. Lower bounds on the gaps between calls cannot flake: timers never
// fire early.
func TestAgent_FailureStormsBackOff(t *testing.T) {
	t.Parallel()
	const (
		interval   = 10 * time.Millisecond
		maxBackoff = 80 * time.Millisecond
		resetAfter = 60 * time.Millisecond
		calls      = 8
	)
	for _, tt := range []struct {
		name, result string
		fail         func(ctx context.Context, now time.Time) error
		// stalls: the poll in flight at stop is cancelled, and not counted.
		stalls bool
	}{
		{"5xx storm", connectors.ReasonTransient, func(context.Context, time.Time) error {
			return errors.New("x: list posts: giving up after 3 attempt(s): unexpected HTTP status 503")
		}, false},
		{"timeouts and slow bodies", connectors.ReasonTransient, func(ctx context.Context, _ time.Time) error {
			<-ctx.Done() // the poll timeout ends the stalled request
			return fmt.Errorf("x: list posts: read body: %w", ctx.Err())
		}, true},
		{"truncated JSON", connectors.ReasonMalformed, func(context.Context, time.Time) error {
			return connectors.Malformed("x", "posts", errors.New("unexpected end of JSON input"))
		}, false},
		{"429 storm", connectors.ReasonRateLimited, func(_ context.Context, now time.Time) error {
			return fmt.Errorf("x: list posts: %w", &connectors.RateLimitError{Reset: now.Add(resetAfter)})
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var at []time.Time
			conn := &fakeConn{network: "x", poll: func(ctx context.Context, _ connectors.Account, _ connectors.Cursor) (connectors.Batch, error) {
				now := time.Now()
				mu.Lock()
				at = append(at, now)
				mu.Unlock()
				return connectors.Batch{}, tt.fail(ctx, now)
			}}
			cfg := testConfig(t, t.TempDir(), interval, map[string]string{"a": "x"})
			cfg.Organs[0].Accounts[0].PollTimeout = 30 * time.Millisecond
			cfg.Scheduler.MaxBackoff = maxBackoff
			h := start(t, cfg, fakeRegistry(conn), nil)
			waitFor(t, "a storm of failed polls", func() bool { mu.Lock(); defer mu.Unlock(); return len(at) >= calls })
			if err := h.stop(); err != nil {
				t.Fatalf("the agent stopped with %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			for k := 1; k < len(at); k++ {
				// After the k-th failure in a row: interval·2^(k-1), capped.
				want := min(interval<<(k-1), maxBackoff)
				if tt.result == connectors.ReasonRateLimited {
					want = resetAfter
				}
				if gap := at[k].Sub(at[k-1]); gap < want {
					t.Errorf("poll %d came %v after failure %d, before its wait of %v", k+1, gap, k, want)
				}
			}
			n := float64(len(at))
			counted := func(got float64) bool { return got == n || (tt.stalls && got == n-1) }
			if got := counter(t, h.reg, "vigia_polls_total", map[string]string{"account": "a", "result": tt.result}); !counted(got) {
				t.Errorf("vigia_polls_total{result=%q} = %v, want %v (one per call)", tt.result, got, n)
			}
			if got := counter(t, h.reg, "vigia_poll_consecutive_errors", map[string]string{"account": "a"}); !counted(got) {
				t.Errorf("vigia_poll_consecutive_errors = %v, want %v", got, n)
			}
			if got := counter(t, h.reg, "vigia_account_polling", map[string]string{"account": "a"}); got != 1 {
				t.Errorf("vigia_account_polling = %v: a failing account must keep being polled", got)
			}
		})
	}
}
