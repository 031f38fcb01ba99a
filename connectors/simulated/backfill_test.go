package simulated

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// BenchmarkBackfill is the world alone as bench scenario 1 uses it: every
// account drained from a nil cursor in pages of 1,000 events, one account after
// another, with the bench's hostile share. It reports the items served per
// second of wall time and per second of the process's CPU time (the figure to
// trust on a shared machine; run it with -cpu 1), and the heap the world holds
// at the end (all of it, and the day cache's own estimate of its size).
func BenchmarkBackfill(b *testing.B) {
	const accounts, days = 20, 30
	accts := make([]connectors.Account, accounts)
	for i := range accts {
		accts[i] = connectors.Account{ID: fmt.Sprintf("cuenta-%03d", i), Network: Network, Handle: fmt.Sprintf("cuenta%03d", i)}
	}
	cfg := Config{Seed: 11, PageSize: 1000, Hostile: 0.005, Backfill: days * 24 * time.Hour}
	bench := func(b *testing.B, fresh bool) {
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		w := newWorld(b, cfg)
		items := 0
		cpu0 := cpuSeconds(b)
		for b.Loop() {
			if fresh {
				w = newWorld(b, cfg)
			}
			c := w.Connector(Network, newClock(epoch).deps())
			for _, a := range accts {
				bs, _ := drain(b, c, a, nil)
				for _, batch := range bs {
					items += len(batch.Items)
				}
			}
		}
		b.StopTimer()
		cpu := cpuSeconds(b) - cpu0
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "items/s")
		b.ReportMetric(float64(items)/cpu, "items/cpu-s")
		b.ReportMetric(float64(items)/float64(b.N), "items/op")
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "heap-MiB")
		b.ReportMetric(float64(w.Stats().CacheBytes)/(1<<20), "cache-MiB")
		runtime.KeepAlive(w)
	}
	// Every day generated as it is first needed, as in a backfill.
	b.Run("generate", func(b *testing.B) { bench(b, true) })
	// The same from a warm day cache: the cost of paging and rendering alone.
	b.Run("cached", func(b *testing.B) { bench(b, false) })
}

// cpuSeconds is the process's CPU time (user and system) so far.
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// TestWorld_CacheEviction checks that the day cache stays within its bounds and
// that days evicted and generated again serve exactly what they served before:
// a world whose cache holds only a few days delivers the same batches as one
// that keeps everything, and the world's memory does not grow with its history.
func TestWorld_CacheEviction(t *testing.T) {
	t.Parallel()
	cfg := Config{Seed: 5, PageSize: 50, Hostile: 0.05, Backfill: 12 * 24 * time.Hour}
	accts := []connectors.Account{account("ife_a"), account("ife_b"), account("ife_c")}
	drainAll := func(w *World) [][]connectors.Batch {
		var out [][]connectors.Batch
		// Interleave the accounts a page at a time, as the agent's scheduler
		// does, so that each evicts the others' days.
		curs := make([]connectors.Cursor, len(accts))
		done := make([]bool, len(accts))
		out = make([][]connectors.Batch, len(accts))
		c := w.Connector("x", newClock(epoch).deps())
		for left := len(accts); left > 0; {
			for i, a := range accts {
				if done[i] {
					continue
				}
				b, err := c.Poll(context.Background(), a, curs[i])
				if err != nil {
					t.Fatal(err)
				}
				out[i] = append(out[i], b)
				curs[i] = b.Cursor
				if !b.More {
					done[i], left = true, left-1
				}
			}
		}
		return out
	}
	big := newWorld(t, cfg)
	want := drainAll(big)
	bs := big.Stats()
	days := int64(len(accts)) * (int64(dayOf(epoch.Unix())-dayOf(big.start)) + maxSpill + 1)
	if bs.DaysGenerated != days || bs.DaysCached != int(days) || bs.Accounts != len(accts) {
		t.Errorf("large cache: %+v, want every one of %d days generated once and kept", bs, days)
	}
	if per := bs.CacheBytes / days; per < 10<<10 || per > 1<<20 {
		t.Errorf("large cache: %d bytes per day, not a plausible size", per)
	}

	small := newWorld(t, cfg)
	small.maxDays, small.maxBytes = 4, 1<<62
	if got := drainAll(small); !reflect.DeepEqual(got, want) {
		t.Error("a world that evicts days serves other batches than one that keeps them")
	}
	ss := small.Stats()
	if ss.DaysCached > 4 || ss.DaysGenerated <= days {
		t.Errorf("day-bounded cache: %+v, want at most 4 days cached and days generated again (more than %d)", ss, days)
	}

	tiny := newWorld(t, cfg)
	tiny.maxBytes = 1 // every new day evicts all others
	if got := drainAll(tiny); !reflect.DeepEqual(got, want) {
		t.Error("a world that keeps one day serves other batches than one that keeps them all")
	}
	if ts := tiny.Stats(); ts.DaysCached != 1 {
		t.Errorf("byte-bounded cache: %+v, want only the last day kept", ts)
	}
}
