package agent

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/metrics"
	"github.com/ife-mx/vigia/policy/offensive"
	"github.com/ife-mx/vigia/policy/outbound"
	"github.com/ife-mx/vigia/policy/watch"
)

// Rules of the conduct flags the agent stores (besides the outbound package's own
// rule names for the account's own texts).
const (
	// RuleOffensiveReview marks a comment by others the classifier puts in the review
	// band: an administrator should look at it; it still awaits an answer.
	RuleOffensiveReview = "offensive_review"
	// RuleOwnOffensive marks an insult or disrespect in the account's own text (6.xix).
	RuleOwnOffensive = "own_offensive"
	// RuleWatch marks a comment or mention by others that contains a phrase of a
	// watch list (3.ix); the flag's category is the list's name.
	RuleWatch = "watch"
)

// ownHistory is how long own posts are kept to find bursts and duplicates (6.xxiv).
const ownHistory = 24 * time.Hour

// conduct reviews every batch before it is committed (Criterios 6.xv, 6.xix, 6.iii,
// 6.xxiii, 6.xxiv, 6.vi): comments by others go through the offensive classifier
// (RuleOffensive at recommend_block, which takes them out of the awaiting-answer
// queue; RuleOffensiveReview at review); the account's own posts and replies go
// through the outbound checks (insults at the review threshold, personal data,
// capitals, links outside the institute's domains, bursts and duplicates). Every
// item by others is also matched against the watch lists (3.ix, RuleWatch).
type conduct struct {
	cls     *offensive.Classifier
	opts    outbound.Options
	metrics *metrics.Metrics

	mu     sync.Mutex
	recent map[string][]ownPost // account → own posts of the last ownHistory

	wmu   sync.Mutex     // guards watch (replaced on reload)
	watch *watch.Matcher // immutable once built
}

// ownPost is an own post remembered for the burst and duplicate checks.
type ownPost struct {
	id string
	outbound.Post
}

func newConduct(cls *offensive.Classifier, domain string, m *metrics.Metrics, lists []WatchList) (*conduct, error) {
	opts := outbound.Options{Classifier: cls}
	if domain != "" {
		opts.Links.Allowed = append(append([]string(nil), outbound.DefaultAllowedDomains...), domain)
	}
	wm, err := watchMatcher(lists)
	if err != nil {
		return nil, err
	}
	c := &conduct{cls: cls, opts: opts, metrics: m, recent: map[string][]ownPost{}}
	c.setWatch(wm)
	return c, nil
}

// watchMatcher compiles the configuration's watch lists.
func watchMatcher(lists []WatchList) (*watch.Matcher, error) {
	wl := make([]watch.List, len(lists))
	for i, l := range lists {
		wl[i] = watch.List{Name: l.Name, Phrases: l.Phrases, Severity: l.Severity}
	}
	m, err := watch.New(wl)
	if err != nil {
		return nil, fmt.Errorf("agent: watch lists: %w", err)
	}
	return m, nil
}

// setWatch replaces the watch lists (on a reload); batches reviewed from then on
// use the new ones.
func (c *conduct) setWatch(m *watch.Matcher) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.watch = m
}

func (c *conduct) watchLists() *watch.Matcher {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.watch
}

// review returns the conduct flags of a batch and the band of each comment by
// others it classified.
func (c *conduct) review(acct connectors.Account, items []connectors.Item) ([]archive.Flag, map[string]string) {
	var flags []archive.Flag
	bands := map[string]string{}
	var own []connectors.Item
	wm := c.watchLists()
	for _, it := range items {
		if !it.Own && !wm.Empty() {
			flags = append(flags, watchFlags(wm, it)...)
		}
		if it.Own {
			if it.Kind == connectors.KindPost {
				own = append(own, it) // replies answer a queue: bursts are normal, copies are the canned check's
			}
			for _, f := range outbound.Check(it.Text, c.opts) {
				rule := f.Rule
				if rule == outbound.RuleOffensive {
					rule = RuleOwnOffensive
				}
				flags = append(flags, findingFlag(it.ExternalID, rule, f))
			}
			continue
		}
		if it.Kind == connectors.KindPost {
			continue
		}
		v := c.cls.Classify(it.Text)
		bands[it.ExternalID] = v.Band.String()
		if v.Band < offensive.BandReview {
			continue
		}
		rule := RuleOffensiveReview
		if v.Band >= offensive.BandBlock {
			rule = RuleOffensive
		}
		ev, _ := json.Marshal(v.Evidence)
		flags = append(flags, archive.Flag{ExternalID: it.ExternalID, Rule: rule, Category: strings.Join(v.Categories, ","),
			Severity: v.Band.String(), Score: v.Score, Evidence: string(ev)})
	}
	flags = append(flags, c.spam(acct, own)...)
	return flags, bands
}

