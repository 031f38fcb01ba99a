package archive

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
)

// The hash chain. Every chained record (a row of one of chainedTables) has an id that
// is its place in one global sequence, and a hash:
//
//	hash = SHA-256(prev_hash || uint64(id) || table || encode(col_1) || … || encode(col_n))
//
// where prev_hash is the hash of record id-1 (32 zero bytes for the first) and each
// column is encoded with a type tag and a length, so no two different rows encode the
// same. Verify recomputes the chain from the rows as they are, so a row changed,
// removed or inserted by hand breaks it at that record.

// chainedTable names a chained table and the columns its hash covers, in order.
type chainedTable struct {
	name string
	cols []string
}

// chainedTables is the closed list of chained tables and their hashed columns.
// Append-only, like migrations: a column added later goes at the end.
var chainedTables = []chainedTable{
	{"fetch_log", []string{"account_id", "started_at", "finished_at", "calls", "result", "error", "cursor"}},
	{"items", []string{"network", "external_id", "account_id", "kind", "parent_id", "root_id", "author_id", "own", "created_at", "fetch_id"}},
	{"item_versions", []string{"item_id", "version", "text", "author_handle", "author_name", "lang", "edited_at", "url", "media", "raw", "content_hash", "fetch_id"}},
	{"item_events", []string{"item_id", "event", "observed_at", "fetch_id"}},
	{"profile_snapshots", []string{"account_id", "observed_at", "external_id", "handle", "display_name", "bio", "avatar_url", "link", "verified", "followers", "raw", "fetch_id"}},
	{"flags", []string{"item_id", "version", "rule", "category", "severity", "score", "evidence", "created_at"}},
	{"alerts", []string{"rule", "subject", "state", "payload", "created_at"}},
	{"decisions", []string{"item_id", "decision", "decided_by", "reason", "decided_at", "source", "created_at"}},
	{"registry_log", []string{"subject", "event", "detail", "recorded_at"}},
	{"signals", []string{"account_id", "kind", "score", "urgent", "detail", "observed_at"}},
}

func tableByName(name string) *chainedTable {
	for i := range chainedTables {
		if chainedTables[i].name == name {
			return &chainedTables[i]
		}
	}
	panic("archive: unknown chained table " + name)
}

// chainHead is the last record of the chain.
type chainHead struct {
	id   int64
	hash [32]byte
}

// Value type tags of the canonical encoding.
const (
	tagNull  = 0
	tagInt   = 1
	tagFloat = 2
	tagText  = 3
	tagBlob  = 4
)

// recordHash computes a chained record's hash. vals hold the values as bound to or
// scanned from SQLite: nil, int64, float64, string or []byte.
func recordHash(prev [32]byte, id int64, table string, vals []any) ([32]byte, error) {
	h := sha256.New()
	var buf [9]byte
	h.Write(prev[:])
	binary.BigEndian.PutUint64(buf[:8], uint64(id))
	h.Write(buf[:8])
	writeLP := func(tag byte, b []byte) {
		buf[0] = tag
		binary.BigEndian.PutUint64(buf[1:], uint64(len(b)))
		h.Write(buf[:9])
		h.Write(b)
	}
	writeLP(tagText, []byte(table))
	for i, v := range vals {
		switch v := v.(type) {
		case nil:
			buf[0] = tagNull
			h.Write(buf[:1])
		case int64:
			buf[0] = tagInt
			binary.BigEndian.PutUint64(buf[1:], uint64(v))
			h.Write(buf[:9])
		case float64:
			buf[0] = tagFloat
			binary.BigEndian.PutUint64(buf[1:], math.Float64bits(v))
			h.Write(buf[:9])
		case string:
			writeLP(tagText, []byte(v))
		case []byte:
			writeLP(tagBlob, v)
		default:
			return [32]byte{}, fmt.Errorf("archive: hash %s column %d: unsupported type %T", table, i, v)
		}
	}
	var out [32]byte
	h.Sum(out[:0])
	return out, nil
}

// appender extends the chain inside one write transaction. Its head moves only when
// the transaction commits (Store.commitHead).
type appender struct {
	conn *sql.Conn // the writer connection, inside the transaction
	head chainHead
}

// insert appends one chained record: it takes the next id, hashes vals and runs stmt
// with (id, vals..., hash). stmt's placeholders must follow that order.
func (a *appender) insert(ctx context.Context, stmt *sql.Stmt, table string, vals ...any) (int64, error) {
	return a.insertWith(ctx, stmt, table, vals, nil)
}

