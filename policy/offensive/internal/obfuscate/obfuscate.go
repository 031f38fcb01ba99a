// Package obfuscate rewrites words the way people hide offensive words from filters: leet
// digits, masks, spacing, repeated letters, Mexican phonetic spellings, look-alike letters,
// fullwidth forms and invisible characters. The corpus generator and the classifier's
// robustness tests share it.
package obfuscate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is one way of hiding a word.
type Kind int

// The kinds of obfuscation.
const (
	Leet Kind = iota
	LeetPartial
	Mask
	MaskDot
	Spaced
	Dotted
	Dashed
	Repeat
	Phonetic
	Upper
	Fullwidth
	ZeroWidth
	Cyrillic
	NoAccents
	numKinds
)

// Kinds lists every kind.
func Kinds() []Kind {
	out := make([]Kind, numKinds)
	for i := range out {
		out[i] = Kind(i)
	}
	return out
}

var names = [...]string{"leet", "leet_partial", "mask", "mask_dot", "spaced", "dotted", "dashed", "repeat", "phonetic", "upper", "fullwidth", "zero_width", "cyrillic", "no_accents"}

// String returns the kind's name.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(names) {
		return names[k]
	}
	return "unknown"
}

var accents = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "Á", "A", "É", "E", "Í", "I", "Ó", "O", "Ú", "U")

// Word hides one word (no spaces) with kind k. Words shorter than four letters come back
// unchanged for the masking kinds.
func Word(w string, k Kind) string {
	rs := []rune(w)
	n := len(rs)
	switch k {
	case Leet:
		return strings.NewReplacer("a", "4", "e", "3", "i", "1", "o", "0", "s", "5", "A", "4", "E", "3", "I", "1", "O", "0").Replace(accents.Replace(w))
	case LeetPartial:
		// Only the vowels after the first letter, and only a and o.
		out := []rune(accents.Replace(w))
		for i := 1; i < len(out); i++ {
			switch out[i] {
			case 'a':
				out[i] = '@'
			case 'o':
				out[i] = '0'
			}
		}
		return string(out)
	case Mask, MaskDot:
		if n < 4 {
			return w
		}
		// Mask the first interior vowel.
		m := '*'
		if k == MaskDot {
			m = '.'
		}
		for i := 1; i < n-1; i++ {
			if strings.ContainsRune("aeiouáéíóú", unicode.ToLower(rs[i])) {
				out := append([]rune(nil), rs...)
				out[i] = m
				return string(out)
			}
		}
		out := append([]rune(nil), rs...)
		out[1] = m
		return string(out)
	case Spaced, Dotted, Dashed:
		sep := " "
		if k == Dotted {
			sep = "."
		} else if k == Dashed {
			sep = "-"
		}
		parts := make([]string, n)
		for i, r := range rs {
			parts[i] = string(r)
		}
		return strings.Join(parts, sep)
	case Repeat:
		// Stretch the last vowel.
		for i := n - 1; i >= 0; i-- {
			if strings.ContainsRune("aeiouáéíóú", unicode.ToLower(rs[i])) {
				return string(rs[:i+1]) + strings.Repeat(string(rs[i]), 4) + string(rs[i+1:])
			}
		}
		return w + strings.Repeat(string(rs[n-1]), 3)
	case Phonetic:
		s := strings.ToLower(accents.Replace(w))
		r := strings.NewReplacer("que", "ke", "qui", "ki", "ca", "ka", "co", "ko", "cu", "ku", "ch", "x", "ll", "y", "hue", "we", "güe", "we", "v", "b", "ce", "se", "ci", "si", "z", "s")
		s = r.Replace(s)
		if strings.HasPrefix(s, "h") {
			s = s[1:]
		}
		return s
	case Upper:
		return strings.ToUpper(w)
	case Fullwidth:
		var b strings.Builder
		for _, r := range w {
			switch {
			case r >= '!' && r <= '~':
				b.WriteRune(r - '!' + 0xFF01)
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	case ZeroWidth:
		if n < 2 {
			return w
		}
		return string(rs[:n/2]) + "\u200b" + string(rs[n/2:])
	case Cyrillic:
		return strings.NewReplacer("a", "а", "e", "е", "o", "о", "p", "р", "c", "с", "x", "х").Replace(w)
	case NoAccents:
		return accents.Replace(w)
	}
	return w
}

// Text hides every word of a phrase with kind k; spacing kinds apply to the longest word
// only, so the phrase stays readable.
func Text(s string, k Kind) string {
	ws := strings.Fields(s)
	if len(ws) == 0 {
		return s
	}
	switch k {
	case Spaced, Dotted, Dashed, Mask, MaskDot, Repeat:
		li := 0
		for i, w := range ws {
			if utf8.RuneCountInString(w) > utf8.RuneCountInString(ws[li]) {
				li = i
			}
		}
		ws[li] = Word(ws[li], k)
	default:
		for i, w := range ws {
			ws[i] = Word(w, k)
		}
	}
	return strings.Join(ws, " ")
}
