package offensive

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestLoadExamples(t *testing.T) {
	t.Parallel()
	in := `{"text":"a","label":"offensive","category":"insult"}
{"text":"b","label":"ok"}

{"text":"c","label":true}
{"text":"d","label":0}
{"text":"e","label":"false_positive"}
{"text":"f","label":"block_confirmed","group":"g1"}
`
	xs, err := LoadExamples(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, true, false, false, true}
	if len(xs) != len(want) {
		t.Fatalf("got %d examples", len(xs))
	}
	for i, x := range xs {
		if x.Offensive != want[i] {
			t.Errorf("example %d (%q): offensive=%v", i, x.Text, x.Offensive)
		}
	}
	if xs[0].Category != "insult" || xs[5].Group != "g1" {
		t.Errorf("fields lost: %+v", xs)
	}
	for _, bad := range []string{`{"text":"a","label":"maybe"}`, `{"text":"a"}`, `{"text":"a","label":2}`, `not json`} {
		_, err := LoadExamples(strings.NewReader("{\"text\":\"x\",\"label\":\"ok\"}\n" + bad))
		if err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: err = %v, want an error naming line 2", bad, err)
		}
	}
	// Round trip through MarshalJSON.
	b, _ := json.Marshal(xs[0])
	if string(b) != `{"text":"a","label":"offensive","category":"insult"}` {
		t.Errorf("MarshalJSON = %s", b)
	}
}

