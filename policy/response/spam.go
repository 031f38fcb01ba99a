package response

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// SpamVerdict is the built-in spam heuristic's answer for one text.
type SpamVerdict struct {
	Spam bool
	// Rule names the rule that matched ("spam/solo_enlace"); empty when Spam is false.
	Rule string
	// Match is the evidence: the matched phrase or the repeated link.
	Match string
}

var (
	// spamPhrases are promotions that are spam on their own.
	spamPhrases = regexp.MustCompile(`\b(?:gana(?:r)? (?:dinero|hasta|\$|mas de)|ganaste|eres (?:el|la) ganador|reclama(?:lo|la)? (?:aqui|ya|en)|dinero (?:facil|rapido|extra)|trabajo desde casa|trabaja desde casa|pago semanal|creditos? (?:sin buro|rapidos?|inmediatos?)|prestamos? (?:sin buro|rapidos?|inmediatos?)|sin buro|sigueme y te sigo|follow ?back|#followback|compra seguidores|seguidores reales|mas seguidores|invierte (?:\$|desde|y)|recibe el doble|duplica tu dinero|amarres?(?: de amor)?|tarot|baja \d+ ?kg|bajar de peso|sin dieta|90% de descuento|80% de descuento|al \d+% de descuento|criptomonedas? gratis|bitcoin gratis|forex)\b`)
	// spamCalls are calls to action that, with a link, make a promotion.
	spamCalls = regexp.MustCompile(`\b(?:whatsapp|wa\.me|escribeme|mandame (?:dm|mensaje|inbox)|info(?:rmes)? (?:aqui|al|por dm|inbox)|link en (?:mi )?bio|da clic|dale clic|haz clic|click aqui|entra (?:aqui|ya)|oferta|descuento|promocion|gratis)\b|👉|🔥|💰|💸`)
	// phoneCalls are the calls to action that, with a phone number, make one; a
	// citizen quoting IFETEL's number ("llamé gratis al 01 800…") is not spam.
	phoneCalls = regexp.MustCompile(`\b(?:whatsapp|wa\.me|escribeme|mandame (?:dm|mensaje|inbox|whats)|info(?:rmes)? (?:al|por dm|inbox)|pedidos al|ventas al)\b`)
	phoneRe    = regexp.MustCompile(`(?:\+?52 ?)?(?:\d[ -]?){10}`)
)

// Spam applies the built-in spam heuristic to a user's text: a promotion phrase
// ("gana dinero desde casa", "créditos sin buró", "sígueme y te sigo"), a text that
// is only links, the same link repeated, three or more links, or a call to action
// with a link or a phone number. The agent may also pass its own spam flag to
// NeedsAnswer.
func Spam(text string) SpamVerdict {
	t := truncate(text)
	return spamFolded(t, fold(t))
}

// spamFilter tells whether the spam phrases can match a folded text.
var spamFilter = mustPrefilter(spamPhrases)

// spamFolded is Spam of t (truncated) whose folded form is f. The expressions run
// only where they can match: the phrases where one of their words occurs, the
// links where mayHaveURL says so, the phone number where ten digits are.
func spamFolded(t, f string) SpamVerdict {
	if spamFilter.candidates(f) != 0 {
		if m := spamPhrases.FindString(f); m != "" {
			return SpamVerdict{Spam: true, Rule: "spam/promocion", Match: m}
		}
	}
	var links []string
	if mayHaveURL(t) {
		links = urlRe.FindAllString(t, 64)
	}
	if len(links) > 0 {
		rest := urlRe.ReplaceAllString(t, " ")
		if mayHaveHandle(rest) {
			rest = handleRe.ReplaceAllString(rest, " ")
		}
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
	}
	if len(links) > 0 {
		if m := spamCalls.FindString(f); m != "" {
			return SpamVerdict{Spam: true, Rule: "spam/llamado_a_la_accion", Match: m}
		}
	}
	if asciiDigits(t) >= 10 && phoneRe.MatchString(t) {
		if m := phoneCalls.FindString(f); m != "" {
			return SpamVerdict{Spam: true, Rule: "spam/llamado_a_la_accion", Match: m}
		}
	}
	return SpamVerdict{}
}

// asciiDigits counts the digits 0 to 9 of s (phoneRe's \d): a phone number
// needs ten.
func asciiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			n++
		}
	}
	return n
}

// letters counts the letters of s outside hashtags.
func letters(s string) int {
	n := 0
	inTag := false
	for _, r := range s {
		switch {
		case r == '#':
			inTag = true
		case unicode.IsSpace(r):
			inTag = false
		case unicode.IsLetter(r) && !inTag:
			n++
		}
	}
	return n
}

// linkKey is the host and path of a link, lowercased, for spotting the same link
// twice.
func linkKey(l string) string {
	s := strings.ToLower(l)
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return strings.TrimPrefix(u.Host, "www.") + strings.TrimRight(u.Path, "/")
}
