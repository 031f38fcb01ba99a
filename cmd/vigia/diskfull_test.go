package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ife-mx/vigia/internal/tmpfs"
)

// TestRun_DiskFull runs the daemon with its archive on a 512 KiB tmpfs during a
// 5-day backfill of five accounts: the filesystem fills, the daemon keeps
// running, says so once in an error line and in
// vigia_archive_write_errors_total{reason="disk_full"}; once the tmpfs grows it
// says the archive is writable again and catches up, and after SIGTERM the
// archive equals the simulation's ground truth and verifies.
func TestRun_DiskFull(t *testing.T) {
	t.Parallel()
	dir := tmpfs.Mount(t, "512k")
	anchor := time.Now()
	cfgPath := filepath.Join(t.TempDir(), "vigia.yaml")
	// Failed polls back off up to scheduler.max_backoff, so polling resumes at
	// most that long after space returns: its minimum, 10s, here.
	cfgText := strings.NewReplacer(
		"log: {level: warn}", "log: {level: info, format: json}",
		"defaults: {jitter: 0}", "defaults: {jitter: 0, poll_interval: 10s}\nscheduler: {max_backoff: 10s}",
	).Replace(crashConfig(dir, anchor, 120*time.Hour))
	if !strings.Contains(cfgText, "max_backoff: 10s") || !strings.Contains(cfgText, "format: json") {
		t.Fatalf("crashConfig changed shape; adapt this test:\n%s", cfgText)
	}
	writeFile(t, cfgPath, cfgText)
	cfg, world, upTo, want := crashWorld(t, cfgPath, anchor)

	c := startChild(t, t.TempDir(), "run", "--config", cfgPath)
	base := "http://" + c.waitLine(c.stderr, listenRe)[1]
	c.waitLine(c.stderr, regexp.MustCompile(`"level":"ERROR","msg":"archive full: nothing of this poll was stored and the cursor stays.*database or disk is full`))
	v, err := strconv.ParseFloat(metricValue(t, base, `vigia_archive_write_errors_total{reason="disk_full"}`), 64)
	if err != nil || v < 1 {
		c.fail("vigia_archive_write_errors_total{reason=\"disk_full\"} = %v (%v) with the archive full", v, err)
	}
	if got := archived(t, cfg.Database); got >= int64(want) {
		c.fail("the whole backfill (%d items) fitted in 512 KiB: the test proves nothing", got)
	}
	if got := archived(t, cfg.Database); got > 0 {
		t.Logf("full at %d of %d items", got, want)
	}

	tmpfs.Resize(t, dir, "512m")
	c.waitLine(c.stderr, regexp.MustCompile(`"msg":"archive writable again: polls resume where they stopped"`))
	for n := int64(0); n < int64(want); {
		n = c.waitArchiving(cfg.Database, n, int64(want))
	}
	// Every item is in; the poll that marks the last deletions may still be on its way.
	for !caughtUp(t, cfg.Database, world, cfg.Accounts(), upTo) {
		select {
		case <-c.exited:
			c.fail("vigia exited (status %d) before the archive caught up", c.code)
		case <-c.deadline:
			c.fail("the archive holds every item but not every deletion mark after %s", childDeadline)
		case <-time.After(100 * time.Millisecond): // poll interval, not an assertion
		}
	}
	c.signal(syscall.SIGTERM)
	if code := c.wait(); code != exitOK {
		c.fail("after SIGTERM: exit status %d, want 0", code)
	}

	matchTruth(t, cfg.Database, world, cfg.Accounts(), upTo)
	code, stdout, stderr := runCLI(t, "verify", "--db", cfg.Database)
	if code != exitOK || !strings.Contains(stdout, "íntegro") {
		t.Errorf("verify: exit status %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
