package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
)

// The simulated world of scenario 1.
const (
	simSeed     = 11
	simPageSize = 1000
)

// caughtUp wraps a connector and records, per account, whether its last batch
// asked for more: the backfill is over when every account has had a batch
// without More. It also measures the simulated world's own cost, so that the
// agent's can be told apart: the CPU time of the threads that ran Poll (each
// call is locked to its thread and timed with getrusage(RUSAGE_THREAD), which
// counts the garbage-collection assists the world's allocations pay but not
// the background collector's work), the wall time spent in Poll, and the
// largest the world's day cache grew.
type caughtUp struct {
	connectors.Connector
	world *simulated.World
	mu    sync.Mutex
	done  map[string]bool
	ch    chan struct{}
	want  int

	cpu, wall  time.Duration // in Poll
	peakCache  int64         // bytes
	batches    int64         // successful polls
	threadCPUs bool          // false if getrusage(RUSAGE_THREAD) failed
}

// rusageThread is Linux's RUSAGE_THREAD, which package syscall does not name.
const rusageThread = 1

// threadCPU is the calling thread's CPU time (user and system), or -1.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (c *caughtUp) Poll(ctx context.Context, acct connectors.Account, cur connectors.Cursor) (connectors.Batch, error) {
	runtime.LockOSThread()
	t0, c0 := time.Now(), threadCPU()
	bt, err := c.Connector.Poll(ctx, acct, cur)
	c1, wall := threadCPU(), time.Since(t0)
	runtime.UnlockOSThread()
	cache := c.world.Stats().CacheBytes
	c.mu.Lock()
	c.wall += wall
	if c0 >= 0 && c1 >= c0 {
		c.cpu += c1 - c0
	} else {
		c.threadCPUs = false
	}
	c.peakCache = max(c.peakCache, cache)
	if err == nil {
		c.batches++
	}
	c.mu.Unlock()
	if err == nil && !bt.More {
		c.mu.Lock()
		if !c.done[acct.ID] {
			c.done[acct.ID] = true
			if len(c.done) == c.want {
				close(c.ch)
			}
		}
		c.mu.Unlock()
	}
	return bt, err
}

// backfill is scenario 1: every account starts with days of history on the
// simulated network and the agent archives all of it through its pipeline (the
// connector, the conduct review with the classifier, the archive commit and the
// response clock).
func (b *bench) backfill(ctx context.Context) Result {
	r := Result{Name: "respaldo histórico (backfill)", Target: "≥ 50 000 elementos/s"}
	db := filepath.Join(b.o.dir, "full.db")
	now := time.Now()
	world, err := simulated.NewWorld(simulated.Config{Seed: simSeed, Speed: 1, Backfill: time.Duration(b.o.days) * 24 * time.Hour,
		PageSize: simPageSize, Hostile: 0.005, Epoch: now, Anchor: now}, now)
	if err != nil {
		return failed(r, err)
	}
	if b.o.worldOnly {
		return b.worldAlone(ctx, world, db)
	}
	cu := &caughtUp{world: world, done: map[string]bool{}, ch: make(chan struct{}), want: b.o.accounts, threadCPUs: true}
	reg := connectors.NewRegistry()
	inner := simulated.Factory(world, simulated.Network)
	if err := reg.Register(simulated.Network, func(decode func(v any) error, deps connectors.Deps) (connectors.Connector, error) {
		c, err := inner(decode, deps)
		if err != nil {
			return nil, err
		}
		cu.Connector = c
		return cu, nil
	}); err != nil {
		return failed(r, err)
	}
	cfg := configYAML(db, simulated.Network, b.o.accounts, 10*time.Minute, "", "")
	resetPeakRSS()
	cpu0, t0 := cpuSeconds(), time.Now()
	ag, err := b.startAgent(ctx, cfg, reg, nil)
	if err != nil {
		return failed(r, err)
	}
	select {
	case <-cu.ch:
	case <-ctx.Done():
	}
	// The last batches are committed just after their Poll returns.
	polls := ag.agent.Stats().Polls.Load()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		if p := ag.agent.Stats().Polls.Load(); p == polls {
			break
		} else {
			polls = p
		}
	}
	elapsed, cpu := time.Since(t0).Seconds(), cpuSeconds()-cpu0
	peak := procStatusMiB("VmHWM")
	if err := writeHeapProfile(b.memprofile); err != nil {
		fmt.Fprintf(b.stderr, "bench: --memprofile: %v\n", err)
	}
	st := ag.agent.Stats()
	items, versions := st.ItemsNew.Load(), st.ItemsEdited.Load()
	if ctx.Err() != nil {
		ag.stop()
		return failed(r, ctx.Err())
	}
	size := fileSize(db) + fileSize(db+"-wal")
	b.fullDB, b.full, b.epoch = db, ag, now // kept running for scenarios 4 and 5
	rate := float64(items+versions) / elapsed
	cu.mu.Lock()
	worldCPU, worldWall, peakCache, batches, exact := cu.cpu.Seconds(), cu.wall.Seconds(), float64(cu.peakCache)/(1<<20), cu.batches, cu.threadCPUs
	cu.mu.Unlock()
	ws := world.Stats()
	agentCPU := cpu - worldCPU
	r.Figures = map[string]float64{"items": float64(items), "edits": float64(versions), "seconds": elapsed,
		"items_per_second": rate, "cpu_seconds": cpu, "peak_rss_mib": peak, "polls": float64(st.Polls.Load()),
		"archive_bytes": float64(size),
		// The simulated world's share, measured inside Poll, and the rest: the agent's.
		"world_cpu_seconds": worldCPU, "world_poll_seconds": worldWall, "world_cache_peak_mib": peakCache,
		"world_days_generated": float64(ws.DaysGenerated), "world_items_per_cpu_second": float64(items+versions) / worldCPU,
		"agent_cpu_seconds": agentCPU, "agent_items_per_cpu_second": float64(items+versions) / agentCPU,
		"items_per_batch": float64(items+versions) / float64(max(batches, 1))}
	r.Summary = fmt.Sprintf("%.0f elementos/s (%d elementos y %d ediciones en %.0f s, %.0f s de CPU, RSS pico %.0f MiB, archivo %.0f MiB); "+
		"sin la red simulada: %.0f s de CPU del agente (%.0f elementos por segundo de CPU); la red simulada: %.1f s de CPU, caché de días %.0f MiB como máximo",
		rate, items, versions, elapsed, cpu, peak, float64(size)/(1<<20), agentCPU, float64(items+versions)/agentCPU, worldCPU, peakCache)
	r.Status = verdict(rate >= 50000)
	r.Notes = fmt.Sprintf("simulated network in process (pages of up to 1,000 events; a batch never holds two events of one item, so they averaged %.0f), "+
		"through agent polls: connector, conduct review, commit, response clock. world_* is the simulated world's own cost, measured inside Poll "+
		"(thread CPU time; the background garbage collector is not in it); agent_* is the process's CPU minus the world's", float64(items+versions)/float64(max(batches, 1)))
	if !exact {
		r.Notes += "; getrusage(RUSAGE_THREAD) failed, so world_cpu_seconds is incomplete"
	}
	return r
}

