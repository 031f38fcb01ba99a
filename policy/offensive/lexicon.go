package offensive

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// Categories of lexicon entries (OFFENSIVE.md §5). The first eight, with profanity, are
// offensive when their target condition holds; political epithets and idioms never are.
const (
	CatInsult       = "insult"       // 1: intelligence or character
	CatFamilyCurse  = "family_curse" // 2: mother and family formulae, curses
	CatSexual       = "sexual"       // 3: sexual vulgarity, harassment when aimed
	CatHomophobic   = "homophobic"   // 4: homophobic and LGBT+ slurs
	CatMisogynistic = "misogynistic" // 5
	CatRacist       = "racist"       // 6: racist, classist, xenophobic
	CatDehumanising = "dehumanising" // 7
	CatThreat       = "threat"       // 8: threats and incitement to violence
	CatProfanity    = "profanity"    // lousy/damn intensifiers ("pinche") aimed at someone
	CatPolitical    = "political"    // 9: political epithets, never an offence alone
	CatIdiom        = "idiom"        // 10: positive or idiomatic expletives, lower the score
)

// Roles of lexicon words that are not offensive themselves.
const (
	roleCue         = "cue"           // second person, group and vocative markers
	roleDemonstr    = "demonstrative" // ese, esa … before a term
	roleIntent      = "intent"        // voy a, hay que, ojalá …
	roleViolent     = "violent"       // matar, colgar … (clitic forms generated)
	roleViolentObj  = "violent_obj"   // partir, romper … need a body object
	roleViolentSubj = "violent_subj"  // mueras, maten … need ojalá / que before
	roleObject      = "object"        // madre, cara, hocico …
	roleWord        = "word"          // a plain word with spelling variants (que: k, q)
	roleAllow       = "allow"
	roleSelf        = "self"  // me, nos: the speaker, which cancels a threat
	roleGroup       = "group" // consejeros, diputados, el IFE: people a term can be aimed at
)

// offensiveCats are the categories that can make a comment offensive, in feature order.
var offensiveCats = []string{CatInsult, CatFamilyCurse, CatSexual, CatHomophobic,
	CatMisogynistic, CatRacist, CatDehumanising, CatThreat, CatProfanity}

// allCats adds the non-offensive categories, which are features too.
var allCats = append(append([]string(nil), offensiveCats...), CatPolitical, CatIdiom)

func catIndex(c string) int {
	for i, x := range allCats {
		if x == c {
			return i
		}
	}
	return -1
}

// Entry is one line of a lexicon file (JSON Lines).
type Entry struct {
	// Kind is "term" (one word), "stem" (a word prefix), "phrase" (several words), "allow"
	// (never flag this word), or a role: "cue", "demonstrative", "intent", "violent",
	// "violent_obj", "violent_subj", "object", "self", "group", "word".
	Kind string `json:"kind"`
	// Text is the word or phrase. Phrases may mark optional words "(a)" and alternatives
	// "[tu|su]".
	Text string `json:"text"`
	// Variants are further spellings of a term or word (plurals, abbreviations).
	Variants []string `json:"variants,omitempty"`
	// Category is one of the Cat constants, for terms, stems and phrases.
	Category string `json:"category,omitempty"`
	// Severity runs from 1 (mild) to 3 (severe); it is the severity when directed.
	Severity int `json:"severity,omitempty"`
	// NeedsTarget says the term is offensive only with a target cue (second person,
	// vocative, @mention, demonstrative).
	NeedsTarget bool `json:"needs_target,omitempty"`
	// Maskable lets '*', '#', '.', '_' and '-' stand for one letter (entries of 4+ letters).
	Maskable bool `json:"maskable,omitempty"`
	// Intensifier marks words also used as mere intensifiers ("el puto día").
	Intensifier bool `json:"intensifier,omitempty"`
	// Ambiguous marks words with a common innocent sense (gata: cat; puñal: dagger;
	// basura: rubbish); only a strong target cue (second person, vocative, @mention,
	// demonstrative) makes them count.
	Ambiguous bool `json:"ambiguous,omitempty"`
	// Note documents the entry; it is not used.
	Note string `json:"note,omitempty"`
}

