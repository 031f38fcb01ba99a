package offensive

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
)

// Band is the action level of a verdict.
type Band uint8

// Bands, in increasing order.
const (
	// BandNone: nothing to do.
	BandNone Band = iota
	// BandReview: a person should look (recall-oriented).
	BandReview
	// BandBlock: blocking is recommended (precision-oriented); blocking stays a human
	// decision (Criterios 6.xv).
	BandBlock
)

var bandNames = [...]string{"none", "review", "recommend_block"}

// String returns "none", "review" or "recommend_block".
func (b Band) String() string {
	if int(b) < len(bandNames) {
		return bandNames[b]
	}
	return "unknown"
}

// ParseBand parses a band name.
func ParseBand(s string) (Band, error) {
	for i, n := range bandNames {
		if n == s {
			return Band(i), nil
		}
	}
	return BandNone, fmt.Errorf("offensive: unknown band %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (b Band) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Band) UnmarshalText(p []byte) error {
	v, err := ParseBand(string(p))
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// Span is one piece of evidence: a byte range of the original text and the rule that
// matched it.
type Span struct {
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Text     string `json:"text"`
	Category string `json:"category"`
	// Rule names the lexicon entry or pattern and how it matched, such as
	// "term:pendejo/leet", "phrase:chinga tu madre" or "pattern:threat".
	Rule string `json:"rule"`
}

// Verdict is the classification of one text.
type Verdict struct {
	// Score is the model's probability that the text is offensive, raised to the review
	// threshold when a rule forces review.
	Score float64 `json:"score"`
	Band  Band    `json:"band"`
	// Categories are the offensive categories with directed evidence, sorted.
	Categories []string `json:"categories"`
	Evidence   []Span   `json:"evidence"`
}

// Options configure a Classifier. The zero value uses the embedded lexicon and model.
type Options struct {
	// Lexicon replaces the embedded lexicon and allow-list.
	Lexicon *Lexicon
	// Model replaces the embedded weights.
	Model *Model
	// InstituteHandles are the account's own handles (without @); mentioning them is not
	// a target cue. Default: DefaultInstituteHandles.
	InstituteHandles []string
	// ReviewThreshold and BlockThreshold override the model's thresholds when non-zero.
	ReviewThreshold, BlockThreshold float64
}

// DefaultInstituteHandles are the institute's handles used when Options gives none.
var DefaultInstituteHandles = []string{"IFEMexico", "IFE_mx", "ife_mx", "INEMexico", "INE_mx"}

// Classifier classifies comments. It is safe for concurrent use.
type Classifier struct {
	lx            *Lexicon
	m             *Model
	mo            matchOpts
	review, block float64
	rules         [][len(howNames)]string // entry × how → rule name, built once
}

// New returns a Classifier built from opts.
func New(opts Options) (*Classifier, error) {
	lx := opts.Lexicon
	if lx == nil {
		var err error
		if lx, err = defaultLexicon(); err != nil {
			return nil, err
		}
	}
	m := opts.Model
	if m == nil {
		var err error
		if m, err = defaultModel(); err != nil {
			return nil, err
		}
	}
	c := &Classifier{lx: lx, m: m, review: m.Review, block: m.Block}
	c.rules = make([][len(howNames)]string, len(lx.entries))
	for i := range lx.entries {
		e := &lx.entries[i]
		for h := range howNames {
			r := e.Kind + ":" + e.Text
			if uint8(h) != howExact && h != 0 {
				r += "/" + howNames[h]
			}
			c.rules[i][h] = r
		}
	}
	if opts.ReviewThreshold > 0 {
		c.review = opts.ReviewThreshold
	}
	if opts.BlockThreshold > 0 {
		c.block = opts.BlockThreshold
	}
	hs := opts.InstituteHandles
	if hs == nil {
		hs = DefaultInstituteHandles
	}
	c.mo.institute = map[string]struct{}{}
	for _, h := range hs {
		c.mo.institute[foldWord(strings.TrimPrefix(h, "@"))] = struct{}{}
	}
	return c, nil
}

var (
	defLexOnce sync.Once
	defLex     *Lexicon
	defLexErr  error
	defModOnce sync.Once
	defMod     *Model
	defModErr  error
	defOnce    sync.Once
	defC       *Classifier
	defErr     error
)

func defaultLexicon() (*Lexicon, error) {
	defLexOnce.Do(func() { defLex, defLexErr = buildDefaultLexicon() })
	return defLex, defLexErr
}

//go:embed data/model.bin
var embeddedModel []byte

func defaultModel() (*Model, error) {
	defModOnce.Do(func() {
		defMod, defModErr = LoadModel(bytes.NewReader(embeddedModel))
	})
	return defMod, defModErr
}

// DefaultModel returns the embedded model (shared; do not modify it).
func DefaultModel() (*Model, error) { return defaultModel() }

// Default returns the shared Classifier built from the embedded data.
func Default() (*Classifier, error) {
	defOnce.Do(func() { defC, defErr = New(Options{}) })
	return defC, defErr
}

// Lexicon returns the classifier's lexicon.
func (c *Classifier) Lexicon() *Lexicon { return c.lx }

// Model returns the classifier's model.
func (c *Classifier) Model() *Model { return c.m }

// Thresholds returns the review and block thresholds in use.
func (c *Classifier) Thresholds() (review, block float64) { return c.review, c.block }

// Classify classifies one text. It never panics.
func (c *Classifier) Classify(text string) Verdict {
	s := getScratch()
	defer putScratch(s)
	p, res := c.score(s, text)
	return c.verdict(s, text, p, res)
}

// score runs normalisation, the lexicon layer and the model.
func (c *Classifier) score(s *scratch, text string) (float64, lexResult) {
	s.normalize(text)
	res := c.lx.match(s, &c.mo)
	s.features(c.lx, &res, c.m.Bits)
	return c.m.prob(s.feats, s.nText), res
}

// NoEvidenceReview is the model probability a text needs to reach review when the
// lexicon layer found no directed offensive term in it: character n-grams ("barata"
// shares "rata") and undirected words ("una rata en el módulo") are weak evidence.
const NoEvidenceReview = 0.9

// band combines the two layers (OFFENSIVE.md §6): recommend_block needs both a high model
// probability and directed lexicon evidence of severity 2 or more; threats and directed
// severity-3 terms force at least review; political epithets and idioms never count.
func (c *Classifier) band(p float64, res *lexResult) (Band, bool) {
	b := BandNone
	forced := false
	if p >= c.review && (res.directedN > 0 || p >= NoEvidenceReview) {
		b = BandReview
	}
	if b == BandNone && (res.threat || res.maxSev >= 3) {
		b, forced = BandReview, true
	}
	if p >= c.block && res.maxSev >= 2 {
		b = BandBlock
	}
	return b, forced
}

func (c *Classifier) verdict(s *scratch, text string, p float64, res lexResult) Verdict {
	b, forced := c.band(p, &res)
	v := Verdict{Score: p, Band: b}
	if forced && v.Score < c.review {
		v.Score = c.review
	}
	if b == BandNone {
		return v
	}
	var seen uint32
	for i := range s.hits {
		h := &s.hits[i]
		if !h.directed || int(h.cat) >= len(offensiveCats) {
			continue
		}
		cat := allCats[h.cat]
		if seen&(1<<uint(h.cat)) == 0 {
			seen |= 1 << uint(h.cat)
			v.Categories = append(v.Categories, cat)
		}
		st, en := int(h.start), int(h.end)
		if st < 0 || en > len(text) || st > en {
			continue
		}
		v.Evidence = append(v.Evidence, Span{Start: st, End: en, Text: text[st:en], Category: cat, Rule: c.rule(h)})
	}
	sort.Strings(v.Categories)
	return v
}

func (c *Classifier) rule(h *hit) string {
	if h.entry < 0 {
		return "pattern:threat"
	}
	if int(h.entry) < len(c.rules) && int(h.how) < len(howNames) {
		return c.rules[h.entry][h.how]
	}
	return c.lx.entries[h.entry].Kind + ":" + c.lx.entries[h.entry].Text
}

// MarshalJSON writes empty lists rather than null.
func (v Verdict) MarshalJSON() ([]byte, error) {
	type plain Verdict
	p := plain(v)
	if p.Categories == nil {
		p.Categories = []string{}
	}
	if p.Evidence == nil {
		p.Evidence = []Span{}
	}
	if math.IsNaN(p.Score) {
		p.Score = 0
	}
	return json.Marshal(p)
}
