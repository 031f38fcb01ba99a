package outbound

import (
	"sort"
	"strings"
	"time"
	"unicode"
)

// Post is one of the account's own posts or replies.
type Post struct {
	Time time.Time
	Text string
}

// SpamOptions configure Spam. Zero fields take the defaults.
type SpamOptions struct {
	// BurstWindow and BurstMax: more than BurstMax posts within BurstWindow is a burst;
	// 10 minutes and 5.
	BurstWindow time.Duration
	BurstMax    int
	// DuplicateWindow: the same text posted again within it is a duplicate; 24 hours.
	DuplicateWindow time.Duration
	// DuplicateMinRunes: texts shorter than this ("¡Gracias!") are not compared; 20.
	DuplicateMinRunes int
}

func (o *SpamOptions) defaults() {
	if o.BurstWindow == 0 {
		o.BurstWindow = 10 * time.Minute
	}
	if o.BurstMax == 0 {
		o.BurstMax = 5
	}
	if o.DuplicateWindow == 0 {
		o.DuplicateWindow = 24 * time.Hour
	}
	if o.DuplicateMinRunes == 0 {
		o.DuplicateMinRunes = 20
	}
}

// Spam reports bursts and duplicates among the account's recent posts (Criterio 6.xxiv:
// no indiscriminate sending). Posts may come in any order; findings refer to them by
// index and are ordered by time.
func Spam(posts []Post, opts SpamOptions) []Finding {
	opts.defaults()
	idx := make([]int, len(posts))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return posts[idx[a]].Time.Before(posts[idx[b]].Time) })
	var out []Finding
	// Bursts: maximal runs where some window holds more than BurstMax posts.
	lo := 0
	inBurst := -1 // index into out of the open burst
	for hi := range idx {
		for posts[idx[hi]].Time.Sub(posts[idx[lo]].Time) > opts.BurstWindow {
			lo++
		}
		if hi-lo+1 > opts.BurstMax {
			if inBurst >= 0 && contains(out[inBurst].Posts, idx[lo]) {
				// Extend the open burst.
				for k := lo; k <= hi; k++ {
					if !contains(out[inBurst].Posts, idx[k]) {
						out[inBurst].Posts = append(out[inBurst].Posts, idx[k])
						out[inBurst].Evidence = append(out[inBurst].Evidence, whole(posts[idx[k]].Text))
					}
				}
				continue
			}
			f := Finding{Rule: RuleBurst, Criterio: criterioSpam,
				Detail: "ráfaga de publicaciones propias en poco tiempo"}
			for k := lo; k <= hi; k++ {
				f.Posts = append(f.Posts, idx[k])
				f.Evidence = append(f.Evidence, whole(posts[idx[k]].Text))
			}
			out = append(out, f)
			inBurst = len(out) - 1
		}
	}
	// Duplicates: the same normalised text again within the window.
	last := map[string]int{}
	for _, i := range idx {
		key := dupKey(posts[i].Text)
		if len([]rune(key)) < opts.DuplicateMinRunes {
			continue
		}
		if j, ok := last[key]; ok && posts[i].Time.Sub(posts[j].Time) <= opts.DuplicateWindow {
			out = append(out, Finding{Rule: RuleDuplicate, Criterio: criterioSpam,
				Posts:    []int{j, i},
				Evidence: []Span{whole(posts[j].Text), whole(posts[i].Text)},
				Detail:   "texto repetido"})
		}
		last[key] = i
	}
	return out
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func whole(t string) Span { return Span{Start: 0, End: len(t), Text: t} }

// dupKey normalises a text for duplicate detection: lower case, links and mentions
// dropped, punctuation and repeated spaces removed.
func dupKey(t string) string {
	var b strings.Builder
	for _, w := range words(t) {
		tok := t[w.Start:w.End]
		if _, ok := parseLink(tok); ok || strings.HasPrefix(tok, "@") {
			continue
		}
		wrote := false
		for _, r := range strings.ToLower(tok) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				if !wrote && b.Len() > 0 {
					b.WriteByte(' ')
				}
				wrote = true
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}
