package agent_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// A successful batch that reports fewer calls left than it spent (a reset
// ahead) holds the account until the reset, also in the middle of a backfill:
// the next poll would run out of calls and be answered 429, calls beyond the
// limit.
func TestAgent_SpentAllowanceWaitsForReset(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		more      bool
		remaining int
	}{{"none_left", false, 0}, {"fewer_than_a_poll", false, 2}, {"backfill", true, 0}} {
		more := tc.more
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var times []time.Time
			var reset time.Time
			conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
				mu.Lock()
				defer mu.Unlock()
				now := time.Now()
				times = append(times, now)
				if len(times) == 1 {
					reset = now.Add(400 * time.Millisecond)
					b := batchOf(1, "a", "")
					b.More = more
					b.Budget = connectors.Budget{Calls: 3, Remaining: tc.remaining, Reset: reset}
					return b, nil
				}
				return connectors.Batch{Budget: connectors.Budget{Remaining: 100}}, nil
			}}
			cfg := testConfig(t, t.TempDir(), 10*time.Millisecond, map[string]string{"a": "x"})
			h := start(t, cfg, fakeRegistry(conn), nil)
			waitFor(t, "a second call", func() bool { mu.Lock(); defer mu.Unlock(); return len(times) >= 2 })
			h.stop()
			mu.Lock()
			defer mu.Unlock()
			if times[1].Before(reset) {
				t.Fatalf("polled again %v before the allowance's reset", reset.Sub(times[1]))
			}
			if got := counter(t, h.reg, "vigia_polls_total", map[string]string{"account": "a", "result": "ok"}); got < 1 {
				t.Errorf("ok polls = %v: the batch that spent the allowance is a success", got)
			}
		})
	}
}