//go:embed data/lexicon.jsonl
var embeddedLexicon []byte

//go:embed data/allow.txt
var embeddedAllow []byte

// Lexicon is a compiled lexicon: terms, stems, phrases, roles and the allow-list. It is
// immutable after construction and safe for concurrent use.
type Lexicon struct {
	entries []Entry
	words   []string           // word id → canonical form
	forms   map[string]int32   // folded form → word id
	squeeze map[string]int32   // squeezed form → word id (terms only)
	phon    map[string]int32   // phonetic key → word id
	skel    map[string]int32   // consonant skeleton of maskable terms → word id (unambiguous ones)
	masks   map[int][]maskForm // maskable terms, by length in runes
	masksW  map[int][]maskForm // other words of phrases and roles, tried after terms
	stems   []stem
	term    []int32             // word id → entry index, -1
	role    []uint16            // word id → role bits
	phrases map[uint64][]phrase // by their first two word ids (the second is -1 for one-word phrases)
	allow   map[string]struct{}
	maxPh   int

	phraseWords map[int32]bool // built while compiling
}

type maskForm struct {
	form string
	id   int32
}

type stem struct {
	prefix string
	entry  int32
}

type phrase struct {
	words []int32
	entry int32
}

// role bits.
const (
	rCue uint16 = 1 << iota
	rDemonstr
	rIntent
	rViolent
	rViolentObj
	rViolentSubj
	rObject
	rSelf
	rGroup
)

var roleBits = map[string]uint16{
	roleCue: rCue, roleDemonstr: rDemonstr, roleIntent: rIntent, roleViolent: rViolent,
	roleViolentObj: rViolentObj, roleViolentSubj: rViolentSubj, roleObject: rObject, roleSelf: rSelf, roleGroup: rGroup,
}

var clitics = []string{"te", "lo", "la", "los", "las", "le", "les"}

// DefaultLexicon returns the embedded Mexican-Spanish lexicon and allow-list.
func DefaultLexicon() *Lexicon {
	lx, err := buildDefaultLexicon()
	if err != nil {
		panic("offensive: embedded lexicon: " + err.Error())
	}
	return lx
}

func buildDefaultLexicon() (*Lexicon, error) {
	entries, err := DefaultEntries()
	if err != nil {
		return nil, err
	}
	return NewLexicon(entries)
}

// DefaultEntries returns the embedded lexicon's entries followed by the embedded
// allow-list as entries of kind "allow". An institute extends the default lexicon with
// NewLexicon(append(DefaultEntries(), own...)).
func DefaultEntries() ([]Entry, error) {
	entries, err := ReadEntries(bytes.NewReader(embeddedLexicon))
	if err != nil {
		return nil, err
	}
	allow, err := ReadAllowList(bytes.NewReader(embeddedAllow))
	if err != nil {
		return nil, err
	}
	for _, w := range allow {
		entries = append(entries, Entry{Kind: roleAllow, Text: w})
	}
	return entries, nil
}

// OffensiveCategories lists the categories a Verdict may report, in a fixed order (for
// metrics that pre-create one series per category).
func OffensiveCategories() []string { return append([]string(nil), offensiveCats...) }

// LoadLexicon reads a lexicon in JSON Lines (one Entry per line; blank lines and lines
// starting with # are skipped) and compiles it. Allow-list words may be given as entries of
// kind "allow".
func LoadLexicon(r io.Reader) (*Lexicon, error) {
	entries, err := ReadEntries(r)
	if err != nil {
		return nil, err
	}
	return NewLexicon(entries)
}

// ReadEntries reads lexicon entries in JSON Lines without compiling them.
func ReadEntries(r io.Reader) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		var e Entry
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("offensive: lexicon line %d: %w", line, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("offensive: lexicon: %w", err)
	}
	return out, nil
}

// ReadAllowList reads one word per line; blank lines and # comments are skipped.
func ReadAllowList(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		s := sc.Text()
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		for _, w := range strings.Fields(s) {
			out = append(out, w)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("offensive: allow-list: %w", err)
	}
	return out, nil
}

