package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// demoArchive runs "vigia demo --duration 3s" in a child until it stops by itself
// and returns the path of the archive it wrote.
func demoArchive(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	c := startChild(t, dir, "demo", "--db", db, "--duration", "3s", "--listen", "127.0.0.1:0")
	if code := c.wait(); code != exitOK {
		c.fail("vigia demo --duration 3s: exit status %d, want 0", code)
	}
	out := c.stdout.String()
	for _, w := range []string{"Métricas: http://127.0.0.1:", "La demo se detendrá sola en 3s.", "Demo detenida", db} {
		if !strings.Contains(out, w) {
			c.fail("vigia demo --duration 3s: stdout lacks %q", w)
		}
	}
	return db
}

// copyArchive copies the archive at src, with its write-ahead log if there is one,
// into a new directory.
func copyArchive(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	for _, suffix := range []string{"", "-wal"} {
		in, err := os.Open(src + suffix)
		if suffix != "" && os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(dst + suffix)
		if err != nil {
			in.Close()
			t.Fatal(err)
		}
		_, err = io.Copy(out, in)
		in.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// sqlite runs one SQL script on db with the sqlite3 command-line tool, as someone
// tampering with the archive would, and returns its output.
func sqlite(t *testing.T, bin, db, script string) string {
	t.Helper()
	out, err := exec.Command(bin, db, script).CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3 %s %q: %v\n%s", db, script, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestVerify(t *testing.T) {
	t.Parallel()
	src := demoArchive(t)
	sqlite3, _ := exec.LookPath("sqlite3")

	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigia.yaml")
	writeFile(t, cfg, simConfig(src, "cncs-sim"))

	type tamper struct {
		pick  string // query returning the id of the record the script changes
		apply string
		want  string // expected text; %d is the picked id
	}
	tests := []struct {
		name     string
		args     func(db string) []string
		tamper   *tamper
		wantCode int
		want     []string
	}{
		{name: "intact", args: func(db string) []string { return []string{"--db", db} },
			wantCode: exitOK, want: []string{": íntegro: ", "registros verificados; cabeza de la cadena "}},
		{name: "intact through --config", args: func(string) []string { return []string{"--config", cfg} },
			wantCode: exitOK, want: []string{src + ": íntegro: "}},
		{name: "edited version", args: func(db string) []string { return []string{"--db", db} },
			tamper: &tamper{
				pick:  `SELECT MIN(id) FROM item_versions;`,
				apply: `UPDATE item_versions SET text='manipulado' WHERE id=(SELECT MIN(id) FROM item_versions);`,
				want:  "ALTERADO: el registro %d (tabla item_versions)",
			},
			wantCode: exitFindings, want: []string{"fue modificado"}},
		{name: "deleted version", args: func(db string) []string { return []string{"--db", db} },
			tamper: &tamper{
				pick:  `SELECT id FROM item_versions ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM item_versions);`,
				apply: `DELETE FROM item_versions WHERE id = (SELECT id FROM item_versions ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM item_versions));`,
				want:  "ALTERADO: el registro %d ",
			},
			wantCode: exitFindings, want: []string{"fue borrado"}},
	}
	// Each case gets its own copy, made before any case opens the archive.
	dbs := make([]string, len(tests))
	for i := range tests {
		dbs[i] = copyArchive(t, src)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := dbs[i]
			want := tt.want
			if tt.tamper != nil {
				if sqlite3 == "" {
					t.Skip("the sqlite3 command-line tool is not installed (.ci/run installs it); cannot tamper with the archive")
				}
				id, err := strconv.ParseInt(sqlite(t, sqlite3, db, tt.tamper.pick), 10, 64)
				if err != nil {
					t.Fatalf("pick the record to tamper with: %v", err)
				}
				sqlite(t, sqlite3, db, tt.tamper.apply)
				want = append([]string{fmt.Sprintf(tt.tamper.want, id)}, want...)
			}
			code, stdout, stderr := runCLI(t, append([]string{"verify"}, tt.args(db)...)...)
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			for _, w := range want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestVerifyUsage(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "no-existe.db")
	t.Cleanup(func() { // after the parallel subtests
		if _, err := os.Stat(missing); err == nil {
			t.Error("verify created the archive it was asked to check")
		}
	})
	tests := []struct {
		name string
		args []string
		want *regexp.Regexp
	}{
		{name: "neither --db nor --config", args: nil,
			want: regexp.MustCompile(`indique el archivo con --db RUTA o la configuración con --config ARCHIVO`)},
		{name: "both --db and --config", args: []string{"--db", "x.db", "--config", "vigia.yaml"},
			want: regexp.MustCompile(`use --db o --config, no ambos`)},
		{name: "archive does not exist", args: []string{"--db", missing},
			want: regexp.MustCompile(`no se pudo abrir ` + regexp.QuoteMeta(missing))},
		{name: "configuration does not exist", args: []string{"--config", missing + ".yaml"},
			want: regexp.MustCompile(`configuración inválida:\n.*` + regexp.QuoteMeta(missing+".yaml"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, append([]string{"verify"}, tt.args...)...)
			if code != exitError {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitError, stdout, stderr)
			}
			if !tt.want.MatchString(stderr) {
				t.Errorf("stderr does not match %q:\n%s", tt.want, stderr)
			}
		})
	}
}
