package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestOffenders(t *testing.T) {
	t.Parallel()
	db := labelArchive(t,
		comment{"101", "u1", "eres un pendejo", "offensive"},
		comment{"102", "u1", "pinche rata", "offensive"},
		comment{"103", "u2", "son unos ineptos", "offensive_review"},
		comment{"104", "u3", "ratero", "offensive"},
		comment{"105", "u4", "idiota", "offensive"},
		comment{"106", "u5", "¿a qué hora abren?", ""},
	)
	for _, args := range [][]string{
		{"--item", "x:104", "--decision", "false_positive", "--by", "Ana"},
		{"--item", "x:105", "--decision", "blocked_on_network", "--by", "Ana", "--at", "2026-03-03T10:00:00Z"},
	} {
		if code, _, stderr := runCLI(t, append([]string{"label", "--db", db}, args...)...); code != exitOK {
			t.Fatalf("label %v: exit %d: %s", args, code, stderr)
		}
	}

	t.Run("text", func(t *testing.T) {
		t.Parallel()
		code, stdout, stderr := runCLI(t, "offenders", "--db", db)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if len(lines) != 7 {
			t.Fatalf("want a header, 4 authors, a blank line and a summary:\n%s", stdout)
		}
		for i, w := range [][]string{
			{"CUENTA", "AUTOR", "USUARIO", "OFENSIVOS", "A REVISAR", "ÚLTIMA OFENSA", "BLOQUEADO", "RECOMENDACIÓN"},
			{"cncs-x", "u1", "@h_u1", " 2 ", "2026-03-02 15:01", " no ", "bloquear"},
			{"u2", "@h_u2", "revisar"},
			{"u4", "sí, desde 2026-03-03 10:00", "bloqueado"},
			{"u3", " 1 ", "ninguna"},
		} {
			for _, s := range w {
				if !strings.Contains(lines[i], s) {
					t.Errorf("line %d lacks %q:\n%s", i+1, s, stdout)
				}
			}
		}
		if !strings.Contains(lines[6], "4 autores: 1 por bloquear, 1 por revisar, 1 bloqueados, 1 sin acción pendiente") {
			t.Errorf("summary: %q", lines[6])
		}
	})
	t.Run("json", func(t *testing.T) {
		t.Parallel()
		code, stdout, stderr := runCLI(t, "offenders", "--db", db, "--account", "cncs-x", "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var rows []offenderJSON
		if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
			t.Fatalf("%v:\n%s", err, stdout)
		}
		if len(rows) != 4 || rows[0].AuthorID != "u1" || rows[0].Offensive != 2 || rows[0].Recommendation != "bloquear" ||
			rows[0].LastOffence == nil || rows[0].BlockedAt != nil || rows[3].FalsePositives != 1 || rows[3].LastOffence != nil {
			t.Fatalf("rows = %s", stdout)
		}
	})
	t.Run("an account without offenders", func(t *testing.T) {
		t.Parallel()
		code, stdout, _ := runCLI(t, "offenders", "--db", db, "--account", "otra")
		if code != exitOK || !strings.Contains(stdout, "La cuenta otra no tiene autores") {
			t.Fatalf("exit %d: %s", code, stdout)
		}
		code, stdout, _ = runCLI(t, "offenders", "--db", db, "--account", "otra", "--format", "json")
		if code != exitOK || strings.TrimSpace(stdout) != "[]" {
			t.Fatalf("exit %d: %q", code, stdout)
		}
	})
	t.Run("usage", func(t *testing.T) {
		t.Parallel()
		if code, _, stderr := runCLI(t, "offenders", "--db", db, "--format", "csv"); code != exitError || !strings.Contains(stderr, "--format inválido") {
			t.Errorf("exit %d, %s", code, stderr)
		}
		if code, _, stderr := runCLI(t, "offenders"); code != exitError || !strings.Contains(stderr, "indique el archivo con --db") {
			t.Errorf("exit %d, %s", code, stderr)
		}
	})
}
