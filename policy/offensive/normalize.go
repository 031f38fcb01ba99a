package offensive

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TokenKind tells what a Token stands for.
type TokenKind uint8

// Token kinds produced by Normalize.
const (
	// KindWord is a run of letters and digits, possibly with leet symbols or masks inside.
	KindWord TokenKind = iota + 1
	// KindNumber is a run of digits only; it is never de-leeted.
	KindNumber
	// KindMention is an @mention; Text omits the @.
	KindMention
	// KindHashtag is a whole #hashtag; Text omits the #.
	KindHashtag
	// KindHashtagPart is one camel-case part of a hashtag (#FueraPendejos gives fuera, pendejos).
	KindHashtagPart
	// KindEmoji is one emoji; Text is the emoji itself.
	KindEmoji
	// KindURL is a link; it takes no part in matching.
	KindURL
	// KindJoined is an extra view of three or more spaced single letters ("p u t o").
	KindJoined
	// KindMasked is an extra view of a word split by mask characters ("pend.jo").
	KindMasked
)

var kindNames = [...]string{"", "word", "number", "mention", "hashtag", "hashtag_part", "emoji", "url", "joined", "masked"}

// String returns the kind's name.
func (k TokenKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Token is one unit of normalised text. Start and End are byte offsets into the original
// text, so that text[Start:End] is what the user wrote.
type Token struct {
	// Text is the matching form: NFKC, lower case, confusables mapped, accents folded
	// (ñ kept, ü to u), leet symbols mapped to letters inside words that have a letter,
	// masks as '?', and runs of three or more equal letters cut to two.
	Text string
	// Lower is the unfolded form (NFKC, lower case, accents kept, no leet mapping), used for
	// allow-list checks.
	Lower string
	// Start and End delimit the token in the original text (byte offsets).
	Start, End int
	// Kind tells what the token stands for.
	Kind TokenKind
}

// Normalize splits text into normalised tokens with offsets into text. It never panics,
// whatever the input (invalid UTF-8, NUL bytes, very long text).
func Normalize(text string) []Token {
	s := getScratch()
	defer putScratch(s)
	s.normalize(text)
	out := make([]Token, 0, len(s.toks))
	for i := range s.toks {
		t := &s.toks[i]
		out = append(out, Token{
			Text:  string(s.buf[t.f0:t.f1]),
			Lower: string(s.buf[t.l0:t.l1]),
			Start: int(t.start),
			End:   int(t.end),
			Kind:  t.kind,
		})
	}
	return out
}

// nrune is one rune of the normalised stream.
type nrune struct {
	r     rune  // folded, lower-cased, confusables mapped
	lr    rune  // lower-cased, accents kept
	start int32 // original byte offsets
	end   int32
	up    bool // the original was upper case (for camel-case hashtags)
}

// token flags.
const (
	fLeet     uint8 = 1 << iota // a digit or leet symbol was mapped to a letter
	fMask                       // contains a '?' wildcard
	fSqueezed                   // a run of 3+ equal letters was cut
	fDouble                     // contains a doubled letter Spanish never doubles (not rr ll cc ee oo nn)
	fAccent                     // the unfolded form differs from the folded one
)

// token is the internal, allocation-free form of Token.
type token struct {
	start, end int32 // original byte offsets
	f0, f1     int32 // folded matching form in scratch.buf
	l0, l1     int32 // unfolded lower form in scratch.buf
	kind       TokenKind
	flags      uint8
	sent       int32 // sentence index
	commaB     bool  // a comma in the gap before the token
	commaA     bool  // a comma in the gap after the token
	endA       bool  // the token ends its sentence (or the text)
	word       int32 // lexicon word id, -1 if none
	how        uint8 // how the word id was found
	mark       uint8 // lexicon layer's verdict on a target-needing term: markUndirected …
	nr         int32 // runes in the folded form (words only)
}

// token marks set by the lexicon layer on words whose offence depends on a target.
const (
	markNone uint8 = iota
	markUndirected
	markDirected
	markIntensifier
)

const maxTextBytes = 1 << 16 // longer comments are cut (no network allows more)

// normalize fills s.toks from text.
func (s *scratch) normalize(text string) {
	s.reset()
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	s.stream(text)
	s.tokenize(text)
}

// stream converts text into s.runes: invisible characters dropped, NFKD with marks removed
// (except the tilde of ñ), lower case, confusables mapped.
func (s *scratch) stream(text string) {
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			lc := rune(c)
			up := false
			if 'A' <= c && c <= 'Z' {
				lc += 'a' - 'A'
				up = true
			}
			if c == 0 {
				lc = ' '
			}
			s.runes = append(s.runes, nrune{r: lc, lr: lc, start: int32(i), end: int32(i + 1), up: up})
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		st, en := int32(i), int32(i+size)
		i += size
		if r == utf8.RuneError && size <= 1 {
			s.runes = append(s.runes, nrune{r: ' ', lr: ' ', start: st, end: en})
			continue
		}
		if isInvisible(r) {
			s.extendPrev(en)
			continue
		}
		if isEmoji(r) {
			s.runes = append(s.runes, nrune{r: r, lr: r, start: st, end: en})
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			s.applyMark(r, en)
			continue
		}
		d := norm.NFKD.PropertiesString(text[st:en]).Decomposition()
		if len(d) == 0 {
			s.pushBase(r, st, en)
			continue
		}
		// Every base rune of one source rune (ligatures) shares its span.
		for j := 0; j < len(d); {
			dr, n := utf8.DecodeRune(d[j:])
			j += n
			if unicode.Is(unicode.Mn, dr) {
				s.applyMark(dr, en)
				continue
			}
			s.pushBase(dr, st, en)
		}
	}
}

