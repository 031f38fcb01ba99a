package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated/simcheck"
	"github.com/ife-mx/vigia/connectors/x"
)

// TestBackfill_KilledAndResumed kills «vigia backfill» in the middle of an
// account's history, runs it again, and checks that the archive then holds the
// account's history exactly as the simulation published it.
func TestBackfill_KilledAndResumed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	anchor := time.Now()
	cfgPath, cfg, world := simulatedSetup(t, dir, crashConfig(dir, anchor, 96*time.Hour), anchor)
	acct := cfg.Accounts()[0]
	upTo := world.SimNow(anchor.Add(time.Hour))
	want := int64(len(world.Truth(acct, upTo).Items))

	c := startChild(t, dir, "backfill", "--config", cfgPath, "--account", acct.ID)
	for archived(t, cfg.Database) == 0 {
		select {
		case <-c.exited:
			c.fail("vigia backfill exited (status %d) before the first commit was seen", c.code)
		case <-c.deadline:
			c.fail("no commit within %s", childDeadline)
		case <-time.After(2 * time.Millisecond): // poll interval, not an assertion
		}
	}
	_ = c.cmd.Process.Kill()
	<-c.exited
	mid := archived(t, cfg.Database)
	if mid >= want {
		t.Fatalf("the kill landed after the whole history (%d of %d items): the test proves nothing", mid, want)
	}

	code, stdout, stderr := runCLI(t, "backfill", "--config", cfgPath, "--account", acct.ID)
	if code != exitOK || !strings.Contains(stdout, "Historia de cncs-sim capturada") {
		t.Fatalf("vigia backfill after the kill: status %d\n%s%s", code, stdout, stderr)
	}
	ctx := context.Background()
	store, err := archive.Open(ctx, cfg.Database, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	diffs, err := simcheck.Compare(ctx, store, world, []connectors.Account{acct}, upTo, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
	if got := archived(t, cfg.Database); got != want {
		t.Errorf("archive holds %d items, the account published %d (killed at %d)", got, want, mid)
	}
	if rep, err := store.Verify(ctx); err != nil || rep.Problem != nil {
		t.Errorf("verify: %v %v", rep.Problem, err)
	}

	code, stdout, _ = runCLI(t, "backfill", "--config", cfgPath, "--account", acct.ID, "--since", "2026-01-01")
	if code != exitOK || !strings.Contains(stdout, " 0 elementos nuevos") {
		t.Errorf("a backfill of a caught-up account: status %d, %q; want nothing new", code, stdout)
	}
}

func TestBackfill_BadUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "vigia.yaml")
	if err := os.WriteFile(cfgPath, []byte(crashConfig(dir, time.Now(), 720*time.Hour)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"backfill", "--config", cfgPath}, "indique la cuenta con --account"},
		{[]string{"backfill", "--config", cfgPath, "--account", "nadie"}, `la cuenta "nadie" no está`},
		{[]string{"backfill", "--config", cfgPath, "--account", "cncs-sim", "--since", "ayer"}, `--since: fecha inválida "ayer"`},
		{[]string{"backfill", "--config", cfgPath, "--account", "cncs-sim", "--since", "2999-01-01"}, "está en el futuro"},
		{[]string{"backfill", "--config", filepath.Join(dir, "no.yaml"), "--account", "a"}, "configuración inválida"},
	} {
		code, _, stderr := runCLI(t, tt.args...)
		if code != exitError || !strings.Contains(stderr, tt.want) {
			t.Errorf("vigia %s: status %d, stderr %q; want 2 and %q", strings.Join(tt.args, " "), code, stderr, tt.want)
		}
	}
}

func TestSetNetworkKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg, err := agent.ParseConfig([]byte(strings.Replace(crashConfig(dir, time.Now(), 720*time.Hour), "networks:\n", "networks:\n  x: {backfill: 1h, max_results: 50}\n", 1)),
		filepath.Join(dir, "v.yaml"), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	setNetworkKey(cfg, "x", "backfill", (2160 * time.Hour).String())
	setNetworkKey(cfg, "bluesky", "backfill", "48h0m0s")
	xc := x.DefaultConfig()
	if err := cfg.NetworkDecoder("x")(&xc); err != nil {
		t.Fatal(err)
	}
	if xc.Backfill != 2160*time.Hour || xc.MaxResults != 50 {
		t.Errorf("x section after --since: backfill %v, max_results %d; want 2160h and the file's 50", xc.Backfill, xc.MaxResults)
	}
	var bs struct {
		Backfill time.Duration `yaml:"backfill"`
	}
	if err := cfg.NetworkDecoder("bluesky")(&bs); err != nil || bs.Backfill != 48*time.Hour {
		t.Errorf("bluesky section created by --since: %v, %v", bs.Backfill, err)
	}
}
