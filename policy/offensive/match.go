package offensive

import (
	"sort"
	"sync"
	"unicode/utf8"
)

// how a token was matched to a lexicon word.
const (
	howNone uint8 = iota
	howExact
	howLeet
	howMask
	howRepeat
	howPhonetic
	howStem
	howSpaced
	howAllowed
	howAbbrev
)

var howNames = [...]string{"", "exact", "leet", "masked", "repeated", "phonetic", "stem", "spaced", "allowed", "abbreviated"}

// hit is one lexicon or rule match.
type hit struct {
	entry    int32 // entry index; -1 for the threat pattern
	t0, t1   int32 // token range [t0, t1)
	start    int32 // original span
	end      int32
	cat      int8 // index into allCats
	sev      int8
	directed bool // target satisfied, or none needed
	intens   bool // used as an intensifier ("el puto día")
	how      uint8
	emoji    bool
}

// scratch holds every buffer one classification needs, reused through a pool.
type scratch struct {
	runes []nrune
	buf   []byte
	toks  []token
	seq   []int32 // indices of sequence tokens (words in reading order)
	cover []bool  // per token: inside a matched phrase
	cue   []bool  // per token: a target cue (word or phrase)
	hits  []hit
	feats []uint32
	nText int // feats[:nText] are text features (words, bigrams, n-grams); the rest lexicon
	key   []byte
	sents []uint8 // per sentence: bit 0 has a cue
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(s *scratch) {
	if cap(s.runes) > 1<<16 || cap(s.buf) > 1<<18 {
		return // let huge buffers go
	}
	scratchPool.Put(s)
}

func (s *scratch) reset() {
	s.runes = s.runes[:0]
	s.buf = s.buf[:0]
	s.toks = s.toks[:0]
	s.seq = s.seq[:0]
	s.cover = s.cover[:0]
	s.cue = s.cue[:0]
	s.hits = s.hits[:0]
	s.feats = s.feats[:0]
	s.sents = s.sents[:0]
}

func (s *scratch) fold(t *token) []byte  { return s.buf[t.f0:t.f1] }
func (s *scratch) lower(t *token) []byte { return s.buf[t.l0:t.l1] }

// matchOpts are the parts of the classifier options the lexicon layer needs.
type matchOpts struct {
	institute map[string]struct{} // folded handles whose mention is not a target
}

// lexResult summarises the lexicon layer for one text.
type lexResult struct {
	mention   bool // an @mention of someone other than the institute
	cues      int  // target cue tokens
	threat    bool
	maxSev    int8 // highest severity among directed word hits of offensive categories
	directedN int
	anyOff    bool // any hit of an offensive category, directed or not (emoji included)
}

// resolve finds the lexicon word of every token.
func (lx *Lexicon) resolve(s *scratch) {
	for i := range s.toks {
		t := &s.toks[i]
		t.word, t.how, t.mark = -1, howNone, markNone
		switch t.kind {
		case KindURL, KindNumber, KindMention:
			continue
		}
		f := s.fold(t)
		if len(lx.allow) > 0 {
			_, ok := lx.allow[string(s.lower(t))]
			if !ok && t.flags&fLeet != 0 {
				_, ok = lx.allow[string(f)]
			}
			if ok {
				// Never a term; roles ("diputados" as a group) still count.
				t.how = howAllowed
				if id, found := lx.forms[string(f)]; found && lx.term[id] < 0 {
					t.word = id
				}
				continue
			}
		}
		if id, ok := lx.forms[string(f)]; ok {
			t.word, t.how = id, howExact
			if t.flags&fLeet != 0 {
				t.how = howLeet
			}
			if t.kind == KindJoined {
				t.how = howSpaced
			}
			continue
		}
		if t.kind == KindEmoji {
			continue
		}
		if t.flags&fMask != 0 {
			if id := lx.maskMatch(f); id >= 0 {
				t.word, t.how = id, howMask
			}
			continue
		}
		if t.flags&(fDouble|fSqueezed) != 0 {
			s.key = squeezeAppend(s.key[:0], f)
			if id, ok := lx.squeeze[string(s.key)]; ok {
				t.word, t.how = id, howRepeat
				continue
			}
		}
		if len(f) >= 3 {
			s.key = phonKey(s.key[:0], string(f))
			if id, ok := lx.phon[string(s.key)]; ok && (len(s.key) >= 4 || lx.term[id] < 0) {
				if lx.term[id] < 0 || lx.entries[lx.term[id]].Kind != "term" || len(f) >= 4 {
					t.word, t.how = id, howPhonetic
					continue
				}
			}
		}
		if len(f) >= 4 && noVowels(f) {
			// "pndjs", "cbrn": a term written without its vowels.
			if id, ok := lx.skel[string(f)]; ok {
				t.word, t.how = id, howAbbrev
				continue
			}
		}
		for _, st := range lx.stems {
			if len(f) > len(st.prefix) && string(f[:len(st.prefix)]) == st.prefix {
				t.word, t.how = -2-st.entry, howStem // negative: a stem entry
				break
			}
		}
	}
}

func squeezeAppend(dst, w []byte) []byte {
	var prev byte
	for i, c := range w {
		if i > 0 && c == prev && c < utf8.RuneSelf {
			continue
		}
		dst = append(dst, c)
		prev = c
	}
	return dst
}

// maskMatch matches a word with '?' wildcards against maskable forms of the same length.
func (lx *Lexicon) maskMatch(f []byte) int32 {
	n := utf8.RuneCount(f)
	if n < 4 {
		return -1
	}
	wild := 0
	for _, c := range f {
		if c == '?' {
			wild++
		}
	}
	if wild == 0 || wild*2 > n {
		return -1
	}
	for _, m := range lx.masks[n] {
		if wildEq(f, m.form) {
			return m.id
		}
	}
	for _, m := range lx.masksW[n] {
		if wildEq(f, m.form) {
			return m.id
		}
	}
	return -1
}

func wildEq(f []byte, form string) bool {
	i, j := 0, 0
	for i < len(f) && j < len(form) {
		if f[i] == '?' {
			_, n := utf8.DecodeRuneInString(form[j:])
			i++
			j += n
			continue
		}
		if f[i] != form[j] {
			return false
		}
		i++
		j++
	}
	return i == len(f) && j == len(form)
}

// inSeq reports whether a token takes part in phrase matching.
func inSeq(k TokenKind) bool {
	return k == KindWord || k == KindHashtagPart || k == KindNumber || k == KindJoined || k == KindMasked
}

// buildSeq lists the words in reading order for phrases, targets and threats. A joined or
// masked view that the lexicon recognised stands in for the pieces it was made of, so
// "h i j o s de su puta madre" and "ch.nga tu madre" read as phrases.
func (s *scratch) buildSeq() {
	var views [8]int32
	nv := 0
	for i := range s.toks {
		t := &s.toks[i]
		if (t.kind == KindJoined || t.kind == KindMasked) && t.word != -1 && nv < len(views) {
			// Keep them sorted by start (there are few).
			k := nv
			for k > 0 && s.toks[views[k-1]].start > t.start {
				views[k] = views[k-1]
				k--
			}
			views[k] = int32(i)
			nv++
		}
	}
	v := 0
	for i := range s.toks {
		t := &s.toks[i]
		if t.kind == KindJoined || t.kind == KindMasked || !inSeq(t.kind) {
			continue
		}
		for v < nv && s.toks[views[v]].end <= t.start {
			v++
		}
		if v < nv {
			w := &s.toks[views[v]]
			if t.start >= w.start && t.start < w.end {
				if t.start == w.start {
					s.seq = append(s.seq, views[v])
				}
				continue
			}
		}
		s.seq = append(s.seq, int32(i))
	}
}

// match runs the lexicon layer: phrases, terms, target cues and the threat pattern.
func (lx *Lexicon) match(s *scratch, o *matchOpts) lexResult {
	var res lexResult
	lx.resolve(s)
	n := len(s.toks)
	for i := 0; i < n; i++ {
		s.cover = append(s.cover, false)
		s.cue = append(s.cue, false)
	}
	s.buildSeq()
	nsent := int32(0)
	if n > 0 {
		nsent = s.toks[n-1].sent + 1
		for i := range s.toks {
			if s.toks[i].sent+1 > nsent {
				nsent = s.toks[i].sent + 1
			}
		}
	}
	for i := int32(0); i < nsent && i < 1<<15; i++ {
		s.sents = append(s.sents, 0)
	}
	// Mentions.
	for i := range s.toks {
		t := &s.toks[i]
		if t.kind == KindMention {
			if _, inst := o.institute[string(s.fold(t))]; !inst {
				res.mention = true
			}
		}
	}
	// Phrases, longest first, left to right.
	seq := s.seq
	for a := 0; a < len(seq); a++ {
		t := &s.toks[seq[a]]
		if t.word < 0 {
			continue
		}
		var lists [2][]phrase // longer phrases (by their first two words) first
		if a+1 < len(seq) {
			if w1 := s.toks[seq[a+1]].word; w1 >= 0 {
				lists[0] = lx.phrases[pairKey(t.word, w1)]
			}
		}
		lists[1] = lx.phrases[pairKey(t.word, -1)]
		matched := false
		for _, ps := range lists {
			if matched {
				break
			}
			for _, p := range ps {
				if a+len(p.words) > len(seq) {
					continue
				}
				ok := true
				for k, w := range p.words {
					u := &s.toks[seq[a+k]]
					if u.word != w || u.sent != t.sent {
						ok = false
						break
					}
				}
				if !ok {
					continue
				}
				e := &lx.entries[p.entry]
				last := &s.toks[seq[a+len(p.words)-1]]
				if e.Kind != "phrase" {
					// A multi-word role: only cues matter here.
					if e.Kind == roleCue {
						for k := range p.words {
							s.cue[seq[a+k]] = true
						}
					}
					continue
				}
				s.hits = append(s.hits, hit{
					entry: p.entry, t0: seq[a], t1: seq[a+len(p.words)-1] + 1,
					start: t.start, end: last.end, cat: int8(catIndex(e.Category)),
					sev: int8(e.Severity), directed: !e.NeedsTarget, how: howExact,
				})
				for k := range p.words {
					s.cover[seq[a+k]] = true
				}
				a += len(p.words) - 1
				matched = true
				break
			}
		}
	}
	// Single-word cues.
	for i := range s.toks {
		t := &s.toks[i]
		if t.word >= 0 && lx.role[t.word]&rCue != 0 && !s.cover[i] {
			s.cue[i] = true
		}
	}
	for i := range s.toks {
		sn := s.toks[i].sent
		if s.cue[i] {
			res.cues++
			if int(sn) < len(s.sents) {
				s.sents[sn] |= 1
			}
		}
		if w := s.toks[i].word; w >= 0 && lx.role[w]&rGroup != 0 && int(sn) < len(s.sents) {
			s.sents[sn] |= 2
		}
	}
	// Phrases that need a target ("cara de verga") get it now that the cues are known.
	for i := range s.hits {
		h := &s.hits[i]
		if e := &lx.entries[h.entry]; e.NeedsTarget {
			h.directed = res.mention || lx.targeted(s, int(h.t0), e)
		}
	}
	// Terms and stems.
	for i := range s.toks {
		t := &s.toks[i]
		if s.cover[i] || t.word == -1 {
			continue
		}
		var ei int32 = -1
		if t.word <= -2 {
			ei = -2 - t.word
		} else if lx.term[t.word] >= 0 {
			ei = lx.term[t.word]
		}
		if ei < 0 {
			continue
		}
		e := &lx.entries[ei]
		h := hit{entry: ei, t0: int32(i), t1: int32(i + 1), start: t.start, end: t.end,
			cat: int8(catIndex(e.Category)), sev: int8(e.Severity), how: t.how, emoji: t.kind == KindEmoji}
		h.directed = !e.NeedsTarget
		if e.NeedsTarget {
			h.directed = res.mention || lx.targeted(s, i, e)
		}
		if e.Intensifier && lx.intensifier(s, i) {
			h.intens = true
			h.directed = false
		}
		if e.NeedsTarget {
			switch {
			case h.intens:
				t.mark = markIntensifier
			case h.directed:
				t.mark = markDirected
			default:
				t.mark = markUndirected
			}
		}
		s.hits = append(s.hits, h)
	}
	// The threat pattern.
	lx.threats(s)
	for i := range s.hits {
		h := &s.hits[i]
		if h.cat == catThreat && h.directed {
			res.threat = true
		}
		if int(h.cat) < len(offensiveCats) {
			res.anyOff = true
		}
		if h.directed && int(h.cat) < len(offensiveCats) {
			res.directedN++
			if h.sev > res.maxSev && !h.emoji {
				res.maxSev = h.sev
			}
		}
	}
	return res
}

var catThreat = int8(catIndex(CatThreat))

// targeted reports a target cue for the term at token i: a cue in its sentence, a
// demonstrative before it, or a vocative.
func (lx *Lexicon) targeted(s *scratch, i int, e *Entry) bool {
	t := &s.toks[i]
	if self(s, i) {
		return false // "qué idiota soy", "creen que somos tontos"
	}
	if int(t.sent) < len(s.sents) && s.sents[t.sent]&1 != 0 {
		return true
	}
	// The words before and after i in its sentence, found by binary search over the
	// sequence (linear scans would make long comments quadratic).
	prev, next := -1, -1
	seq := s.seq
	lo := sort.Search(len(seq), func(k int) bool { return s.toks[seq[k]].start >= t.start })
	if lo > 0 {
		if u := &s.toks[seq[lo-1]]; u.sent == t.sent && int(seq[lo-1]) != i {
			prev = int(seq[lo-1])
		}
	}
	hi := sort.Search(len(seq), func(k int) bool { return s.toks[seq[k]].start >= t.end })
	if hi < len(seq) {
		if u := &s.toks[seq[hi]]; u.sent == t.sent && int(seq[hi]) != i {
			next = int(seq[hi])
		}
	}
	first := prev < 0
	alone := first && next < 0
	if prev >= 0 {
		p := &s.toks[prev]
		if p.word >= 0 && lx.role[p.word]&rDemonstr != 0 {
			return true
		}
		// Only for words that insult a person, and not the mild ones that also describe
		// things ("qué feo está el día").
		person := e.Severity >= 2 && !e.Ambiguous && (e.Category == CatInsult || e.Category == CatHomophobic || e.Category == CatMisogynistic || e.Category == CatRacist)
		switch f := string(s.fold(p)); {
		case !person:
			// Animal and sexual words have literal senses: "el perro de mi vecino".
		case f == "que" || f == "tan" || f == "bien" || f == "muy" || f == "pinche" || f == "pinches" || f == "son" || f == "es" || f == "sean" ||
			f == "grandisimo" || f == "grandisima" || f == "reverendo" || f == "reverenda":
			// "¡qué pendejo!", "está bien pendejo", "pinche idiota": said of someone.
			return true
		case f == "el" || f == "la" || f == "los" || f == "las" || f == "un" || f == "una":
			// "el pendejo de Juan": a named third person.
			if next >= 0 {
				switch string(s.fold(&s.toks[next])) {
				case "de", "del":
					return true
				}
			}
		}
	}
	// A group or institution right before the term ("consejeros pendejos"), or anywhere
	// in the sentence of an emoji ("los consejeros 🐀🐀").
	if t.kind == KindEmoji && int(t.sent) < len(s.sents) && s.sents[t.sent]&2 != 0 {
		return true
	}
	if prev >= 0 && !e.Ambiguous {
		if p := &s.toks[prev]; p.word >= 0 && lx.role[p.word]&rGroup != 0 {
			return true
		}
	}
	// Vocative: ", pendejo" at the end of a sentence or between commas; "Pendejo, …".
	if t.commaB && (next < 0 || t.commaA) {
		return true
	}
	if first && t.commaA {
		return true
	}
	if alone && t.kind == KindWord && !e.Intensifier && !e.Ambiguous && aloneDirected(e.Category) {
		return true
	}
	return false
}

// intensifier reports "el puto día", "la pinche página": a determiner before and a noun
// after, in the same sentence.
func (lx *Lexicon) intensifier(s *scratch, i int) bool {
	t := &s.toks[i]
	if i+1 >= len(s.toks) || t.endA {
		return false
	}
	nx := &s.toks[i+1]
	if nx.sent != t.sent || !inSeq(nx.kind) {
		return false
	}
	if nx.word >= 0 && lx.term[nx.word] >= 0 {
		return true // "pinche pendejo": the next word carries the insult
	}
	if nx.word >= 0 && lx.role[nx.word]&rCue != 0 || s.cue[i+1] {
		return false // "puto eres"
	}
	if i == 0 {
		return true // "Pinche página, otra vez caída"
	}
	p := &s.toks[i-1]
	if p.sent != t.sent {
		return true
	}
	switch string(s.fold(p)) {
	case "el", "la", "los", "las", "un", "una", "todo", "toda", "del", "al", "su", "sus", "mi", "mis", "este", "esta", "estos", "estas", "otro", "otra":
		return true
	}
	return false
}

// threats finds intent + violent verb patterns ("te voy a matar", "hay que colgarlos",
// "ojalá se mueran") and adds threat hits.
func (lx *Lexicon) threats(s *scratch) {
	seq := s.seq
	for a := range seq {
		vi := seq[a]
		v := &s.toks[vi]
		if v.word < 0 || s.cover[vi] {
			continue
		}
		role := lx.role[v.word]
		if role&(rViolent|rViolentObj|rViolentSubj) == 0 {
			continue
		}
		// Look back up to five words in the same sentence.
		from := -1
		clitic := lx.isCliticForm(v.word)
		self := false
		quote := false
		for b := a - 1; b >= 0 && b >= a-5; b-- {
			u := &s.toks[seq[b]]
			if u.sent != v.sent {
				break
			}
			f := string(s.fold(u))
			if u.word >= 0 && lx.role[u.word]&rIntent != 0 {
				from = b
			}
			if f == "que" || f == "ojala" || f == "k" || f == "q" {
				quote = true
				if from < 0 {
					from = b
				}
			}
			switch f {
			case "te", "lo", "la", "los", "las", "le", "les", "ti", "ustedes":
				clitic = true
			case "me", "nos":
				if b >= a-2 {
					self = true
				}
			}
		}
		if self || from < 0 {
			continue
		}
		end := vi
		switch {
		case role&rViolentSubj != 0:
			// "ojalá te mueras", "que se mueran", "que mueran todos"; not "qué mate tan
			// grande" or "que muera la corrupción".
			if !quote || a == 0 {
				continue
			}
			pf := string(s.fold(&s.toks[seq[a-1]]))
			vf := s.fold(v)
			switch {
			case pf == "te" || pf == "se" || pf == "los" || pf == "las" || pf == "les" || pf == "lo" || pf == "la" || pf == "le":
			case pf == "ojala":
			case (pf == "que" || pf == "k" || pf == "q") && len(vf) > 0 && vf[len(vf)-1] == 'n':
			default:
				continue
			}
		case role&rViolentObj != 0:
			ok := false
			for b := a + 1; b < len(seq) && b <= a+3; b++ {
				u := &s.toks[seq[b]]
				if u.sent != v.sent {
					break
				}
				if u.word >= 0 && lx.role[u.word]&rObject != 0 {
					ok, end = true, seq[b]
					break
				}
			}
			if !ok {
				continue
			}
		default:
			if !clitic && a+1 < len(seq) {
				nx := &s.toks[seq[a+1]]
				if nx.sent == v.sent && string(s.fold(nx)) == "a" {
					clitic = true
				}
			}
			if !clitic {
				continue
			}
		}
		st := seq[from]
		if from > 0 {
			if u := &s.toks[seq[from-1]]; u.sent == v.sent {
				switch string(s.fold(u)) {
				case "te", "los", "las", "les", "lo", "la", "le":
					st = seq[from-1]
				}
			}
		}
		s.hits = append(s.hits, hit{entry: -1, t0: st, t1: end + 1, start: s.toks[st].start,
			end: s.toks[end].end, cat: catThreat, sev: 3, directed: true, how: howExact})
		for k := st; k <= end; k++ {
			s.cover[k] = true
		}
	}
}

func (lx *Lexicon) isCliticForm(id int32) bool {
	f := lx.words[id]
	for _, c := range clitics {
		if len(f) > len(c)+3 && f[len(f)-len(c):] == c {
			if _, ok := lx.forms[f[:len(f)-len(c)]]; ok {
				return true
			}
		}
	}
	return false
}

// aloneDirected reports categories whose term, as a whole sentence ("¡Pendejos!"), is
// aimed at the reader; sexual words and profanity alone are exclamations.
func aloneDirected(cat string) bool {
	switch cat {
	case CatInsult, CatHomophobic, CatMisogynistic, CatRacist, CatDehumanising:
		return true
	}
	return false
}

// self reports a first-person verb right before or after the term at token i.
func self(s *scratch, i int) bool {
	t := &s.toks[i]
	for _, k := range [...]int{i - 1, i + 1, i - 2} {
		if k < 0 || k >= len(s.toks) || s.toks[k].sent != t.sent || !inSeq(s.toks[k].kind) {
			continue
		}
		switch string(s.fold(&s.toks[k])) {
		case "soy", "somos", "fui", "fuimos", "estoy", "estamos", "sere", "seremos", "me", "siento":
			return true
		}
	}
	return false
}

// noVowels reports a word written without vowels (an abbreviation such as "pndjs").
func noVowels(f []byte) bool {
	for _, c := range f {
		switch c {
		case 'a', 'e', 'i', 'o', 'u', '?':
			return false
		}
		if c >= utf8.RuneSelf || c >= '0' && c <= '9' {
			return false
		}
	}
	return true
}

// skeleton appends w without vowels and with doubled letters once.
func skeleton(dst []byte, w string) []byte {
	var prev byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch c {
		case 'a', 'e', 'i', 'o', 'u':
			continue
		}
		if c == prev {
			continue
		}
		dst = append(dst, c)
		prev = c
	}
	return dst
}
