package offensive

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

// FuzzLoadModel feeds arbitrary model files, raw and gzip-compressed (so the
// fuzzer reaches the format inside): loading never panics, and a model it
// accepts classifies text with a score in [0, 1].
func FuzzLoadModel(f *testing.F) {
	f.Add(smallModelFile(f), true)
	f.Add([]byte(modelMagic), true)
	f.Add([]byte{}, true)
	f.Fuzz(func(t *testing.T, b []byte, compress bool) {
		if compress {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(b)
			zw.Close()
			b = buf.Bytes()
		}
		m, err := LoadModel(bytes.NewReader(b))
		if err != nil {
			return
		}
		c, err := New(Options{Model: m})
		if err != nil {
			return
		}
		if v := c.Classify("eres un pendejo, ¿a qué hora abre el módulo?"); !(v.Score >= 0 && v.Score <= 1) {
			t.Fatalf("a loaded model scores %v", v.Score)
		}
	})
}

// smallModelFile returns the uncompressed bytes of a valid model of 2^8
// weights: a seed the fuzzer mutates quickly (the embedded model has 2^18).
func smallModelFile(f *testing.F) []byte {
	f.Helper()
	m := &Model{Bits: 8, Weights: make([]float32, 1<<8), Bias: -1, Review: 0.5, Block: 0.9}
	for i := range m.Weights {
		m.Weights[i] = float32(i%7) - 3
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		f.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		f.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		f.Fatal(err)
	}
	return raw
}

// FuzzLoadLexicon feeds arbitrary lexicon files (an institute extends the
// lexicon with its own): loading never panics, and a lexicon it accepts
// classifies text with evidence inside the text.
func FuzzLoadLexicon(f *testing.F) {
	for line := range strings.Lines(string(embeddedLexicon)) {
		f.Add(line)
	}
	f.Add("# comentario\n\n{\"kind\":\"allow\",\"text\":\"rata\"}\n")
	f.Add(`{"kind":"phrase","text":"(a) [tu|su] madre","category":"insulto","severity":3}`)
	f.Add(`{"kind":"term","text":""}`)
	f.Add(`{"unknown":1}`)
	f.Fuzz(func(t *testing.T, s string) {
		lex, err := LoadLexicon(strings.NewReader(s))
		if err != nil {
			return
		}
		c, err := New(Options{Lexicon: lex})
		if err != nil {
			return
		}
		text := "eres un pendejo y una rata " + s
		v := c.Classify(text)
		for _, e := range v.Evidence {
			if e.Start < 0 || e.End > len(text) || e.Start > e.End || text[e.Start:e.End] != e.Text {
				t.Fatalf("bad evidence span %+v", e)
			}
		}
	})
}

// FuzzLoadExamples feeds arbitrary training files (vigia train --in): loading
// never panics and every example it returns came from a line with a label.
func FuzzLoadExamples(f *testing.F) {
	f.Add(`{"text":"eres un pendejo","label":"offensive","category":"insulto"}` + "\n" + `{"text":"¿dónde voto?","label":"ok"}`)
	f.Add(`{"text":"x","label":1}`)
	f.Add(`{"text":"x","label":true}`)
	f.Add(`{"text":"x","label":2}`)
	f.Add(`{"text":"x"}`)
	f.Fuzz(func(t *testing.T, s string) {
		ex, err := LoadExamples(strings.NewReader(s))
		if err != nil {
			return
		}
		if len(ex) > strings.Count(s, "\n")+1 {
			t.Fatalf("%d examples from %d lines", len(ex), strings.Count(s, "\n")+1)
		}
	})
}

// FuzzReadAllowList feeds arbitrary allow-list files: reading never panics and
// returns no empty word and no word holding a comment.
func FuzzReadAllowList(f *testing.F) {
	f.Add("diputado\ncómputo # comentario\n\n  # solo comentario\n")
	f.Fuzz(func(t *testing.T, s string) {
		words, err := ReadAllowList(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, w := range words {
			if w == "" || strings.ContainsAny(w, "# \t\n") {
				t.Fatalf("word %q", w)
			}
		}
	})
}
