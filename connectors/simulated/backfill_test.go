package simulated

import (
	"fmt"
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
// at the end.
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
