package archive

import (
	"context"
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// ErrFull is matched (errors.Is) by a write that failed because the archive
// could not grow: its filesystem is full (SQLITE_FULL) or the page cap set with
// Options.MaxPageCount or SetMaxPageCount is reached. Nothing of that write is
// stored; once space returns the same write succeeds.
var ErrFull = errors.New("archive: database or disk is full")

// fullError marks a write error as ErrFull while keeping the driver's error.
type fullError struct{ err error }

func (e *fullError) Error() string   { return e.err.Error() }
func (e *fullError) Unwrap() []error { return []error{e.err, ErrFull} }

// classifyFull wraps err so that errors.Is(err, ErrFull) holds when SQLite
// reported that the database or its disk is full.
func classifyFull(err error) error {
	var se sqlite3.Error
	if err == nil || errors.Is(err, ErrFull) || !errors.As(err, &se) || se.Code != sqlite3.ErrFull {
		return err
	}
	return &fullError{err: err}
}

// SetMaxPageCount caps the archive's database file at n pages of the writer
// connection (PRAGMA max_page_count) and returns the cap now in force: SQLite
// never lowers it below the file's current size. A write that needs more pages
// fails with ErrFull. n <= 0 leaves the cap unchanged and only reports it. It
// is the size-cap path of the disk-full tests and of operators who want the
// archive to stop growing before its filesystem fills.
func (s *Store) SetMaxPageCount(ctx context.Context, n int64) (int64, error) {
	if s.readOnly {
		return 0, errReadOnly
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wc == nil {
		return 0, errors.New("archive: store is closed")
	}
	q := "PRAGMA max_page_count"
	if n > 0 {
		q = fmt.Sprintf("PRAGMA max_page_count = %d", n)
	}
	var got int64
	if err := s.wc.QueryRowContext(ctx, q).Scan(&got); err != nil {
		return 0, fmt.Errorf("archive: max_page_count: %w", err)
	}
	return got, nil
}

// PageCount returns the database's size in pages and the page size in bytes,
// as committed.
func (s *Store) PageCount(ctx context.Context) (pages, pageSize int64, err error) {
	if err := s.r.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return 0, 0, fmt.Errorf("archive: page_count: %w", err)
	}
	if err := s.r.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		return 0, 0, fmt.Errorf("archive: page_size: %w", err)
	}
	return pages, pageSize, nil
}