func (s *scratch) extendPrev(end int32) {
	if n := len(s.runes); n > 0 && s.runes[n-1].r != ' ' {
		s.runes[n-1].end = end
	}
}

func (s *scratch) pushBase(r rune, st, en int32) {
	up := unicode.IsUpper(r)
	lr := unicode.ToLower(r)
	if m, ok := confusable(lr); ok {
		lr = m
	}
	fr := lr
	if lr == 'ü' {
		fr = 'u'
	}
	s.runes = append(s.runes, nrune{r: fr, lr: lr, start: st, end: en, up: up})
}

// applyMark folds a combining mark into the previous rune: it is dropped from the folded
// form, except the tilde on n (ñ); the unfolded form composes the common Spanish accents.
func (s *scratch) applyMark(m rune, end int32) {
	n := len(s.runes)
	if n == 0 {
		return
	}
	p := &s.runes[n-1]
	if p.r == ' ' || isEmoji(p.r) {
		return
	}
	p.end = end
	switch m {
	case 0x303: // tilde
		if p.r == 'n' {
			p.r, p.lr = 'ñ', 'ñ'
		}
	case 0x301: // acute
		switch p.lr {
		case 'a':
			p.lr = 'á'
		case 'e':
			p.lr = 'é'
		case 'i':
			p.lr = 'í'
		case 'o':
			p.lr = 'ó'
		case 'u':
			p.lr = 'ú'
		}
	case 0x308: // diaeresis
		if p.lr == 'u' {
			p.lr = 'ü'
		}
	}
}

func isInvisible(r rune) bool {
	switch {
	case r == 0xAD, r == 0x34F, r == 0x61C, r == 0x115F, r == 0x1160, r == 0x17B4, r == 0x17B5,
		r == 0x180E, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x206F, r == 0x3164, r == 0xFEFF, r == 0xFFA0,
		r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0000 && r <= 0xE007F,
		r >= 0x1F3FB && r <= 0x1F3FF: // skin tones
		return true
	}
	return false
}

func isEmoji(r rune) bool {
	return (r >= 0x1F000 && r <= 0x1FAFF && !(r >= 0x1F3FB && r <= 0x1F3FF)) ||
		(r >= 0x2600 && r <= 0x27BF) || r == 0x2B50 || r == 0x2B55 || r == 0x2B1B || r == 0x2B1C
}

// confusable maps look-alike Cyrillic and Greek lower-case letters to Latin.
func confusable(r rune) (rune, bool) {
	if r < 0x370 || r > 0x52F {
		return r, false
	}
	switch r {
	case 'а', 'α':
		return 'a', true
	case 'в', 'β':
		return 'b', true
	case 'е', 'ё', 'ε', 'є':
		return 'e', true
	case 'к', 'κ':
		return 'k', true
	case 'м':
		return 'm', true
	case 'н', 'һ':
		return 'h', true
	case 'о', 'ο', 'σ':
		return 'o', true
	case 'р', 'ρ':
		return 'p', true
	case 'с', 'ϲ':
		return 'c', true
	case 'т', 'τ':
		return 't', true
	case 'у', 'γ':
		return 'y', true
	case 'х', 'χ':
		return 'x', true
	case 'ѕ':
		return 's', true
	case 'і', 'ι', 'ї':
		return 'i', true
	case 'ј':
		return 'j', true
	case 'ԁ':
		return 'd', true
	case 'ӏ':
		return 'l', true
	case 'ԛ':
		return 'q', true
	case 'ԝ', 'ω':
		return 'w', true
	case 'ν':
		return 'v', true
	case 'υ', 'μ':
		return 'u', true
	case 'η', 'п':
		return 'n', true
	}
	return r, false
}

func isAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('0' <= r && r <= '9')
	}
	return !isEmoji(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z'
	}
	return !isEmoji(r) && unicode.IsLetter(r)
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// isLeetSym reports symbols that may stand for letters or masks inside a word.
func isLeetSym(r rune) bool {
	switch r {
	case '@', '$', '!', '|', '*', '#':
		return true
	}
	return false
}

// isJoiner reports the characters that may separate spaced or masked letters.
func isJoiner(r rune) bool {
	switch r {
	case ' ', '.', '-', '_', '*', '#', '+', '/':
		return true
	}
	return false
}

// leet maps a digit or symbol to the letter it stands for; '?' is the one-letter wildcard.
func leet(r rune) rune {
	switch r {
	case '4', '@':
		return 'a'
	case '3':
		return 'e'
	case '1', '!', '|':
		return 'i'
	case '0':
		return 'o'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	case '8':
		return 'b'
	case '9':
		return 'g'
	case '*', '#':
		return '?'
	}
	return r
}

// tokenize turns s.runes into s.toks.
func (s *scratch) tokenize(text string) {
	rs := s.runes
	sent := int32(0)
	comma := false
	n := len(rs)
	for i := 0; i < n; {
		r := rs[i].r
		switch {
		case isEmoji(r):
			s.addRaw(KindEmoji, i, i+1, sent, comma)
			comma = false
			i++
		case (r == 'h' || r == 'w') && s.urlAt(i):
			j := i
			for j < n && !isSpace(rs[j].r) {
				j++
			}
			s.addRaw(KindURL, i, j, sent, comma)
			comma = false
			i = j
		case r == '@' && i+1 < n && (isAlnum(rs[i+1].r) || rs[i+1].r == '_') && (i == 0 || !isAlnum(rs[i-1].r)):
			j := i + 1
			for j < n && (isAlnum(rs[j].r) || rs[j].r == '_' || rs[j].r == '.' && j+1 < n && isAlnum(rs[j+1].r)) {
				j++
			}
			s.addWord(KindMention, i+1, j, i, sent, comma)
			comma = false
			i = j
		case r == '#' && i+1 < n && isLetter(rs[i+1].r) && (i == 0 || !isAlnum(rs[i-1].r)):
			j := i + 1
			for j < n && (isAlnum(rs[j].r) || rs[j].r == '_') {
				j++
			}
			s.addWord(KindHashtag, i+1, j, i, sent, comma)
			comma = false
			s.hashtagParts(i+1, j, sent)
			i = j
		case isAlnum(r):
			j := i + 1
			for j < n {
				c := rs[j].r
				if isAlnum(c) {
					j++
					continue
				}
				if isLeetSym(c) {
					// A run of symbols inside a word, or a trailing @ or * mask.
					k := j
					for k < n && isLeetSym(rs[k].r) {
						k++
					}
					if k < n && isAlnum(rs[k].r) {
						j = k
						continue
					}
					if k-j <= 2 && (c == '@' || c == '*' || c == '#') {
						j = k
					}
				}
				break
			}
			kind := KindWord
			allDigits := true
			for k := i; k < j; k++ {
				if !isDigit(rs[k].r) {
					allDigits = false
					break
				}
			}
			if allDigits {
				kind = KindNumber
			}
			s.addWord(kind, i, j, i, sent, comma)
			comma = false
			i = j
		default:
			if isSentenceEnd(r) && !(r == '.' && i+1 < n && isAlnum(rs[i+1].r)) {
				// A full stop ends a sentence, but not inside "p.u.t.o" or "ife.org".
				if nt := len(s.toks); nt > 0 && s.toks[nt-1].sent == sent {
					s.toks[nt-1].endA = true
				}
				sent++
			} else if r == ',' || r == ';' || r == ':' {
				comma = true
				if nt := len(s.toks); nt > 0 && s.toks[nt-1].sent == sent {
					s.toks[nt-1].commaA = true
				}
			}
			i++
		}
	}
	if nt := len(s.toks); nt > 0 {
		s.toks[nt-1].endA = true
	}
	s.extraViews(text)
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || unicode.IsSpace(r)
}

