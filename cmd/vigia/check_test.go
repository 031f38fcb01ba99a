package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// badConfigDir holds one broken configuration per problem the loader reports.
const badConfigDir = "../../agent/testdata/config/bad"

// documentLevel are the bad configurations whose problem concerns the whole
// document, so their line names no key.
var documentLevel = map[string]bool{
	"not-a-mapping.yaml": true,
	"syntax-error.yaml":  true,
	"two-documents.yaml": true,
}

// simConfig is a configuration that validates against all.Registry(): one organ,
// the given accounts on the simulated network, a fixed simulated clock, the
// archive at db and the HTTP endpoints on a port the kernel picks.
func simConfig(db string, accounts ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `database: %q
listen: 127.0.0.1:0
log: {level: info, format: json}
networks:
  simulated:
    seed: 7
    epoch: 2005-07-01T00:00:00Z
    anchor: 2026-01-01T00:00:00Z
    backfill: 24h
organs:
  - id: cncs
    name: Coordinación Nacional de Comunicación Social
    head: {name: Laura Méndez Ortiz, email: laura.mendez@ife.org.mx}
    admins:
      titular: {name: Jorge Salinas Ruiz, email: jorge.salinas@ife.org.mx, level: mando_medio}
      suplente: {name: Ana Karen Torres Vega, email: ana.torres@ife.org.mx, level: operativo}
    attention_published: https://www.ife.org.mx/redes/horarios
    accounts:
`, db)
	for _, a := range accounts {
		h := strings.ReplaceAll(a, "-", "_")
		fmt.Fprintf(&b, "      - {id: %s, network: simulated, handle: %s, name: %s, url: https://simulated.invalid/%s,\n", a, h, h, h)
		fmt.Fprintf(&b, "         purpose: Difusión institucional, operation: Publica la CNCS en días hábiles,\n")
		fmt.Fprintf(&b, "         authorization: {oficio: CNCS/0001/2026, date: 2026-01-15}, registration_email: redes.%s@ife.org.mx}\n", h)
	}
	return b.String()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCheckBadConfigs(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(badConfigDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no configurations in %s", badConfigDir)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, "check", "--config", path)
			if code != exitFindings {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFindings, stdout, stderr)
			}
			if !strings.HasPrefix(stdout, path+": ") || !strings.Contains(stdout, "problema(s):") {
				t.Errorf("stdout does not open with %q and the count of problems:\n%s", path+": N problema(s):", stdout)
			}
			// Every problem is "file:line: key: message"; a document-level one has no key.
			pattern := `(?m)^\s+` + regexp.QuoteMeta(path) + `:[1-9][0-9]*: `
			if !documentLevel[name] {
				pattern += `[A-Za-z0-9_.\[\]-]+: \S`
			}
			if !regexp.MustCompile(pattern).MatchString(stdout) {
				t.Errorf("no problem line matching %q:\n%s", pattern, stdout)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "vigia.yaml")
	writeFile(t, good, simConfig(filepath.Join(dir, "vigia.db"), "cncs-sim", "cncs-sim-2"))
	missing := filepath.Join(dir, "no-existe.yaml")
	t.Cleanup(func() { // after the parallel subtests
		if _, err := os.Stat(filepath.Join(dir, "vigia.db")); err == nil {
			t.Error("check created the archive; it must only read the configuration")
		}
	})

	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{name: "valid", args: []string{"--config", good}, wantCode: exitOK,
			want: []string{good + ": configuración válida: 1 órganos, 2 cuentas."}},
		{name: "missing file", args: []string{"--config", missing}, wantCode: exitFindings,
			want: []string{missing + ": no se pudo leer el archivo de configuración"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, append([]string{"check"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}
