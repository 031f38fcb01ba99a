package agent_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors/simulated"
)

// TestAgent_ConductFlags checks the conduct review on the simulation: offensive
// comments are flagged for blocking and leave the awaiting-answer queue, harsh
// political criticism is never recommended for blocking, and the flags are
// counted in the metrics.
func TestAgent_ConductFlags(t *testing.T) {
	t.Parallel()
	world := frozenWorld(t, simulated.Faults{})
	cfg := testConfig(t, t.TempDir(), 50*time.Millisecond, map[string]string{"cncs-x": "x", "derfe-fb": "facebook"})
	h := start(t, cfg, simRegistry(world, "x", "facebook"), nil)
	accts := cfg.Accounts()
	waitFor(t, "the archive to catch up", func() bool { return archivedAll(t, h.store, world, accts) })
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var offensive, caught, criticism, blockedCriticism, flaggedTotal int
	for _, acct := range accts {
		labels := map[string]simulated.Label{}
		for _, it := range world.Truth(acct, world.SimNow(time.Now())).Items {
			labels[it.ExternalID] = it.Label
		}
		rows, err := h.store.Responses(ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		err = h.store.Items(ctx, acct.ID, func(it archive.StoredItem) error {
			blocked := slices.Contains(it.Flags, "offensive")
			if blocked {
				flaggedTotal++
				if r, ok := rows[it.ExternalID]; ok && r.NeedsAnswer {
					t.Errorf("%s: offensive comment %s still awaits an answer", acct.ID, it.ExternalID)
				}
			}
			switch labels[it.ExternalID] {
			case simulated.LabelOffensive:
				offensive++
				if blocked || slices.Contains(it.Flags, "offensive_review") {
					caught++
				}
			case simulated.LabelCriticism:
				criticism++
				if blocked {
					blockedCriticism++
					t.Errorf("%s: criticism recommended for blocking: %q", acct.ID, it.Text)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("offensive comments flagged: %d of %d; criticism: %d, recommended for blocking: %d", caught, offensive, criticism, blockedCriticism)
	if offensive < 20 || criticism < 20 {
		t.Fatalf("too few labelled comments (%d offensive, %d criticism) to judge", offensive, criticism)
	}
	if float64(caught) < 0.8*float64(offensive) {
		t.Errorf("only %d of %d offensive comments flagged", caught, offensive)
	}
	for _, acct := range accts {
		counts, err := h.store.FlagCounts(ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rule, n := range counts {
			if got := counter(t, h.reg, "vigia_flags_total", map[string]string{"account": acct.ID, "rule": rule}); int(got) != n {
				t.Errorf("%s: vigia_flags_total{rule=%s} = %v, the archive holds %d", acct.ID, rule, got, n)
			}
		}
	}
	if flaggedTotal == 0 {
		t.Error("nothing flagged offensive")
	}
}
