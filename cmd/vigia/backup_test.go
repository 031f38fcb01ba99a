package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBackupAndExport_WhileRunning copies and exports the archive of a running
// demo, checks both with vigia verify, and checks that verify catches a tampered
// export.
func TestBackupAndExport_WhileRunning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "vivo.db")
	c := startChild(t, dir, "demo", "--db", db, "--listen", "127.0.0.1:0", "--summary-every", "500ms")
	c.waitLine(c.stdout, regexp.MustCompile(`\] sondeos [0-9]+ .*comentarios [1-9]`))

	backup := filepath.Join(dir, "copia.db")
	code, stdout, stderr := runCLI(t, "backup", "--db", db, "--out", backup)
	if code != exitOK || !strings.Contains(stdout, "íntegra") {
		c.fail("vigia backup: status %d\n%s%s", code, stdout, stderr)
	}
	if stderr != "" {
		t.Errorf("vigia backup wrote to stderr (not a terminal: no progress bar expected):\n%s", stderr)
	}
	code, stdout, stderr = runCLI(t, "backup", "--db", db, "--out", backup)
	if code != exitError || !strings.Contains(stderr, "already exists") {
		t.Errorf("second backup onto the same file: status %d, stderr %q; want 2 and a refusal", code, stderr)
	}

	out := filepath.Join(dir, "evidencia")
	today := time.Now().Format(time.DateOnly)
	code, stdout, stderr = runCLI(t, "export", "--db", db, "--from", "2000-01-01", "--to", today, "--out", out)
	if code != exitOK || !strings.Contains(stdout, "SHA-256 de manifest.json") {
		c.fail("vigia export: status %d\n%s%s", code, stdout, stderr)
	}
	c.signal(syscall.SIGTERM)
	if code := c.wait(); code != exitOK {
		c.fail("demo stopped with status %d", code)
	}

	code, stdout, stderr = runCLI(t, "verify", backup)
	if code != exitOK || !strings.Contains(stdout, "íntegro") {
		t.Errorf("vigia verify %s: status %d\n%s%s", backup, code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "verify", "--export", out, "--db", db)
	if code != exitOK || !strings.Contains(stdout, "íntegra") || !strings.Contains(stdout, "Las anclas coinciden") {
		t.Errorf("vigia verify --export: status %d\n%s%s", code, stdout, stderr)
	}
	if err := os.Remove(filepath.Join(out, "media.jsonl")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "extra.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runCLI(t, "verify", "--export", out)
	for _, w := range []string{"ALTERADA: 2 problemas", "media.jsonl: falta el archivo", "extra.txt: sobra un archivo"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("verify of a tampered export lacks %q:\n%s", w, stdout)
		}
	}
	if code != exitFindings {
		t.Errorf("verify of a tampered export: status %d, want %d", code, exitFindings)
	}
}

func TestExport_BadUsage(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "no.db")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--db", db, "--from", "2026-01-01", "--out", "x"}, "indique --from, --to y --out"},
		{[]string{"export", "--db", db, "--from", "ayer", "--to", "2026-01-01", "--out", "x"}, `--from: fecha inválida "ayer"`},
		{[]string{"export", "--db", db, "--from", "2026-02-01", "--to", "2026-01-01", "--out", "x"}, "debe ser posterior"},
		{[]string{"export", "--db", db, "--from", "2026-01-01", "--to", "2026-01-31", "--out", "x"}, "no se pudo abrir"},
		{[]string{"backup", "--db", db}, "indique el archivo de la copia con --out"},
		{[]string{"verify", "a.db", "b.db"}, `argumento inesperado "b.db"`},
		{[]string{"verify", "a.db", "--db", "b.db"}, `argumento inesperado "b.db"`},
	} {
		code, _, stderr := runCLI(t, tt.args...)
		if code != exitError || !strings.Contains(stderr, tt.want) {
			t.Errorf("vigia %s: status %d, stderr %q; want 2 and %q", strings.Join(tt.args, " "), code, stderr, tt.want)
		}
	}
}
