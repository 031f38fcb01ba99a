package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ife-mx/vigia/policy/offensive"
)

type verdictJSON struct {
	Score      float64  `json:"score"`
	Band       string   `json:"band"`
	Categories []string `json:"categories"`
	Evidence   []struct {
		Start, End int
		Text       string
	} `json:"evidence"`
}

func TestClassify(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "comentarios.txt")
	lines := []string{
		"eres un pendejo de mierda",
		`{"text": "¿Dónde está mi casilla? Soy de la sección 1234"}`,
		"El diputado votó contra la reforma: qué vergüenza de congreso, renuncien",
		"no mames, está cabrón el tráfico para llegar al módulo",
		`{"text": "<script>alert(1)</script> te voy a matar, \u202e idiota", "id": 7}`,
	}
	writeFile(t, in, strings.Join(lines, "\n")+"\n")
	code, stdout, stderr := runCLI(t, "classify", in)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(out) != len(lines) {
		t.Fatalf("%d verdicts for %d comments:\n%s", len(out), len(lines), stdout)
	}
	var v []verdictJSON
	for i, l := range out {
		var x verdictJSON
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i+1, err, l)
		}
		if x.Score < 0 || x.Score > 1 || x.Categories == nil || x.Evidence == nil {
			t.Errorf("line %d: %+v", i+1, x)
		}
		v = append(v, x)
	}
	if v[0].Band != "recommend_block" || len(v[0].Evidence) == 0 || !strings.Contains(lines[0][v[0].Evidence[0].Start:v[0].Evidence[0].End], "pendejo") {
		t.Errorf("insult: %+v", v[0])
	}
	for _, i := range []int{1, 2, 3} {
		if v[i].Band != "none" {
			t.Errorf("line %d (%q) = %s, want none", i+1, lines[i], v[i].Band)
		}
	}
	if v[4].Band == "none" {
		t.Errorf("a threat stayed none: %+v", v[4])
	}

	t.Run("bad JSON names the line", func(t *testing.T) {
		bad := filepath.Join(dir, "malo.jsonl")
		writeFile(t, bad, "hola\n{\"texto\": \"x\"}\n")
		code, _, stderr := runCLI(t, "classify", bad)
		if code != exitError || !strings.Contains(stderr, "malo.jsonl:2") || !strings.Contains(stderr, `"text"`) {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("a missing file", func(t *testing.T) {
		code, _, _ := runCLI(t, "classify", filepath.Join(dir, "no.txt"))
		if code != exitError {
			t.Fatalf("exit %d", code)
		}
	})
}

func TestTrain(t *testing.T) {
	t.Parallel()
	corpus := filepath.Join("..", "..", "policy", "offensive", "testdata", "corpus")
	out := filepath.Join(t.TempDir(), "modelo.bin")
	code, stdout, stderr := runCLI(t, "train", "--in", filepath.Join(corpus, "train.jsonl"),
		"--heldout", filepath.Join(corpus, "heldout.jsonl"), "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Modelo entrenado con") || !strings.Contains(stdout, "recommend_block") {
		t.Fatalf("stdout: %s", stdout)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
		t.Fatalf("model file: %v", err)
	}
	// the trained model classifies
	in := filepath.Join(t.TempDir(), "c.txt")
	writeFile(t, in, "eres un pendejo\n")
	code, stdout, stderr = runCLI(t, "classify", "--model", out, in)
	if code != exitOK || !strings.Contains(stdout, `"band":"recommend_block"`) {
		t.Fatalf("classify with the trained model: exit %d, %s %s", code, stdout, stderr)
	}
	if code, _, _ := runCLI(t, "train", "--in", filepath.Join(corpus, "train.jsonl")); code != exitError {
		t.Fatalf("train without --out: exit %d", code)
	}
}

func TestTrain_FromArchive(t *testing.T) {
	t.Parallel()
	db := labelArchive(t,
		comment{"101", "u1", "eres un pendejo de mierda", "offensive"},
		comment{"102", "u2", "renuncien todos, son unos ineptos", "offensive"},
		comment{"103", "u3", "lárgate a la chingada, idiota", "offensive_review"},
		comment{"104", "u4", "¿a qué hora abre el módulo de Tlalpan?", ""},
		comment{"105", "u5", "ojalá te mueras, rata", "offensive"},
	)
	for _, args := range [][]string{
		{"--item", "x:101", "--decision", "block_confirmed", "--by", "Ana"},
		{"--item", "x:102", "--decision", "block_confirmed", "--by", "Ana", "--at", "2026-03-02T10:00:00Z"},
		{"--item", "x:102", "--decision", "false_positive", "--by", "Beto", "--at", "2026-03-02T11:00:00Z"}, // the later verdict wins
		{"--item", "x:103", "--decision", "block_confirmed", "--by", "Ana"},
		{"--item", "x:104", "--decision", "false_positive", "--by", "Ana"},
		{"--item", "x:105", "--decision", "blocked_on_network", "--by", "Ana"}, // not a verdict on the text
	} {
		if code, _, stderr := runCLI(t, append([]string{"label", "--db", db}, args...)...); code != exitOK {
			t.Fatalf("label %v: exit %d: %s", args, code, stderr)
		}
	}
	ctx := context.Background()
	ex, st, err := archiveExamples(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	want := []offensive.Example{
		{Text: "eres un pendejo de mierda", Offensive: true, Group: "x:101"},
		{Text: "renuncien todos, son unos ineptos", Offensive: false, Group: "x:102"},
		{Text: "lárgate a la chingada, idiota", Offensive: true, Group: "x:103"},
		{Text: "¿a qué hora abre el módulo de Tlalpan?", Offensive: false, Group: "x:104"},
	}
	if !reflect.DeepEqual(ex, want) || st.offensive != 2 || st.ok != 2 {
		t.Fatalf("examples = %+v (%+v), want %+v", ex, st, want)
	}

	t.Run("merged with a labelled file", func(t *testing.T) {
		t.Parallel()
		corpus := filepath.Join("..", "..", "policy", "offensive", "testdata", "corpus")
		out := filepath.Join(t.TempDir(), "modelo.bin")
		code, stdout, stderr := runCLI(t, "train", "--from-archive", "--db", db, "--in", filepath.Join(corpus, "train.jsonl"), "--out", out)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, w := range []string{"2 ejemplos ofensivos (block_confirmed) y 2 correctos (false_positive)", "train.jsonl: ", "Modelo entrenado con"} {
			if !strings.Contains(stdout, w) {
				t.Errorf("stdout lacks %q:\n%s", w, stdout)
			}
		}
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
			t.Fatalf("model file: %v", err)
		}
	})
	t.Run("from the archive alone", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(t.TempDir(), "modelo.bin")
		code, stdout, stderr := runCLI(t, "train", "--from-archive", "--db", db, "--out", out)
		if code != exitOK || !strings.Contains(stdout, "Modelo entrenado con 4 ejemplos") {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
	})
	t.Run("one class only is refused in Spanish", func(t *testing.T) {
		t.Parallel()
		db := labelArchive(t, comment{"101", "u1", "eres un pendejo", "offensive"})
		if code, _, stderr := runCLI(t, "label", "--db", db, "--item", "x:101", "--decision", "block_confirmed", "--by", "Ana"); code != exitOK {
			t.Fatal(stderr)
		}
		code, _, stderr := runCLI(t, "train", "--from-archive", "--db", db, "--out", filepath.Join(t.TempDir(), "m.bin"))
		if code != exitError || !strings.Contains(stderr, "se necesitan ejemplos ofensivos y no ofensivos") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("usage", func(t *testing.T) {
		t.Parallel()
		cases := []struct {
			args []string
			want string
		}{
			{[]string{"train", "--db", db, "--in", "x.jsonl", "--out", "m"}, "solo sirven con --from-archive"},
			{[]string{"train", "--from-archive", "--db", db}, "indique --out"},
			{[]string{"train", "--from-archive", "--out", "m"}, "indique el archivo con --db"},
			{[]string{"train", "--from-archive", "--db", filepath.Join(t.TempDir(), "no.db"), "--out", "m"}, "no se pudo abrir"},
		}
		for _, c := range cases {
			if code, _, stderr := runCLI(t, c.args...); code != exitError || !strings.Contains(stderr, c.want) {
				t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
			}
		}
	})
}
