package response

import (
	"math/rand/v2"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
)

// classifyEveryRule is Classify as it was before the prefilter: every rule tried
// in turn. The prefilter must never change its answer.
func classifyEveryRule(text string) Classification {
	f := fold(text)
	for _, ru := range rules {
		if loc := ru.re.FindStringIndex(f); loc != nil {
			return Classification{Intent: ru.intent, Rule: ru.name, Match: f[loc[0]:loc[1]]}
		}
	}
	return Classification{Intent: IntentOther, Rule: string(IntentOther) + "/sin_coincidencia"}
}

// spamEveryRule is Spam as it was before its shortcuts.
func spamEveryRule(text string) SpamVerdict {
	t := truncate(text)
	f := foldEveryRule(t)
	if m := spamPhrases.FindString(f); m != "" {
		return SpamVerdict{Spam: true, Rule: "spam/promocion", Match: m}
	}
	links := urlRe.FindAllString(t, 64)
	if len(links) > 0 {
		rest := urlRe.ReplaceAllString(t, " ")
		rest = handleRe.ReplaceAllString(rest, " ")
		if letters(rest) < 4 {
			return SpamVerdict{Spam: true, Rule: "spam/solo_enlace", Match: links[0]}
		}
		seen := map[string]bool{}
		for _, l := range links {
			k := linkKey(l)
			if seen[k] {
				return SpamVerdict{Spam: true, Rule: "spam/enlace_repetido", Match: l}
			}
			seen[k] = true
		}
		if len(links) >= 3 {
			return SpamVerdict{Spam: true, Rule: "spam/muchos_enlaces", Match: strings.Join(links[:3], " ")}
		}
		if m := spamCalls.FindString(f); m != "" {
			return SpamVerdict{Spam: true, Rule: "spam/llamado_a_la_accion", Match: m}
		}
	}
	if phoneRe.MatchString(t) {
		if m := phoneCalls.FindString(f); m != "" {
			return SpamVerdict{Spam: true, Rule: "spam/llamado_a_la_accion", Match: m}
		}
	}
	return SpamVerdict{}
}

// foldEveryRule is fold with the link and handle expressions always run.
func foldEveryRule(s string) string {
	s = truncate(s)
	s = urlRe.ReplaceAllString(s, " <url> ")
	s = handleRe.ReplaceAllString(s, " <@> ")
	return foldRest(s)
}

// simulatedTexts returns every text (all versions) of the simulated world's items
// for one account: the comments the backfill benchmark classifies.
func simulatedTexts(t testing.TB) []string {
	t.Helper()
	epoch := time.Date(2012, time.June, 1, 12, 0, 0, 0, time.UTC)
	w, err := simulated.NewWorld(simulated.Config{Seed: 11, Epoch: epoch, Anchor: epoch, Hostile: 0.005}, epoch)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, id := range []string{"ife_mx"} {
		tr := w.Truth(connectors.Account{ID: id, Network: "x", Handle: strings.ToUpper(id)}, epoch)
		for _, it := range tr.Items {
			for _, v := range it.Versions {
				out = append(out, v.Text)
			}
		}
	}
	return out
}

// hostileTexts builds texts meant to trip the prefilter: every rule's literals
// alone, glued to letters, with accents and capitals, split by invisible
// characters, squeezed letters, links and handles around them, and random bytes
// and runes.
func hostileTexts() []string {
	var out []string
	for _, ru := range rules {
		re, err := syntax.Parse(ru.re.String(), syntax.Perl)
		if err != nil {
			panic(err)
		}
		lits, _ := required(re.Simplify())
		for _, l := range lits {
			out = append(out, l, "x"+l+"x", " "+l+" ", strings.ToUpper(l)+"?", "¿"+l+"?",
				strings.ReplaceAll(l, "a", "á"), strings.ReplaceAll(l, "o", "ó"), l+l+l,
				strings.Join(strings.Split(l, ""), "\u200b"), "hola @ife_mx "+l+" https://ife.org.mx/"+l,
				l+"sss "+l+"!!! 😡👏", "<url> "+l, "por favor "+l+" gracias")
		}
	}
	rng := rand.New(rand.NewPCG(11, 2012))
	alphabet := []rune("aeiouáéíóúñ ¿?¡!.,;:@#/-_0123456789 qwrtypsdfghjklzxcvbnm\u200b\u00a0\t\n😡👏🙏❤️\xff")
	for range 1000 {
		var b strings.Builder
		for range rng.IntN(120) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		out = append(out, b.String())
	}
	for range 200 {
		b := make([]byte, rng.IntN(80))
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		out = append(out, string(b))
	}
	long := strings.Repeat("¿dónde está mi credencial? gracias 👏 ", 1200) // past maxText
	out = append(out, long, long[:maxText+1], "", " ", "?", "¿")
	return out
}

// TestPrefilter_SameDecisions checks that Classify and Spam, with the prefilter
// and the shortcuts, decide exactly as trying every expression does, over the
// simulated world's texts, the rule tests' texts and hostile inputs.
func TestPrefilter_SameDecisions(t *testing.T) {
	t.Parallel()
	texts := simulatedTexts(t)
	if len(texts) < 2000 {
		t.Fatalf("only %d simulated texts", len(texts))
	}
	for _, c := range classifyCases {
		texts = append(texts, c.text)
	}
	texts = append(texts, hostileTexts()...)
	intents := map[Intent]int{}
	spam := 0
	for _, text := range texts {
		want, got := classifyEveryRule(text), Classify(text)
		if got != want {
			t.Errorf("Classify(%q) = %v, every rule tried gives %v", text, got, want)
		}
		intents[got.Intent]++
		if w, g := spamEveryRule(text), Spam(text); g != w {
			t.Errorf("Spam(%q) = %+v, without shortcuts %+v", text, g, w)
		} else if g.Spam {
			spam++
		}
		if w, g := foldEveryRule(text), fold(text); g != w {
			t.Errorf("fold(%q) = %q, without shortcuts %q", text, g, w)
		}
	}
	// The comparison means something only if the texts reach every intent and spam.
	for _, in := range Intents {
		if intents[in] == 0 {
			t.Errorf("no text classified %s", in)
		}
	}
	if spam == 0 {
		t.Error("no text is spam")
	}
	t.Logf("%d texts: intents %v, %d spam", len(texts), intents, spam)
}

