package archive

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// decisionsArchive holds two comments by others and one own reply.
func decisionsArchive(t *testing.T) *Store {
	t.Helper()
	s := openTest(t)
	own := item("own", "Gracias por escribirnos")
	own.Own, own.Kind = true, connectors.KindReply
	p := poll([]connectors.Item{item("1", "eres un idiota"), item("2", "el consejo es una vergüenza"), own}, "c1")
	p.Flags = []Flag{{ExternalID: "1", Rule: "offensive", Category: "insult", Severity: "recommend_block", Score: 0.98}}
	if _, err := s.Commit(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return s
}

func decisionRows(t *testing.T, s *Store, account string) []DecisionRow {
	t.Helper()
	var out []DecisionRow
	if err := s.Decisions(context.Background(), account, func(r DecisionRow) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStore_RecordDecision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("a decision is chained and read back with the item's text", func(t *testing.T) {
		t.Parallel()
		s := decisionsArchive(t)
		at := t0.Add(2 * time.Hour)
		if err := s.RecordDecision(ctx, Decision{Network: "x", ExternalID: "1", Decision: DecisionBlockConfirmed,
			By: "Ana Torres", Reason: "insulto directo", At: at}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordDecision(ctx, Decision{Network: "x", ExternalID: "2", Decision: DecisionFalsePositive,
			By: "Beto", Source: SourceImport}); err != nil {
			t.Fatal(err)
		}
		rows := decisionRows(t, s, "acct")
		if len(rows) != 2 {
			t.Fatalf("decisions = %+v", rows)
		}
		r := rows[0]
		if r.ExternalID != "1" || r.Text != "eres un idiota" || r.Decision != DecisionBlockConfirmed || r.By != "Ana Torres" ||
			r.Reason != "insulto directo" || !r.At.Equal(at) || r.Source != SourceCLI || r.AuthorID != "u-1" || r.AuthorHandle != "user1" {
			t.Errorf("first decision = %+v", r)
		}
		if r := rows[1]; !r.At.Equal(t0) || r.Source != SourceImport || rows[0].ID >= r.ID {
			t.Errorf("second decision = %+v (a zero time takes the store's clock)", r)
		}
		if got := decisionRows(t, s, "other"); len(got) != 0 {
			t.Errorf("another account's decisions = %+v", got)
		}
		// 1 fetch-log row + 3 items + 3 versions + 1 flag + 2 decisions
		if rep := mustVerify(t, s); rep.Records != 10 {
			t.Errorf("records = %d, want 10", rep.Records)
		}
	})

	t.Run("an unknown item is refused, naming it", func(t *testing.T) {
		t.Parallel()
		s := decisionsArchive(t)
		err := s.RecordDecision(ctx, Decision{Network: "x", ExternalID: "999", Decision: DecisionBlockConfirmed, By: "Ana"})
		if !errors.Is(err, ErrUnknownItem) || !strings.Contains(err.Error(), "x:999") {
			t.Fatalf("err = %v, want ErrUnknownItem naming x:999", err)
		}
		err = s.RecordDecision(ctx, Decision{Network: "mastodon", ExternalID: "1", Decision: DecisionBlockConfirmed, By: "Ana"})
		if !errors.Is(err, ErrUnknownItem) {
			t.Fatalf("same id on another network: err = %v", err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM decisions`); n != 0 {
			t.Fatalf("decisions = %d", n)
		}
		mustVerify(t, s)
	})

	t.Run("the account's own items cannot be blocked", func(t *testing.T) {
		t.Parallel()
		s := decisionsArchive(t)
		err := s.RecordDecision(ctx, Decision{Network: "x", ExternalID: "own", Decision: DecisionBlockConfirmed, By: "Ana"})
		if !errors.Is(err, ErrOwnItem) {
			t.Fatalf("err = %v, want ErrOwnItem", err)
		}
	})

	t.Run("bad decisions are refused before anything is written", func(t *testing.T) {
		t.Parallel()
		s := decisionsArchive(t)
		for _, d := range []Decision{
			{Network: "x", ExternalID: "1", Decision: "bloquear", By: "Ana"},
			{Network: "x", ExternalID: "1", Decision: DecisionUnblocked, By: "  "},
			{Network: "x", ExternalID: "", Decision: DecisionUnblocked, By: "Ana"},
			{Network: "x", ExternalID: "1", Decision: DecisionUnblocked, By: "Ana", Source: "email"},
		} {
			if err := s.RecordDecision(ctx, d); err == nil {
				t.Errorf("%+v accepted", d)
			}
		}
		if n := count(t, s, `SELECT COUNT(*) FROM decisions`); n != 0 {
			t.Fatalf("decisions = %d", n)
		}
	})

	t.Run("a batch is all or nothing and names the refused decision", func(t *testing.T) {
		t.Parallel()
		s := decisionsArchive(t)
		err := s.RecordDecisions(ctx, []Decision{
			{Network: "x", ExternalID: "1", Decision: DecisionBlockConfirmed, By: "Ana", Source: SourceImport},
			{Network: "x", ExternalID: "2", Decision: DecisionFalsePositive, By: "Ana", Source: SourceImport},
			{Network: "x", ExternalID: "nope", Decision: DecisionFalsePositive, By: "Ana", Source: SourceImport},
		})
		var de *DecisionError
		if !errors.As(err, &de) || de.Index != 2 || de.ExternalID != "nope" || !errors.Is(err, ErrUnknownItem) {
			t.Fatalf("err = %v, want DecisionError at 2", err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM decisions`); n != 0 {
			t.Fatalf("decisions = %d after a refused batch", n)
		}
		mustVerify(t, s)
		// the chain goes on where it was
		if _, err := s.Commit(ctx, poll([]connectors.Item{item("3", "tres")}, "c2")); err != nil {
			t.Fatal(err)
		}
		mustVerify(t, s)
	})
}

func TestStore_VerifyDecisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tamper := []struct {
		name, sql, table string
	}{
		{"decision changed", `UPDATE decisions SET decision = 'false_positive' WHERE decision = 'block_confirmed'`, "decisions"},
		{"decider changed", `UPDATE decisions SET decided_by = 'Otra persona' WHERE id = (SELECT MIN(id) FROM decisions)`, "decisions"},
		{"decision time changed", `UPDATE decisions SET decided_at = decided_at + 1 WHERE id = (SELECT MIN(id) FROM decisions)`, "decisions"},
		{"decision moved to another item", `UPDATE decisions SET item_id = (SELECT MAX(id) FROM items) WHERE id = (SELECT MIN(id) FROM decisions)`, "decisions"},
		{"decision removed", `DELETE FROM decisions WHERE id = (SELECT MIN(id) FROM decisions)`, "?"},
		{"last decision removed", `DELETE FROM decisions WHERE id = (SELECT MAX(id) FROM decisions)`, "chain_head"},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := decisionsArchive(t)
			for _, d := range []Decision{
				{Network: "x", ExternalID: "1", Decision: DecisionBlockConfirmed, By: "Ana", Reason: "insulto"},
				{Network: "x", ExternalID: "2", Decision: DecisionFalsePositive, By: "Beto"},
			} {
				if err := s.RecordDecision(ctx, d); err != nil {
					t.Fatal(err)
				}
			}
			mustVerify(t, s)
			db, err := sql.Open("sqlite3", s.path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, tc.sql); err != nil {
				t.Fatal(err)
			}
			db.Close()
			rep, err := s.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Problem == nil || rep.Problem.Table != tc.table {
				t.Fatalf("problem = %v, want one in table %s", rep.Problem, tc.table)
			}
		})
	}
}

// TestStore_ConcurrentWriters checks that two Stores on one archive (the daemon and
// an administrator's «vigia label») extend one chain: each reads the head inside
// its transaction.
func TestStore_ConcurrentWriters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.db")
	open := func() *Store {
		s, err := Open(ctx, path, Options{Now: func() time.Time { return t0 }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	daemon, label := open(), open()
	if err := daemon.SyncAccounts(ctx, []AccountInfo{{ID: "acct", Network: "x", Handle: "h", Organ: "o"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := daemon.Commit(ctx, poll([]connectors.Item{item("1", "uno")}, "c1")); err != nil {
		t.Fatal(err)
	}
	if err := label.RecordDecision(ctx, Decision{Network: "x", ExternalID: "1", Decision: DecisionFalsePositive, By: "Ana"}); err != nil {
		t.Fatal(err)
	}
	if _, err := daemon.Commit(ctx, poll([]connectors.Item{item("2", "dos")}, "c2")); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, daemon); rep.Records != 7 {
		t.Fatalf("records = %d, want 7", rep.Records)
	}
}

// TestStore_VerifyBeforeDecisions checks that an archive made before the decisions
// table existed still verifies read-only.
func TestStore_VerifyBeforeDecisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Commit(ctx, poll([]connectors.Item{item("1", "uno")}, "c1")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite3", s.path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `DROP TABLE decisions; DELETE FROM schema_migrations WHERE version = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := Open(ctx, s.path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if rep := mustVerify(t, ro); rep.Records != 3 {
		t.Fatalf("records = %d", rep.Records)
	}
}
