package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

func TestPprofListen(t *testing.T) {
	t.Parallel()
	for addr, ok := range map[string]bool{
		"127.0.0.1:6060": true, "127.0.0.2:0": true, "[::1]:6060": true, "localhost:6060": true,
		":6060": false, "0.0.0.0:6060": false, "[::]:6060": false, "10.0.0.1:6060": false,
		"monitoreo.ife.org.mx:6060": false, "6060": false, "127.0.0.1:": false,
	} {
		if err := pprofListen(addr); (err == nil) != ok {
			t.Errorf("pprofListen(%q) = %v, want ok %v", addr, err, ok)
		}
	}
}

func TestRunPprofRefusesOtherInterfaces(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, "run", "--config", filepath.Join(t.TempDir(), "no-existe.yaml"), "--pprof", "0.0.0.0:6060")
	if code != exitError || !strings.Contains(stderr, `--pprof "0.0.0.0:6060": solo se permite una dirección de loopback`) {
		t.Errorf("exit status %d, want %d; stderr:\n%s", code, exitError, stderr)
	}
}

// pprofRe finds the address of the profiles in the agent's JSON logs.
var pprofRe = regexp.MustCompile(`"pprof":"(127\.0\.0\.1:[1-9][0-9]*)"`)

func TestRunPprof(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigia.yaml")
	writeFile(t, cfg, simConfig(filepath.Join(dir, "vigia.db"), "cncs-sim"))

	c := startChild(t, dir, "run", "--config", cfg, "--pprof", "127.0.0.1:0")
	prof := "http://" + c.waitLine(c.stderr, pprofRe)[1]
	base := "http://" + c.waitLine(c.stderr, listenRe)[1]
	c.waitStatus(base+"/readyz", http.StatusOK)

	if code, body := get(t, prof+"/debug/pprof/heap?debug=1"); code != http.StatusOK || !strings.Contains(body, "heap profile:") {
		c.fail("GET /debug/pprof/heap on --pprof: %d %.200q, want 200 and a heap profile", code, body)
	}
	if code, body := get(t, prof+"/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		c.fail("GET /debug/pprof/ on --pprof: %d %.200q, want 200 and the index", code, body)
	}
	// The profiles are not on the metrics listener.
	if code, _ := get(t, base+"/debug/pprof/heap"); code != http.StatusNotFound {
		c.fail("GET /debug/pprof/heap on the metrics listener: %d, want 404", code)
	}
	c.signal(syscall.SIGTERM)
	if code := c.wait(); code != exitOK {
		c.fail("after SIGTERM: exit status %d, want 0", code)
	}
}