func TestModel_SaveLoad(t *testing.T) {
	t.Parallel()
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := LoadModel(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if m2.Bits != m.Bits || m2.Bias != m.Bias || m2.Review != m.Review || m2.Block != m.Block || m2.Info != m.Info {
		t.Fatalf("header differs: %+v vs %+v", m2.Info, m.Info)
	}
	for i := range m.Weights {
		if m.Weights[i] != m2.Weights[i] {
			t.Fatalf("weight %d: %v vs %v", i, m.Weights[i], m2.Weights[i])
		}
	}
	for _, bad := range [][]byte{nil, []byte("junk"), buf.Bytes()[:buf.Len()/2]} {
		if _, err := LoadModel(bytes.NewReader(bad)); err == nil {
			t.Errorf("LoadModel(%d bytes) succeeded", len(bad))
		}
	}
}

func TestLoadLexicon(t *testing.T) {
	t.Parallel()
	lx, err := LoadLexicon(strings.NewReader(`# an institute's own lexicon
{"kind":"term","text":"zángano","variants":["zánganos"],"category":"insult","severity":2,"needs_target":true,"maskable":true}
{"kind":"phrase","text":"[vete|váyanse] al diablo","category":"family_curse","severity":2}
{"kind":"cue","text":"eres"}
{"kind":"allow","text":"zanganito"}
`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Lexicon: lx})
	if err != nil {
		t.Fatal(err)
	}
	v := c.Classify("eres un z*nganos")
	if len(v.Evidence) != 1 || v.Evidence[0].Rule != "term:zángano/masked" || v.Evidence[0].Text != "z*nganos" {
		t.Errorf("custom term: %+v", v)
	}
	if v := c.Classify("Váyanse al diablo"); len(v.Evidence) != 1 || v.Evidence[0].Category != CatFamilyCurse {
		t.Errorf("custom phrase: %+v", v)
	}
	if !lx.Allowed("zanganito") || lx.Allowed("zángano") {
		t.Error("Allowed")
	}
	for _, bad := range []string{
		`{"kind":"term","text":"x","category":"nope","severity":1}`,
		`{"kind":"term","text":"x","category":"insult","severity":9}`,
		`{"kind":"weird","text":"x"}`,
		`{"kind":"term","text":"","category":"insult"}`,
		`{"kind":"term","text":"x","category":"insult","colour":"red"}`,
	} {
		if _, err := LoadLexicon(strings.NewReader(bad)); err == nil {
			t.Errorf("LoadLexicon(%s) succeeded", bad)
		}
	}
	if _, err := LoadLexicon(strings.NewReader(`{"kind":"term","text":"x","category":"nope","severity":1}`)); !errors.Is(err, ErrLexicon) {
		t.Errorf("err = %v, want ErrLexicon", err)
	}
}

func TestTrain_NeedsBothClasses(t *testing.T) {
	t.Parallel()
	_, err := Train([]Example{{Text: "hola"}, {Text: "adiós"}}, TrainOptions{})
	if !errors.Is(err, ErrNoExamples) {
		t.Errorf("err = %v, want ErrNoExamples", err)
	}
}

func TestTrain_SmallCorpus(t *testing.T) {
	t.Parallel()
	xs := []Example{
		{Text: "eres un pendejo", Offensive: true}, {Text: "chinga tu madre", Offensive: true},
		{Text: "son unas ratas", Offensive: true}, {Text: "te voy a matar", Offensive: true},
		{Text: "¿dónde voto?"}, {Text: "gracias por la atención"}, {Text: "no mames, ya voté"},
		{Text: "el IFE es un fraude"},
	}
	m, err := Train(xs, TrainOptions{Bits: 12, Epochs: 5, Folds: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Weights) != 1<<12 || m.Review <= 0 || m.Block < m.Review {
		t.Fatalf("model %d weights, review %v, block %v", len(m.Weights), m.Review, m.Block)
	}
	c, err := New(Options{Model: m})
	if err != nil {
		t.Fatal(err)
	}
	r := Evaluate(c, xs)
	if r.Examples != len(xs) || r.Positives != 4 {
		t.Errorf("report %+v", r)
	}
	if !strings.Contains(r.String(), "recommend_block") {
		t.Errorf("report string %q", r.String())
	}
}

func TestVerdict_JSON(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	b, err := json.Marshal(c.Classify("¿Dónde voto?"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["band"] != "none" || m["categories"] == nil || m["evidence"] == nil {
		t.Errorf("JSON %s", b)
	}
	b, _ = json.Marshal(c.Classify("chinga tu madre"))
	var v Verdict
	if err := json.Unmarshal(b, &v); err != nil || v.Band != BandBlock || len(v.Evidence) == 0 {
		t.Errorf("round trip %s: %+v %v", b, v, err)
	}
}

func TestNew_Options(t *testing.T) {
	t.Parallel()
	c, err := New(Options{ReviewThreshold: 0.99, BlockThreshold: 0.999})
	if err != nil {
		t.Fatal(err)
	}
	if r, b := c.Thresholds(); r != 0.99 || b != 0.999 {
		t.Errorf("thresholds %v %v", r, b)
	}
	// The institute's own handle is not a target; another user's is.
	d := classifier(t)
	if v := d.Classify("@IFEMexico eres una verga"); len(v.Categories) != 1 {
		t.Errorf("second person: %+v", v)
	}
	if v := d.Classify("@IFEMexico la verga"); len(v.Categories) != 0 {
		t.Errorf("@IFEMexico la verga: %+v", v)
	}
	if v := d.Classify("@lalo_mx la verga"); len(v.Categories) != 1 || v.Categories[0] != CatSexual {
		t.Errorf("@lalo_mx la verga: %+v", v)
	}
	own, err := New(Options{InstituteHandles: []string{"lalo_mx"}})
	if err != nil {
		t.Fatal(err)
	}
	if v := own.Classify("@lalo_mx la verga"); len(v.Categories) != 0 {
		t.Errorf("own handle: %+v", v)
	}
}

func TestClassify_Concurrent(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	want := make([]Verdict, len(offensiveSeeds))
	for i, s := range offensiveSeeds {
		want[i] = c.Classify(s)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				for i, s := range offensiveSeeds {
					if v := c.Classify(s); v.Band != want[i].Band || v.Score != want[i].Score {
						t.Errorf("%q: %v/%v vs %v/%v", s, v.Band, v.Score, want[i].Band, want[i].Score)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestParseBand(t *testing.T) {
	t.Parallel()
	for _, b := range []Band{BandNone, BandReview, BandBlock} {
		got, err := ParseBand(b.String())
		if err != nil || got != b {
			t.Errorf("ParseBand(%s) = %v, %v", b, got, err)
		}
	}
	if _, err := ParseBand("block"); err == nil {
		t.Error("ParseBand(block) succeeded")
	}
}

func TestDefaultEntries_Extend(t *testing.T) {
	t.Parallel()
	entries, err := DefaultEntries()
	if err != nil {
		t.Fatal(err)
	}
	entries = append(entries, Entry{Kind: "term", Text: "zángano", Category: CatInsult, Severity: 2, NeedsTarget: true})
	lx, err := NewLexicon(entries)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Lexicon: lx})
	if err != nil {
		t.Fatal(err)
	}
	for text, rule := range map[string]string{"eres un zángano": "term:zángano", "eres un pendejo": "term:pendejo"} {
		v := c.Classify(text)
		if len(v.Evidence) != 1 || v.Evidence[0].Rule != rule {
			t.Errorf("%q: %+v", text, v)
		}
	}
	if !lx.Allowed("diputado") {
		t.Error("extended lexicon lost the allow-list")
	}
	if got := OffensiveCategories(); len(got) != 9 || got[0] != CatInsult {
		t.Errorf("OffensiveCategories() = %v", got)
	}
}
