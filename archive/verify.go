package archive

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Mismatch names the first record of the archive that does not match its chain.
type Mismatch struct {
	// ID is the record's place in the chain (its row id in Table).
	ID    int64
	Table string
	// Kind is one of MismatchChanged, MismatchMissing, MismatchTruncated, MismatchDerived.
	Kind   string
	Reason string
}

// The kinds of Mismatch.
const (
	// MismatchChanged: a record's content no longer matches its hash.
	MismatchChanged = "changed"
	// MismatchMissing: a record is missing from the middle of the chain.
	MismatchMissing = "missing"
	// MismatchTruncated: the chain ends before its recorded head.
	MismatchTruncated = "truncated"
	// MismatchDerived: a derived column disagrees with the chained records.
	MismatchDerived = "derived"
)

func (m *Mismatch) String() string {
	return fmt.Sprintf("record %d (%s): %s", m.ID, m.Table, m.Reason)
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	// Records is the number of chained records checked.
	Records int64
	// Head is the hex hash of the last record.
	Head string
	// Problem is nil when the whole archive matches its chain.
	Problem *Mismatch
}

// Verify recomputes the hash chain from the rows as they are now and checks the
// derived columns against the chained records. It returns an error only when the
// archive cannot be read; a mismatch is reported in VerifyReport.Problem.
func (s *Store) Verify(ctx context.Context) (VerifyReport, error) {
	var rep VerifyReport
	var headSeq int64
	var headHash []byte
	err := s.r.QueryRowContext(ctx, `SELECT seq, hash FROM chain_head WHERE id = 1`).Scan(&headSeq, &headHash)
	if errors.Is(err, sql.ErrNoRows) {
		headSeq, headHash = 0, make([]byte, 32)
	} else if err != nil {
		return rep, fmt.Errorf("archive: verify: read chain head: %w", err)
	}

	conn, err := s.r.Conn(ctx)
	if err != nil {
		return rep, fmt.Errorf("archive: verify: %w", err)
	}
	defer conn.Close()

	// A chained table that is not there (an archive made before the migration that
	// created it, opened read-only) reads as empty: had it held records, the chain
	// would show them missing.
	exists, err := tableNames(ctx, conn)
	if err != nil {
		return rep, fmt.Errorf("archive: verify: %w", err)
	}
	// One cursor per chained table, merged by id. Rows beyond the head read above are
	// ignored: they were committed after it.
	var prev [32]byte
	var expect int64 = 1
	err = mergeRecords(ctx, s.r.QueryContext, func(table string) (string, bool) { return "id <= ?", exists[table] }, []any{headSeq},
		func(next *recordStream) error {
			if next.id != expect {
				rep.Problem = &Mismatch{ID: expect, Table: "?", Kind: MismatchMissing, Reason: fmt.Sprintf("record missing: the chain jumps from %d to %d (%s)", expect-1, next.id, next.t.name)}
				return errStopWalk
			}
			sum, err := recordHash(prev, next.id, next.t.name, next.vals)
			if err != nil {
				rep.Problem = &Mismatch{ID: next.id, Table: next.t.name, Kind: MismatchChanged, Reason: err.Error()}
				return errStopWalk
			}
			if !bytes.Equal(sum[:], next.hash) {
				rep.Problem = &Mismatch{ID: next.id, Table: next.t.name, Kind: MismatchChanged, Reason: "content does not match its hash (changed after it was written)"}
				return errStopWalk
			}
			prev = sum
			rep.Records++
			expect++
			return nil
		})
	if errors.Is(err, errStopWalk) {
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("archive: verify: %w", err)
	}
	rep.Head = hex.EncodeToString(prev[:])
	if rep.Records != headSeq || !bytes.Equal(prev[:], headHash) {
		rep.Problem = &Mismatch{ID: rep.Records + 1, Table: "chain_head", Kind: MismatchTruncated,
			Reason: fmt.Sprintf("the chain ends at record %d but its head says %d: records were removed or the head was changed", rep.Records, headSeq)}
		return rep, nil
	}
	for _, c := range derivedChecks {
		var id int64
		err := conn.QueryRowContext(ctx, c.query, headSeq).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("archive: verify: %s: %w", c.table, err)
		}
		rep.Problem = &Mismatch{ID: id, Table: c.table, Kind: MismatchDerived, Reason: c.reason}
		return rep, nil
	}
	return rep, nil
}

// errStopWalk ends a mergeRecords walk early without an error to report.
var errStopWalk = errors.New("stop")

// tableNames returns the names of the archive's tables.
func tableNames(ctx context.Context, conn *sql.Conn) (map[string]bool, error) {
	rows, err := conn.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		out[n] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return out, nil
}

// derivedChecks each return the id of the first row whose derived columns disagree
// with the chained records (rows newer than the head, bound as ?, are skipped).
var derivedChecks = []struct {
	table, reason, query string
}{
	{"items", "current version or content hash does not match its latest version", `
		SELECT i.id FROM items i
		LEFT JOIN (SELECT item_id, MAX(version) AS v, COUNT(*) AS n FROM item_versions GROUP BY item_id) m ON m.item_id = i.id
		LEFT JOIN item_versions iv ON iv.item_id = i.id AND iv.version = m.v
		WHERE i.id <= ?1 AND (i.current_version IS NOT m.v OR m.n IS NOT m.v OR i.content_hash IS NOT iv.content_hash)
		ORDER BY i.id LIMIT 1`},
	{"items", "deletion mark does not match its deletion events", `
		SELECT i.id FROM items i
		LEFT JOIN (SELECT item_id, event, observed_at, MAX(id) FROM item_events GROUP BY item_id) e ON e.item_id = i.id
		WHERE i.id <= ?1 AND ((COALESCE(e.event, '') = 'deleted') <> (i.deleted_at IS NOT NULL)
			OR (e.event = 'deleted' AND i.deleted_at <> e.observed_at))
		ORDER BY i.id LIMIT 1`},
	{"fetch_log", "counts of new, changed or deleted items do not match the records of that poll", `
		SELECT f.id FROM fetch_log f
		LEFT JOIN (SELECT fetch_id, COUNT(*) AS n FROM items GROUP BY fetch_id) i ON i.fetch_id = f.id
		LEFT JOIN (SELECT fetch_id, COUNT(*) AS n FROM item_versions WHERE version > 1 GROUP BY fetch_id) v ON v.fetch_id = f.id
		LEFT JOIN (SELECT fetch_id, COUNT(*) AS n FROM item_events WHERE event = 'deleted' GROUP BY fetch_id) e ON e.fetch_id = f.id
		WHERE f.id <= ?1 AND (f.items_new <> COALESCE(i.n, 0) OR f.items_changed <> COALESCE(v.n, 0) OR f.items_deleted <> COALESCE(e.n, 0))
		ORDER BY f.id LIMIT 1`},
	{"cursors", "cursor does not match the fetch-log row that stored it", `
		SELECT c.fetch_id FROM cursors c LEFT JOIN fetch_log f ON f.id = c.fetch_id
		WHERE c.fetch_id <= ?1 AND (f.cursor IS NULL OR f.cursor <> c.cursor OR f.account_id <> c.account_id)
		ORDER BY c.fetch_id LIMIT 1`},
}
