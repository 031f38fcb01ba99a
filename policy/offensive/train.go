package offensive

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// Example is one labelled text. In JSON Lines: {"text": …, "label": …, "category": …}.
type Example struct {
	Text string `json:"text"`
	// Offensive is the label. In JSON, "label" may be "offensive" / "ok" (also
	// "not_offensive", "none", "block", "false_positive"), true / false or 1 / 0.
	Offensive bool `json:"-"`
	// Category is an offensive category (insult, threat, …) or a kind of legitimate text
	// (criticism, idiom, question, complaint, praise, …); optional.
	Category string `json:"category,omitempty"`
	// Group keeps near-duplicates together when splitting folds (a template family).
	Group string `json:"group,omitempty"`
}

type exampleJSON struct {
	Text     string          `json:"text"`
	Label    json.RawMessage `json:"label"`
	Category string          `json:"category,omitempty"`
	Group    string          `json:"group,omitempty"`
}

// MarshalJSON writes the label as "offensive" or "ok".
func (e Example) MarshalJSON() ([]byte, error) {
	l := "ok"
	if e.Offensive {
		l = "offensive"
	}
	return json.Marshal(struct {
		Text     string `json:"text"`
		Label    string `json:"label"`
		Category string `json:"category,omitempty"`
		Group    string `json:"group,omitempty"`
	}{e.Text, l, e.Category, e.Group})
}

// ErrLabel reports a label LoadExamples does not understand.
var ErrLabel = errors.New("unknown label")

// UnmarshalJSON accepts the label forms described on Example.
func (e *Example) UnmarshalJSON(b []byte) error {
	var j exampleJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	off, err := parseLabel(j.Label)
	if err != nil {
		return err
	}
	*e = Example{Text: j.Text, Offensive: off, Category: j.Category, Group: j.Group}
	return nil
}

func parseLabel(raw json.RawMessage) (bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return false, fmt.Errorf("missing label: %w", ErrLabel)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return false, err
	}
	switch x := v.(type) {
	case bool:
		return x, nil
	case float64:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "offensive", "1", "true", "yes", "block", "blocked", "block_confirmed", "aggressive":
			return true, nil
		case "ok", "0", "false", "no", "none", "not_offensive", "clean", "false_positive", "legit":
			return false, nil
		}
	}
	return false, fmt.Errorf("label %s: %w", raw, ErrLabel)
}

// LoadExamples reads labelled examples in JSON Lines. Blank lines are skipped.
func LoadExamples(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var e Example
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("offensive: examples line %d: %w", line, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("offensive: examples: %w", err)
	}
	return out, nil
}

// TrainOptions configure Train. Zero fields take the defaults shown.
type TrainOptions struct {
	Bits   uint8   // log2 of the weight count; 18
	Epochs int     // passes over the data; 10
	Rate   float64 // AdaGrad learning rate; 0.5
	L2     float64 // L2 penalty per update; 1e-5
	Seed   uint64  // shuffling seed; 1
	Folds  int     // folds for choosing thresholds; 5
	// BlockPrecision is the out-of-fold precision the recommend_block threshold must reach;
	// 0.97.
	BlockPrecision float64
	// Lexicon used for the lexicon features; the embedded one when nil.
	Lexicon *Lexicon
	// InstituteHandles as in Options.
	InstituteHandles []string
}

