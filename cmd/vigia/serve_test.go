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

// waitStatus fetches url until it answers want; it fails if the child exits or the
// deadline passes first.
func (c *child) waitStatus(url string, want int) {
	c.t.Helper()
	for {
		code, body := get(c.t, url)
		if code == want {
			return
		}
		select {
		case <-c.exited:
			c.fail("vigia exited (status %d) before %s answered %d (last: %d %q)", c.code, url, want, code, body)
		case <-c.deadline:
			c.fail("%s did not answer %d within %s (last: %d %q)", url, want, childDeadline, code, body)
		case <-time.After(50 * time.Millisecond): // poll interval, not an assertion
		}
	}
}

// replaceFile writes content to path atomically, so a reload never reads half a file.
func replaceFile(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	writeFile(t, tmp, content)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestDemoInterrupt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := startChild(t, dir, "demo", "--db", filepath.Join(dir, "demo.db"), "--listen", "127.0.0.1:0")
	base := c.waitLine(c.stdout, regexp.MustCompile(`^Métricas: (http://127\.0\.0\.1:[0-9]+)/metrics`))[1]
	c.waitLine(c.stdout, regexp.MustCompile(`^Ctrl-C para detener\.$`))

	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := get(t, base+path); code != http.StatusOK {
			t.Errorf("GET %s: %d %q, want 200", path, code, body)
		}
	}
	code, body := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Errorf("GET /metrics: %d, want 200", code)
	}
	for _, name := range []string{"vigia_polls_total", "vigia_items_archived_total", "vigia_build_info", "vigia_archive_size_bytes"} {
		if !strings.Contains(body, "\n# TYPE "+name+" ") {
			t.Errorf("/metrics has no %s:\n%s", name, body)
		}
	}

	c.signal(os.Interrupt)
	if code := c.wait(); code != exitOK {
		c.fail("after Ctrl-C: exit status %d, want 0", code)
	}
	if out := c.stdout.String(); !strings.Contains(out, "Demo detenida") {
		c.fail("after Ctrl-C: stdout lacks %q", "Demo detenida")
	}
}

// listenRe finds the address the agent bound in its JSON logs.
var listenRe = regexp.MustCompile(`"listen":"(127\.0\.0\.1:[1-9][0-9]*)"`)

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigia.yaml")
	db := filepath.Join(dir, "vigia.db")
	writeFile(t, cfg, simConfig(db, "cncs-sim"))

	c := startChild(t, dir, "run", "--config", cfg)
	base := "http://" + c.waitLine(c.stderr, listenRe)[1]
	c.waitStatus(base+"/readyz", http.StatusOK) // SIGHUP is handled from here on
	c.waitMetrics(base, "vigia_config_last_reload_successful 1")
	c.waitMetrics(base, `vigia_accounts{network="simulated",status="active"} 1`)

	// A broken file is refused and the agent keeps running on the previous one.
	replaceFile(t, cfg, "database: [sin cerrar\n")
	c.signal(syscall.SIGHUP)
	c.waitMetrics(base, "vigia_config_last_reload_successful 0")
	if code, body := get(t, base+"/readyz"); code != http.StatusOK {
		c.fail("after a refused reload: GET /readyz: %d %q, want 200", code, body)
	}
	c.waitMetrics(base, `vigia_accounts{network="simulated",status="active"} 1`)

	// A valid file is applied.
	replaceFile(t, cfg, simConfig(db, "cncs-sim", "cncs-sim-2"))
	c.signal(syscall.SIGHUP)
	c.waitMetrics(base, "vigia_config_last_reload_successful 1")
	c.waitMetrics(base, `vigia_accounts{network="simulated",status="active"} 2`)
	if code, body := get(t, base+"/readyz"); code != http.StatusOK {
		c.fail("after a reload: GET /readyz: %d %q, want 200", code, body)
	}

	c.signal(syscall.SIGTERM)
	if code := c.wait(); code != exitOK {
		c.fail("after SIGTERM: exit status %d, want 0", code)
	}

	// What it archived verifies.
	code, stdout, stderr := runCLI(t, "verify", "--db", db)
	if code != exitOK || !strings.Contains(stdout, "íntegro") {
		t.Errorf("verify after run: exit status %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestRunInvalidConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "vigia.yaml")
	writeFile(t, bad, "database: [sin cerrar\n")
	for _, tt := range []struct {
		name, path string
	}{
		{"missing", filepath.Join(dir, "no-existe.yaml")},
		{"syntax error", bad},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, "run", "--config", tt.path)
			if code != exitError {
				t.Errorf("exit status %d, want %d\nstderr:\n%s", code, exitError, stderr)
			}
			if !strings.Contains(stderr, "vigia run: configuración inválida:") || !strings.Contains(stderr, tt.path) {
				t.Errorf("stderr does not name the configuration %s:\n%s", tt.path, stderr)
			}
		})
	}
}
