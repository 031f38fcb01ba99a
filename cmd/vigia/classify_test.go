package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
