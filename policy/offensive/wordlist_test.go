package offensive

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestLexicon_SpanishWordlist runs every word of a Spanish word list (Debian's wspanish,
// when installed) through the lexicon and fails on words the phonetic, repeated-letter or
// stem matchers turn into an offensive term: those are Scunthorpe false positives.
func TestLexicon_SpanishWordlist(t *testing.T) {
	f, err := os.Open("/usr/share/dict/spanish")
	if err != nil {
		t.Skip("no /usr/share/dict/spanish (apt-get install wspanish)")
	}
	defer f.Close()
	lx, err := defaultLexicon()
	if err != nil {
		t.Fatal(err)
	}
	// Words that really are (or contain) the offensive term they match.
	intended := map[string]bool{}
	for _, w := range strings.Fields(`pendejez pendejada pendejadas culera culeros ojetes chingadera chingaderas
		chingado chingada chingados chingadas pendejear cabronada cabronadas`) {
		intended[w] = true
	}
	s := new(scratch)
	sc := bufio.NewScanner(f)
	bad := 0
	for sc.Scan() {
		w := strings.TrimSpace(sc.Text())
		if w == "" || intended[strings.ToLower(w)] {
			continue
		}
		s.normalize(w)
		lx.resolve(s)
		for i := range s.toks {
			tk := &s.toks[i]
			if tk.how == howNone || tk.how == howExact || tk.how == howAllowed {
				continue
			}
			var e *Entry
			if tk.word <= -2 {
				e = &lx.entries[-2-tk.word]
			} else if tk.word >= 0 {
				e = lx.entryOf(tk.word)
			}
			if e == nil {
				continue
			}
			if e.Category == CatIdiom || e.Category == CatPolitical {
				continue
			}
			bad++
			if bad < 60 {
				t.Errorf("%q matches %s %q by %s", w, e.Category, e.Text, howNames[tk.how])
			}
		}
	}
	if bad > 0 {
		t.Logf("%d false matches", bad)
	}
}