func isSentenceEnd(r rune) bool {
	switch r {
	case '.', '?', '!', '¿', '¡', '\n', '…':
		return true
	}
	return false
}

func (s *scratch) urlAt(i int) bool {
	rs := s.runes
	has := func(p string) bool {
		k := i
		for _, c := range p {
			if k >= len(rs) || rs[k].r != c {
				return false
			}
			k++
		}
		return true
	}
	return has("http://") || has("https://") || has("www.")
}

// addRaw adds a token whose text is the runes themselves (emoji, URL).
func (s *scratch) addRaw(kind TokenKind, i, j int, sent int32, comma bool) {
	f0 := int32(len(s.buf))
	for k := i; k < j; k++ {
		s.buf = utf8.AppendRune(s.buf, s.runes[k].r)
	}
	f1 := int32(len(s.buf))
	s.toks = append(s.toks, token{
		start: s.runes[i].start, end: s.runes[j-1].end,
		f0: f0, f1: f1, l0: f0, l1: f1, kind: kind, sent: sent, commaB: comma, word: -1,
	})
}

// addWord adds a token made of runes i..j; from is where its original span starts (the @
// or # sign for mentions and hashtags).
func (s *scratch) addWord(kind TokenKind, i, j, from int, sent int32, comma bool) {
	if j <= i {
		return
	}
	rs := s.runes
	hasLetter := false
	for k := i; k < j; k++ {
		if isLetter(rs[k].r) {
			hasLetter = true
			break
		}
	}
	var flags uint8
	f0 := int32(len(s.buf))
	var prev rune = -1
	run, nr := 0, 0
	for k := i; k < j; k++ {
		c := rs[k].r
		if hasLetter && kind != KindNumber {
			if m := leet(c); m != c {
				if m == '?' {
					flags |= fMask
				} else {
					flags |= fLeet
				}
				c = m
			}
		}
		if c == prev {
			run++
			if run >= 2 {
				flags |= fSqueezed
				continue
			}
			switch c {
			case 'r', 'l', 'c', 'e', 'o', 'n':
			default:
				flags |= fDouble
			}
		} else {
			run = 0
		}
		prev = c
		s.buf = utf8.AppendRune(s.buf, c)
		nr++
	}
	f1 := int32(len(s.buf))
	l0 := int32(len(s.buf))
	for k := i; k < j; k++ {
		s.buf = utf8.AppendRune(s.buf, rs[k].lr)
	}
	l1 := int32(len(s.buf))
	if string(s.buf[l0:l1]) == string(s.buf[f0:f1]) {
		// Share the bytes when nothing differs.
		s.buf = s.buf[:l0]
		l0, l1 = f0, f1
	} else {
		flags |= fAccent
	}
	s.toks = append(s.toks, token{
		start: rs[from].start, end: rs[j-1].end, nr: int32(nr),
		f0: f0, f1: f1, l0: l0, l1: l1, kind: kind, flags: flags, sent: sent, commaB: comma, word: -1,
	})
}

// hashtagParts adds the camel-case parts of the hashtag in runes i..j, when there are two
// or more.
func (s *scratch) hashtagParts(i, j int, sent int32) {
	rs := s.runes
	parts := 0
	for k := i; k < j; k++ {
		if k > i && boundary(rs[k-1], rs[k]) {
			parts++
		}
	}
	if parts == 0 {
		return
	}
	st := i
	for k := i + 1; k <= j; k++ {
		if k == j || boundary(rs[k-1], rs[k]) {
			a, b := st, k
			for a < b && rs[a].r == '_' {
				a++
			}
			if b > a {
				s.addWord(KindHashtagPart, a, b, a, sent, false)
			}
			st = k
		}
	}
}

func boundary(a, b nrune) bool {
	if b.r == '_' {
		return true
	}
	if b.up && !a.up && isLetter(a.r) {
		return true
	}
	return isDigit(a.r) != isDigit(b.r) && a.r != '_'
}

