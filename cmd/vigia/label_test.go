package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
)

var labelT0 = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

// comment is a comment by others in the fixture archive.
type comment struct {
	id, author, text string
	flag             string // rule of its flag, if any
}

// labelArchive writes an archive with account "cncs-x" on network x holding the
// comments (and one own reply, "own") and returns its path.
func labelArchive(t *testing.T, comments ...comment) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := archive.Open(ctx, path, archive.Options{Now: func() time.Time { return labelT0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SyncAccounts(ctx, []archive.AccountInfo{{ID: "cncs-x", Network: "x", Handle: "ife_mx", Organ: "cncs"}}); err != nil {
		t.Fatal(err)
	}
	p := archive.Poll{Account: "cncs-x", Network: "x", Started: labelT0, Finished: labelT0,
		Batch: connectors.Batch{Cursor: connectors.Cursor("c1")}}
	for i, c := range comments {
		p.Batch.Items = append(p.Batch.Items, connectors.Item{ExternalID: c.id, Kind: connectors.KindComment, ParentID: "p", RootID: "p",
			AuthorID: c.author, AuthorHandle: "h_" + c.author, Text: c.text, CreatedAt: labelT0.Add(time.Duration(i) * time.Minute)})
		if c.flag != "" {
			p.Flags = append(p.Flags, archive.Flag{ExternalID: c.id, Rule: c.flag, Category: "insult", Severity: "x", Score: 0.9})
		}
	}
	p.Batch.Items = append(p.Batch.Items, connectors.Item{ExternalID: "own", Kind: connectors.KindReply, Own: true, Text: "Gracias", CreatedAt: labelT0})
	if _, err := s.Commit(ctx, p); err != nil {
		t.Fatal(err)
	}
	return path
}

func readDecisionRows(t *testing.T, path string) []archive.DecisionRow {
	t.Helper()
	s, err := archive.Open(context.Background(), path, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []archive.DecisionRow
	if err := s.Decisions(context.Background(), "", func(r archive.DecisionRow) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLabel(t *testing.T) {
	t.Parallel()
	comments := []comment{{"101", "u1", "eres un pendejo", "offensive"}, {"102", "u2", "renuncien todos, ineptos", "offensive_review"}}

	t.Run("a decision is recorded and the archive still verifies", func(t *testing.T) {
		t.Parallel()
		db := labelArchive(t, comments...)
		code, stdout, stderr := runCLI(t, "label", "--db", db, "--item", "x:101", "--decision", "block_confirmed",
			"--by", "Ana Torres", "--reason", "insulto directo", "--at", "2026-03-02T10:00:00-06:00")
		if code != exitOK || !strings.Contains(stdout, "Decisión registrada") || !strings.Contains(stdout, "x:101 block_confirmed (por Ana Torres)") {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		rows := readDecisionRows(t, db)
		if len(rows) != 1 || rows[0].By != "Ana Torres" || rows[0].Reason != "insulto directo" || rows[0].Source != "cli" ||
			!rows[0].At.Equal(time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)) || rows[0].Text != "eres un pendejo" {
			t.Fatalf("decisions = %+v", rows)
		}
		if code, stdout, _ := runCLI(t, "verify", "--db", db); code != exitOK {
			t.Fatalf("verify after label: exit %d: %s", code, stdout)
		}
	})

	t.Run("an unknown item exits 1 and names it", func(t *testing.T) {
		t.Parallel()
		db := labelArchive(t, comments...)
		code, _, stderr := runCLI(t, "label", "--db", db, "--item", "x:999", "--decision", "false_positive", "--by", "Ana")
		if code != exitFindings || !strings.Contains(stderr, "el elemento x:999 no está en el archivo") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		if rows := readDecisionRows(t, db); len(rows) != 0 {
			t.Fatalf("decisions = %+v", rows)
		}
	})

	t.Run("the account's own item exits 1", func(t *testing.T) {
		t.Parallel()
		db := labelArchive(t, comments...)
		code, _, stderr := runCLI(t, "label", "--db", db, "--item", "x:own", "--decision", "block_confirmed", "--by", "Ana")
		if code != exitFindings || !strings.Contains(stderr, "propia cuenta") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})

	t.Run("usage errors exit 2 in Spanish", func(t *testing.T) {
		t.Parallel()
		db := labelArchive(t, comments...)
		missing := filepath.Join(t.TempDir(), "no-existe.db")
		cases := []struct {
			name string
			args []string
			want string
		}{
			{"no item", []string{"--db", db, "--decision", "block_confirmed", "--by", "Ana"}, "indique --item RED:ID"},
			{"no by", []string{"--db", db, "--item", "x:101", "--decision", "block_confirmed"}, "indique --item RED:ID"},
			{"bad decision", []string{"--db", db, "--item", "x:101", "--decision", "bloquear", "--by", "Ana"}, `decisión desconocida "bloquear"`},
			{"bad item", []string{"--db", db, "--item", "101", "--decision", "unblocked", "--by", "Ana"}, "--item inválido"},
			{"bad at", []string{"--db", db, "--item", "x:101", "--decision", "unblocked", "--by", "Ana", "--at", "ayer"}, "--at inválido"},
			{"no archive", []string{"--item", "x:101", "--decision", "unblocked", "--by", "Ana"}, "indique el archivo con --db"},
			{"missing archive", []string{"--db", missing, "--item", "x:101", "--decision", "unblocked", "--by", "Ana"}, "no existe"},
			{"import and item", []string{"--db", db, "--import", "d.jsonl", "--item", "x:101"}, "no ambos"},
		}
		for _, c := range cases {
			code, _, stderr := runCLI(t, append([]string{"label"}, c.args...)...)
			if code != exitError || !strings.Contains(stderr, c.want) {
				t.Errorf("%s: exit %d, stderr %q, want %q", c.name, code, stderr, c.want)
			}
		}
		if rows := readDecisionRows(t, db); len(rows) != 0 {
			t.Fatalf("decisions = %+v", rows)
		}
	})
}

func TestLabel_Import(t *testing.T) {
	t.Parallel()
	comments := []comment{{"101", "u1", "eres un pendejo", "offensive"}, {"102", "u2", "renuncien todos", "offensive_review"},
		{"1790000000000000001", "u3", "idiotas", "offensive"}}
	good := strings.Join([]string{
		`{"network": "x", "id": "101", "decision": "block_confirmed", "by": "Ana", "reason": "insulto", "at": "2026-03-01T09:00:00Z"}`,
		``,
		`{"network": "x", "id": "102", "decision": "false_positive", "by": "Beto"}`,
		`{"network": "x", "id": 1790000000000000001, "decision": "blocked_on_network", "by": "Ana"}`,
	}, "\n") + "\n"

	t.Run("every line is recorded", func(t *testing.T) {
		t.Parallel()
		db := labelArchive(t, comments...)
		in := filepath.Join(t.TempDir(), "decisiones.jsonl")
		writeFile(t, in, good)
		code, stdout, stderr := runCLI(t, "label", "--db", db, "--import", in)
		if code != exitOK || !strings.Contains(stdout, "Importadas 3 decisiones") {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		rows := readDecisionRows(t, db)
		if len(rows) != 3 || rows[0].Source != "import" || rows[2].ExternalID != "1790000000000000001" ||
			!rows[0].At.Equal(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) {
			t.Fatalf("decisions = %+v", rows)
		}
	})

	bad := []struct {
		name, line, want string
		code             int
	}{
		{"unknown item", `{"network": "x", "id": "555", "decision": "block_confirmed", "by": "Ana"}`, "el elemento x:555 no está en el archivo", exitFindings},
		{"bad JSON", `{"network": "x", "id": "101",`, "JSON inválido", exitError},
		{"unknown field", `{"network": "x", "id": "101", "decision": "block_confirmed", "by": "Ana", "quien": "x"}`, "JSON inválido", exitError},
		{"missing by", `{"network": "x", "id": "101", "decision": "block_confirmed"}`, `falta el campo "by"`, exitError},
		{"bad decision", `{"network": "x", "id": "101", "decision": "bloquear", "by": "Ana"}`, `decisión desconocida "bloquear"`, exitError},
		{"bad time", `{"network": "x", "id": "101", "decision": "unblocked", "by": "Ana", "at": "02/03/2026"}`, `fecha inválida en "at"`, exitError},
		{"bad id", `{"network": "x", "id": 1.5, "decision": "unblocked", "by": "Ana"}`, `"id" debe ser un texto o un número entero`, exitError},
	}
	for _, tc := range bad {
		t.Run("a bad line is named and nothing is imported: "+tc.name, func(t *testing.T) {
			t.Parallel()
			db := labelArchive(t, comments...)
			in := filepath.Join(t.TempDir(), "decisiones.jsonl")
			writeFile(t, in, good+tc.line+"\n")
			code, _, stderr := runCLI(t, "label", "--db", db, "--import", in)
			if code != tc.code || !strings.Contains(stderr, fmt.Sprintf("decisiones.jsonl:%d: ", 5)) || !strings.Contains(stderr, tc.want) ||
				!strings.Contains(stderr, "No se importó ninguna decisión") {
				t.Fatalf("exit %d (want %d), stderr %q, want line 5 and %q", code, tc.code, stderr, tc.want)
			}
			if rows := readDecisionRows(t, db); len(rows) != 0 {
				t.Fatalf("decisions = %+v after a refused import", rows)
			}
		})
	}
}