// TestPrefilter_NeverSkipsAMatch checks the prefilter's promise for each rule on
// its own (not only the first that matches): a rule whose expression matches a
// folded text is always among the candidates.
func TestPrefilter_NeverSkipsAMatch(t *testing.T) {
	t.Parallel()
	texts := append(simulatedTexts(t), hostileTexts()...)
	skipped := 0
	for _, text := range texts {
		f := fold(text)
		cand := rulesFilter.candidates(f)
		for i, ru := range rules {
			match := ru.re.MatchString(f)
			if match && cand&(1<<i) == 0 {
				t.Errorf("rule %s matches %q but the prefilter skips it", ru.name, f)
			}
			if !match && cand&(1<<i) == 0 {
				skipped++
			}
		}
		if spamPhrases.MatchString(f) && spamFilter.candidates(f) == 0 {
			t.Errorf("the spam phrases match %q but the prefilter skips them", f)
		}
	}
	// Most rules are skipped on most texts, or the prefilter saves nothing.
	if skipped < len(texts)*len(rules)/2 {
		t.Errorf("the prefilter skipped only %d of %d rule runs", skipped, len(texts)*len(rules))
	}
}

func TestRequired(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern string
		want    []string // nil: no requirement
	}{
		{`\bgracias\b`, []string{"gracias"}},
		{`[?¿]`, []string{"?", "¿"}},
		{`\b(?:sugiero|propongo)\b`, []string{"sugiero", "propongo"}},
		{`\bno (?:contestan|responden)\b`, []string{"no contestan", "no responden"}},
		{`\bp(?:ido|edimos) (?:la|el)? ?datos\b`, []string{
			"pido la datos", "pido ladatos", "pido el datos", "pido eldatos", "pido  datos", "pido datos",
			"pedimos la datos", "pedimos ladatos", "pedimos el datos", "pedimos eldatos", "pedimos  datos", "pedimos datos"}},
		{`\b(?:llevo|tengo) [^.]{0,40}esperando`, []string{"esperando"}},
		{`^(?:hola )*(?:como|donde)\b`, []string{"como", "donde"}},
		{`(?:ja)+|xd`, []string{"ja", "xd"}},
		{`\d{10}`, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}},
		{`a?b*`, nil},
		{`[a-z]+`, nil}, // too many runes
		{`(?i)gracias`, nil},
		{`x|y*`, nil},
	} {
		re, err := syntax.Parse(tc.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := required(re.Simplify())
		if tc.want == nil {
			if ok {
				t.Errorf("%s: required %q, want none", tc.pattern, got)
			}
			continue
		}
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !ok || !slices.Equal(got, want) {
			t.Errorf("%s: required %q (%v), want %q", tc.pattern, got, ok, want)
		}
	}
}

func TestAutomaton_FindsOverlappingLiterals(t *testing.T) {
	t.Parallel()
	a := newAutomaton([]string{"he", "she", "his", "hers", "gracias", "s"}, []uint64{1, 2, 4, 8, 16, 32})
	for _, tc := range []struct {
		s    string
		want uint64
	}{
		{"ushers", 1 | 2 | 8 | 32},
		{"", 0},
		{"xyz", 0},
		{"graciagracias", 16 | 32},
		{"hi", 0},
		{"this", 4 | 32},
	} {
		if got := a.scan(tc.s); got != tc.want {
			t.Errorf("scan(%q) = %b, want %b", tc.s, got, tc.want)
		}
	}
}

// FuzzPrefilter checks on arbitrary texts that the prefilter never skips a rule
// that matches, and that Classify and Spam decide as without shortcuts.
func FuzzPrefilter(f *testing.F) {
	for _, c := range classifyCases {
		f.Add(c.text)
	}
	f.Add("gana dinero desde casa 👉 bit.ly/x whatsapp 55 1234 5678")
	f.Fuzz(func(t *testing.T, text string) {
		fo := fold(text)
		cand := rulesFilter.candidates(fo)
		for i, ru := range rules {
			if cand&(1<<i) == 0 && ru.re.MatchString(fo) {
				t.Fatalf("rule %s matches %q but the prefilter skips it", ru.name, fo)
			}
		}
		if got, want := Classify(text), classifyEveryRule(text); got != want {
			t.Fatalf("Classify(%q) = %v, want %v", text, got, want)
		}
		if got, want := Spam(text), spamEveryRule(text); got != want {
			t.Fatalf("Spam(%q) = %+v, want %+v", text, got, want)
		}
	})
}

// benchTexts runs fn over the simulated texts, one text per iteration.
func benchTexts[T any](b *testing.B, fn func(string) T) {
	texts := simulatedTexts(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fn(texts[i%len(texts)])
	}
}

func BenchmarkClassify(b *testing.B)          { benchTexts(b, Classify) }
func BenchmarkClassifyEveryRule(b *testing.B) { benchTexts(b, classifyEveryRule) }
func BenchmarkSpam(b *testing.B)              { benchTexts(b, Spam) }
func BenchmarkSpamEveryRule(b *testing.B)     { benchTexts(b, spamEveryRule) }