// extraViews adds joined views of spaced single letters ("p u t o", "c-h-i-n-g-a") and
// masked views of words split by a mask character ("pend.jo", "p.ndejos").
func (s *scratch) extraViews(text string) {
	base := len(s.toks)
	word := func(k int) bool { return s.toks[k].kind == KindWord || s.toks[k].kind == KindNumber }
	single := func(k int) bool { return s.toks[k].nr == 1 }
	gap := func(k int) (string, bool) { // the gap before toks[k]
		a, b := s.toks[k-1].end, s.toks[k].start
		if b <= a || b-a > 3 {
			return "", false
		}
		return text[a:b], true
	}
	// Spaced letters: three or more single-letter words separated by joiners.
	for i := 0; i < base; {
		if !word(i) || !single(i) {
			i++
			continue
		}
		j := i + 1
		for j < base && word(j) && single(j) {
			g, ok := gap(j)
			if !ok || !joinerGap(g) {
				break
			}
			j++
		}
		if j-i >= 3 {
			s.joinedView(i, j)
			// Spanish one-letter words may touch the spaced letters: "a m a t a r",
			// "c o l g a r l o s a todos". Add the views without them too.
			oneLetter := func(k int) bool {
				switch s.buf[s.toks[k].f0] {
				case 'a', 'y', 'o', 'e', 'u':
					return true
				}
				return false
			}
			lo, hi := i, j
			if oneLetter(i) && j-i >= 4 {
				lo = i + 1
				s.joinedView(lo, j)
			}
			if oneLetter(j-1) && j-i >= 4 {
				hi = j - 1
				s.joinedView(i, hi)
			}
			if lo > i && hi < j && hi-lo >= 3 {
				s.joinedView(lo, hi)
			}
		}
		i = j
	}
	short := func(k int) bool { return word(k) && s.toks[k].nr <= 3 }
	// Masks: two words separated only by mask characters, not both single letters.
	for k := 1; k < base; k++ {
		if !word(k-1) || !word(k) || single(k-1) && single(k) {
			continue
		}
		g, ok := gap(k)
		if !ok || !maskGap(g) {
			continue
		}
		s.maskedView(text, k-1, k)
		if !short(k-1) || !short(k) {
			s.joinedView(k-1, k+1) // "ca-brón"; short pairs are the syllable chains below
		}
	}
	// Syllables: two to four short words joined by mask characters ("pen-de-jo").
	for i := 0; i < base; {
		if !short(i) {
			i++
			continue
		}
		j := i + 1
		for j < base && j-i < 4 && short(j) {
			g, ok := gap(j)
			if !ok || !maskGap(g) {
				break
			}
			j++
		}
		if j-i >= 2 {
			allSingle := true
			for k := i; k < j; k++ {
				allSingle = allSingle && single(k)
			}
			if !allSingle {
				s.joinedView(i, j)
			}
		}
		i = j
	}
}

// maskGap reports a gap made only of mask characters (no space).
func maskGap(g string) bool {
	for _, c := range g {
		switch c {
		case '.', '-', '_', '*', '#':
		default:
			return false
		}
	}
	return true
}

func joinerGap(g string) bool {
	for _, c := range g {
		if !isJoiner(c) {
			return false
		}
	}
	return true
}

// joinedView adds the joined view of the spaced letters toks[i:j].
func (s *scratch) joinedView(i, j int) {
	f0 := int32(len(s.buf))
	for k := i; k < j; k++ {
		t := s.toks[k]
		for _, c := range string(s.buf[t.f0:t.f1]) {
			s.buf = utf8.AppendRune(s.buf, leet(c))
		}
	}
	f1 := int32(len(s.buf))
	s.toks = append(s.toks, token{
		start: s.toks[i].start, end: s.toks[j-1].end, f0: f0, f1: f1, l0: f0, l1: f1,
		kind: KindJoined, sent: s.toks[i].sent, word: -1, flags: fLeet,
		commaB: s.toks[i].commaB, commaA: s.toks[j-1].commaA, endA: s.toks[j-1].endA,
	})
}

// maskedView adds the view of toks[i] and toks[j] joined by one wildcard per mask
// character ("pend.jo" → "pend?jo").
func (s *scratch) maskedView(text string, i, j int) {
	f0 := int32(len(s.buf))
	a, b := s.toks[i], s.toks[j]
	s.buf = append(s.buf, s.buf[a.f0:a.f1]...)
	for range text[a.end:b.start] {
		s.buf = append(s.buf, '?')
	}
	s.buf = append(s.buf, s.buf[b.f0:b.f1]...)
	f1 := int32(len(s.buf))
	s.toks = append(s.toks, token{
		start: a.start, end: b.end, f0: f0, f1: f1, l0: f0, l1: f1,
		kind: KindMasked, sent: a.sent, word: -1, flags: fMask,
		commaB: a.commaB, commaA: b.commaA, endA: b.endA,
	})
}
