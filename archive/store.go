// Package archive is Vigía's SQLite archive: embedded append-only migrations, the
// Store that commits each poll's batch in one transaction, the hash chain that makes
// the record tamper-evident, and the queries the agent, metrics and reports read.
//
// The Store has one writer connection, serialised by a mutex (a single writer
// goroutine at a time), and a separate read-only pool for metrics and reports, so
// readers never wait on the writer in WAL mode.
package archive

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the archive. It is safe for concurrent use.
type Store struct {
	path     string
	readOnly bool
	w        *sql.DB   // the writer pool, of one connection
	wc       *sql.Conn // that connection, held for the Store's life
	r        *sql.DB   // read-only pool

	mu    sync.Mutex // serialises writes and guards head
	head  chainHead
	stmts *writeStmts
	cache stmtCache
	now   func() time.Time
	// authors caches the handle and name stored per author (guarded by mu).
	authors map[authorKey]authorName
}

// walCheckpointPages is the writer's automatic checkpoint threshold, in WAL
// frames (pages of 4 KiB).
const walCheckpointPages = 4000

// Options configure Open.
type Options struct {
	// Now is the clock used for bookkeeping times; time.Now when nil.
	Now func() time.Time
	// ReadOnly opens the archive for reading and verification only: no migrations,
	// and every write method fails.
	ReadOnly bool
	// MaxPageCount, when positive, caps the database file at that many pages
	// once migrations are applied (see SetMaxPageCount).
	MaxPageCount int64
}

func dsn(path string, ro bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	if ro {
		q.Set("mode", "ro")
	} else {
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "NORMAL")
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed) the archive at path and applies pending migrations.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("archive: open: empty database path")
	}
	s := &Store{path: path, now: opts.Now, readOnly: opts.ReadOnly}
	if s.now == nil {
		s.now = time.Now
	}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("archive: open %s: %w", path, err)
		}
	} else {
		w, err := sql.Open("sqlite3", dsn(path, false))
		if err != nil {
			return nil, fmt.Errorf("archive: open %s: %w", path, err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		s.w = w
		if err := s.migrate(ctx); err != nil {
			w.Close()
			return nil, err
		}
		if err := s.loadHead(ctx); err != nil {
			w.Close()
			return nil, err
		}
		wc, err := w.Conn(ctx)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("archive: open %s: %w", path, err)
		}
		s.wc = wc
		// Checkpoint the WAL every 16 MiB of frames instead of SQLite's 4 MiB: the
		// index and small tables' pages every commit rewrites are copied back to
		// the database (and fsynced) a quarter as often.
		if _, err := wc.ExecContext(ctx, fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walCheckpointPages)); err != nil {
			wc.Close()
			w.Close()
			return nil, fmt.Errorf("archive: open %s: %w", path, err)
		}
		st, err := prepareWrite(ctx, wc)
		if err != nil {
			wc.Close()
			w.Close()
			return nil, err
		}
		s.stmts = st
		s.cache = stmtCache{}
		if opts.MaxPageCount > 0 {
			if _, err := s.SetMaxPageCount(ctx, opts.MaxPageCount); err != nil {
				s.Close()
				return nil, err
			}
		}
	}
	r, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("archive: open %s read-only: %w", path, err)
	}
	r.SetMaxOpenConns(len(chainedTables) + 8) // Verify holds one connection and streams every chained table at once
	s.r = r
	if err := r.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("archive: open %s: %w", path, err)
	}
	return s, nil
}

// Close closes both pools. In-flight commits finish first.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	if s.stmts != nil {
		s.stmts.close()
		s.stmts = nil
		s.cache.close()
	}
	if s.wc != nil {
		errs = append(errs, s.wc.Close())
		s.wc = nil
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
		s.w = nil
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
		s.r = nil
	}
	return errors.Join(errs...)
}

