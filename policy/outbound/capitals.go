package outbound

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CapitalsOptions configure Capitals. Zero fields take the defaults.
type CapitalsOptions struct {
	// MinLetters is the number of letters (outside hashtags, mentions, links and acronyms)
	// below which a text is too short to judge; 20.
	MinLetters int
	// Ratio is the share of upper-case letters at or above which the text is "mostly in
	// capitals"; 0.6.
	Ratio float64
	// Acronyms are words always allowed in capitals, in addition to DefaultAcronyms and
	// any all-capital word of four letters or fewer.
	Acronyms []string
}

// DefaultAcronyms are longer acronyms an electoral institute writes in capitals.
var DefaultAcronyms = []string{"IFETEL", "INFOMEX", "UNICOM", "COFIPE", "TEPJF", "FEPADE", "PVEM", "CDMX", "IFEMEXICO", "SEGOB", "CONAPRED", "LGIPE", "COPARMEX"}

// Capitals reports a text written mostly in capitals (Criterio 6.xxiii: capitals only to
// highlight words). The evidence is each run of words in capitals.
func Capitals(text string, opts CapitalsOptions) []Finding {
	if opts.MinLetters == 0 {
		opts.MinLetters = 20
	}
	if opts.Ratio == 0 {
		opts.Ratio = 0.6
	}
	acr := map[string]bool{}
	for _, a := range DefaultAcronyms {
		acr[a] = true
	}
	for _, a := range opts.Acronyms {
		acr[strings.ToUpper(a)] = true
	}
	upper, total := 0, 0
	var runs []Span
	runStart, runEnd := -1, -1
	for _, w := range words(text) {
		tok := text[w.Start:w.End]
		if skipToken(tok) {
			continue
		}
		core := strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		u, l := 0, 0
		for _, r := range core {
			switch {
			case unicode.IsUpper(r):
				u++
			case unicode.IsLower(r):
				l++
			}
		}
		if u+l == 0 {
			continue
		}
		if l == 0 && (u <= 4 || acr[strings.ToUpper(core)]) {
			continue // an acronym: INE, IFE, CURP, PREP
		}
		upper += u
		total += u + l
		if l == 0 && u > 0 {
			if runStart < 0 {
				runStart = w.Start
			}
			runEnd = w.End
		} else if runStart >= 0 {
			runs = append(runs, span(text, runStart, runEnd))
			runStart = -1
		}
	}
	if runStart >= 0 {
		runs = append(runs, span(text, runStart, runEnd))
	}
	if total < opts.MinLetters || float64(upper) < opts.Ratio*float64(total) {
		return nil
	}
	return []Finding{{Rule: RuleCapitals, Criterio: criterioCapitals, Evidence: runs,
		Detail: "texto escrito mayoritariamente en mayúsculas"}}
}

// words splits text on white space, with offsets.
func words(text string) []Span {
	out := make([]Span, 0, strings.Count(text, " ")+1) // one allocation for most texts
	start := -1
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, Span{Start: start, End: i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += n
	}
	if start >= 0 {
		out = append(out, Span{Start: start, End: len(text)})
	}
	for i := range out {
		out[i].Text = text[out[i].Start:out[i].End]
	}
	return out
}

// skipToken reports hashtags, mentions, links and e-mail addresses.
func skipToken(tok string) bool {
	t := strings.TrimLeft(tok, "([\"'¡¿«")
	if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "@") || strings.Contains(t, "@") {
		return true
	}
	_, ok := parseLink(tok)
	return ok
}