// count updates the conduct metrics for what a commit stored (re-delivered,
// unchanged items were counted when they were first stored).
func (c *conduct) count(acct connectors.Account, stored map[string]bool, flags []archive.Flag, bands map[string]string) {
	for id, band := range bands {
		if stored[id] {
			c.metrics.CommentsClassified.WithLabelValues(acct.Network, acct.ID, band).Inc()
		}
	}
	for _, f := range flags {
		if stored[f.ExternalID] {
			c.metrics.Flags.WithLabelValues(acct.Network, acct.ID, f.Rule).Inc()
		}
	}
}

// spam checks the account's new own posts against its recent ones for bursts and
// duplicated texts (6.xxiv), and flags the new posts involved. Own replies are left
// to the canned-reply check (6.xvi): answering a queue of comments comes in bursts.
func (c *conduct) spam(acct connectors.Account, own []connectors.Item) []archive.Flag {
	if len(own) == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	posts := c.recent[acct.ID]
	latest := own[0].CreatedAt
	for _, it := range own {
		if it.CreatedAt.After(latest) {
			latest = it.CreatedAt
		}
	}
	// Keep the recent posts, without earlier copies of the ones arriving again (a
	// re-delivery or an edit replaces its post instead of duplicating it).
	arriving := make(map[string]bool, len(own))
	for _, it := range own {
		arriving[it.ExternalID] = true
	}
	kept := posts[:0]
	for _, p := range posts {
		if latest.Sub(p.Time) <= ownHistory && !arriving[p.id] {
			kept = append(kept, p)
		}
	}
	base := len(kept)
	for _, it := range own {
		kept = append(kept, ownPost{it.ExternalID, outbound.Post{Time: it.CreatedAt, Text: it.Text}})
	}
	c.recent[acct.ID] = kept
	all := make([]outbound.Post, len(kept))
	for i, p := range kept {
		all[i] = p.Post
	}
	var flags []archive.Flag
	flagged := map[string]bool{}
	for _, f := range outbound.Spam(all, outbound.SpamOptions{}) {
		for _, i := range f.Posts {
			if i < base {
				continue // flagged when it arrived
			}
			id := own[i-base].ExternalID
			if flagged[id+f.Rule] {
				continue
			}
			flagged[id+f.Rule] = true
			flags = append(flags, findingFlag(id, f.Rule, f))
		}
	}
	return flags
}

func findingFlag(id, rule string, f outbound.Finding) archive.Flag {
	ev, _ := json.Marshal(struct {
		Criterio string          `json:"criterio"`
		Detail   string          `json:"detail,omitempty"`
		Evidence []outbound.Span `json:"evidence"`
	}{f.Criterio, f.Detail, f.Evidence})
	severity := "warning"
	if rule == RuleOwnOffensive || strings.HasPrefix(rule, "personal_data") {
		severity = "urgent"
	}
	return archive.Flag{ExternalID: id, Rule: rule, Category: f.Criterio, Severity: severity, Score: 1, Evidence: string(ev)}
}

// watchFlags returns one RuleWatch flag per watch list that matches the item's text,
// with the matched spans (byte offsets into the text) as evidence.
func watchFlags(wm *watch.Matcher, it connectors.Item) []archive.Flag {
	hits := wm.Match(it.Text)
	if len(hits) == 0 {
		return nil
	}
	flags := make([]archive.Flag, 0, len(hits))
	for _, h := range hits {
		ev, _ := json.Marshal(struct {
			Criterio string        `json:"criterio"`
			List     string        `json:"list"`
			Evidence []watch.Match `json:"evidence"`
		}{"3.ix", h.List, h.Matches})
		flags = append(flags, archive.Flag{ExternalID: it.ExternalID, Rule: RuleWatch, Category: h.List,
			Severity: h.Severity, Score: 1, Evidence: string(ev)})
	}
	return flags
}
