package offensive

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite data/model.bin from testdata/corpus/train.jsonl")

func loadSplit(t testing.TB, name string) []Example {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "corpus", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xs, err := LoadExamples(f)
	if err != nil {
		t.Fatal(err)
	}
	return xs
}

// TestTrain_ReproducesEmbedded retrains from the training split and checks that the result
// is the shipped model, so the shipped weights are honest. With -update it rewrites them.
func TestTrain_ReproducesEmbedded(t *testing.T) {
	if testing.Short() && !*update {
		t.Skip("training takes a few seconds")
	}
	train := loadSplit(t, "train")
	m, err := Train(train, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("data", "model.bin"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote data/model.bin: %d bytes, review=%.2f block=%.2f info=%+v", buf.Len(), m.Review, m.Block, m.Info)
		return
	}
	emb, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	if m.Bits != emb.Bits || m.Review != emb.Review || m.Block != emb.Block {
		t.Fatalf("retrained bits/review/block = %d/%.2f/%.2f, embedded %d/%.2f/%.2f", m.Bits, m.Review, m.Block, emb.Bits, emb.Review, emb.Block)
	}
	if math.Abs(m.Bias-emb.Bias) > 1e-6 {
		t.Errorf("bias %v, embedded %v", m.Bias, emb.Bias)
	}
	scale := float64(quantScale(emb.Weights))
	diff := 0
	for i := range m.Weights {
		if math.Abs(float64(m.Weights[i]-emb.Weights[i])) > 1.5*scale {
			diff++
		}
	}
	if diff > 0 {
		t.Errorf("%d weights differ from the embedded model by more than one quantisation step", diff)
	}
	// And the held-out figures agree.
	held := loadSplit(t, "heldout")
	c1, _ := New(Options{Model: m})
	c2, _ := Default()
	r1, r2 := Evaluate(c1, held), Evaluate(c2, held)
	if r1.Review != r2.Review || r1.Block != r2.Block {
		t.Errorf("held-out figures differ: retrained %+v %+v, embedded %+v %+v", r1.Review, r1.Block, r2.Review, r2.Block)
	}
}

// TestHeldout reports precision, recall and F1 per band on the held-out split.
func TestHeldout(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	held := loadSplit(t, "heldout")
	r := Evaluate(c, held)
	t.Logf("held-out split:\n%s", r)
	for _, e := range r.Errors {
		t.Logf("miss: %-13s %.3f %-15s %q", e.Example.Category, e.Verdict.Score, e.Verdict.Band, e.Example.Text)
	}
	for _, e := range held {
		if !e.Offensive {
			if v := c.Classify(e.Text); v.Band == BandBlock {
				t.Logf("false block: %-10s %.3f %q %+v", e.Category, v.Score, e.Text, v.Evidence)
			}
		}
	}
	if r.Block.Precision < 0.90 {
		t.Errorf("precision at recommend_block = %.3f, want ≥ 0.90", r.Block.Precision)
	}
	if n := r.ByCategory["criticism"][BandBlock]; n != 0 {
		t.Errorf("%d legitimate criticisms reached recommend_block, want 0", n)
	}
	for _, e := range held {
		if e.Category == "criticism" {
			if v := c.Classify(e.Text); v.Band == BandBlock {
				t.Errorf("criticism at recommend_block: %q %+v", e.Text, v)
			}
		}
	}
}

// TestCorpus_Shape checks the corpus the weights come from: its size by category, and that
// no template family straddles the split.
func TestCorpus_Shape(t *testing.T) {
	t.Parallel()
	train, held := loadSplit(t, "train"), loadSplit(t, "heldout")
	count := map[string]int{}
	offensive := 0
	groups := map[string]string{}
	for split, xs := range map[string][]Example{"train": train, "heldout": held} {
		for _, e := range xs {
			count[e.Category]++
			if e.Offensive {
				offensive++
			}
			if e.Group == "" {
				t.Fatalf("%s: example without group: %q", split, e.Text)
			}
			if s, ok := groups[e.Group]; ok && s != split {
				t.Errorf("family %s is in both splits", e.Group)
			}
			groups[e.Group] = split
		}
	}
	total := len(train) + len(held)
	t.Logf("corpus: %d examples (%d train, %d held-out), %d offensive; by category %v", total, len(train), len(held), offensive, count)
	if total < 3000 || offensive < 600 || count["criticism"] < 600 || count["idiom"] < 300 {
		t.Errorf("corpus too small: total %d, offensive %d, criticism %d, idiom %d", total, offensive, count["criticism"], count["idiom"])
	}
	for _, c := range []string{CatInsult, CatFamilyCurse, CatSexual, CatHomophobic, CatMisogynistic, CatRacist, CatDehumanising, CatThreat} {
		if count[c] < 50 {
			t.Errorf("category %s has %d examples", c, count[c])
		}
	}
	if f := float64(len(held)) / float64(total); f < 0.15 || f > 0.25 {
		t.Errorf("held-out share %.2f", f)
	}
}
