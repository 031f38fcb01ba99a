package archive

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Bulk writing. A batch of 1,000 items becomes a few multi-row INSERTs instead of
// thousands of single-row ones: SQLite compiles a multi-row VALUES list into one
// statement step, which saves the per-statement cost of database/sql and cgo.

// bulkRows is the most rows one multi-row statement carries; at 16 columns it stays
// far below SQLite's limit of 32,766 bound parameters.
const bulkRows = 128

// chunks splits n rows into statements of at most max rows: as many of max as
// fit, then the rest in powers of two (100 → 64, 32, 4), so that a few
// statement shapes, prepared once, serve every batch size.
func chunks(n, max int) []int {
	var out []int
	for ; n >= max; n -= max {
		out = append(out, max)
	}
	for p := max; p > 0; p /= 2 {
		if n >= p {
			out = append(out, p)
			n -= p
		}
	}
	return out
}

// stmtCache holds statements prepared on the writer connection, keyed by their SQL.
// Guarded by Store.mu (only the writer uses it).
type stmtCache map[string]*sql.Stmt

func (c stmtCache) get(ctx context.Context, db *sql.Conn, q string) (*sql.Stmt, error) {
	if s, ok := c[q]; ok {
		return s, nil
	}
	s, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c[q] = s
	return s, nil
}

func (c stmtCache) close() {
	for q, s := range c {
		s.Close()
		delete(c, q)
	}
}

// multiRowSQL is "INSERT INTO table(cols) VALUES (?3, ?1, ?4), (?5, ?1, ?6)…" for n
// rows, where the columns marked shared take one parameter for every row (numbered
// first) and the others take a parameter per row, in order.
func multiRowSQL(table string, cols []string, shared []bool, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	b.WriteString("(")
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(") VALUES ")
	nShared := 0
	sharedNum := make([]int, len(cols))
	for i, s := range shared {
		if s {
			nShared++
			sharedNum[i] = nShared
		}
	}
	next := nShared + 1
	for r := range n {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for i := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("?")
			if shared[i] {
				b.WriteString(strconv.Itoa(sharedNum[i]))
			} else {
				b.WriteString(strconv.Itoa(next))
				next++
			}
		}
		b.WriteString(")")
	}
	return b.String()
}

// bulkInsert collects the rows of one chained table within a transaction and writes
// them with multi-row statements. Columns whose value is the same for every row of
// the batch (the network, the account, the poll) are bound once per statement.
type bulkInsert struct {
	table  string
	cols   []string // id, the hashed columns, hash, then extra columns
	shared []bool   // cols[i] takes sharedVals' value in every row
	vals   []any    // the shared values, in column order
	args   []any    // the per-row values
	rows   int
	width  int     // per-row values in a row
	key    bulkKey // the statements' shape, but for n
}

// newBulk prepares the rows of table; shared maps hashed or extra column names to
// the value every row has there.
func newBulk(table string, shared map[string]any, extra ...string) *bulkInsert {
	t := tableByName(table)
	cols := append([]string{"id"}, t.cols...)
	cols = append(cols, "hash")
	cols = append(cols, extra...)
	b := &bulkInsert{table: table, cols: cols, shared: make([]bool, len(cols))}
	b.key = bulkKey{table: table, cols: strings.Join(cols, ",")}
	for i, c := range cols {
		if v, ok := shared[c]; ok {
			b.shared[i] = true
			b.key.shared |= 1 << i
			b.vals = append(b.vals, v)
		} else {
			b.width++
		}
	}
	return b
}

// add appends one record to the chain and queues its row. vals are all the hashed
// columns (shared ones included, as the hash covers them); extra the unhashed ones.
func (b *bulkInsert) add(a *appender, vals []any, extra ...any) (int64, error) {
	id, sum, err := a.next(b.table, vals)
	if err != nil {
		return 0, err
	}
	for i, c := 0, 0; c < len(b.cols); c++ {
		var v any
		switch {
		case c == 0:
			v = id
		case c <= len(vals):
			v = vals[c-1]
		case c == len(vals)+1:
			v = sum[:]
		default:
			v = extra[c-len(vals)-2]
		}
		if b.shared[c] {
			if v != b.vals[i] {
				return 0, fmt.Errorf("insert %s: column %s differs from the batch's shared value", b.table, b.cols[c])
			}
			i++
			continue
		}
		b.args = append(b.args, v)
	}
	b.rows++
	return id, nil
}

// sql is multiRowSQL of the table's statement of n rows, built once per shape.
func (b *bulkInsert) sql(n int) string {
	k := b.key
	k.n = n
	if q, ok := bulkSQLs.Load(k); ok {
		return q.(string)
	}
	q, _ := bulkSQLs.LoadOrStore(k, multiRowSQL(b.table, b.cols, b.shared, n))
	return q.(string)
}

// bulkSQLs memoises the bulk statements' text (a few shapes per table).
var bulkSQLs sync.Map // bulkKey → string

type bulkKey struct {
	table, cols string
	shared      uint64
	n           int
}

// flush writes the queued rows.
func (b *bulkInsert) flush(ctx context.Context, s *Store, a *appender) error {
	width := b.width
	args := make([]any, 0, len(b.vals)+min(b.rows, bulkRows)*width)
	start := 0
	for _, n := range chunks(b.rows, bulkRows) {
		stmt, err := s.cache.get(ctx, s.wc, b.sql(n))
		if err != nil {
			return fmt.Errorf("prepare insert %s: %w", b.table, err)
		}
		args = append(append(args[:0], b.vals...), b.args[start*width:(start+n)*width]...)
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert %s: %w", b.table, err)
		}
		start += n
	}
	b.args, b.rows = b.args[:0], 0
	return nil
}
