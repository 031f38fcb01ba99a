package agent_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
	"github.com/ife-mx/vigia/connectors/simulated/simcheck"
)

// newBackfillAgent builds (but does not run) an agent over world with one
// simulated account, as «vigia backfill» does.
func newBackfillAgent(t *testing.T, world *simulated.World, dir string) (*agent.Agent, *archive.Store, *agent.Config) {
	t.Helper()
	cfg := testConfig(t, dir, time.Hour, map[string]string{"cncs-sim": "simulated"})
	a, store := newIdleAgent(t, cfg, simRegistry(world, "simulated"), nil)
	return a, store, cfg
}

// newIdleAgent builds (but does not run) an agent over cfg's archive with the
// connectors of reg and the reviewer rv (none when nil).
func newIdleAgent(t *testing.T, cfg *agent.Config, reg *connectors.Registry, rv agent.Reviewer) (*agent.Agent, *archive.Store) {
	t.Helper()
	store, err := archive.Open(context.Background(), cfg.Database, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	pr := prometheus.NewRegistry()
	a, err := agent.New(context.Background(), agent.Options{
		Config: cfg, Registry: reg, Store: store, Registerer: pr, Gatherer: pr, Reviewer: rv,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, store
}

func compareTruth(t *testing.T, store *archive.Store, world *simulated.World, cfg *agent.Config) {
	t.Helper()
	diffs, err := simcheck.Compare(context.Background(), store, world, cfg.Accounts(), world.SimNow(time.Now()), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
	rep, err := store.Verify(context.Background())
	if err != nil || rep.Problem != nil {
		t.Fatalf("verify: %v %v", rep.Problem, err)
	}
}

func TestAgent_Backfill(t *testing.T) {
	// Not parallel: it keeps the CPU busy, and the timing-tolerant waits of the
	// parallel tests are fairer without it.
	world := frozenWorld(t, simulated.Faults{})
	dir := t.TempDir()
	a, store, cfg := newBackfillAgent(t, world, dir)

	// Interrupted after three batches, as Ctrl-C or a kill would.
	ctx, cancel := context.WithCancel(context.Background())
	p, err := a.Backfill(ctx, "cncs-sim", agent.BackfillOptions{Progress: func(p agent.BackfillProgress) {
		if p.Batches == 3 {
			cancel()
		}
	}})
	cancel()
	if !errors.Is(err, context.Canceled) || p.Batches != 3 {
		t.Fatalf("interrupted backfill: %d batches, %v; want 3 and context.Canceled", p.Batches, err)
	}
	first := p.New
	if first == 0 {
		t.Fatal("the first three batches stored nothing")
	}

	t.Run("run again, it resumes where it stopped and reaches the truth", func(t *testing.T) {
		p, err := a.Backfill(context.Background(), "cncs-sim", agent.BackfillOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, ac := range cfg.Accounts() {
			want += len(world.Truth(ac, world.SimNow(time.Now())).Items)
		}
		if got := first + p.New; got != int64(want) {
			t.Errorf("the two runs stored %d + %d items, the world holds %d", first, p.New, want)
		}
		compareTruth(t, store, world, cfg)
	})

	t.Run("once caught up, a backfill stores nothing new", func(t *testing.T) {
		p, err := a.Backfill(context.Background(), "cncs-sim", agent.BackfillOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.New != 0 || p.Batches != 1 {
			t.Errorf("caught-up backfill: %+v, want one batch and nothing new", p)
		}
	})

	t.Run("an unknown account is refused", func(t *testing.T) {
		if _, err := a.Backfill(context.Background(), "nadie", agent.BackfillOptions{}); !errors.Is(err, agent.ErrUnknownAccount) {
			t.Errorf("Backfill of an unknown account: %v", err)
		}
	})
}

func TestAgent_BackfillThroughFaults(t *testing.T) {
	// Not parallel: it keeps the CPU busy, and the timing-tolerant waits of the
	// parallel tests are fairer without it.
	world := frozenWorld(t, simulated.Faults{Seed: 5, RateLimited: 0.15, ServerError: 0.15, Malformed: 0.15, RetryAfter: 20 * time.Millisecond})
	a, store, cfg := newBackfillAgent(t, world, t.TempDir())
	var failures int
	p, err := a.Backfill(context.Background(), "cncs-sim", agent.BackfillOptions{MaxRetries: 50, Progress: func(p agent.BackfillProgress) {
		failures = max(failures, p.Failures)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if failures == 0 {
		t.Error("no fault was retried: the test proves nothing")
	}
	if p.Batches == 0 {
		t.Fatal("no batch committed")
	}
	compareTruth(t, store, world, cfg)
}
