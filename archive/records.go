package archive

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// recordStream reads one chained table's records in id order.
type recordStream struct {
	t    *chainedTable
	rows *sql.Rows
	id   int64
	hash []byte
	vals []any
	done bool
}

func (st *recordStream) advance() error {
	if !st.rows.Next() {
		st.done = true
		return st.rows.Err()
	}
	dest := make([]any, len(st.t.cols)+2)
	dest[0], dest[1] = &st.id, &st.hash
	vals := make([]any, len(st.t.cols))
	for i := range vals {
		dest[i+2] = &vals[i]
	}
	if err := st.rows.Scan(dest...); err != nil {
		return err
	}
	st.vals = vals
	return nil
}

// queryer runs a query: a *sql.DB's, *sql.Conn's or *sql.Tx's QueryContext.
type queryer func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

// mergeRecords reads the chained records that where selects (per table: a WHERE
// clause over its columns, bound to args; a table without one is skipped) and
// calls fn for each in chain order. fn's error stops the walk and is returned.
func mergeRecords(ctx context.Context, query queryer, where func(table string) (string, bool), args []any, fn func(st *recordStream) error) error {
	var streams []*recordStream
	defer func() {
		for _, st := range streams {
			st.rows.Close()
		}
	}()
	for i := range chainedTables {
		t := &chainedTables[i]
		cond, ok := where(t.name)
		if !ok {
			continue
		}
		q := fmt.Sprintf("SELECT id, hash, %s FROM %s WHERE %s ORDER BY id", strings.Join(t.cols, ", "), t.name, cond)
		rows, err := query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("read %s: %w", t.name, err)
		}
		st := &recordStream{t: t, rows: rows}
		streams = append(streams, st)
		if err := st.advance(); err != nil {
			return fmt.Errorf("read %s: %w", t.name, err)
		}
	}
	for {
		var next *recordStream
		for _, st := range streams {
			if !st.done && (next == nil || st.id < next.id) {
				next = st
			}
		}
		if next == nil {
			return nil
		}
		if err := fn(next); err != nil {
			return err
		}
		if err := next.advance(); err != nil {
			return fmt.Errorf("read %s: %w", next.t.name, err)
		}
	}
}