// insertWith is insert with extra, unhashed (derived) column values bound after the
// hash.
func (a *appender) insertWith(ctx context.Context, stmt *sql.Stmt, table string, vals, extra []any) (int64, error) {
	id, sum, err := a.next(table, vals)
	if err != nil {
		return 0, err
	}
	args := make([]any, 0, len(vals)+len(extra)+2)
	args = append(args, id)
	args = append(args, vals...)
	args = append(args, sum[:])
	args = append(args, extra...)
	if _, err := stmt.ExecContext(ctx, args...); err != nil {
		return 0, fmt.Errorf("insert %s: %w", table, err)
	}
	return id, nil
}

// next appends one record to the chain and returns its id and hash; the caller
// writes the row in the same transaction.
func (a *appender) next(table string, vals []any) (int64, [32]byte, error) {
	id := a.head.id + 1
	sum, err := recordHash(a.head.hash, id, table, vals)
	if err != nil {
		return 0, sum, err
	}
	a.head = chainHead{id: id, hash: sum}
	return id, sum, nil
}

// saveHead writes the appender's head into chain_head inside its transaction.
func (a *appender) saveHead(ctx context.Context) error {
	_, err := a.conn.ExecContext(ctx,
		`INSERT INTO chain_head(id, seq, hash) VALUES (1, ?, ?)
		 ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
		a.head.id, a.head.hash[:])
	if err != nil {
		return fmt.Errorf("save chain head: %w", err)
	}
	return nil
}

func (s *Store) loadHead(ctx context.Context) error {
	h, err := readHead(ctx, s.w.QueryRowContext)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	s.head = h
	return nil
}

// readHead reads the chain head through queryRow; the zero head when the chain is
// empty.
func readHead(ctx context.Context, queryRow func(ctx context.Context, q string, args ...any) *sql.Row) (chainHead, error) {
	var seq int64
	var hash []byte
	err := queryRow(ctx, `SELECT seq, hash FROM chain_head WHERE id = 1`).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return chainHead{}, nil
	}
	if err != nil {
		return chainHead{}, fmt.Errorf("load chain head: %w", err)
	}
	if len(hash) != 32 {
		return chainHead{}, fmt.Errorf("load chain head: hash is %d bytes, want 32", len(hash))
	}
	h := chainHead{id: seq}
	copy(h.hash[:], hash)
	return h, nil
}

// write runs fn in one immediate transaction with an appender on the chain; the
// chain head advances only if the transaction commits.
//
// The head is read again inside the transaction, which holds SQLite's write lock:
// another process (an administrator's «vigia label» while the daemon runs) may
// have extended the chain since this Store last wrote.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Conn, a *appender) error) error {
	if s.readOnly {
		return errReadOnly
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wc == nil {
		return errors.New("archive: store is closed")
	}
	return classifyFull(s.writeTx(ctx, fn))
}

// writeTx runs fn in a write transaction on the held connection; s.mu is held.
//
// The transaction is SQL on the connection (BEGIN IMMEDIATE … COMMIT, as the
// driver's own transactions are), not a *sql.Tx: database/sql prepares every
// statement of a *sql.Conn again in each *sql.Tx that uses it, which cost a
// compilation of every bulk INSERT per commit. Here the statements prepared once
// on the connection (writeStmts, stmtCache) run inside the transaction as they
// are. COMMIT and ROLLBACK run even when ctx is cancelled, so no transaction is
// left open on the connection.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Conn, a *appender) error) (err error) {
	if _, err := s.wc.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("archive: begin: %w", err)
	}
	end := context.WithoutCancel(ctx)
	done := false
	defer func() {
		if done {
			return
		}
		// SQLite may have rolled back by itself (an interrupted statement, a full
		// disk); a ROLLBACK then finds no transaction, which is no error here.
		if _, rerr := s.wc.ExecContext(end, "ROLLBACK"); rerr != nil && !strings.Contains(rerr.Error(), "no transaction is active") {
			err = errors.Join(err, fmt.Errorf("archive: rollback: %w", rerr))
		}
	}()
	head, err := readHead(ctx, s.wc.QueryRowContext)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	s.head = head
	a := &appender{conn: s.wc, head: head}
	if err := fn(s.wc, a); err != nil {
		return err
	}
	if a.head != head {
		if err := a.saveHead(ctx); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
	}
	if _, err := s.wc.ExecContext(end, "COMMIT"); err != nil {
		return fmt.Errorf("archive: commit: %w", err) // the deferred ROLLBACK ends what COMMIT left open
	}
	done = true
	s.head = a.head
	return nil
}
