package archive

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Bulk writing. A batch of 1,000 items becomes a few multi-row INSERTs instead of
// thousands of single-row ones: SQLite compiles a multi-row VALUES list into one
// statement step, which saves the per-statement cost of database/sql and cgo.

// bulkRows is the most rows one multi-row statement carries; at 16 columns it stays
// far below SQLite's limit of 32,766 bound parameters.
const bulkRows = 128

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

// multiRowSQL is "INSERT INTO table(cols) VALUES (?,…),(?,…)…" for n rows.
func multiRowSQL(table string, cols []string, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	b.WriteString("(")
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// bulkInsert collects the rows of one chained table within a transaction and writes
// them with multi-row statements.
type bulkInsert struct {
	table string
	cols  []string // id, the hashed columns, hash, then extra columns
	args  []any
	rows  int
}

func newBulk(table string, extra ...string) *bulkInsert {
	t := tableByName(table)
	cols := append([]string{"id"}, t.cols...)
	cols = append(cols, "hash")
	cols = append(cols, extra...)
	return &bulkInsert{table: table, cols: cols}
}

// add appends one record to the chain and queues its row.
func (b *bulkInsert) add(a *appender, vals []any, extra ...any) (int64, error) {
	id, sum, err := a.next(b.table, vals)
	if err != nil {
		return 0, err
	}
	b.args = append(b.args, id)
	b.args = append(b.args, vals...)
	b.args = append(b.args, sum[:])
	b.args = append(b.args, extra...)
	b.rows++
	return id, nil
}

// flush writes the queued rows.
func (b *bulkInsert) flush(ctx context.Context, s *Store, a *appender) error {
	width := len(b.cols)
	for start := 0; start < b.rows; start += bulkRows {
		n := min(bulkRows, b.rows-start)
		stmt, err := s.cache.get(ctx, s.wc, multiRowSQL(b.table, b.cols, n))
		if err != nil {
			return fmt.Errorf("prepare insert %s: %w", b.table, err)
		}
		if _, err := a.stmt(ctx, stmt).ExecContext(ctx, b.args[start*width:(start+n)*width]...); err != nil {
			return fmt.Errorf("insert %s: %w", b.table, err)
		}
	}
	b.args, b.rows = b.args[:0], 0
	return nil
}
