package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
	"github.com/ife-mx/vigia/connectors/simulated/simcheck"
)

// buildVigia compiles the real binary once per test, so the crash test kills the
// daemon exactly as systemd would run it.
func buildVigia(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vigia")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// crashConfig is a configuration of five accounts on a simulated world whose clock
// is frozen (speed 1e-9) at the end of backfill of history (30 days in CI): the
// agent has a long backfill to stream, and a definite end to compare with the truth.
func crashConfig(dir string, anchor time.Time, backfill time.Duration) string {
	return fmt.Sprintf(`database: %s
listen: 127.0.0.1:0
log: {level: warn}
defaults: {jitter: 0}
networks:
  simulated:
    seed: 20260311
    epoch: 2026-03-11T12:00:00.5Z
    anchor: %s
    speed: 0.000000001
    backfill: %s
    page_size: 8
    hostile: 0.02
organs:
  - id: cncs
    name: Coordinación Nacional de Comunicación Social
    head: {name: Titular, email: titular@ife.org.mx}
    admins:
      titular: {name: Ana, email: ana@ife.org.mx}
      suplente: {name: Beto, email: beto@ife.org.mx}
    accounts:
      - {id: cncs-sim, network: simulated, handle: ife_mx}
      - {id: derfe-sim, network: simulated, handle: derfe_ife}
      - {id: jalisco-sim, network: simulated, handle: ife_jalisco}
      - {id: nuevoleon-sim, network: simulated, handle: ife_nl}
      - {id: oaxaca-sim, network: simulated, handle: ife_oaxaca}
`, filepath.Join(dir, "vigia.db"), anchor.UTC().Format(time.RFC3339Nano), backfill)
}

// crashWorld loads the crashConfig written at cfgPath and builds its simulated
// world as the daemon will: it returns the configuration, the world, the frozen
// instant to compare at, and how many items the accounts' ground truth holds.
func crashWorld(t *testing.T, cfgPath string, anchor time.Time) (*agent.Config, *simulated.World, time.Time, int) {
	t.Helper()
	cfg, err := agent.LoadConfig(cfgPath, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	simCfg := simulated.DefaultConfig()
	if err := cfg.NetworkDecoder("simulated")(&simCfg); err != nil {
		t.Fatal(err)
	}
	world, err := simulated.NewWorld(simCfg, anchor)
	if err != nil {
		t.Fatal(err)
	}
	upTo := world.SimNow(anchor.Add(time.Hour)) // the clock is frozen: an hour moves it 3.6 µs
	want := 0
	for _, a := range cfg.Accounts() {
		want += len(world.Truth(a, upTo).Items)
	}
	return cfg, world, upTo, want
}

// simulatedSetup writes the configuration text to dir/vigia.yaml and returns its
// path, the parsed configuration and the simulated world it describes, as the
// binary will build it.
func simulatedSetup(t *testing.T, dir, text string, anchor time.Time) (string, *agent.Config, *simulated.World) {
	t.Helper()
	cfgPath := filepath.Join(dir, "vigia.yaml")
	if err := os.WriteFile(cfgPath, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := agent.LoadConfig(cfgPath, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	simCfg := simulated.DefaultConfig()
	if err := cfg.NetworkDecoder("simulated")(&simCfg); err != nil {
		t.Fatal(err)
	}
	world, err := simulated.NewWorld(simCfg, anchor)
	if err != nil {
		t.Fatal(err)
	}
	return cfgPath, cfg, world
}

// caughtUp reports whether the archive at db already holds the world's ground
// truth for accts at upTo, deletion marks included: the item count alone reaches
// the truth's before the poll that marks the last deletions has committed.
func caughtUp(t *testing.T, db string, world *simulated.World, accts []connectors.Account, upTo time.Time) bool {
	t.Helper()
	if archived(t, db) == 0 {
		return false
	}
	ctx := context.Background()
	store, err := archive.Open(ctx, db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	diffs, err := simcheck.Compare(ctx, store, world, accts, upTo, 1)
	if err != nil {
		t.Fatal(err)
	}
	return len(diffs) == 0
}

// matchTruth fails the test unless the archive at db passes PRAGMA
// integrity_check and holds the world's ground truth for accts at upTo, item by
// item and version by version.
func matchTruth(t *testing.T, db string, world *simulated.World, accts []connectors.Account, upTo time.Time) {
	t.Helper()
	ctx := context.Background()
	store, err := archive.Open(ctx, db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	diffs, err := simcheck.Compare(ctx, store, world, accts, upTo, 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
	for _, a := range accts {
		vd, err := simcheck.CompareVersions(ctx, store, world, a, "simulated", upTo, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range vd {
			t.Error(d)
		}
	}
}

// archived counts the items in the archive (0 before it exists).
func archived(t *testing.T, path string) int64 {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	s, err := archive.Open(context.Background(), path, archive.Options{ReadOnly: true})
	if err != nil {
		return 0 // created but not yet migrated
	}
	defer s.Close()
	tot, err := s.Totals(context.Background())
	if err != nil {
		return 0
	}
	var n int64
	for _, v := range tot.Items {
		n += v
	}
	return n
}

// Environment of TestCrashSafety: how many SIGKILLs (default 20, CI's figure;
// bench/killloop.sh asks for 100) and how much history the simulated accounts
// start with (default 720h; a longer one keeps a long kill loop mid-backfill).
const (
	crashKillsEnv    = "VIGIA_CRASH_KILLS"
	crashBackfillEnv = "VIGIA_CRASH_BACKFILL"
)

// crashSettings reads TestCrashSafety's environment.
func crashSettings(t *testing.T) (kills int, backfill time.Duration) {
	t.Helper()
	kills, backfill = 20, 720*time.Hour
	if v := os.Getenv(crashKillsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number of kills", crashKillsEnv, v)
		}
		kills = n
	}
	if v := os.Getenv(crashBackfillEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("%s=%q: want a positive duration such as 2160h", crashBackfillEnv, v)
		}
		backfill = d
	}
	return kills, backfill
}

// TestCrashSafety runs the agent as a separate process against the simulated
// network, kills it with SIGKILL at random moments (VIGIA_CRASH_KILLS times, at
// least half of them while the backfill runs), restarts it, and then checks the
// archive against the simulation's ground truth: no item lost, none duplicated,
// every edit kept, integrity_check ok and `vigia verify` ok.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it 20 times")
	}
	minKills, backfill := crashSettings(t)
	minMid := minKills / 2
	bin := buildVigia(t)
	dir := t.TempDir()
	anchor := time.Now()
	cfgPath := filepath.Join(dir, "vigia.yaml")
	if err := os.WriteFile(cfgPath, []byte(crashConfig(dir, anchor, backfill)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, world, upTo, want := crashWorld(t, cfgPath, anchor)
	accts := cfg.Accounts()
	t.Logf("the simulation published %d items", want)

	rng := rand.New(rand.NewPCG(uint64(anchor.UnixNano()), 1))
	kills, midIngest := 0, 0
	var lastStderr string
	started := time.Now()
	for kills < minKills || (midIngest < minMid && kills < 3*minKills) {
		before := archived(t, cfg.Database)
		cmd := exec.Command(bin, "run", "--config", cfgPath)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a random moment once this run is archiving: startup time varies
		// with the machine's load, so wait for its first commit, then a random
		// delay (not an assertion: any moment must be safe).
		if before < int64(want) {
			progress := time.Now().Add(20 * time.Second)
			for archived(t, cfg.Database) == before && time.Now().Before(progress) {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(time.Duration(rng.IntN(120)) * time.Millisecond)
		} else {
			time.Sleep(time.Duration(20+rng.IntN(250)) * time.Millisecond) // everything is in: kill anywhere
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		kills++
		after := archived(t, cfg.Database)
		if after > before && after < int64(want) {
			midIngest++
		}
		lastStderr = stderr.String()
		if strings.Contains(stderr.String(), "panic") {
			t.Fatalf("run %d panicked:\n%s", kills, stderr.String())
		}
	}
	t.Logf("%d SIGKILLs, %d of them in the middle of the backfill (%d of %d items archived when the loop ended, %s)",
		kills, midIngest, archived(t, cfg.Database), want, time.Since(started).Round(time.Second))
	if midIngest < minMid {
		t.Fatalf("only %d kills landed while the backfill was running: the test proved too little\nlast run's stderr:\n%s", midIngest, lastStderr)
	}

	// A last run catches up and stops cleanly on SIGTERM.
	cmd := exec.Command(bin, "run", "--config", cfgPath)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(120 * time.Second)
	for !caughtUp(t, cfg.Database, world, accts, upTo) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the last run did not catch up in 120 s (%d of %d items)\n%s", archived(t, cfg.Database), want, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("vigia run exited with %v on SIGTERM\n%s", err, stderr.String())
	}

	matchTruth(t, cfg.Database, world, accts, upTo)
	out, err := exec.Command(bin, "verify", "--db", cfg.Database).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "íntegro") {
		t.Fatalf("vigia verify: %v\n%s", err, out)
	}
	if !t.Failed() {
		t.Logf("after %d SIGKILLs the archive holds the %d items of the ground truth, every version, integrity_check ok, hash chain verified",
			kills, want)
	}
}
