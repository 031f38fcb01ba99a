package agent_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// TestAgent_ReloadDuringPollKeepsPolling reloads the configuration while an
// account's poll is in flight: once that poll ends, the account is polled again
// (the reload's new entry for the account must not stay marked as running).
func TestAgent_ReloadDuringPollKeepsPolling(t *testing.T) {
	t.Parallel()
	var polls atomic.Int64
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	conn := &fakeConn{network: "x", poll: func(ctx context.Context, _ connectors.Account, _ connectors.Cursor) (connectors.Batch, error) {
		if polls.Add(1) == 1 {
			entered <- struct{}{}
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return connectors.Batch{}, nil
	}}
	dir := t.TempDir()
	cfg := testConfig(t, dir, 10*time.Millisecond, map[string]string{"a": "x"})
	h := start(t, cfg, fakeRegistry(conn), nil)
	<-entered
	if err := h.agent.Reload(context.Background(), testConfig(t, dir, 10*time.Millisecond, map[string]string{"a": "x"})); err != nil {
		t.Fatal(err)
	}
	close(release)
	waitFor(t, "a poll after the one in flight during the reload", func() bool { return polls.Load() >= 3 })
}
