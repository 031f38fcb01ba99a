package agent_test

import (
	"context"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
	"github.com/ife-mx/vigia/internal/tmpfs"
)

// TestAgent_DiskFull fills the archive while a backfill streams in, by SQLite's
// page cap (always) and by a real size-limited tmpfs (as root, where mounting is
// allowed): the agent reports the error (vigia_archive_write_errors_total
// {reason="disk_full"} and a failed poll), stores nothing, keeps every cursor
// where it was, and once space returns resumes and archives exactly the
// simulation's ground truth, with the hash chain intact.
func TestAgent_DiskFull(t *testing.T) {
	t.Parallel()
	t.Run("page_cap", func(t *testing.T) {
		t.Parallel()
		testDiskFull(t, t.TempDir(), func(h *harness) {
			pages, _, err := h.store.PageCount(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.store.SetMaxPageCount(context.Background(), pages+4); err != nil {
				t.Fatal(err)
			}
		}, func(h *harness) {
			if _, err := h.store.SetMaxPageCount(context.Background(), 1<<30); err != nil {
				t.Fatal(err)
			}
		})
	})
	t.Run("tmpfs", func(t *testing.T) {
		t.Parallel()
		dir := tmpfs.Mount(t, "1m") // before start: unmounted after the archive closes
		testDiskFull(t, dir, func(*harness) {}, func(*harness) { tmpfs.Resize(t, dir, "256m") })
	})
}

// testDiskFull runs two simulated accounts' backfill into an archive in dir;
// fill makes the archive full once the agent runs, free gives space back.
func testDiskFull(t *testing.T, dir string, fill, free func(*harness)) {
	world := frozenWorld(t, simulated.Faults{})
	cfg := testConfig(t, dir, 20*time.Millisecond, map[string]string{"full-x": "x", "full-ma": "mastodon"})
	var logs lockedLog
	h := start(t, cfg, simRegistry(world, "x", "mastodon"), nil, func(o *agent.Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	fill(h)
	accts := cfg.Accounts()
	full := func() float64 {
		return counter(t, h.reg, "vigia_archive_write_errors_total", map[string]string{"reason": "disk_full"})
	}
	waitFor(t, "the archive to fill up", func() bool { return full() > 0 })
	if archivedAll(t, h.store, world, accts) {
		t.Fatal("the whole backfill fitted: the test proves nothing")
	}

	// While full, polls go on failing: nothing is stored and no cursor moves.
	before, cursors := snapshot(t, h.store, accts)
	seen := full()
	waitFor(t, "more polls to fail on the full archive", func() bool { return full() >= seen+4 })
	after, cursorsAfter := snapshot(t, h.store, accts)
	if after != before {
		t.Errorf("the full archive went from %d to %d items", before, after)
	}
	if !maps.Equal(cursors, cursorsAfter) {
		t.Errorf("cursors moved while the archive was full: %q → %q", cursors, cursorsAfter)
	}
	if !strings.Contains(logs.String(), `level=ERROR msg="archive full: nothing of this poll was stored and the cursor stays`) {
		t.Errorf("no error line says the archive is full:\n%s", logs.String())
	}
	failed := counter(t, h.reg, "vigia_polls_total", map[string]string{"account": "full-x", "result": "transient"}) +
		counter(t, h.reg, "vigia_polls_total", map[string]string{"account": "full-ma", "result": "transient"})
	if failed == 0 {
		t.Error("no poll was counted as failed while the archive was full")
	}

	free(h)
	waitFor(t, "the backfill to resume once space returned", func() bool { return archivedAll(t, h.store, world, accts) })
	final, _ := snapshot(t, h.store, accts)
	if !strings.Contains(logs.String(), `level=INFO msg="archive writable again: polls resume where they stopped"`) {
		t.Error("no line says the archive is writable again")
	}
	if n := strings.Count(logs.String(), `msg="archive full:`); n < 1 || float64(n) >= full() {
		t.Errorf("%d error lines say the archive is full for %v failed writes: want one per episode", n, full())
	}
	t.Logf("full at %d items (%d failed writes while full); %d items once space returned", after, int(full()), final)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if err := h.store.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	matchTruth(t, h.store, world, accts)
}

// lockedLog is a log buffer safe for the agent's concurrent writers.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// snapshot returns the number of archived items and every account's cursor.
func snapshot(t *testing.T, s *archive.Store, accts []connectors.Account) (int64, map[string]string) {
	t.Helper()
	ctx := context.Background()
	tot, err := s.Totals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, v := range tot.Items {
		n += v
	}
	cur := map[string]string{}
	for _, a := range accts {
		c, err := s.Cursor(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur[a.ID] = string(c)
	}
	return n, cur
}