// cyclePages is how many batches the agent's scheduler takes from one account
// before it moves on to the next (agent/scheduler.go maxPagesPerCycle).
const cyclePages = 50

// worldAlone is scenario 1 without the agent (--world-only): the simulated
// world serves the same accounts' whole history in the agent's order (two
// polls at a time, the accounts in turn, at most cyclePages batches each before
// the next), and nothing is archived. It measures what the world alone costs
// at the run's size: items per second and per CPU-second, the process's peak
// RSS, the day cache.
func (b *bench) worldAlone(ctx context.Context, world *simulated.World, db string) Result {
	r := Result{Name: "respaldo histórico, sólo la red simulada (--world-only)", Target: "no ser el cuello de botella de 50 000 elementos/s"}
	cfg, err := agent.ParseConfig([]byte(configYAML(db, simulated.Network, b.o.accounts, 10*time.Minute, "", "")), "bench.yaml",
		func(string) (string, bool) { return "", false })
	if err != nil {
		return failed(r, err)
	}
	accts := cfg.Accounts()
	conn := world.Connector(simulated.Network, connectors.Deps{})
	resetPeakRSS()
	cpu0, t0 := cpuSeconds(), time.Now()
	queue := make(chan int, len(accts))
	for i := range accts {
		queue <- i
	}
	var (
		mu       sync.Mutex
		items    int64
		batches  int64
		firstErr error
		left     = len(accts)
		curs     = make([]connectors.Cursor, len(accts))
		doneCh   = make(chan struct{})
	)
	var wg sync.WaitGroup
	for range 2 { // concurrency_per_network in the agent's configuration
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var i int
				select {
				case i = <-queue:
				case <-doneCh:
					return
				case <-ctx.Done():
					return
				}
				more := true
				for page := 0; more && page < cyclePages; page++ {
					bt, err := conn.Poll(ctx, accts[i], curs[i])
					if err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
						return
					}
					curs[i], more = bt.Cursor, bt.More
					mu.Lock()
					items += int64(len(bt.Items))
					batches++
					mu.Unlock()
				}
				mu.Lock()
				if more {
					queue <- i
				} else if left--; left == 0 {
					close(doneCh)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(t0).Seconds(), cpuSeconds()-cpu0
	peak := procStatusMiB("VmHWM")
	if firstErr != nil {
		return failed(r, firstErr)
	}
	if ctx.Err() != nil {
		return failed(r, ctx.Err())
	}
	if err := writeHeapProfile(b.memprofile); err != nil {
		fmt.Fprintf(b.stderr, "bench: --memprofile: %v\n", err)
	}
	ws := world.Stats()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(world)
	rate := float64(items) / elapsed
	r.Figures = map[string]float64{"items": float64(items), "seconds": elapsed, "items_per_second": rate,
		"cpu_seconds": cpu, "items_per_cpu_second": float64(items) / cpu, "peak_rss_mib": peak,
		"heap_after_mib": float64(ms.HeapAlloc) / (1 << 20), "world_cache_mib": float64(ws.CacheBytes) / (1 << 20),
		"world_days_generated": float64(ws.DaysGenerated), "polls": float64(batches),
		"items_per_batch": float64(items) / float64(max(batches, 1))}
	r.Summary = fmt.Sprintf("%.0f elementos/s (%d elementos, versiones editadas incluidas, en %.1f s; %.1f s de CPU: %.0f elementos por segundo de CPU); "+
		"RSS pico %.0f MiB, montón tras el final %.0f MiB (caché de días %.0f MiB); %d días-cuenta generados",
		rate, items, elapsed, cpu, float64(items)/cpu, peak, float64(ms.HeapAlloc)/(1<<20), float64(ws.CacheBytes)/(1<<20), ws.DaysGenerated)
	r.Status = verdict(float64(items)/cpu >= 4*50000)
	r.Notes = "the simulated world alone, polled in the agent's order with nothing archived; met when one CPU-second serves at least 200,000 items (a backfill at 50,000 items/s would spend at most a quarter of a core on the world)"
	return r
}

// writeHeapProfile writes the live heap to path, after a collection so that it
// is current; an empty path writes nothing.
func writeHeapProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func failed(r Result, err error) Result {
	r.Status, r.Summary = "failed", "error: "+err.Error()
	return r
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "missed"
}
