package archive

import (
	"context"
	"database/sql"
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

// PeriodFlagFigures returns, for each of the periods ps, the flag figures of
// every account with a flagged item created in it, in account order; fn gets the
// period's index. watchRule is the rule of the watch lists. The flags of all the
// periods are read in one pass, item by item, with each item's account, owner,
// author and creation: the flags table is read once however many periods there
// are (the report's period and the one its trend compares with).
func (s *Store) PeriodFlagFigures(ctx context.Context, ps []Period, watchRule string, fn func(period int, f FlagFigures)) error {
	if len(ps) == 0 {
		return nil
	}
	lo, hi := ps[0].args()
	for _, p := range ps[1:] {
		from, to := p.args()
		lo, hi = min(lo, from), max(hi, to)
	}
	out := make([]map[string]*FlagFigures, len(ps))
	for i := range out {
		out[i] = map[string]*FlagFigures{}
	}
	type offender struct {
		period          int
		account, author string
	}
	offenders := map[offender]int{} // comments recommended for blocking
	var (
		cur    int64 = -1
		in     []int // the periods the item was created in
		acct   string
		own    bool
		author string
		seen   [][3]string // the item's distinct keys: its own rules, or its offensive rules, categories and severities
		block  bool
		review bool
		watch  bool
		answer bool
	)
	// flush adds the item read so far to its account's figures in its periods.
	flush := func() {
		for _, i := range in {
			f := out[i][acct]
			if f == nil {
				f = &FlagFigures{Account: acct, OwnFlags: map[string]int64{}}
				out[i][acct] = f
			}
			for _, k := range seen {
				if own {
					f.OwnFlags[k[0]]++
				} else {
					f.addCategory(k)
				}
			}
			if own {
				continue
			}
			switch {
			case block:
				f.Offensive++
				if author != "" {
					offenders[offender{i, acct, author}]++
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
		seen = seen[:0]
		block, review, watch, answer = false, false, false, false
	}
	// Strings read once per distinct value: accounts, rules and categories repeat
	// across rows.
	names := map[string]string{}
	intern := func(b sql.RawBytes) string {
		if v, ok := names[string(b)]; ok {
			return v
		}
		v := string(b)
		names[v] = v
		return v
	}
	// With migration 0006 the flags of the periods' items are one range of
	// flags_period, item after item; before it, the whole flags table.
	where := `i.created_at >= ?1 AND i.created_at < ?2 ORDER BY f.item_id`
	ranged, err := s.hasColumn(ctx, "flags", "item_created_at")
	if err != nil {
		return fmt.Errorf("archive: period flags: %w", err)
	}
	if ranged {
		where = `f.item_created_at >= ?1 AND f.item_created_at < ?2 ORDER BY f.item_created_at, f.item_id`
	}
	q := `SELECT f.item_id, i.account_id, i.own, i.author_id, i.created_at, f.rule, f.category, f.severity,
			f.rule = ?3 AND EXISTS (SELECT 1 FROM responses r WHERE r.comment_item_id = f.item_id AND r.reply_item_id IS NOT NULL)
		FROM flags f JOIN items i ON i.id = f.item_id WHERE ` + where
	err = s.query(ctx, q, []any{lo, hi, watchRule},
		func(scan func(...any) error) error {
			var id, created int64
			var a, auth, r, category, severity sql.RawBytes
			var o, answered bool
			if err := scan(&id, &a, &o, &auth, &created, &r, &category, &severity, &answered); err != nil {
				return err
			}
			rule := intern(r)
			if id != cur {
				flush()
				cur, acct, own, author, in = id, intern(a), o, string(auth), in[:0]
				for i, p := range ps {
					if from, to := p.args(); created >= from && created < to {
						in = append(in, i)
					}
				}
			}
			// Own items count per rule; others' per offensive rule, category and
			// severity.
			if own || rule == ruleOffensive || rule == ruleOffensiveReview {
				k := [3]string{rule, "", ""}
				if !own {
					k[1], k[2] = intern(category), intern(severity)
				}
				if !slices.Contains(seen, k) {
					seen = append(seen, k)
				}
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
			out[k.period][k.account].RepeatOffenders++
		}
	}
	for i := range ps {
		ids := make([]string, 0, len(out[i]))
		for id := range out[i] {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			fn(i, *out[i][id])
		}
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
