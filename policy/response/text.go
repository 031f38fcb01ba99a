package response

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxText bounds the bytes of a text the rules look at; users' texts can be 64 KiB
// of noise, and what decides an intent or a canned answer is at the start.
const maxText = 16 << 10

// urlRe finds links with or without a scheme ("bit.ly/x", "www.ife.org.mx").
var urlRe = regexp.MustCompile(`(?i)(?:https?://|www\.)[^\s<>"]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|mx|org|net|info|ly|co|io|me|gob|gov|edu|xyz|site|online|shop|store|app|link|click|top|biz|us|tk|gl|cc|ws)\b(?:/[^\s<>"]*)?`)

// handleRe finds @handles, with a Mastodon-style domain ("@ine@mastodon.social").
var handleRe = regexp.MustCompile(`@[\p{L}\p{N}_.]+(?:@[\p{L}\p{N}_.-]+)?`)

// foldRune lowercases r and removes its diacritics for the letters of Spanish and
// its neighbours; other runes are returned lowercased.
func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	if r < 0xC0 {
		return r
	}
	switch r {
	case 'á', 'à', 'â', 'ä', 'ã', 'å', 'ā':
		return 'a'
	case 'é', 'è', 'ê', 'ë', 'ē':
		return 'e'
	case 'í', 'ì', 'î', 'ï', 'ī':
		return 'i'
	case 'ó', 'ò', 'ô', 'ö', 'õ', 'ō':
		return 'o'
	case 'ú', 'ù', 'û', 'ü', 'ū':
		return 'u'
	case 'ñ':
		return 'n'
	case 'ç':
		return 'c'
	case 'ý', 'ÿ':
		return 'y'
	}
	return r
}

// invisible reports runes that change nothing a reader sees but can split a word
// for a matcher: format characters (zero-width spaces and joiners, bidi controls,
// the BOM), other controls and U+FFFD from invalid UTF-8.
func invisible(r rune) bool {
	return r == utf8.RuneError || (unicode.Is(unicode.Cf, r)) || (unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r')
}

func truncate(s string) string {
	if len(s) <= maxText {
		return s
	}
	i := maxText
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// fold prepares a text for the intent and spam rules: lowercased, accents removed,
// invisible characters dropped, links replaced by " <url> " and handles by " <@> ",
// runs of three or more equal letters squeezed to one ("graciasss" → "gracias",
// while Spanish doubles such as "llevo" stay), whitespace collapsed. Punctuation,
// digits and emoji stay: rules look at them.
func fold(s string) string {
	s = truncate(s)
	if mayHaveURL(s) {
		s = urlRe.ReplaceAllString(s, " <url> ")
	}
	if mayHaveHandle(s) {
		s = handleRe.ReplaceAllString(s, " <@> ")
	}
	return foldRest(s)
}

// mayHaveURL is false for a text urlRe cannot match, so the expression is run
// only on the texts that have a chance: a match holds "://", "www." or a dot
// before its domain ending, whose first letter is an ASCII letter or "ſ" (the
// long s, which (?i) folds to "s").
func mayHaveURL(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	for i := strings.IndexByte(s, '.'); i >= 0; {
		if i >= 3 && strings.EqualFold(s[i-3:i], "www") {
			return true
		}
		if rest := s[i+1:]; rest != "" && (asciiLetter(rest[0]) || strings.HasPrefix(rest, "ſ")) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '.')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func asciiLetter(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// mayHaveHandle is false for a text handleRe cannot match: one without "@".
func mayHaveHandle(s string) bool {
	return strings.IndexByte(s, '@') >= 0
}

// foldRest is fold's work after links and handles are replaced.
func foldRest(s string) string {
	out := make([]rune, 0, len(s))
	run := 0 // length of the run of equal letters ending at out's end
	for _, r := range s {
		if invisible(r) {
			continue
		}
		if unicode.IsSpace(r) {
			if n := len(out); n > 0 && out[n-1] != ' ' {
				out = append(out, ' ')
			}
			run = 0
			continue
		}
		r = foldRune(r)
		if n := len(out); n > 0 && out[n-1] == r && unicode.IsLetter(r) {
			run++
			if run == 3 {
				out = out[:n-1] // "sss": drop the second "s" and the third
				continue
			}
			if run > 3 {
				continue
			}
		} else {
			run = 1
		}
		out = append(out, r)
	}
	return strings.TrimSpace(string(out))
}

// Normalize is the text of an own reply as the canned-answer check compares it:
// lowercased, accents removed, links, @handles, #-signs, numbers, punctuation and
// emoji dropped, one space between words. Two answers that differ only in the
// user's handle, a folio number or a link normalise to the same text.
func Normalize(s string) string {
	return strings.Join(words(s), " ")
}

// words returns the words of Normalize.
func words(s string) []string {
	s = truncate(s)
	if mayHaveURL(s) {
		s = urlRe.ReplaceAllString(s, " ")
	}
	if mayHaveHandle(s) {
		s = handleRe.ReplaceAllString(s, " ")
	}
	var out []string
	var w strings.Builder
	digit := false
	flush := func() {
		if w.Len() > 0 && !digit {
			out = append(out, w.String())
		}
		w.Reset()
		digit = false
	}
	for _, r := range s {
		switch {
		case invisible(r):
		case unicode.IsLetter(r):
			w.WriteRune(foldRune(r))
		case unicode.IsDigit(r):
			digit = true
			w.WriteRune(r)
		case r == '\'' || r == '’':
			// "pa'l": keep the word whole
		default:
			flush()
		}
	}
	flush()
	return out
}

// mentions returns the handles a text mentions, lowercased, without "@"; for a
// Mastodon-style "@ine@mastodon.social" both "ine@mastodon.social" and "ine".
func mentions(s string) []string {
	s = truncate(s)
	if !mayHaveHandle(s) {
		return nil
	}
	var out []string
	for _, m := range handleRe.FindAllString(s, -1) {
		h := strings.ToLower(strings.TrimRight(m[1:], "."))
		if h == "" {
			continue
		}
		out = append(out, h)
		if local, _, ok := strings.Cut(h, "@"); ok && local != "" {
			out = append(out, local)
		}
	}
	return out
}

// handleKey is the form of a handle that mentions are compared in.
func handleKey(h string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
}

// mentionsHandle reports whether ms (from mentions) names handle.
func mentionsHandle(ms []string, handle string) bool {
	h := handleKey(handle)
	if h == "" {
		return false
	}
	local, _, _ := strings.Cut(h, "@")
	for _, m := range ms {
		if m == h || m == local {
			return true
		}
	}
	return false
}