func (o *TrainOptions) defaults() {
	if o.Bits == 0 {
		o.Bits = 18
	}
	if o.Epochs == 0 {
		o.Epochs = 10
	}
	if o.Rate == 0 {
		o.Rate = 0.5
	}
	if o.L2 == 0 {
		o.L2 = 1e-5
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Folds == 0 {
		o.Folds = 5
	}
	if o.BlockPrecision == 0 {
		o.BlockPrecision = 0.97
	}
}

// ErrNoExamples reports training data without both classes.
var ErrNoExamples = errors.New("training needs offensive and non-offensive examples")

type featEx struct {
	feats  []uint32
	nText  int
	y      float64
	maxSev int8
	threat bool
	anyOff bool // a directed offensive hit
	fold   int
}

// Train fits a model on examples: features are extracted once, thresholds are chosen on
// out-of-fold predictions (folds split by Group), and the final weights are fitted on all
// examples and quantised as Save stores them. Training is deterministic.
func Train(examples []Example, opts TrainOptions) (*Model, error) {
	opts.defaults()
	pos := 0
	for _, e := range examples {
		if e.Offensive {
			pos++
		}
	}
	if pos == 0 || pos == len(examples) {
		return nil, fmt.Errorf("offensive: train: %w", ErrNoExamples)
	}
	c, err := New(Options{Lexicon: opts.Lexicon, Model: &Model{Bits: opts.Bits}, InstituteHandles: opts.InstituteHandles})
	if err != nil {
		return nil, err
	}
	fx := make([]featEx, len(examples))
	s := new(scratch)
	for i, e := range examples {
		s.normalize(e.Text)
		res := c.lx.match(s, &c.mo)
		s.features(c.lx, &res, opts.Bits)
		fx[i] = featEx{feats: append([]uint32(nil), s.feats...), nText: s.nText, maxSev: res.maxSev, threat: res.threat, anyOff: res.directedN > 0}
		if e.Offensive {
			fx[i].y = 1
		}
		g := e.Group
		if g == "" {
			g = e.Text
		}
		h := fnv.New32a()
		h.Write([]byte(g))
		fx[i].fold = int(h.Sum32() % uint32(opts.Folds))
	}
	// Out-of-fold probabilities.
	oof := make([]float64, len(fx))
	for k := 0; k < opts.Folds; k++ {
		var tr []int
		for i := range fx {
			if fx[i].fold != k {
				tr = append(tr, i)
			}
		}
		w, b := fit(fx, tr, opts)
		for i := range fx {
			if fx[i].fold == k {
				oof[i] = sigmoid(dot(w, b, &fx[i]))
			}
		}
	}
	all := make([]int, len(fx))
	for i := range all {
		all[i] = i
	}
	w, b := fit(fx, all, opts)
	m := &Model{Bits: opts.Bits, Bias: b, Weights: make([]float32, len(w))}
	for i, x := range w {
		m.Weights[i] = float32(x)
	}
	m.quantise()
	m.Info = ModelInfo{Examples: len(examples), Positives: pos, Epochs: opts.Epochs, L2: opts.L2,
		Rate: opts.Rate, Seed: opts.Seed, Folds: opts.Folds}
	chooseThresholds(m, fx, oof, opts.BlockPrecision)
	return m, nil
}

func dot(w []float64, b float64, e *featEx) float64 {
	var zt, zl float64
	for k, f := range e.feats {
		if k < e.nText {
			zt += w[f]
		} else {
			zl += w[f]
		}
	}
	return b + float64(zt*textScale(e.nText)) + zl
}

// fit runs AdaGrad logistic regression over the examples idx.
func fit(fx []featEx, idx []int, o TrainOptions) ([]float64, float64) {
	n := 1 << o.Bits
	w := make([]float64, n)
	g2 := make([]float64, n)
	var b, gb float64
	rng := rand.New(rand.NewPCG(o.Seed, 0x5EED))
	order := append([]int(nil), idx...)
	for ep := 0; ep < o.Epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			e := &fx[i]
			p := sigmoid(dot(w, b, e))
			g := p - e.y
			ts := textScale(e.nText)
			for k, f := range e.feats {
				x := 1.0
				if k < e.nText {
					x = ts
				}
				gr := float64(g*x) + float64(o.L2*w[f])
				g2[f] += float64(gr * gr)
				w[f] -= float64(o.Rate*gr) / (math.Sqrt(g2[f]) + 1e-8)
			}
			gb += float64(g * g)
			b -= float64(o.Rate*g) / (math.Sqrt(gb) + 1e-8)
		}
	}
	return w, b
}

// chooseThresholds picks the review threshold in [0.4, 0.7] that maximises out-of-fold F1
// (the forced-review rules applied) and the lowest block threshold
// whose out-of-fold precision, with the lexicon gate, reaches target.
func chooseThresholds(m *Model, fx []featEx, oof []float64, target float64) {
	type pt struct{ t, f float64 }
	var curve []pt
	for t := 0.40; t <= 0.70001; t += 0.01 {
		var tp, fp, fn float64
		for i := range fx {
			pred := oof[i] >= t && (fx[i].anyOff || oof[i] >= NoEvidenceReview) || fx[i].threat || fx[i].maxSev >= 3
			switch {
			case pred && fx[i].y == 1:
				tp++
			case pred:
				fp++
			case fx[i].y == 1:
				fn++
			}
		}
		curve = append(curve, pt{t, f1(tp, fp, fn)})
	}
	// The best F1; among thresholds within 0.002 of it, the one nearest 0.5, since a
	// synthetic corpus separates too easily for the exact optimum to mean much.
	bestF, bestT := -1.0, 0.5
	for _, p := range curve {
		bestF = math.Max(bestF, p.f)
	}
	for _, p := range curve {
		if p.f >= bestF-0.002 && math.Abs(p.t-0.5) < math.Abs(bestT-0.5)+1e-9 {
			bestT = p.t
		}
	}
	m.Review = math.Round(bestT*100) / 100
	m.Info.OOFReviewF1 = bestF
	m.Block = 0.99
	for t := math.Max(m.Review+0.1, 0.7); t <= 0.99001; t += 0.01 {
		var tp, fp, fn float64
		for i := range fx {
			pred := oof[i] >= t && fx[i].maxSev >= 2
			switch {
			case pred && fx[i].y == 1:
				tp++
			case pred:
				fp++
			case fx[i].y == 1:
				fn++
			}
		}
		if tp+fp > 0 && tp/(tp+fp) >= target {
			m.Block = math.Round(t*100) / 100
			m.Info.OOFBlockPrecision = tp / (tp + fp)
			m.Info.OOFBlockRecall = tp / (tp + fn)
			break
		}
	}
}

