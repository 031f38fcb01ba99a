package archive

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Report classes (migration 0006): responses.report_class packs what the report
// counts of a comment, intent × 16 + needs an answer × 8 + answered × 4 + state,
// and the responses_report index orders each account's rows by class and then by
// the comment's creation, so a period's figures are counts, minimums and lists
// over (account, class) ranges.

// classIntents are the intents of the report classes, by code; code 0 is any other.
var classIntents = []string{"", "question", "info_request", "suggestion", "complaint", "praise", "other"}

// Class bits and states.
const (
	classNeeds    = 8
	classAnswered = 4
	classStates   = 4 // 0 open, 1 answered_in_time, 2 answered_late, 3 other
	maxClass      = 6*16 + classNeeds + classAnswered + classStates - 1
)

// classIntent returns intent's code; 0 when the report classes do not name it.
func classIntent(intent string) int {
	if intent == "" {
		return 0
	}
	return max(0, slices.Index(classIntents, intent))
}

// hasReportClasses tells whether the archive has migration 0006's report classes
// (a read-only archive is not migrated).
func (s *Store) hasReportClasses(ctx context.Context) (bool, error) {
	return s.hasColumn(ctx, "responses", "report_class")
}

// hasColumn tells whether table has the column (generated ones included).
func (s *Store) hasColumn(ctx context.Context, table, column string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_xinfo(?1) WHERE name = ?2`, table, column).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up %s.%s: %w", table, column, err)
	}
	return n > 0, nil
}

// classesWhere is the list of classes (as SQL) whose bits under mask equal want.
func classesWhere(mask, want int) string {
	var b strings.Builder
	for c := 0; c <= maxClass; c++ {
		if c&mask == want {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(c))
		}
	}
	return b.String()
}

// classRange restricts r to the rows of account a.id and the classes in (a list
// as SQL) whose comments were created in [?1, ?2): one range of the
// responses_report index per class.
func classRange(in string) string {
	return `r.item_account_id = a.id AND r.report_class IN (` + in + `) AND r.created_at >= ?1 AND r.created_at < ?2`
}

// commentsByClass is Comments over the report classes.
func (s *Store) commentsByClass(ctx context.Context, p Period, intents []string, fn func(CommentCounts)) error {
	from, to := p.args()
	out := map[string]*CommentCounts{}
	var order []string
	get := func(id string) *CommentCounts {
		c := out[id]
		if c == nil {
			c = &CommentCounts{Account: id, ByIntent: make(map[string]IntentCounts, len(intents))}
			for _, in := range intents {
				c.ByIntent[in] = IntentCounts{}
			}
			out[id] = c
			order = append(order, id)
		}
		return c
	}
	asked := map[int]string{}
	for _, in := range intents {
		asked[classIntent(in)] = in
	}
	// The oldest open comment of a class is the first entry of its range.
	err := s.query(ctx, `SELECT id, c, n, oldest FROM (SELECT a.id, k.value AS c,
			(SELECT COUNT(*) FROM responses r WHERE `+classRange("k.value")+`) AS n,
			CASE WHEN k.value & ?3 = ?4 THEN (SELECT MIN(r.created_at) FROM responses r WHERE `+classRange("k.value")+`) ELSE 0 END AS oldest
		FROM accounts a CROSS JOIN json_each('[`+classesWhere(0, 0)+`]') k) WHERE n > 0`,
		[]any{from, to, classNeeds | classAnswered, classNeeds}, func(scan func(...any) error) error {
			var id string
			var class int
			var n, oldest int64
			if err := scan(&id, &class, &n, &oldest); err != nil {
				return err
			}
			c := get(id)
			needs, answered := class&classNeeds != 0, class&classAnswered != 0
			c.Received += n
			if needs {
				c.NeedingAnswer += n
				switch {
				case !answered:
					c.Unanswered += n
					if t := fromNanos(oldest); c.OldestUnanswered.IsZero() || t.Before(c.OldestUnanswered) {
						c.OldestUnanswered = t
					}
				case class%classStates == 1:
					c.Answered += n
					c.InTime += n
				case class%classStates == 2:
					c.Answered += n
					c.Late += n
				default:
					c.Answered += n
				}
			}
			if in, ok := asked[class/16]; ok && class/16 != 0 {
				ic := c.ByIntent[in]
				ic.Received += n
				if needs {
					ic.NeedingAnswer += n
					if answered {
						ic.Answered += n
					}
				}
				c.ByIntent[in] = ic
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("archive: comments: %w", err)
	}
	// Answered information requests whose answer points to the transparency
	// channels (the answer's current text).
	info := classIntent("info_request")*16 + classNeeds + classAnswered
	err = s.query(ctx, `SELECT id, n FROM (SELECT a.id, (SELECT COUNT(*) FROM responses r
			JOIN items i ON i.id = r.reply_item_id JOIN item_versions v ON v.item_id = i.id AND v.version = i.current_version
			WHERE `+classRange(classesWhere(^(classStates-1), info))+`
				AND (lower(v.text) LIKE '%infomex%' OR lower(v.text) LIKE '%ifetel%' OR lower(v.text) LIKE '%unidad de enlace%')) AS n
		FROM accounts a) WHERE n > 0`, []any{from, to}, func(scan func(...any) error) error {
		var id string
		var n int64
		if err := scan(&id, &n); err != nil {
			return err
		}
		if c := out[id]; c != nil {
			c.Redirected = n
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("archive: comments: %w", err)
	}
	slices.Sort(order)
	for _, id := range order {
		fn(*out[id])
	}
	return nil
}

// delaysByClass collects the delays of the answered comments per account over
// the report classes; each account's lists cross from SQLite as one text each.
func (s *Store) delaysByClass(ctx context.Context, p Period) (map[string]*delays, map[string]string, error) {
	from, to := p.args()
	accounts := map[string]*delays{}
	organOf := map[string]string{}
	err := s.query(ctx, `SELECT a.id, a.organ, COUNT(*), COUNT(r.business_seconds), COUNT(r.wall_seconds),
			group_concat(r.business_seconds), group_concat(r.wall_seconds)
		FROM accounts a CROSS JOIN responses r ON `+classRange(classesWhere(classNeeds|classAnswered, classNeeds|classAnswered))+` GROUP BY a.id`,
		[]any{from, to}, func(scan func(...any) error) error {
			var id, organ, bs, ws string
			var n, nb, nw int
			if err := scan(&id, &organ, &n, &nb, &nw, &bs, &ws); err != nil {
				return err
			}
			if nb != n || nw != n {
				return fmt.Errorf("account %s: %d answered comments without a stored delay", id, n-min(nb, nw))
			}
			d := &delays{b: make([]int64, 0, n), w: make([]int64, 0, n)}
			var err error
			if d.b, err = appendInts(d.b, bs); err != nil {
				return err
			}
			if d.w, err = appendInts(d.w, ws); err != nil {
				return err
			}
			accounts[id], organOf[id] = d, organ
			return nil
		})
	return accounts, organOf, err
}

// appendInts appends the comma-separated integers of s to dst.
func appendInts(dst []int64, s string) ([]int64, error) {
	for s != "" {
		f, rest, _ := strings.Cut(s, ",")
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return dst, fmt.Errorf("delay %q: %w", f, err)
		}
		dst = append(dst, v)
		s = rest
	}
	return dst, nil
}