// ErrLexicon reports an invalid lexicon entry.
var ErrLexicon = errors.New("invalid lexicon entry")

// NewLexicon compiles entries into a Lexicon.
func NewLexicon(entries []Entry) (*Lexicon, error) {
	lx := &Lexicon{
		entries: entries,
		forms:   map[string]int32{},
		squeeze: map[string]int32{},
		phon:    map[string]int32{},
		skel:    map[string]int32{},
		masks:   map[int][]maskForm{},
		masksW:  map[int][]maskForm{},
		phrases: map[uint64][]phrase{},
		allow:   map[string]struct{}{},
	}
	bad := func(i int, why string) error {
		return fmt.Errorf("offensive: lexicon entry %d (%q): %s: %w", i+1, entries[i].Text, why, ErrLexicon)
	}
	// Pass 1: terms, which own their forms.
	for i, e := range entries {
		switch e.Kind {
		case "term", "stem", "phrase":
			if catIndex(e.Category) < 0 {
				return nil, bad(i, "unknown category "+e.Category)
			}
			if e.Severity < 0 || e.Severity > 3 {
				return nil, bad(i, "severity out of 1..3")
			}
		case roleAllow, roleWord:
		default:
			if _, ok := roleBits[e.Kind]; !ok {
				return nil, bad(i, "unknown kind "+e.Kind)
			}
		}
		if strings.TrimSpace(e.Text) == "" {
			return nil, bad(i, "empty text")
		}
		if e.Kind != "term" {
			continue
		}
		id := lx.word(foldWord(e.Text))
		if lx.term[id] >= 0 && lx.term[id] != int32(i) {
			return nil, bad(i, "duplicate term")
		}
		lx.term[id] = int32(i)
		for _, v := range e.Variants {
			f := foldWord(v)
			if old, ok := lx.forms[f]; ok && old != id {
				return nil, bad(i, "variant "+v+" already belongs to "+lx.words[old])
			}
			lx.forms[f] = id
		}
	}
	// Pass 2: roles, plain words, stems, allow-list.
	for i, e := range entries {
		switch e.Kind {
		case "term", "phrase":
			continue
		case roleAllow:
			lx.allow[lowerWord(e.Text)] = struct{}{}
			continue
		case "stem":
			lx.stems = append(lx.stems, stem{prefix: foldWord(e.Text), entry: int32(i)})
			continue
		}
		if strings.Contains(e.Text, " ") {
			// Multi-word roles (cue phrases such as "son unos") become phrases.
			continue
		}
		id := lx.word(foldWord(e.Text))
		for _, v := range e.Variants {
			lx.forms[foldWord(v)] = id
		}
		bit := roleBits[e.Kind]
		lx.role[id] |= bit
		if e.Kind == roleViolent || e.Kind == roleViolentObj {
			for _, c := range clitics {
				cid := lx.word(foldWord(e.Text) + c)
				lx.role[cid] |= bit
			}
		}
	}
	// Pass 3: phrases (and multi-word roles), expanded.
	for i, e := range entries {
		if e.Kind != "phrase" && !(roleBits[e.Kind] != 0 && strings.Contains(e.Text, " ")) {
			continue
		}
		texts := append([]string{e.Text}, e.Variants...)
		for _, t := range texts {
			for _, alt := range expandPhrase(t) {
				ws := strings.Fields(alt)
				if len(ws) == 0 {
					continue
				}
				p := phrase{entry: int32(i)}
				for _, w := range ws {
					p.words = append(p.words, lx.word(foldWord(w)))
				}
				k := pairKey(p.words[0], -1)
				if len(p.words) > 1 {
					k = pairKey(p.words[0], p.words[1])
				}
				lx.phrases[k] = append(lx.phrases[k], p)
				if len(p.words) > lx.maxPh {
					lx.maxPh = len(p.words)
				}
			}
		}
	}
	for k := range lx.phrases {
		ps := lx.phrases[k]
		sort.SliceStable(ps, func(a, b int) bool { return len(ps[a].words) > len(ps[b].words) })
	}
	// Index squeezed, phonetic and masked forms of every known form, in a fixed order so
	// that ties resolve the same way on every run.
	keys := make([]string, 0, len(lx.forms))
	for f := range lx.forms {
		keys = append(keys, f)
	}
	sort.Strings(keys)
	for _, f := range keys {
		id := lx.forms[f]
		e := lx.entryOf(id)
		isTerm := e != nil
		if isTerm {
			if sq := squeezeWord(f); sq != f {
				lx.squeeze[sq] = id
			} else {
				lx.squeeze[f] = id
			}
			if e.Maskable && utf8.RuneCountInString(f) >= 4 {
				n := utf8.RuneCountInString(f)
				lx.masks[n] = append(lx.masks[n], maskForm{form: f, id: id})
			}
		}
		if !isTerm && lx.role[id] != 0 || !isTerm && lx.inPhrase(id) {
			if n := utf8.RuneCountInString(f); n >= 4 {
				lx.masksW[n] = append(lx.masksW[n], maskForm{form: f, id: id})
			}
		}
		if k := phonKey(nil, f); len(k) >= 3 {
			if _, taken := lx.phon[string(k)]; !taken || isTerm {
				lx.phon[string(k)] = id
			}
		}
	}
	// Consonant skeletons of maskable terms ("pendejos" → "pndjs"), kept only when one
	// word has them and they have four letters or more.
	clash := map[string]bool{}
	for _, f := range keys {
		id := lx.forms[f]
		e := lx.entryOf(id)
		if e == nil || !e.Maskable {
			continue
		}
		k := string(skeleton(nil, f))
		if len(k) < 4 {
			continue
		}
		if old, ok := lx.skel[k]; ok && old != id {
			clash[k] = true
		}
		lx.skel[k] = id
	}
	for k := range clash {
		delete(lx.skel, k)
	}
	for n := range lx.masks {
		ms := lx.masks[n]
		sort.Slice(ms, func(a, b int) bool { return ms[a].form < ms[b].form })
	}
	return lx, nil
}

