package archive

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// pollDayRows returns poll_days as text, one line per account and day.
func pollDayRows(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), `SELECT account_id, day, polls, failed, watched, last_ok FROM poll_days ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var acct string
		var day, polls, failed, watched int64
		var last sql.NullInt64
		if err := rows.Scan(&acct, &day, &polls, &failed, &watched, &last); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s day %d: %d polls, %d failed, %d watched, last ok %v", acct, day, polls, failed, watched, last))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPollCoverage_SummaryMatchesFetchLog writes polls of two accounts (successes
// and failures a second to hours apart, some at the same instant, some finishing
// before the previous one as when the clock goes back) and checks that poll_days,
// kept poll by poll, equals the summary recomputed from the fetch log, and that
// the coverage read from it equals the coverage computed from every poll, for
// periods that start and end anywhere (midnights in UTC and in Mexico City,
// within a gap of a midnight, shorter than a day, longer than the polls).
func TestPollCoverage_SummaryMatchesFetchLog(t *testing.T) {
	ctx := context.Background()
	s, accts := openTwoAccounts(t)
	rng := rand.New(rand.NewPCG(11, 6))
	steps := []time.Duration{0, time.Second, 2 * time.Minute, 10 * time.Minute, 29 * time.Minute, CoverageSummaryGap,
		CoverageSummaryGap + time.Nanosecond, 31 * time.Minute, 3 * time.Hour, 20 * time.Hour}
	start := time.Date(2026, 3, 1, 5, 40, 0, 0, time.UTC)
	last := start
	for i, at := 0, map[string]time.Time{"acct": start, "acct2": start.Add(7 * time.Minute)}; i < 900; i++ {
		acct := accts[rng.IntN(2)]
		finished := at[acct].Add(steps[rng.IntN(len(steps))])
		if rng.IntN(40) == 0 {
			finished = at[acct].Add(-time.Duration(rng.IntN(7200)) * time.Second) // the clock went back
		}
		at[acct] = finished
		if finished.After(last) {
			last = finished
		}
		if rng.IntN(6) == 0 {
			err := s.RecordFailure(ctx, Failure{Account: acct, Started: finished.Add(-time.Second), Finished: finished, Reason: "transient", Error: "503"})
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		p := poll(nil, fmt.Sprint(i))
		p.Account, p.Started, p.Finished = acct, finished.Add(-time.Second), finished
		if _, err := s.Commit(ctx, p); err != nil {
			t.Fatal(err)
		}
	}

	kept := pollDayRows(t, s)
	if len(kept) < 20 {
		t.Fatalf("only %d days of polls: the test proves too little", len(kept))
	}
	err := s.write(ctx, func(_ *sql.Conn, a *appender) error {
		for _, acct := range accts {
			if err := s.execCached(ctx, a, pollDaysClear, acct, 0); err != nil {
				return err
			}
			if err := s.execCached(ctx, a, pollDaysRebuild, acct, 0, int64(CoverageSummaryGap)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rebuilt := pollDayRows(t, s); !slices.Equal(kept, rebuilt) {
		t.Errorf("poll_days kept poll by poll:\n%v\nrecomputed from the fetch log:\n%v", kept, rebuilt)
	}

	mexico, err := time.LoadLocation("America/Mexico_City")
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	midnight := start.Truncate(day)
	periods := []Period{
		{From: time.Date(2026, 3, 1, 0, 0, 0, 0, mexico), To: time.Date(2026, 4, 1, 0, 0, 0, 0, mexico)},
		{From: midnight, To: last.Add(day).Truncate(day)},
		{From: midnight.Add(day - CoverageSummaryGap), To: midnight.Add(4*day + time.Second)},
		{From: midnight.Add(day - CoverageSummaryGap - time.Nanosecond), To: midnight.Add(3 * day)},
		{From: midnight.Add(day + time.Minute), To: midnight.Add(2*day - time.Minute)},
		{From: start.Add(-30 * day), To: start.Add(90 * day)},
	}
	for range 40 {
		from := start.Add(time.Duration(rng.Int64N(int64(last.Sub(start)))))
		periods = append(periods, Period{From: from, To: from.Add(time.Duration(rng.Int64N(int64(6 * day))))})
	}
	for _, p := range periods {
		var fromSummary, fromLog []Coverage
		if err := s.PollCoverage(ctx, p, CoverageSummaryGap, func(c Coverage) { fromSummary = append(fromSummary, c) }); err != nil {
			t.Fatal(err)
		}
		from, to := p.args()
		if err := s.coverageSegment(ctx, from, to, from, int64(CoverageSummaryGap), func(c Coverage) { fromLog = append(fromLog, c) }); err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(fromLog, func(a, b Coverage) int { return strings.Compare(a.Account, b.Account) })
		if !slices.Equal(fromSummary, fromLog) {
			t.Errorf("period %v – %v: coverage from the summary %+v, from the fetch log %+v", p.From, p.To, fromSummary, fromLog)
		}
	}
}

// openTwoAccounts is openTest with a second account, of another organ.
func openTwoAccounts(t *testing.T) (*Store, []string) {
	t.Helper()
	s := openTest(t)
	err := s.SyncAccounts(context.Background(), []AccountInfo{{ID: "acct", Network: "x", Handle: "ife_mx", Organ: "cncs"},
		{ID: "acct2", Network: "x", Handle: "ife_jal", Organ: "jal"}})
	if err != nil {
		t.Fatal(err)
	}
	return s, []string{"acct", "acct2"}
}

// TestComments_ClassesMatchScan stores comments of every intent (and ones the
// report classes do not name), needing an answer or not, open, answered in time,
// late or with another state, some answered by replies that point to INFOMEX, and
// checks that the figures read through the report classes equal those of one pass
// over the comments, for several periods.
func TestComments_ClassesMatchScan(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	rng := rand.New(rand.NewPCG(8, 1))
	intents := []string{"question", "info_request", "suggestion", "complaint", "praise", "other", "", "greeting"}
	states := []string{"", "answered_in_time", "answered_late", "reviewed"}
	texts := []string{"Gracias por escribir.", "Consulte INFOMEX-IFE.", "Escriba a la Unidad de Enlace.", "Vea IFETEL."}
	var items []connectors.Item
	var rows []ResponseRow
	for i := range 400 {
		c := item(fmt.Sprintf("c%d", i), "¿Dónde está mi módulo?")
		c.CreatedAt = t0.Add(time.Duration(rng.IntN(60*24)) * time.Minute)
		items = append(items, c)
		row := ResponseRow{Comment: c.ExternalID, Intent: intents[rng.IntN(len(intents))], NeedsAnswer: rng.IntN(5) > 0}
		if rng.IntN(3) > 0 {
			r := item(fmt.Sprintf("r%d", i), texts[rng.IntN(len(texts))])
			r.Kind, r.Own, r.AuthorID, r.ParentID = connectors.KindReply, true, "ife", c.ExternalID
			r.CreatedAt = c.CreatedAt.Add(time.Hour)
			items = append(items, r)
			row.Reply, row.How, row.State = r.ExternalID, "direct", states[rng.IntN(len(states))]
			row.Business, row.Wall = time.Duration(rng.IntN(40000))*time.Second, time.Duration(rng.IntN(90000))*time.Second
		}
		rows = append(rows, row)
	}
	if _, err := s.Commit(ctx, poll(items, "c")); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveResponses(ctx, "x", "acct", rows); err != nil {
		t.Fatal(err)
	}
	asked := intents[:6]
	for _, p := range []Period{
		{From: t0.Add(-time.Hour), To: t0.Add(25 * time.Hour)},
		{From: t0.Add(3 * time.Hour), To: t0.Add(9 * time.Hour)},
		{From: t0.Add(-48 * time.Hour), To: t0},
	} {
		var byClass, scanned []CommentCounts
		if err := s.commentsByClass(ctx, p, asked, func(c CommentCounts) { byClass = append(byClass, c) }); err != nil {
			t.Fatal(err)
		}
		if err := s.commentsScan(ctx, p, asked, func(c CommentCounts) { scanned = append(scanned, c) }); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%+v", byClass) != fmt.Sprintf("%+v", scanned) {
			t.Errorf("period %v – %v: by class %+v\nscanned %+v", p.From, p.To, byClass, scanned)
		}
		if p.From.Before(t0) && p.To.After(t0.Add(24*time.Hour)) && (len(byClass) != 1 || byClass[0].Received != 400 || byClass[0].Redirected == 0) {
			t.Errorf("the whole day: %+v, want 400 comments and some redirected", byClass)
		}
		a1, o1, err := s.delaysByClass(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		a2, o2, err := s.delaysScan(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []map[string]*delays{a1, a2} {
			for _, v := range d {
				slices.Sort(v.b)
				slices.Sort(v.w)
			}
		}
		if fmt.Sprint(values(a1), o1) != fmt.Sprint(values(a2), o2) {
			t.Errorf("period %v – %v: delays by class %v %v, scanned %v %v", p.From, p.To, values(a1), o1, values(a2), o2)
		}
	}
}

// values returns the map with its pointers followed, for printing.
func values[T any](m map[string]*T) map[string]T {
	out := map[string]T{}
	for k, v := range m {
		out[k] = *v
	}
	return out
}

// TestPeriodFlagFigures_MatchesQueries stores own items and comments by others
// (some authors with several) of two accounts, flags of every kind on one or two
// versions of them, and answers to some watched comments, and checks that the
// one-pass flag figures equal those of the per-figure queries (PeriodFlags,
// OffensiveComments, RepeatOffenders, WatchedComments) for several periods.
func TestPeriodFlagFigures_MatchesQueries(t *testing.T) {
	ctx := context.Background()
	s, accts := openTwoAccounts(t)
	rng := rand.New(rand.NewPCG(3, 9))
	ownRules := []Flag{{Rule: "own_offensive", Category: "insult", Severity: "urgent"}, {Rule: "personal_data", Category: "curp", Severity: "high"},
		{Rule: "capitals", Severity: "low"}}
	otherRules := []Flag{{Rule: "offensive", Category: "insult", Severity: "recommend_block"}, {Rule: "offensive", Category: "threat", Severity: "recommend_block"},
		{Rule: "offensive_review", Category: "insult", Severity: "review"}, {Rule: "watch", Category: "fraude", Severity: "warning"}, {Rule: "spam"}}
	for v := range 2 {
		for _, acct := range accts {
			var items []connectors.Item
			var flags []Flag
			var answers []ResponseRow
			for i := range 150 {
				it := item(fmt.Sprintf("%s-%d", acct, i), fmt.Sprintf("texto %d", i))
				it.CreatedAt = t0.Add(time.Duration(i*17) * time.Minute)
				it.AuthorID = fmt.Sprintf("u%d", i%23)
				rules := otherRules
				if i%4 == 0 {
					it.Own, it.Kind, it.AuthorID, rules = true, connectors.KindPost, "", ownRules
				}
				if i%9 == 0 {
					it.AuthorID = "" // no author known
				}
				if v == 1 {
					if i%3 != 0 {
						continue
					}
					it.Text += " (editado)"
				}
				items = append(items, it)
				for _, f := range rules {
					if rng.IntN(3) == 0 {
						f.ExternalID, f.Evidence = it.ExternalID, "[]"
						flags = append(flags, f)
					}
				}
				if v == 0 && !it.Own && rng.IntN(2) == 0 {
					r := item(it.ExternalID+"-r", "Gracias.")
					r.Own, r.Kind, r.AuthorID, r.ParentID, r.CreatedAt = true, connectors.KindReply, "", it.ExternalID, it.CreatedAt.Add(time.Hour)
					items = append(items, r)
					answers = append(answers, ResponseRow{Comment: it.ExternalID, Intent: "question", NeedsAnswer: true, Reply: r.ExternalID, How: "direct", State: "answered_in_time"})
				}
			}
			p := poll(items, fmt.Sprint(v))
			p.Account, p.Flags = acct, flags
			if _, err := s.Commit(ctx, p); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveResponses(ctx, "x", acct, answers); err != nil {
				t.Fatal(err)
			}
		}
	}
	periods := []Period{
		{From: t0.Add(-time.Hour), To: t0.Add(72 * time.Hour)},
		{From: t0.Add(5 * time.Hour), To: t0.Add(30 * time.Hour)},
		{From: t0.Add(-72 * time.Hour), To: t0},
		{From: t0.Add(30 * time.Hour), To: t0.Add(40 * time.Hour)},
	}
	together := make([]map[string]*FlagFigures, len(periods)) // all periods in one pass
	for i := range together {
		together[i] = map[string]*FlagFigures{}
	}
	if err := s.PeriodFlagFigures(ctx, periods, "watch", func(i int, f FlagFigures) { together[i][f.Account] = &f }); err != nil {
		t.Fatal(err)
	}
	for i, p := range periods {
		want := map[string]*FlagFigures{}
		get := func(a string) *FlagFigures {
			if want[a] == nil {
				want[a] = &FlagFigures{Account: a, OwnFlags: map[string]int64{}}
			}
			return want[a]
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.PeriodFlags(ctx, p, false, nil, func(c FlagCount) {
			if c.Own {
				get(c.Account).OwnFlags[c.Rule] = c.Items
			}
		}))
		must(s.PeriodFlags(ctx, p, true, []string{ruleOffensive, ruleOffensiveReview}, func(c FlagCount) {
			if !c.Own {
				get(c.Account).ByCategory = append(get(c.Account).ByCategory, c)
			}
		}))
		must(s.OffensiveComments(ctx, p, func(a string, block, review int64) { get(a).Offensive, get(a).Review = block, review }))
		must(s.RepeatOffenders(ctx, p, func(a string, n int64) { get(a).RepeatOffenders = n }))
		must(s.WatchedComments(ctx, p, "watch", func(a string, n, answered int64) { get(a).Watched, get(a).WatchedAnswered = n, answered }))
		got := map[string]*FlagFigures{}
		must(s.PeriodFlagFigures(ctx, []Period{p}, "watch", func(_ int, f FlagFigures) { got[f.Account] = &f }))
		for _, m := range []map[string]*FlagFigures{want, got, together[i]} {
			for _, f := range m {
				slices.SortFunc(f.ByCategory, func(a, b FlagCount) int {
					return strings.Compare(a.Rule+"\x00"+a.Category+"\x00"+a.Severity, b.Rule+"\x00"+b.Category+"\x00"+b.Severity)
				})
			}
		}
		w, g := fmt.Sprintf("%+v", values(want)), fmt.Sprintf("%+v", values(got))
		if w != g {
			t.Errorf("period %v – %v: one pass %s\nqueries %s", p.From, p.To, g, w)
		}
		if tg := fmt.Sprintf("%+v", values(together[i])); tg != w {
			t.Errorf("period %v – %v: one pass over all the periods %s\nqueries %s", p.From, p.To, tg, w)
		}
		if p.To.After(t0.Add(48*time.Hour)) && (want["acct"] == nil || want["acct"].RepeatOffenders == 0 || want["acct"].WatchedAnswered == 0 || len(want["acct"].OwnFlags) == 0) {
			t.Errorf("the data prove too little: %s", w)
		}
	}
}

// TestAtRanks_MatchesSortedUnion checks the organ percentiles, taken by merging
// the accounts' sorted delays, against the sorted union of them.
func TestAtRanks_MatchesSortedUnion(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := range 300 {
		var lists [][]int64
		var all []int64
		for range 1 + rng.IntN(6) {
			l := make([]int64, 1+rng.IntN(1+trial%40))
			for i := range l {
				l[i] = rng.Int64N(50)
			}
			slices.Sort(l)
			lists = append(lists, l)
			all = append(all, l...)
		}
		slices.Sort(all)
		n := int64(len(all))
		want := [4]int64{all[(n*50+99)/100-1], all[(n*90+99)/100-1], all[(n*99+99)/100-1], all[n-1]}
		if got, gn := atRanks(lists); got != want || gn != n {
			t.Fatalf("lists %v: %v (n %d), want %v (n %d)", lists, got, gn, want, n)
		}
	}
}