// Records returns the number of records in the hash chain, as this Store last
// wrote or read it.
func (s *Store) Records() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.head.id
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Ping checks that the archive works, for the systemd watchdog: a reader reads the
// chain head from the database file, and the writer, once any commit in progress
// has finished, answers on its held connection. A writer stuck longer than ctx
// allows (a hung commit, a lost lock) fails the check.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.lockCtx(ctx); err != nil {
		return fmt.Errorf("archive: ping: writer busy: %w", err)
	}
	defer s.mu.Unlock()
	if s.r == nil {
		return errors.New("archive: ping: store is closed")
	}
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM chain_head`).Scan(&n); err != nil {
		return fmt.Errorf("archive: ping: read: %w", err)
	}
	if s.readOnly {
		return nil
	}
	if s.wc == nil {
		return errors.New("archive: ping: store is closed")
	}
	if err := s.wc.QueryRowContext(ctx, `SELECT COUNT(*) FROM chain_head`).Scan(&n); err != nil {
		return fmt.Errorf("archive: ping: writer: %w", err)
	}
	return nil
}

// lockCtx takes s.mu, giving up when ctx ends first (the lock is then released as
// soon as it is obtained).
func (s *Store) lockCtx(ctx context.Context) error {
	if s.mu.TryLock() {
		return nil
	}
	got := make(chan struct{})
	go func() {
		s.mu.Lock()
		close(got)
	}()
	select {
	case <-got:
		return nil
	case <-ctx.Done():
		go func() {
			<-got
			s.mu.Unlock()
		}()
		return ctx.Err()
	}
}

// migrate applies the embedded migrations in order, each in its own transaction
// together with its version bump.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("archive: migrate: %w", err)
	}
	entries, err := migrationFS.ReadDir("migrations")
	if err != nil {
		return fmt.Errorf("archive: migrate: %w", err)
	}
	type mig struct {
		version int
		name    string
	}
	var migs []mig
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return fmt.Errorf("archive: migrate: bad migration file name %q", e.Name())
		}
		migs = append(migs, mig{v, e.Name()})
	}
	sort.Slice(migs, func(i, j int) bool { return migs[i].version < migs[j].version })
	var current int
	if err := s.w.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("archive: migrate: read version: %w", err)
	}
	if n := len(migs); n > 0 && current > migs[n-1].version {
		return fmt.Errorf("archive: migrate: database schema version %d is newer than this binary's %d", current, migs[n-1].version)
	}
	for _, m := range migs {
		if m.version <= current {
			continue
		}
		body, err := migrationFS.ReadFile("migrations/" + m.name)
		if err != nil {
			return fmt.Errorf("archive: migrate %s: %w", m.name, err)
		}
		if err := s.applyMigration(ctx, m.version, string(body)); err != nil {
			return fmt.Errorf("archive: migrate %s: %w", m.name, err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, version int, body string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)`, version, s.now().UnixNano()); err != nil {
		return err
	}
	return tx.Commit()
}

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("archive: schema version: %w", err)
	}
	return v, nil
}

// CreatedAt returns when the archive was created (its first migration was applied).
func (s *Store) CreatedAt(ctx context.Context) (time.Time, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT applied_at FROM schema_migrations ORDER BY version LIMIT 1`).Scan(&n)
	if err != nil {
		return time.Time{}, fmt.Errorf("archive: created at: %w", err)
	}
	return fromNanos(n), nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its findings; nil when ok.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.r.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("archive: integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("archive: integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("archive: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("archive: integrity check: %s", strings.Join(problems, "; "))
	}
	return nil
}

// SizeBytes returns the size of the database file plus its write-ahead log.
func (s *Store) SizeBytes() (int64, error) {
	var total int64
	for _, p := range []string{s.path, s.path + "-wal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("archive: size: %w", err)
		}
		total += fi.Size()
	}
	return total, nil
}

var errReadOnly = errors.New("archive: opened read-only")

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
