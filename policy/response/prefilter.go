package response

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
)

// The prefilter. Every comment goes through some 25 intent rules and the spam
// phrases; trying each regular expression in turn cost most of a backfill's CPU.
// Most of the rules cannot match without one of a few literal words ("gracias",
// "sugiero", "?"): a single pass of an Aho-Corasick automaton over the folded text
// finds which rules' words occur, and only those rules (and the few without a
// required literal) run their expressions. A rule the prefilter skips could not
// have matched, so decisions are exactly those of trying every rule.

// maxClassRunes bounds the runes of a character class turned into literals (a
// class such as [?¿] or \d); a larger one counts as no requirement.
const maxClassRunes = 16

// maxLiterals bounds the strings of a set exact builds, and so what one rule adds
// to the automaton.
const maxLiterals = 64

// required returns literals of which every match of re contains at least one; ok
// is false when no such set is known (re may match text that contains none).
func required(re *syntax.Regexp) (lits []string, ok bool) {
	if re.Flags&syntax.FoldCase != 0 {
		return nil, false // the rules work on folded text and never fold case
	}
	if e, ok := exact(re); ok && shortest(e) > 0 {
		return e, true
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l, ok := required(sub)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return out, true
	case syntax.OpConcat:
		// Every part of a concatenation is in the match, and so is every run of
		// consecutive parts with a finite set of strings (their products: "no " and
		// "contestan|responden" make "no contestan|no responden"). Take the most
		// selective, the set whose shortest literal is longest.
		var best []string
		found := false
		consider := func(l []string) {
			if shortest(l) > 0 && (!found || shortest(l) > shortest(best) || shortest(l) == shortest(best) && len(l) < len(best)) {
				best, found = l, true
			}
		}
		var run []string
		for _, sub := range re.Sub {
			e, ok := exact(sub)
			if !ok {
				consider(run)
				run = nil
				if l, ok := required(sub); ok {
					consider(l)
				}
				continue
			}
			if run == nil {
				run = e
			} else if p, ok := product(run, e); ok {
				run = p
			} else {
				consider(run)
				run = e
			}
		}
		consider(run)
		return best, found
	}
	return nil, false
}

// exact returns every string re can match, ignoring its zero-width assertions
// (\b, ^), when they are at most maxLiterals; "" among them when re can match
// the empty string.
func exact(re *syntax.Regexp) ([]string, bool) {
	if re.Flags&syntax.FoldCase != 0 {
		return nil, false
	}
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == maxClassRunes {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		return out, len(out) > 0
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, true
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest:
		e, ok := exact(re.Sub[0])
		if !ok || len(e) >= maxLiterals {
			return nil, false
		}
		return append(slices.Clone(e), ""), true
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			e, ok := exact(sub)
			if !ok || len(out)+len(e) > maxLiterals {
				return nil, false
			}
			out = append(out, e...)
		}
		return out, true
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			e, ok := exact(sub)
			if !ok {
				return nil, false
			}
			if out, ok = product(out, e); !ok {
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}

// product returns every a followed by every b, when they are at most
// maxLiterals.
func product(a, b []string) ([]string, bool) {
	if len(a)*len(b) > maxLiterals {
		return nil, false
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out, true
}

func shortest(lits []string) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}

// prefilter tells, in one pass over a text, which of up to 64 expressions can
// match it: those whose required literals occur in it, and those without any.
type prefilter struct {
	always uint64 // expressions with no known required literal
	ac     *automaton
}

// mustPrefilter builds the prefilter of up to 64 expressions, compiled with
// regexp.MustCompile (Perl syntax); it panics like MustCompile when it cannot.
func mustPrefilter(res ...*regexp.Regexp) *prefilter {
	if len(res) > 64 {
		panic(fmt.Sprintf("response: prefilter: %d expressions, at most 64", len(res)))
	}
	p := &prefilter{}
	var lits []string
	var masks []uint64
	for i, x := range res {
		re, err := syntax.Parse(x.String(), syntax.Perl)
		if err != nil {
			panic(fmt.Sprintf("response: prefilter: %v", err))
		}
		l, ok := required(re.Simplify())
		if !ok || shortest(l) == 0 {
			p.always |= 1 << i
			continue
		}
		for _, s := range l {
			lits = append(lits, s)
			masks = append(masks, 1<<i)
		}
	}
	p.ac = newAutomaton(lits, masks)
	return p
}

// candidates returns the bit set of the expressions that can match s.
func (p *prefilter) candidates(s string) uint64 {
	return p.always | p.ac.scan(s)
}

// automaton is an Aho-Corasick automaton over bytes, compiled to a full
// transition table over byte classes (the bytes that occur in some literal,
// and one class for every other byte).
type automaton struct {
	class  [256]uint8
	nclass int
	next   []int32  // state*nclass + class → state
	out    []uint64 // the masks of the literals that end at a state
}

func newAutomaton(lits []string, masks []uint64) *automaton {
	a := &automaton{nclass: 1}
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if a.class[l[i]] == 0 {
				a.class[l[i]] = uint8(a.nclass)
				a.nclass++
			}
		}
	}
	// The trie.
	type node struct {
		child map[uint8]int32
		fail  int32
		out   uint64
	}
	nodes := []node{{child: map[uint8]int32{}}}
	for i, l := range lits {
		n := int32(0)
		for j := 0; j < len(l); j++ {
			c := a.class[l[j]]
			nx, ok := nodes[n].child[c]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, node{child: map[uint8]int32{}})
				nodes[n].child[c] = nx
			}
			n = nx
		}
		nodes[n].out |= masks[i]
	}
	// Breadth first: failure links and the full transition table.
	a.next = make([]int32, len(nodes)*a.nclass)
	a.out = make([]uint64, len(nodes))
	queue := []int32{0}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		nd := &nodes[n]
		if n != 0 {
			nd.out |= nodes[nd.fail].out
		}
		a.out[n] = nd.out
		keys := make([]uint8, 0, len(nd.child))
		for c := range nd.child {
			keys = append(keys, c)
		}
		slices.Sort(keys)
		for c := range a.nclass {
			cc := uint8(c)
			if ch, ok := nd.child[cc]; ok && c != 0 {
				if n == 0 {
					nodes[ch].fail = 0
				} else {
					nodes[ch].fail = a.next[int(nd.fail)*a.nclass+c]
				}
				a.next[int(n)*a.nclass+c] = ch
				continue
			}
			if n != 0 {
				a.next[int(n)*a.nclass+c] = a.next[int(nd.fail)*a.nclass+c]
			}
		}
		for _, c := range keys {
			if c != 0 {
				queue = append(queue, nd.child[c])
			}
		}
	}
	return a
}

// scan returns the union of the masks of the literals that occur in s.
func (a *automaton) scan(s string) uint64 {
	var m uint64
	st := int32(0)
	for i := 0; i < len(s); i++ {
		st = a.next[int(st)*a.nclass+int(a.class[s[i]])]
		m |= a.out[st]
	}
	return m
}
