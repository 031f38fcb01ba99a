package outbound

// LinkHosts returns the host of every link in text (lowercase, in text order,
// repeats included), found as Links finds them.
func LinkHosts(text string) []string {
	var out []string
	for _, w := range words(text) {
		if l, ok := parseLink(text[w.Start:w.End]); ok {
			out = append(out, l.host)
		}
	}
	return out
}
