package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestGenerate_MatchesCommittedCorpus regenerates the corpus and compares it with the
// committed files, so the corpus is what this generator writes.
func TestGenerate_MatchesCommittedCorpus(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"train.jsonl", "heldout.jsonl"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from the committed corpus: run go generate ./policy/offensive", name)
		}
	}
}