// inPhrase reports whether word id is part of an offensive phrase.
func (lx *Lexicon) inPhrase(id int32) bool {
	if lx.phraseWords == nil {
		lx.phraseWords = map[int32]bool{}
		for _, ps := range lx.phrases {
			for _, p := range ps {
				if c := catIndex(lx.entries[p.entry].Category); c < 0 || c >= len(offensiveCats) {
					continue
				}
				for _, w := range p.words {
					lx.phraseWords[w] = true
				}
			}
		}
	}
	return lx.phraseWords[id]
}

// pairKey keys phrases by their first two words.
func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// word returns the id of a folded form, creating it.
func (lx *Lexicon) word(f string) int32 {
	if id, ok := lx.forms[f]; ok {
		return id
	}
	id := int32(len(lx.words))
	lx.words = append(lx.words, f)
	lx.term = append(lx.term, -1)
	lx.role = append(lx.role, 0)
	lx.forms[f] = id
	return id
}

func (lx *Lexicon) entryOf(id int32) *Entry {
	if id < 0 || int(id) >= len(lx.term) || lx.term[id] < 0 {
		return nil
	}
	return &lx.entries[lx.term[id]]
}

// Entries returns a copy of the lexicon's entries.
func (lx *Lexicon) Entries() []Entry { return append([]Entry(nil), lx.entries...) }

// Allowed reports whether word is on the allow-list (checked on the unfolded and the folded
// form).
func (lx *Lexicon) Allowed(word string) bool {
	_, ok := lx.allow[lowerWord(word)]
	return ok
}

