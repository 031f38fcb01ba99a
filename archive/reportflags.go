package archive

import (
	"context"
	"fmt"
	"slices"
)

// FlagFigures are what the flags of one account's items created in a period say:
// the figures of PeriodFlags (own items per rule; others' items per offensive rule,
// category and severity), OffensiveComments, RepeatOffenders and WatchedComments,
// read in one pass.
type FlagFigures struct {
	Account string
	// OwnFlags counts the own items carrying a flag of each rule.
	OwnFlags map[string]int64
	// Offensive counts the comments by others recommended for blocking (an
	// offensive flag on any version); Review those only ever in the review band.
	Offensive, Review int64
	// ByCategory counts the items by others carrying an offensive or
	// offensive_review flag of each rule, category and severity.
	ByCategory []FlagCount
	// RepeatOffenders counts the authors of two or more comments recommended for
	// blocking.
	RepeatOffenders int64
	// Watched counts the items by others flagged by the watch rule given to
	// PeriodFlagFigures, and WatchedAnswered those of them with an own answer.
	Watched, WatchedAnswered int64
}

// PeriodFlagFigures returns the flag figures of every account with a flagged item
// created in the period, in account order. watchRule is the rule of the watch
// lists. The flags are read once, item by item, with each item's account, owner
// and author.
func (s *Store) PeriodFlagFigures(ctx context.Context, p Period, watchRule string, fn func(FlagFigures)) error {
	from, to := p.args()
	out := map[string]*FlagFigures{}
	offenders := map[[2]string]int{}
	var (
		cur    int64 = -1
		acct   string
		own    bool
		author string
		seen   = map[[3]string]bool{}
		block  bool
		review bool
		watch  bool
		answer bool
	)
	// flush adds the item read so far to its account's figures.
	flush := func() {
		if cur < 0 {
			return
		}
		f := out[acct]
		if f == nil {
			f = &FlagFigures{Account: acct, OwnFlags: map[string]int64{}}
			out[acct] = f
		}
		for k := range seen {
			if own {
				f.OwnFlags[k[0]]++
			} else {
				f.addCategory(k)
			}
		}
		if !own {
			switch {
			case block:
				f.Offensive++
				if author != "" {
					offenders[[2]string{acct, author}]++
				}
			case review:
				f.Review++
			}
			if watch {
				f.Watched++
				if answer {
					f.WatchedAnswered++
				}
			}
		}
		clear(seen)
		block, review, watch, answer = false, false, false, false
	}
	err := s.query(ctx, `SELECT f.item_id, i.account_id, i.own, i.author_id, f.rule, f.category, f.severity,
			f.rule = ?3 AND EXISTS (SELECT 1 FROM responses r WHERE r.comment_item_id = f.item_id AND r.reply_item_id IS NOT NULL)
		FROM flags f JOIN items i ON i.id = f.item_id
		WHERE i.created_at >= ?1 AND i.created_at < ?2 ORDER BY f.item_id`, []any{from, to, watchRule},
		func(scan func(...any) error) error {
			var id int64
			var a, auth, rule, category, severity string
			var o, answered bool
			if err := scan(&id, &a, &o, &auth, &rule, &category, &severity, &answered); err != nil {
				return err
			}
			if id != cur {
				flush()
				cur, acct, own, author = id, a, o, auth
			}
			// Own items count per rule; others' per offensive rule, category and
			// severity.
			if own {
				seen[[3]string{rule, "", ""}] = true
			} else if rule == ruleOffensive || rule == ruleOffensiveReview {
				seen[[3]string{rule, category, severity}] = true
			}
			block = block || rule == ruleOffensive
			review = review || rule == ruleOffensiveReview
			watch = watch || rule == watchRule
			answer = answer || answered
			return nil
		})
	if err != nil {
		return fmt.Errorf("archive: period flags: %w", err)
	}
	flush()
	for k, n := range offenders {
		if n >= 2 {
			out[k[0]].RepeatOffenders++
		}
	}
	ids := make([]string, 0, len(out))
	for id := range out {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		fn(*out[id])
	}
	return nil
}

// addCategory counts one item under an offensive rule, category and severity.
func (f *FlagFigures) addCategory(k [3]string) {
	for i := range f.ByCategory {
		if c := &f.ByCategory[i]; c.Rule == k[0] && c.Category == k[1] && c.Severity == k[2] {
			c.Items++
			return
		}
	}
	f.ByCategory = append(f.ByCategory, FlagCount{Account: f.Account, Rule: k[0], Category: k[1], Severity: k[2], Items: 1})
}
