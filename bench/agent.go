package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/metrics"
)

// bench holds what the scenarios share: the backfilled archive (the "full
// archive" of scenarios 4 and 5).
type bench struct {
	o      options
	log    *slog.Logger
	stderr io.Writer

	fullDB string    // archive left by scenario 1
	full   *running  // the agent still running on it
	epoch  time.Time // the simulated world's epoch and anchor in scenario 1
	// scrapes of vigia run on the full archive (scenario 2), for scenario 4
	fullScrapes []scrapeSample
	// memprofile is where scenario 1 writes a heap profile at its end ("": none).
	memprofile string
}

func (b *bench) close() {
	if b.full != nil {
		_ = b.full.stop()
		b.full = nil
	}
}

// running is an agent started in this process.
type running struct {
	agent  *agent.Agent
	store  *archive.Store
	cancel context.CancelFunc
	done   chan error
}

// stop cancels the agent, waits for its polls to finish and closes the store.
func (r *running) stop() error {
	r.cancel()
	err := <-r.done
	if cerr := r.store.Close(); err == nil {
		err = cerr
	}
	return err
}

// configYAML is an agent configuration with n accounts of network, in organs of
// 10 accounts (as the institute's boards), each account with the given extra
// YAML (credentials, options) and the networks section.
func configYAML(db, network string, n int, interval time.Duration, networks, accountExtra string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "database: %s\nlisten: 127.0.0.1:0\nlog: {level: error, format: text}\n", db)
	fmt.Fprintf(&sb, "institute: {name: Instituto Federal Electoral, domain: ife.org.mx}\n")
	fmt.Fprintf(&sb, "defaults: {poll_interval: %s, poll_timeout: 60s, jitter: 0.1}\n", interval)
	fmt.Fprintf(&sb, "scheduler: {concurrency_per_network: 2, max_backoff: 5m}\n")
	fmt.Fprintf(&sb, "networks:\n%s\norgans:\n", networks)
	for i := 0; i < n; i++ {
		if i%10 == 0 {
			o := i / 10
			fmt.Fprintf(&sb, "  - id: junta-%03d\n    name: Junta %03d\n", o, o)
			fmt.Fprintf(&sb, "    head: {name: Vocal %03d, email: vocal%03d@ife.org.mx}\n", o, o)
			fmt.Fprintf(&sb, "    admins:\n      titular: {name: Titular %03d, email: titular%03d@ife.org.mx, position: Jefa}\n", o, o)
			fmt.Fprintf(&sb, "      suplente: {name: Suplente %03d, email: suplente%03d@ife.org.mx, position: Analista}\n    accounts:\n", o, o)
		}
		fmt.Fprintf(&sb, "      - {id: cuenta-%03d, network: %s, handle: cuenta%03d, external_id: %q%s}\n",
			i, network, i, accountExternalID(i), strings.ReplaceAll(accountExtra, "%N", fmt.Sprintf("%03d", i)))
	}
	return sb.String()
}

// accountExternalID is the network id of account i.
func accountExternalID(i int) string { return fmt.Sprintf("%d", 109000000000000000+i) }

// startAgent parses cfg, opens its archive and runs the agent with reg until
// stop is called.
func (b *bench) startAgent(ctx context.Context, cfgText string, reg *connectors.Registry, env map[string]string) (*running, error) {
	cfg, err := agent.ParseConfig([]byte(cfgText), "bench.yaml", func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	})
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	store, err := archive.Open(ctx, cfg.Database, archive.Options{})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		return nil, err
	}
	preg := metrics.NewRegistry()
	preg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(preg)
	ready := make(chan struct{})
	var once sync.Once
	a, err := agent.New(ctx, agent.Options{
		Config: cfg, Registry: reg, Store: store, Logger: b.log,
		Registerer: preg, Gatherer: preg, Metrics: m, Listener: ln,
		Ready: func() { once.Do(func() { close(ready) }) },
	})
	if err != nil {
		ln.Close()
		store.Close()
		return nil, err
	}
	actx, cancel := context.WithCancel(ctx)
	r := &running{agent: a, store: store, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- a.Run(actx) }()
	select {
	case <-ready:
	case err := <-r.done:
		cancel()
		store.Close()
		return nil, fmt.Errorf("agent stopped before ready: %v", err)
	}
	return r, nil
}

// usage is the process's CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// resetPeakRSS makes VmHWM start again from the current RSS (Linux clear_refs 5).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// procStatusMiB reads a /proc/self/status field (VmRSS, VmHWM) in MiB.
func procStatusMiB(field string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && k == field {
			var kib float64
			fmt.Sscan(strings.TrimSpace(v), &kib)
			return kib / 1024
		}
	}
	return -1
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
