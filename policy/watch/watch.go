// Package watch finds configured phrases in texts: the watch lists with which an
// institute follows misinformation about itself (Criterio 3.ix: clarify
// misinformation about the institute), such as false claims about where, when or
// how to vote.
//
// Matching is on whole words, ignoring case and accents (ñ stays a letter of its
// own: "año" never matches "ano"): the phrase "casillas cerradas" matches "¡Las
// CASILLAS ya están cerradas!" only if the words follow each other, and "voto"
// never matches inside "devoto". Between the words of a phrase the text may hold
// any spaces and punctuation except a sentence end (. ! ? … ;). Invisible
// characters inside a word (zero-width spaces, soft hyphens) do not split it.
// Every match is reported as a byte span of the original text.
//
// A Matcher is immutable and safe for concurrent use; matching does no I/O.
package watch

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// List is a named list of phrases and the severity of its flags.
type List struct {
	Name     string
	Phrases  []string
	Severity string
}

// Match is one occurrence of a phrase in a text.
type Match struct {
	// Phrase is the list's phrase as configured.
	Phrase string `json:"phrase"`
	// Start and End are byte offsets of the match in the original text; Text is
	// text[Start:End].
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Hit is what one list found in a text.
type Hit struct {
	List     string
	Severity string
	// Matches are in text order (by Start, then End).
	Matches []Match
}

// ErrNoWords reports a phrase that has no word to match (empty, or punctuation only).
var ErrNoWords = errors.New("phrase has no words")

// Matcher matches a set of lists against texts.
type Matcher struct {
	lists   []List
	phrases []phrase
	// first maps a phrase's first folded word to the phrases starting with it.
	first map[string][]int
}

type phrase struct {
	list  int
	text  string
	words []string
}

// New compiles lists. A phrase without words is an error naming the list and the
// phrase (ErrNoWords); a list without phrases matches nothing.
func New(lists []List) (*Matcher, error) {
	m := &Matcher{lists: append([]List(nil), lists...), first: map[string][]int{}}
	for li, l := range lists {
		for _, p := range l.Phrases {
			words := Words(p)
			if len(words) == 0 {
				return nil, fmt.Errorf("watch: list %q: phrase %q: %w", l.Name, p, ErrNoWords)
			}
			m.first[words[0]] = append(m.first[words[0]], len(m.phrases))
			m.phrases = append(m.phrases, phrase{list: li, text: p, words: words})
		}
	}
	return m, nil
}

// Empty reports whether the matcher has no phrase at all (nil included).
func (m *Matcher) Empty() bool { return m == nil || len(m.phrases) == 0 }

// Words returns the folded words of s, as phrases are matched: lowercase, accents
// removed except the ñ's tilde.
func Words(s string) []string {
	ws := tokenize(s, nil)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.fold
	}
	return out
}

// Match returns, for each list with at least one match in text, its matches; nil
// when nothing matches. Lists come in configuration order.
func (m *Matcher) Match(text string) []Hit {
	if m.Empty() || text == "" {
		return nil
	}
	words := tokenize(text, nil)
	var per map[int][]Match // list → its matches
	for i := range words {
		for _, pi := range m.first[words[i].fold] {
			p := &m.phrases[pi]
			if !matchAt(text, words, i, p.words) {
				continue
			}
			if per == nil {
				per = map[int][]Match{}
			}
			start, end := words[i].start, words[i+len(p.words)-1].end
			per[p.list] = append(per[p.list], Match{Phrase: p.text, Start: start, End: end, Text: text[start:end]})
		}
	}
	if per == nil {
		return nil
	}
	hits := make([]Hit, 0, len(per))
	for li := range m.lists {
		ms, ok := per[li]
		if !ok {
			continue
		}
		// Words are visited in order, so matches are ordered by start; a longer
		// phrase at the same start comes after a shorter one.
		sort.SliceStable(ms, func(a, b int) bool {
			if ms[a].Start != ms[b].Start {
				return ms[a].Start < ms[b].Start
			}
			return ms[a].End < ms[b].End
		})
		hits = append(hits, Hit{List: m.lists[li].Name, Severity: m.lists[li].Severity, Matches: ms})
	}
	return hits
}

// matchAt reports whether the phrase's words follow each other in words from i,
// with no sentence end between them.
func matchAt(text string, words []word, i int, p []string) bool {
	if i+len(p) > len(words) {
		return false
	}
	for j := range p {
		if words[i+j].fold != p[j] {
			return false
		}
		if j > 0 && strings.ContainsAny(text[words[i+j-1].end:words[i+j].start], sentenceEnds) {
			return false
		}
	}
	return true
}

// sentenceEnds are the characters that break a phrase between two of its words.
const sentenceEnds = ".!?…;"

// word is a word of a text: its byte span and its folded form.
type word struct {
	start, end int
	fold       string
}

// tokenize splits s into words: runs of letters, digits and combining marks;
// invisible format characters inside a run neither split it nor show in the fold.
func tokenize(s string, dst []word) []word {
	var b strings.Builder
	start, end := -1, -1
	// plain: the word so far is lowercase ASCII with nothing skipped, so its fold is
	// s[start:end] and b is not used.
	plain := true
	unplain := func() {
		if plain {
			b.WriteString(s[start:end])
			plain = false
		}
	}
	flush := func() {
		if start < 0 {
			return
		}
		f := s[start:end]
		if !plain {
			f = b.String()
		}
		if f != "" {
			dst = append(dst, word{start: start, end: end, fold: f})
		}
		b.Reset()
		start, end, plain = -1, -1, true
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			flush()
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			if start < 0 {
				start, end = i, i
			}
			if !plain {
				b.WriteByte(byte(r))
			}
			end = i + size
		case isWordRune(r):
			if start < 0 {
				start, end = i, i
			}
			unplain()
			foldRune(&b, r)
			end = i + size
		case unicode.Is(unicode.Cf, r):
			// invisible: neither part of the fold nor a boundary
			if start >= 0 {
				unplain()
			}
		default:
			flush()
		}
		i += size
	}
	flush()
	return dst
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// foldRune appends r lowercased and without accents; ñ keeps its tilde (also when
// written as n and a combining tilde).
func foldRune(b *strings.Builder, r rune) {
	r = unicode.ToLower(r)
	switch {
	case r < utf8.RuneSelf:
		b.WriteRune(r)
		return
	case r == 'ñ':
		b.WriteRune(r)
		return
	case r == '\u0303' && strings.HasSuffix(b.String(), "n"):
		s := b.String()
		b.Reset()
		b.WriteString(s[:len(s)-1])
		b.WriteRune('ñ')
		return
	case unicode.Is(unicode.Mn, r):
		return // a combining accent
	}
	var buf [4]byte
	n := utf8.EncodeRune(buf[:], r)
	for _, d := range norm.NFKD.String(string(buf[:n])) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(unicode.ToLower(d))
		}
	}
}