// expandPhrase expands "(x|y)" optional groups and "[x|y]" alternatives; alternatives may
// hold several words.
func expandPhrase(p string) []string {
	var segs [][]string
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == '[':
			closer := byte(')')
			if c == '[' {
				closer = ']'
			}
			j := strings.IndexByte(p[i:], closer)
			if j < 0 {
				j = len(p) - i
			}
			alts := strings.Split(p[i+1:min(i+j, len(p))], "|")
			if c == '(' {
				alts = append([]string{""}, alts...)
			}
			segs = append(segs, alts)
			i += j + 1
		default:
			j := strings.IndexAny(p[i:], " \t([")
			if j < 0 {
				j = len(p) - i
			}
			segs = append(segs, []string{p[i : i+j]})
			i += j
		}
	}
	out := []string{""}
	for _, alts := range segs {
		next := make([]string, 0, len(out)*len(alts))
		for _, o := range out {
			for _, a := range alts {
				a = strings.TrimSpace(a)
				switch {
				case a == "":
					next = append(next, o)
				case o == "":
					next = append(next, a)
				default:
					next = append(next, o+" "+a)
				}
			}
		}
		out = next
	}
	return out
}

// foldWord normalises one lexicon word the way Normalize folds a token (without leet).
func foldWord(w string) string {
	s := getScratch()
	defer putScratch(s)
	s.reset()
	s.stream(w)
	var b []byte
	for _, r := range s.runes {
		if r.r == ' ' {
			continue
		}
		b = utf8.AppendRune(b, r.r)
	}
	return string(b)
}

// lowerWord is foldWord with accents kept.
func lowerWord(w string) string {
	s := getScratch()
	defer putScratch(s)
	s.reset()
	s.stream(w)
	var b []byte
	for _, r := range s.runes {
		if r.r == ' ' {
			continue
		}
		b = utf8.AppendRune(b, r.lr)
	}
	return string(b)
}

// squeezeWord collapses every run of equal runes to one.
func squeezeWord(w string) string {
	var b []byte
	var prev rune = -1
	for _, r := range w {
		if r != prev {
			b = utf8.AppendRune(b, r)
		}
		prev = r
	}
	return string(b)
}

// phonKey appends to dst a phonetic key of a folded word, so that Mexican phonetic
// spellings meet: k/q/c(a,o,u) → k, c(e,i)/z → s, ch/x → x, v/b → b, hu+vowel and
// gu+e/i → w, initial silent h dropped, ll/y → y, g(e,i) → j, doubled letters once
// except rr, which stays apart from r.
func phonKey(dst []byte, w string) []byte {
	start := len(dst)
	b := w
	n := len(b)
	emit := func(c byte) {
		if len(dst) > start && dst[len(dst)-1] == c {
			return
		}
		dst = append(dst, c)
	}
	vowel := func(i int) bool {
		if i >= n {
			return false
		}
		switch b[i] {
		case 'a', 'e', 'i', 'o', 'u':
			return true
		}
		return false
	}
	front := func(i int) bool { return i < n && (b[i] == 'e' || b[i] == 'i' || b[i] == 'y') }
	for i := 0; i < n; i++ {
		c := b[i]
		switch c {
		case 'c':
			switch {
			case i+1 < n && b[i+1] == 'h':
				emit('x')
				i++
			case front(i + 1):
				emit('s')
			default:
				emit('k')
			}
		case 'q':
			if i+1 < n && b[i+1] == 'u' && front(i+2) {
				i++
			}
			emit('k')
		case 'k':
			emit('k')
		case 'z', 's':
			emit('s')
		case 'v', 'b':
			emit('b')
		case 'w':
			emit('w')
		case 'h':
			if i+1 < n && b[i+1] == 'u' && vowel(i+2) {
				emit('w')
				i++
			} else if i > 0 && i+1 < n && b[i+1] != 'h' {
				emit('h') // only the initial h is dropped ("ijo" = "hijo")
			}
		case 'r':
			if i+1 < n && b[i+1] == 'r' {
				emit('R') // rr is phonemic: pero/perro, pera/perra
				i++
			} else {
				emit('r')
			}
		case 'g':
			switch {
			case i+1 < n && b[i+1] == 'u' && front(i+2):
				emit('w')
				i++
			case front(i + 1):
				emit('j')
			default:
				emit('g')
			}
		case 'l':
			if i+1 < n && b[i+1] == 'l' {
				emit('y')
				i++
			} else {
				emit('l')
			}
		case 'y':
			emit('y')
		default:
			emit(c)
		}
	}
	return dst
}