func fbeta(tp, fp, fn, beta float64) float64 {
	if tp == 0 {
		return 0
	}
	p, r := tp/(tp+fp), tp/(tp+fn)
	b2 := beta * beta
	return (1 + b2) * p * r / (b2*p + r)
}

func f1(tp, fp, fn float64) float64 {
	if tp == 0 {
		return 0
	}
	p, r := tp/(tp+fp), tp/(tp+fn)
	return 2 * p * r / (p + r)
}

// BandFigures are precision, recall and F1 of "band at or above B" against the labels.
type BandFigures struct {
	Band      Band    `json:"band"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	TN        int     `json:"tn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// Report is the result of Evaluate.
type Report struct {
	Examples  int `json:"examples"`
	Positives int `json:"positives"`
	// Review counts band ≥ review as positive; Block counts recommend_block only.
	Review BandFigures `json:"review"`
	Block  BandFigures `json:"recommend_block"`
	// ByCategory counts, for each example category, how many examples reached each band.
	ByCategory map[string][3]int `json:"by_category"`
	// Errors lists up to 50 misclassified examples at the review level.
	Errors []EvalError `json:"errors,omitempty"`
}

// EvalError is one misclassified example.
type EvalError struct {
	Example Example `json:"example"`
	Verdict Verdict `json:"verdict"`
}

// Evaluate classifies examples with c and reports precision, recall and F1 per band.
func Evaluate(c *Classifier, examples []Example) Report {
	r := Report{Examples: len(examples), ByCategory: map[string][3]int{}}
	r.Review.Band, r.Block.Band = BandReview, BandBlock
	for _, e := range examples {
		v := c.Classify(e.Text)
		if e.Offensive {
			r.Positives++
		}
		bc := r.ByCategory[e.Category]
		bc[v.Band]++
		r.ByCategory[e.Category] = bc
		for _, bf := range []*BandFigures{&r.Review, &r.Block} {
			pred := v.Band >= bf.Band
			switch {
			case pred && e.Offensive:
				bf.TP++
			case pred:
				bf.FP++
			case e.Offensive:
				bf.FN++
			default:
				bf.TN++
			}
		}
		if (v.Band >= BandReview) != e.Offensive && len(r.Errors) < 50 {
			r.Errors = append(r.Errors, EvalError{Example: e, Verdict: v})
		}
	}
	for _, bf := range []*BandFigures{&r.Review, &r.Block} {
		if bf.TP+bf.FP > 0 {
			bf.Precision = float64(bf.TP) / float64(bf.TP+bf.FP)
		}
		if bf.TP+bf.FN > 0 {
			bf.Recall = float64(bf.TP) / float64(bf.TP+bf.FN)
		}
		bf.F1 = f1(float64(bf.TP), float64(bf.FP), float64(bf.FN))
	}
	return r
}

// String formats the report as a small table.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "examples=%d offensive=%d\n", r.Examples, r.Positives)
	fmt.Fprintf(&b, "%-16s %6s %6s %6s %5s %5s %5s\n", "band", "prec", "recall", "f1", "tp", "fp", "fn")
	for _, bf := range []BandFigures{r.Review, r.Block} {
		fmt.Fprintf(&b, "%-16s %6.3f %6.3f %6.3f %5d %5d %5d\n", bf.Band, bf.Precision, bf.Recall, bf.F1, bf.TP, bf.FP, bf.FN)
	}
	cats := make([]string, 0, len(r.ByCategory))
	for k := range r.ByCategory {
		cats = append(cats, k)
	}
	sort.Strings(cats)
	fmt.Fprintf(&b, "%-16s %6s %6s %6s\n", "category", "none", "review", "block")
	for _, k := range cats {
		v := r.ByCategory[k]
		fmt.Fprintf(&b, "%-16s %6d %6d %6d\n", k, v[0], v[1], v[2])
	}
	return b.String()
}
