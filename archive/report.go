package archive

import (
	"container/heap"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Queries for the semester report (Criterio 8.i). Every figure is aggregated in
// SQL over one period, per account (and per organ where a figure cannot be summed,
// such as a percentile), so a semester of millions of comments never crosses into
// Go row by row. Periods are half-open: [From, To).

// Period is a half-open interval of time [From, To).
type Period struct {
	From time.Time
	To   time.Time
}

func (p Period) args() (int64, int64) { return p.From.UnixNano(), p.To.UnixNano() }

// ReportAccounts returns every account registered in the archive, by id.
func (s *Store) ReportAccounts(ctx context.Context) ([]AccountInfo, error) {
	var out []AccountInfo
	err := s.query(ctx, `SELECT id, network, handle, organ, external_id, status FROM accounts ORDER BY organ, id`, nil,
		func(scan func(...any) error) error {
			var a AccountInfo
			if err := scan(&a.ID, &a.Network, &a.Handle, &a.Organ, &a.ExternalID, &a.Status); err != nil {
				return err
			}
			out = append(out, a)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("archive: report accounts: %w", err)
	}
	return out, nil
}

// WeeklyPosts counts the own top-level posts created in the period per account and
// week, week 0 being the period's first seven days. Deleted posts count: they were
// published.
func (s *Store) WeeklyPosts(ctx context.Context, p Period, fn func(account string, week int, posts int64)) error {
	from, to := p.args()
	err := s.query(ctx, `SELECT i.account_id, (i.created_at - ?1) / ?3, COUNT(*)
		FROM accounts a CROSS JOIN items i ON i.account_id = a.id AND i.kind = 'post' AND i.created_at >= ?1 AND i.created_at < ?2
		WHERE i.own = 1 GROUP BY 1, 2`,
		[]any{from, to, int64(7 * 24 * time.Hour)}, func(scan func(...any) error) error {
			var a string
			var w int
			var n int64
			if err := scan(&a, &w, &n); err != nil {
				return err
			}
			fn(a, w, n)
			return nil
		})
	if err != nil {
		return fmt.Errorf("archive: weekly posts: %w", err)
	}
	return nil
}

// CommentCounts are the response figures of one account's comments, replies and
// mentions by others created in a period (the responses table joined with them).
type CommentCounts struct {
	Account string
	// Received counts every comment, reply and mention by others, deleted or not.
	Received int64
	// NeedingAnswer counts those the response clock says need an answer (deleted
	// ones and those recommended for blocking or spam do not).
	NeedingAnswer int64
	// Answered counts those needing an answer that have a first own answer; InTime
	// and Late split them by the SLA state stored when they were answered.
	Answered int64
	InTime   int64
	Late     int64
	// Unanswered counts those needing an answer that have none yet.
	Unanswered int64
	// OldestUnanswered is the creation of the oldest of those; zero when none.
	OldestUnanswered time.Time
	// ByIntent has the counts of each intent asked for.
	ByIntent map[string]IntentCounts
	// Redirected counts the answered information requests (intent info_request)
	// whose answer points to the transparency channels (INFOMEX, IFETEL, Unidad de
	// Enlace): Criterio 6.vii.
	Redirected int64
}

// IntentCounts are the counts of one intent.
type IntentCounts struct {
	Received, NeedingAnswer, Answered int64
}

// Comments returns the response figures per account of the comments by others
// created in the period, with the counts of each of the given intents. On an
// archive with migration 0006 every figure is a count or a minimum over ranges of
// the responses_report index (one per account and report class), so the cost
// follows the period's comments, not each row's figures; otherwise, or when an
// intent is asked that the report classes do not name, one pass over the
// period's comments computes them.
func (s *Store) Comments(ctx context.Context, p Period, intents []string, fn func(CommentCounts)) error {
	classes, err := s.hasReportClasses(ctx)
	if err != nil {
		return fmt.Errorf("archive: comments: %w", err)
	}
	for _, in := range intents {
		if classIntent(in) == 0 {
			classes = false
		}
	}
	if classes {
		return s.commentsByClass(ctx, p, intents, fn)
	}
	return s.commentsScan(ctx, p, intents, fn)
}

// commentsScan is Comments in one pass over the period's comments, in account
// order, with no sort: the per-intent counts are columns.
func (s *Store) commentsScan(ctx context.Context, p Period, intents []string, fn func(CommentCounts)) error {
	from, to := p.args()
	q := `SELECT a.id, COUNT(*), SUM(r.needs_answer),
			SUM(r.needs_answer = 1 AND r.reply_item_id IS NOT NULL),
			SUM(r.needs_answer = 1 AND r.reply_item_id IS NOT NULL AND r.state = 'answered_in_time'),
			SUM(r.needs_answer = 1 AND r.reply_item_id IS NOT NULL AND r.state = 'answered_late'),
			SUM(r.needs_answer = 1 AND r.reply_item_id IS NULL),
			COALESCE(MIN(CASE WHEN r.needs_answer = 1 AND r.reply_item_id IS NULL THEN c.created_at END), 0),
			SUM(CASE WHEN r.intent = 'info_request' AND r.needs_answer = 1 AND r.reply_item_id IS NOT NULL THEN
				(SELECT lower(v.text) LIKE '%infomex%' OR lower(v.text) LIKE '%ifetel%' OR lower(v.text) LIKE '%unidad de enlace%'
				 FROM items a JOIN item_versions v ON v.item_id = a.id AND v.version = a.current_version WHERE a.id = r.reply_item_id)
				ELSE 0 END)`
	args := []any{from, to}
	for i, in := range intents {
		n := fmt.Sprintf("?%d", 3+i)
		q += `, SUM(r.intent = ` + n + `), SUM(r.intent = ` + n + ` AND r.needs_answer = 1),
			SUM(r.intent = ` + n + ` AND r.needs_answer = 1 AND r.reply_item_id IS NOT NULL)`
		args = append(args, in)
	}
	q += ` FROM ` + periodComments + ` GROUP BY a.id`
	err := s.query(ctx, q, args, func(scan func(...any) error) error {
		c := CommentCounts{ByIntent: make(map[string]IntentCounts, len(intents))}
		var oldest int64
		per := make([]IntentCounts, len(intents))
		dst := []any{&c.Account, &c.Received, &c.NeedingAnswer, &c.Answered, &c.InTime, &c.Late, &c.Unanswered, &oldest, &c.Redirected}
		for i := range per {
			dst = append(dst, &per[i].Received, &per[i].NeedingAnswer, &per[i].Answered)
		}
		if err := scan(dst...); err != nil {
			return err
		}
		c.OldestUnanswered = fromNanos(oldest)
		for i, in := range intents {
			c.ByIntent[in] = per[i]
		}
		fn(c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("archive: comments: %w", err)
	}
	return nil
}

// periodComments joins each account (a) with its comments, replies and mentions
// created in [?1, ?2) (c) and their response rows (r). The accounts drive the join
// (CROSS JOIN fixes the order), so each account's comments are one range of the
// items_account index rather than a scan of every item.
const periodComments = `accounts a CROSS JOIN items c ON c.account_id = a.id AND c.kind IN ('comment', 'reply', 'mention')
	AND c.created_at >= ?1 AND c.created_at < ?2 JOIN responses r ON r.comment_item_id = c.id`

// DelayPercentiles are nearest-rank percentiles of first-response delays, in
// seconds, over the answered comments of one group (an account or an organ).
type DelayPercentiles struct {
	Group string
	// N is how many answered comments the percentiles are taken over.
	N                    int64
	BusinessP50, WallP50 int64
	BusinessP90, WallP90 int64
	BusinessP99, WallP99 int64
	BusinessMax, WallMax int64
}

// ResponseDelays returns the median, 90th and 99th nearest-rank percentiles (and
// the maximum) of the stored first-response delays in business and in wall seconds,
// per account and per organ, over the comments created in the period that needed an
// answer and got one. The business seconds are those stored when each answer was
// found, with the calendar then in force. One pass over the answered comments (in
// account order, through the items_account index) collects the delays; they are
// sorted in Go, which is several times faster than SQLite's window functions here.
func (s *Store) ResponseDelays(ctx context.Context, p Period) (byAccount, byOrgan map[string]DelayPercentiles, err error) {
	classes, err := s.hasReportClasses(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: response delays: %w", err)
	}
	var accounts map[string]*delays
	var organOf map[string]string
	if classes {
		accounts, organOf, err = s.delaysByClass(ctx, p)
	} else {
		accounts, organOf, err = s.delaysScan(ctx, p)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("archive: response delays: %w", err)
	}
	return delayPercentiles(accounts, organOf)
}

// delays are the business and wall seconds of a group's answered comments.
type delays struct{ b, w []int64 }

// delaysScan collects the delays per account in one pass over the period's
// answered comments (in account order, through the items_account index).
func (s *Store) delaysScan(ctx context.Context, p Period) (map[string]*delays, map[string]string, error) {
	from, to := p.args()
	accounts := map[string]*delays{}
	organOf := map[string]string{}
	var cur *delays
	var curID string
	err := s.query(ctx, `SELECT a.id, a.organ, r.business_seconds, r.wall_seconds FROM `+periodComments+`
		WHERE r.needs_answer = 1 AND r.reply_item_id IS NOT NULL`, []any{from, to}, func(scan func(...any) error) error {
		var id, organ sql.RawBytes
		var b, w int64
		if err := scan(&id, &organ, &b, &w); err != nil {
			return err
		}
		if cur == nil || string(id) != curID {
			curID = string(id)
			if cur = accounts[curID]; cur == nil {
				cur = &delays{}
				accounts[curID] = cur
				organOf[curID] = string(organ)
			}
		}
		cur.b, cur.w = append(cur.b, b), append(cur.w, w)
		return nil
	})
	return accounts, organOf, err
}

// delayPercentiles takes the percentiles of each account's delays and of each
// organ's (all its accounts' delays together).
func delayPercentiles(accounts map[string]*delays, organOf map[string]string) (byAccount, byOrgan map[string]DelayPercentiles, err error) {
	byAccount, byOrgan = map[string]DelayPercentiles{}, map[string]DelayPercentiles{}
	members := map[string][]*delays{}
	for id, d := range accounts {
		slices.Sort(d.b)
		slices.Sort(d.w)
		byAccount[id] = percentilesOf(id, []*delays{d})
		members[organOf[id]] = append(members[organOf[id]], d)
	}
	for organ, ds := range members {
		byOrgan[organ] = percentilesOf(organ, ds)
	}
	return byAccount, byOrgan, nil
}

// percentilesOf takes the percentiles of the union of sorted delay lists, merging
// them rather than copying them.
func percentilesOf(group string, ds []*delays) DelayPercentiles {
	var bs, ws [][]int64
	for _, d := range ds {
		bs, ws = append(bs, d.b), append(ws, d.w)
	}
	b, n := atRanks(bs)
	w, _ := atRanks(ws)
	return DelayPercentiles{Group: group, N: n, BusinessP50: b[0], BusinessP90: b[1], BusinessP99: b[2], BusinessMax: b[3],
		WallP50: w[0], WallP90: w[1], WallP99: w[2], WallMax: w[3]}
}

// atRanks returns the nearest-rank 50th, 90th and 99th percentiles and the
// maximum of the union of sorted, non-empty lists, and its size.
func atRanks(lists [][]int64) (vals [4]int64, n int64) {
	for _, l := range lists {
		n += int64(len(l))
		vals[3] = max(vals[3], l[len(l)-1])
	}
	if len(lists) == 1 {
		for i, pct := range []int64{50, 90, 99} {
			vals[i] = lists[0][(n*pct+99)/100-1]
		}
		return vals, n
	}
	h := mergeHeap{lists: lists, pos: make([]int, len(lists))}
	for i := range lists {
		h.idx = append(h.idx, i)
	}
	heap.Init(&h)
	rank := int64(0)
	ranks := [3]int64{(n*50 + 99) / 100, (n*90 + 99) / 100, (n*99 + 99) / 100}
	for i, want := range ranks {
		if i > 0 && want == ranks[i-1] {
			vals[i] = vals[i-1]
			continue
		}
		for ; rank < want; rank++ {
			l := h.idx[0]
			vals[i] = lists[l][h.pos[l]]
			if h.pos[l]++; h.pos[l] == len(lists[l]) {
				heap.Pop(&h)
			} else {
				heap.Fix(&h, 0)
			}
		}
	}
	return vals, n
}

// mergeHeap orders sorted lists by their next value.
type mergeHeap struct {
	lists [][]int64
	pos   []int
	idx   []int
}

func (h *mergeHeap) Len() int { return len(h.idx) }
func (h *mergeHeap) Less(i, j int) bool {
	a, b := h.idx[i], h.idx[j]
	return h.lists[a][h.pos[a]] < h.lists[b][h.pos[b]]
}
func (h *mergeHeap) Swap(i, j int) { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *mergeHeap) Push(x any)    { h.idx = append(h.idx, x.(int)) }
func (h *mergeHeap) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}

// FlagCount is how many distinct items of an account, created in a period, carry
// a flag of one rule (and category and severity, when grouped by them).
type FlagCount struct {
	Account  string
	Own      bool
	Rule     string
	Category string
	Severity string
	Items    int64
}

// PeriodFlags counts, per account, own or others' items created in the period
// that carry a flag of each rule (any of their versions). With detail, the counts
// are per rule, category and severity as well, for the given rules only.
func (s *Store) PeriodFlags(ctx context.Context, p Period, detail bool, rules []string, fn func(FlagCount)) error {
	from, to := p.args()
	cols := "''"
	if detail {
		cols = "f.category, f.severity"
	}
	q := `SELECT i.account_id, i.own, f.rule, ` + cols + `, COUNT(DISTINCT f.item_id) FROM flags f JOIN items i ON i.id = f.item_id
		WHERE i.created_at >= ?1 AND i.created_at < ?2`
	args := []any{from, to}
	if len(rules) > 0 {
		q += " AND f.rule IN (" + placeholders(3, len(rules)) + ")"
		for _, r := range rules {
			args = append(args, r)
		}
	}
	q += " GROUP BY 1, 2, 3"
	if detail {
		q += ", 4, 5"
	}
	err := s.query(ctx, q, args, func(scan func(...any) error) error {
		var c FlagCount
		var err error
		if detail {
			err = scan(&c.Account, &c.Own, &c.Rule, &c.Category, &c.Severity, &c.Items)
		} else {
			var empty string
			err = scan(&c.Account, &c.Own, &c.Rule, &empty, &c.Items)
		}
		if err != nil {
			return err
		}
		fn(c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("archive: period flags: %w", err)
	}
	return nil
}

// RepeatOffenders counts, per account, the authors with at least two comments
// created in the period and flagged offensive (recommended for blocking).
func (s *Store) RepeatOffenders(ctx context.Context, p Period, fn func(account string, authors int64)) error {
	from, to := p.args()
	err := s.query(ctx, `SELECT account_id, COUNT(*) FROM (SELECT i.account_id, i.author_id FROM flags f JOIN items i ON i.id = f.item_id
			WHERE f.rule = '`+ruleOffensive+`' AND i.own = 0 AND i.author_id <> '' AND i.created_at >= ?1 AND i.created_at < ?2
			GROUP BY i.account_id, i.author_id HAVING COUNT(DISTINCT i.id) >= 2) GROUP BY account_id`, []any{from, to},
		func(scan func(...any) error) error {
			var a string
			var n int64
			if err := scan(&a, &n); err != nil {
				return err
			}
			fn(a, n)
			return nil
		})
	if err != nil {
		return fmt.Errorf("archive: repeat offenders: %w", err)
	}
	return nil
}

// PeriodDecisions counts, per account and decision, the administrators'
// decisions made in the period (block_confirmed, blocked_on_network, …).
func (s *Store) PeriodDecisions(ctx context.Context, p Period, fn func(account, decision string, n int64)) error {
	ok, err := s.hasTable(ctx, "decisions")
	if err != nil || !ok {
		return err
	}
	from, to := p.args()
	err = s.query(ctx, `SELECT i.account_id, d.decision, COUNT(*) FROM decisions d JOIN items i ON i.id = d.item_id
		WHERE d.decided_at >= ?1 AND d.decided_at < ?2 GROUP BY 1, 2`, []any{from, to}, func(scan func(...any) error) error {
		var a, d string
		var n int64
		if err := scan(&a, &d, &n); err != nil {
			return err
		}
		fn(a, d, n)
		return nil
	})
	if err != nil {
		return fmt.Errorf("archive: period decisions: %w", err)
	}
	return nil
}

// ProfileState is what the profile snapshots say of one account for a period.
type ProfileState struct {
	Account string
	// Verified is the verified mark of the latest snapshot observed before the
	// period's end, taken at ObservedAt.
	Verified   bool
	ObservedAt time.Time
	// Changes counts the snapshots observed in the period that changed the
	// profile (display name, handle, bio, avatar or link) against the one before.
	Changes int64
}

// Profiles returns the profile state of every account with a snapshot observed
// before the period's end.
func (s *Store) Profiles(ctx context.Context, p Period, fn func(ProfileState)) error {
	from, to := p.args()
	err := s.query(ctx, `WITH snap AS (SELECT account_id, observed_at, verified,
				LAG(handle || char(0) || display_name || char(0) || bio || char(0) || avatar_url || char(0) || link)
					OVER (PARTITION BY account_id ORDER BY id) AS prev,
				handle || char(0) || display_name || char(0) || bio || char(0) || avatar_url || char(0) || link AS cur, id
			FROM profile_snapshots WHERE observed_at < ?2)
		SELECT account_id, verified, MAX(observed_at), SUM(observed_at >= ?1 AND prev IS NOT NULL AND prev <> cur)
		FROM snap GROUP BY account_id`, []any{from, to}, func(scan func(...any) error) error {
		var st ProfileState
		var at int64
		if err := scan(&st.Account, &st.Verified, &at, &st.Changes); err != nil {
			return err
		}
		st.ObservedAt = fromNanos(at)
		fn(st)
		return nil
	})
	if err != nil {
		return fmt.Errorf("archive: profiles: %w", err)
	}
	return nil
}

// Coverage is how much of a period the agent watched one account.
type Coverage struct {
	Account string
	// Watched is the time between consecutive successful polls no further apart
	// than the gap given to PollCoverage, within the period.
	Watched time.Duration
	// Polls and Failed count the polls that finished in the period, and of them
	// those that failed.
	Polls  int64
	Failed int64
}

// PollCoverage returns, per account, the time of the period covered by successful
// polls: each stretch between two successful polls at most gap apart counts as
// watched; a longer stretch is a gap in the record, not silence.
//
// With gap CoverageSummaryGap on an archive with migration 0006, the whole UTC
// days of the period (from the first one that starts at least gap after its
// beginning) are read from poll_days and only the partial days at either end
// from the fetch log; otherwise every poll of the period is read.
func (s *Store) PollCoverage(ctx context.Context, p Period, gap time.Duration, fn func(Coverage)) error {
	from, to := p.args()
	g := int64(gap)
	summary := false
	if gap == CoverageSummaryGap {
		var err error
		if summary, err = s.hasTable(ctx, "poll_days"); err != nil {
			return fmt.Errorf("archive: poll coverage: %w", err)
		}
	}
	// Days [first, last) come from the summary: every pair of polls whose later
	// one falls in them has its earlier one after from, as the sum there assumes.
	first, last := ceilDiv(from+g, coverageDay), floorDiv(to, coverageDay)
	if !summary || first >= last {
		return s.coverageSegment(ctx, from, to, from, g, fn)
	}
	sum := map[string]*Coverage{}
	var order []string
	add := func(c Coverage) {
		t := sum[c.Account]
		if t == nil {
			t = &Coverage{Account: c.Account}
			sum[c.Account] = t
			order = append(order, c.Account)
		}
		t.Watched += c.Watched
		t.Polls += c.Polls
		t.Failed += c.Failed
	}
	if err := s.coverageSegment(ctx, from, first*coverageDay, from, g, add); err != nil {
		return err
	}
	err := s.query(ctx, `SELECT a.id, SUM(d.polls), SUM(d.failed), SUM(d.watched)
		FROM accounts a CROSS JOIN poll_days d ON d.account_id = a.id AND d.day >= ?1 AND d.day < ?2 GROUP BY a.id`,
		[]any{first, last}, scanCoverage(add))
	if err != nil {
		return fmt.Errorf("archive: poll coverage: %w", err)
	}
	if err := s.coverageSegment(ctx, last*coverageDay, to, from, g, add); err != nil {
		return err
	}
	slices.Sort(order)
	for _, id := range order {
		if c := sum[id]; c.Polls > 0 {
			fn(*c)
		}
	}
	return nil
}

// coverageSegment is PollCoverage from the fetch log for the polls that finished
// in [lo, hi) of a period that starts at clip (lo >= clip): each successful poll
// after clip adds the time since the previous successful one, counted from clip,
// when they are at most gap apart. Each account's polls, in time order, are one
// range of the fetch_log_coverage index (migration 0005); the accounts drive the
// join.
func (s *Store) coverageSegment(ctx context.Context, lo, hi, clip, gap int64, fn func(Coverage)) error {
	if lo >= hi {
		return nil
	}
	err := s.query(ctx, `WITH ok AS (SELECT f.account_id, f.finished_at AS t,
				LAG(f.finished_at) OVER (PARTITION BY f.account_id ORDER BY f.finished_at) AS prev
			FROM accounts a CROSS JOIN fetch_log f ON f.account_id = a.id AND f.finished_at >= ?1 - ?3 AND f.finished_at < ?2
			WHERE f.result = 'ok'),
		watched AS (SELECT account_id, SUM(t - MAX(prev, ?4)) AS w FROM ok
			WHERE prev IS NOT NULL AND t - prev <= ?3 AND t > ?4 AND t >= ?1 GROUP BY account_id),
		polls AS (SELECT f.account_id, COUNT(*) AS n, SUM(f.result <> 'ok') AS failed
			FROM accounts a CROSS JOIN fetch_log f ON f.account_id = a.id AND f.finished_at >= ?1 AND f.finished_at < ?2
			GROUP BY f.account_id)
		SELECT polls.account_id, polls.n, polls.failed, COALESCE(watched.w, 0) FROM polls LEFT JOIN watched USING (account_id)`,
		[]any{lo, hi, gap, clip}, scanCoverage(fn))
	if err != nil {
		return fmt.Errorf("archive: poll coverage: %w", err)
	}
	return nil
}

// scanCoverage reads a row of account, polls, failed polls and nanoseconds
// watched into fn.
func scanCoverage(fn func(Coverage)) func(scan func(...any) error) error {
	return func(scan func(...any) error) error {
		var c Coverage
		var w int64
		if err := scan(&c.Account, &c.Polls, &c.Failed, &w); err != nil {
			return err
		}
		c.Watched = time.Duration(w)
		fn(c)
		return nil
	}
}

// floorDiv and ceilDiv divide rounding down and up (d > 0).
func floorDiv(n, d int64) int64 {
	q := n / d
	if n%d != 0 && n < 0 {
		q--
	}
	return q
}

func ceilDiv(n, d int64) int64 { return -floorDiv(-n, d) }

// AlertCounts counts the alerts whose rule matches the SQL LIKE pattern, created in
// the period, per subject. It reports ok=false when the archive holds no alert of
// such a rule at all (the figure does not exist yet, as opposed to zero).
func (s *Store) AlertCounts(ctx context.Context, p Period, rulePattern string, fn func(subject string, n int64)) (ok bool, err error) {
	var exists int64
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM alerts WHERE rule LIKE ?1 LIMIT 1)`, rulePattern).Scan(&exists); err != nil {
		return false, fmt.Errorf("archive: alert counts: %w", err)
	}
	if exists == 0 {
		return false, nil
	}
	from, to := p.args()
	err = s.query(ctx, `SELECT subject, COUNT(*) FROM alerts WHERE rule LIKE ?3 AND created_at >= ?1 AND created_at < ?2 GROUP BY subject`,
		[]any{from, to, rulePattern}, func(scan func(...any) error) error {
			var subj string
			var n int64
			if err := scan(&subj, &n); err != nil {
				return err
			}
			fn(subj, n)
			return nil
		})
	if err != nil {
		return false, fmt.Errorf("archive: alert counts: %w", err)
	}
	return true, nil
}

// query runs q on the read pool and calls fn for each row.
func (s *Store) query(ctx context.Context, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// placeholders returns "?first, ?first+1, …" for n parameters.
func placeholders(first, n int) string {
	b := make([]byte, 0, n*4)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = fmt.Appendf(b, "?%d", first+i)
	}
	return string(b)
}

// OffensiveComments counts, per account, the comments by others created in the
// period that the classifier recommended for blocking (an offensive flag on any
// version), and those only ever in the review band (offensive_review and never
// offensive).
func (s *Store) OffensiveComments(ctx context.Context, p Period, fn func(account string, block, review int64)) error {
	from, to := p.args()
	err := s.query(ctx, `SELECT i.account_id, SUM(f.b), SUM(1 - f.b)
		FROM (SELECT item_id, MAX(rule = '`+ruleOffensive+`') AS b FROM flags
			WHERE rule IN ('`+ruleOffensive+`', '`+ruleOffensiveReview+`') GROUP BY item_id) f
		JOIN items i ON i.id = f.item_id
		WHERE i.own = 0 AND i.created_at >= ?1 AND i.created_at < ?2 GROUP BY 1`, []any{from, to},
		func(scan func(...any) error) error {
			var a string
			var b, r int64
			if err := scan(&a, &b, &r); err != nil {
				return err
			}
			fn(a, b, r)
			return nil
		})
	if err != nil {
		return fmt.Errorf("archive: offensive comments: %w", err)
	}
	return nil
}

// SignalRow is one stored account-health signal (table signals).
type SignalRow struct {
	Account string
	Kind    string // "takeover" or "cadence"
	Score   float64
	Urgent  bool
	Detail  string // JSON: summary, threshold, notify, evidence
	At      time.Time
}

// Signals calls fn for every account-health signal observed in the period, oldest
// first. It reports ok=false when the archive holds no governance record at all
// (neither registry log nor signal): governance never ran on it, so "no signal"
// would not mean "nothing happened".
func (s *Store) Signals(ctx context.Context, p Period, fn func(SignalRow)) (ok bool, err error) {
	var exists int64
	if err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM registry_log) OR EXISTS (SELECT 1 FROM signals)`).Scan(&exists); err != nil {
		return false, fmt.Errorf("archive: signals: %w", err)
	}
	if exists == 0 {
		return false, nil
	}
	from, to := p.args()
	err = s.query(ctx, `SELECT account_id, kind, score, urgent, detail, observed_at FROM signals
		WHERE observed_at >= ?1 AND observed_at < ?2 ORDER BY id`, []any{from, to}, func(scan func(...any) error) error {
		var r SignalRow
		var at int64
		if err := scan(&r.Account, &r.Kind, &r.Score, &r.Urgent, &r.Detail, &at); err != nil {
			return err
		}
		r.At = time.Unix(0, at)
		fn(r)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("archive: signals: %w", err)
	}
	return true, nil
}

// WatchedComments counts, per account, the comments, replies and mentions by
// others created in the period that carry a flag of the rule (the watch lists,
// 3.ix), and how many of them have an own answer.
func (s *Store) WatchedComments(ctx context.Context, p Period, rule string, fn func(account string, flagged, answered int64)) error {
	from, to := p.args()
	err := s.query(ctx, `SELECT i.account_id, COUNT(DISTINCT i.id),
		COUNT(DISTINCT CASE WHEN r.reply_item_id IS NOT NULL THEN i.id END)
		FROM flags f JOIN items i ON i.id = f.item_id LEFT JOIN responses r ON r.comment_item_id = i.id
		WHERE f.rule = ?3 AND i.own = 0 AND i.created_at >= ?1 AND i.created_at < ?2 GROUP BY 1`,
		[]any{from, to, rule}, func(scan func(...any) error) error {
			var acct string
			var flagged, answered int64
			if err := scan(&acct, &flagged, &answered); err != nil {
				return err
			}
			fn(acct, flagged, answered)
			return nil
		})
	if err != nil {
		return fmt.Errorf("archive: watched comments: %w", err)
	}
	return nil
}
