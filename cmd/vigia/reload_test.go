package main

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// metricValue returns the value of the sample name (with its labels, if any) in
// the exposition at base/metrics.
func metricValue(t *testing.T, base, name string) string {
	t.Helper()
	_, body := get(t, base+"/metrics")
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no sample %s", name)
	}
	return m[1]
}

// waitArchiving waits until the archive in db holds more items than n (the
// daemon is still polling and committing) or all of them, want. It fails the
// test if the child exits or the deadline passes first.
func (c *child) waitArchiving(db string, n, want int64) int64 {
	c.t.Helper()
	for {
		if m := archived(c.t, db); m > n || m >= want {
			return m
		}
		select {
		case <-c.exited:
			c.fail("vigia exited (status %d) while it should be archiving", c.code)
		case <-c.deadline:
			c.fail("the archive stayed at %d items for %s: polling stopped", n, childDeadline)
		case <-time.After(20 * time.Millisecond): // poll interval, not an assertion
		}
	}
}

// TestRun_ReloadBrokenUnderLoad sends SIGHUP with a broken configuration file
// while a 90-day backfill of five accounts streams into the archive: each time
// the previous configuration stays in force, vigia_config_last_reload_successful
// reads 0 and its success timestamp does not move, an error line says why, and
// polls go on committing. A burst of SIGHUPs does not hurt either; a fixed file
// is then applied, and SIGTERM stops the daemon with an archive that verifies.
func TestRun_ReloadBrokenUnderLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "vigia.yaml")
	anchor := time.Now()
	good := crashConfig(dir, anchor, 2160*time.Hour)
	good = strings.Replace(good, "log: {level: warn}", "log: {level: info, format: json}", 1)
	writeFile(t, cfgPath, good)
	db := filepath.Join(dir, "vigia.db")
	_, _, _, total := crashWorld(t, cfgPath, anchor)
	want := int64(total)

	c := startChild(t, dir, "run", "--config", cfgPath)
	base := "http://" + c.waitLine(c.stderr, listenRe)[1]
	c.waitStatus(base+"/readyz", http.StatusOK) // SIGHUP is handled from here on
	c.waitMetrics(base, "vigia_config_last_reload_successful 1")
	loadedAt := metricValue(t, base, "vigia_config_last_reload_success_timestamp_seconds")
	n := c.waitArchiving(db, 0, want)

	head, _, _ := strings.Cut(good, "    admins:")
	broken := []struct {
		name, content string
		why           *regexp.Regexp // what the error line must say
	}{
		{"yaml syntax", "database: [sin cerrar\n", regexp.MustCompile(`"msg":"configuration reload refused; keeping the previous one","error":".*vigia\.yaml:1`)},
		{"half-written file", head, regexp.MustCompile(`"msg":"configuration reload refused.*organs\[0\]\.admins: faltan los administradores`)},
		{"unknown network", strings.Replace(good, "{id: oaxaca-sim, network: simulated", "{id: oaxaca-sim, network: myspace", 1),
			regexp.MustCompile(`"msg":"configuration reload refused.*red desconocida \\"myspace\\"`)},
		{"unknown key", strings.Replace(good, "defaults: {jitter: 0}", "defaults: {jitter: 0, intervalo: 5m}", 1),
			regexp.MustCompile(`"msg":"configuration reload refused.*defaults\.intervalo`)},
		{"file removed", "", regexp.MustCompile(`"msg":"configuration reload refused.*vigia\.yaml: no se pudo leer el archivo de configuración: no existe`)},
	}
	for _, b := range broken {
		if b.content == "" {
			if err := os.Remove(cfgPath); err != nil {
				t.Fatal(err)
			}
		} else {
			replaceFile(t, cfgPath, b.content)
		}
		c.signal(syscall.SIGHUP)
		c.waitLine(c.stderr, b.why)
		c.waitMetrics(base, "vigia_config_last_reload_successful 0")
		if got := metricValue(t, base, "vigia_config_last_reload_success_timestamp_seconds"); got != loadedAt {
			c.fail("%s: the last successful load moved from %s to %s", b.name, loadedAt, got)
		}
		if code, body := get(t, base+"/readyz"); code != http.StatusOK {
			c.fail("%s: GET /readyz: %d %q after a refused reload", b.name, code, body)
		}
		c.waitMetrics(base, `vigia_accounts{network="simulated",status="active"} 5`)
		n = c.waitArchiving(db, n, want) // the previous configuration keeps polling
	}

	if n >= want {
		t.Logf("the backfill ended during the broken reloads: polls going on was not shown for all of them")
	} else {
		t.Logf("%d of %d items archived after the broken reloads: they came during the backfill", n, want)
	}

	// A burst of reloads of a broken file while polls run.
	replaceFile(t, cfgPath, "organs: {\n")
	for range 20 {
		c.signal(syscall.SIGHUP)
	}
	n = c.waitArchiving(db, n, want)
	c.waitMetrics(base, "vigia_config_last_reload_successful 0")

	replaceFile(t, cfgPath, good)
	c.signal(syscall.SIGHUP)
	c.waitMetrics(base, "vigia_config_last_reload_successful 1")
	c.waitArchiving(db, n, want)
	c.signal(syscall.SIGTERM)
	if code := c.wait(); code != exitOK {
		c.fail("after SIGTERM: exit status %d, want 0", code)
	}
	if strings.Contains(c.stderr.String(), "panic") {
		c.fail("the daemon panicked")
	}
	code, stdout, stderr := runCLI(t, "verify", "--db", db)
	if code != exitOK || !strings.Contains(stdout, "íntegro") {
		t.Errorf("verify: exit status %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
