package outbound

import (
	"strings"
	"unicode"
)

// LinkOptions configure Links. Zero fields take the defaults.
type LinkOptions struct {
	// Allowed are the institutional domains; a link to one of them or to a subdomain is
	// fine. Nil means DefaultAllowedDomains.
	Allowed []string
	// MinWords is the number of words (outside links, mentions and hashtags) a post with a
	// link needs not to be a bare link; 3.
	MinWords int
}

// DefaultAllowedDomains are the institute's own domains.
var DefaultAllowedDomains = []string{"ife.org.mx"}

// link is a link found in text.
type link struct {
	start, end int
	host       string
}

// Links reports links outside the allowed domains (Criterio 6.vi) and posts that are a
// bare link with no text of their own (6.x).
func Links(text string, opts LinkOptions) []Finding {
	allowed := opts.Allowed
	if allowed == nil {
		allowed = DefaultAllowedDomains
	}
	if opts.MinWords == 0 {
		opts.MinWords = 3
	}
	var links []link
	nwords := 0
	for _, w := range words(text) {
		tok := text[w.Start:w.End]
		if l, ok := parseLink(tok); ok {
			l.start += w.Start
			l.end += w.Start
			links = append(links, l)
			continue
		}
		t := strings.TrimLeft(tok, "([\"'¡¿«")
		if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "@") {
			continue
		}
		letters := 0
		for _, r := range tok {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters >= 2 {
			nwords++
		}
	}
	var out []Finding
	for _, l := range links {
		if !hostAllowed(l.host, allowed) {
			out = append(out, Finding{Rule: RuleLinkOutside, Criterio: criterioLinks,
				Evidence: []Span{span(text, l.start, l.end)},
				Detail:   "enlace a un dominio fuera de la lista institucional: " + l.host})
		}
	}
	if len(links) > 0 && nwords < opts.MinWords {
		f := Finding{Rule: RuleBareLink, Criterio: criterioBareLinks,
			Detail: "publicación que es solo un enlace, sin texto propio"}
		for _, l := range links {
			f.Evidence = append(f.Evidence, span(text, l.start, l.end))
		}
		out = append(out, f)
	}
	return out
}

// hostAllowed reports host equal to, or a subdomain of, an allowed domain.
func hostAllowed(host string, allowed []string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, d := range allowed {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), ".")
		if d == "" {
			continue
		}
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

var linkTLDs = map[string]bool{}

func init() {
	for _, t := range strings.Fields("com mx org net gob edu ly co info io tv me us es gl be lat app link site online ws la cc fm to gd is tk ml ga cf gq xyz top club live news blog") {
		linkTLDs[t] = true
	}
}

// parseLink recognises a link in one white-space token: http(s)://…, www.…, or a bare
// domain with a known top-level domain (bit.ly/x, ife.org.mx). Offsets are relative to
// tok; surrounding punctuation is left out.
func parseLink(tok string) (link, bool) {
	a, b := 0, len(tok)
	for a < b && strings.ContainsRune("([\"'¡¿«<", rune(tok[a])) {
		a++
	}
	for b > a && strings.ContainsRune(").,;:!?]\"'»>", rune(tok[b-1])) {
		b--
	}
	s := tok[a:b]
	low := strings.ToLower(s)
	rest := ""
	switch {
	case strings.HasPrefix(low, "http://"):
		rest = low[len("http://"):]
	case strings.HasPrefix(low, "https://"):
		rest = low[len("https://"):]
	case strings.HasPrefix(low, "www."):
		rest = low
	default:
		if strings.Contains(low, "@") {
			return link{}, false
		}
		rest = low
	}
	host := rest
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if rest == low && !strings.HasPrefix(low, "www.") {
		// A bare domain: letters, digits, dots and dashes, a known TLD.
		dot := strings.LastIndexByte(host, '.')
		if dot <= 0 || !linkTLDs[host[dot+1:]] {
			return link{}, false
		}
		for _, r := range host {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
				return link{}, false
			}
		}
		if strings.Contains(host, "..") || strings.HasPrefix(host, "-") {
			return link{}, false
		}
	}
	if host == "" || !strings.Contains(host, ".") {
		return link{}, false
	}
	return link{start: a, end: b, host: host}, true
}
