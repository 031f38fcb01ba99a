package mastodon

import (
	"html"
	"strings"
)

// HTMLToText converts the sanitized HTML of a Mastodon status or bio to plain
// text for the policy, keeping every character a reader could see or copy:
//
//   - <br> is a line break (none right after a block), and <p>, <blockquote>, <pre>, lists and headings
//     are paragraphs separated by a blank line; <li> starts a line;
//   - every other tag (<a>, <span>, <b>, …) is dropped and its text kept,
//     including <span class="invisible"> (Mastodon hides "https://www." and
//     the tail of long links in them, so keeping them gives the whole URL) and
//     the mention markup (@<span>user</span> becomes "@user");
//   - entities are decoded (&amp;, &#39;, &nbsp;, …);
//   - raw line breaks and tabs in text are spaces, except inside <pre>;
//   - comments are dropped; a "<" that does not start a tag is kept as text;
//   - leading and trailing line breaks are trimmed.
//
// It accepts any input, valid or not, without panicking.
func HTMLToText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pre := 0
	needBreak := 0 // newlines owed before the next text
	write := func(text string) {
		if text == "" {
			return
		}
		if needBreak > 0 && b.Len() > 0 {
			have := trailingNewlines(b.String())
			for i := have; i < needBreak; i++ {
				b.WriteByte('\n')
			}
		}
		needBreak = 0
		b.WriteString(text)
	}
	text := func(raw string) {
		t := html.UnescapeString(raw)
		if pre == 0 {
			t = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ").Replace(t)
		}
		write(t)
	}
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			text(s)
			break
		}
		text(s[:i])
		s = s[i:]
		if strings.HasPrefix(s, "<!--") {
			end := strings.Index(s[4:], "-->")
			if end < 0 {
				break
			}
			s = s[4+end+3:]
			continue
		}
		name, closing, n := parseTag(s)
		if n == 0 { // not a tag: a literal "<"
			text("<")
			s = s[1:]
			continue
		}
		s = s[n:]
		switch name {
		case "br":
			if needBreak == 0 { // after a block, its break already separates
				write("\n")
			}
		case "p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6":
			if name == "pre" {
				if closing {
					pre = max(pre-1, 0)
				} else {
					pre++
				}
			}
			needBreak = 2
		case "li":
			if !closing && needBreak < 1 {
				needBreak = 1
			}
		}
	}
	return strings.Trim(b.String(), "\n")
}

// trailingNewlines counts the "\n" at the end of s, up to two.
func trailingNewlines(s string) int {
	n := 0
	for n < 2 && len(s) > n && s[len(s)-1-n] == '\n' {
		n++
	}
	return n
}

// parseTag reads a tag at the start of s ("<name ...>", "</name>",
// "<name/>", "<!doctype ...>"): its lowercase name, whether it closes, and
// its length in bytes. n is 0 when s does not start a well-formed tag.
func parseTag(s string) (name string, closing bool, n int) {
	i := 1
	if i < len(s) && s[i] == '/' {
		closing = true
		i++
	}
	start := i
	if i < len(s) && s[i] == '!' && !closing { // <!doctype>, <![CDATA[ …
		i++
	} else {
		for i < len(s) && isTagNameByte(s[i], i == start) {
			i++
		}
		if i == start {
			return "", false, 0
		}
	}
	name = strings.ToLower(s[start:i])
	var quote, prev byte // quotes only open an attribute value, after "="
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case (c == '"' || c == '\'') && prev == '=':
			quote = c
		case c == '>':
			return name, closing, i + 1
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			prev = c
		}
	}
	return "", false, 0
}

func isTagNameByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	case c >= '0' && c <= '9', c == '-':
		return !first
	}
	return false
}
