package archive

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

var t0 = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

func openTest(t testing.TB) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "vigia.db"), Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SyncAccounts(ctx, []AccountInfo{{ID: "acct", Network: "x", Handle: "ife_mx", Organ: "cncs"}}); err != nil {
		t.Fatal(err)
	}
	return s
}

func item(id, text string) connectors.Item {
	return connectors.Item{
		ExternalID: id, Kind: connectors.KindComment, ParentID: "p1", RootID: "p1",
		AuthorID: "u-" + id, AuthorHandle: "user" + id, AuthorName: "Usuario " + id,
		Text: text, Lang: "es", CreatedAt: t0, URL: "https://x.com/u/status/" + id,
		Raw: []byte(`{"id":"` + id + `","text":` + fmt.Sprintf("%q", text) + `}`),
	}
}

func poll(items []connectors.Item, cur string) Poll {
	return Poll{
		Account: "acct", Network: "x", Started: t0, Finished: t0.Add(time.Second),
		Batch: connectors.Batch{Items: items, Cursor: connectors.Cursor(cur), Budget: connectors.Budget{Calls: 1}},
	}
}

func count(t testing.TB, s *Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.r.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func mustVerify(t testing.TB, s *Store) VerifyReport {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Problem != nil {
		t.Fatalf("verify: %s", rep.Problem)
	}
	return rep
}

func TestStore_Commit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("new items, versions and cursor land together", func(t *testing.T) {
		s := openTest(t)
		res, err := s.Commit(ctx, poll([]connectors.Item{item("1", "hola"), item("2", "¿dónde está mi casilla?")}, "c1"))
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 2 || res.NewByKind[connectors.KindComment] != 2 || res.Changed != 0 {
			t.Fatalf("result = %+v", res)
		}
		cur, err := s.Cursor(ctx, "acct")
		if err != nil || string(cur) != "c1" {
			t.Fatalf("cursor = %q, %v", cur, err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM item_versions`); n != 2 {
			t.Fatalf("versions = %d", n)
		}
		mustVerify(t, s)
	})

	t.Run("re-ingesting the same batch changes nothing", func(t *testing.T) {
		s := openTest(t)
		b := []connectors.Item{item("1", "hola"), item("2", "adiós")}
		if _, err := s.Commit(ctx, poll(b, "c1")); err != nil {
			t.Fatal(err)
		}
		res, err := s.Commit(ctx, poll(b, "c1"))
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 0 || res.Changed != 0 || res.Unchanged != 2 {
			t.Fatalf("result = %+v", res)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM items`); n != 2 {
			t.Fatalf("items = %d", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM item_versions`); n != 2 {
			t.Fatalf("versions = %d", n)
		}
		mustVerify(t, s)
	})

	t.Run("an edit keeps the previous text", func(t *testing.T) {
		s := openTest(t)
		if _, err := s.Commit(ctx, poll([]connectors.Item{item("1", "texto original")}, "c1")); err != nil {
			t.Fatal(err)
		}
		ed := item("1", "texto editado")
		ed.EditedAt = t0.Add(time.Hour)
		res, err := s.Commit(ctx, poll([]connectors.Item{ed}, "c2"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Changed != 1 {
			t.Fatalf("result = %+v", res)
		}
		vs, err := s.Versions(ctx, "x", "1")
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 2 || vs[0].Text != "texto original" || vs[1].Text != "texto editado" || !vs[1].EditedAt.Equal(ed.EditedAt) {
			t.Fatalf("versions = %+v", vs)
		}
		mustVerify(t, s)
	})

	t.Run("a deletion is marked, never removed, and a reappearance restores", func(t *testing.T) {
		s := openTest(t)
		if _, err := s.Commit(ctx, poll([]connectors.Item{item("1", "a"), item("2", "b")}, "c1")); err != nil {
			t.Fatal(err)
		}
		p := poll(nil, "c2")
		p.Batch.Deletions = []connectors.Deletion{{ExternalID: "1", ObservedAt: t0.Add(time.Minute)}, {ExternalID: "unknown"}}
		res, err := s.Commit(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if res.Deleted != 1 {
			t.Fatalf("result = %+v", res)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM items WHERE deleted_at IS NOT NULL`); n != 1 {
			t.Fatalf("deleted = %d", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM item_versions`); n != 2 {
			t.Fatalf("versions = %d (a deletion must keep the text)", n)
		}
		// deleting again changes nothing
		if res, err := s.Commit(ctx, p); err != nil || res.Deleted != 0 {
			t.Fatalf("second deletion: %+v, %v", res, err)
		}
		if _, err := s.Commit(ctx, poll([]connectors.Item{item("1", "a")}, "c3")); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM items WHERE deleted_at IS NOT NULL`); n != 0 {
			t.Fatalf("deleted after restore = %d", n)
		}
		mustVerify(t, s)
	})

	t.Run("a refused batch stores nothing and keeps the cursor", func(t *testing.T) {
		s := openTest(t)
		if _, err := s.Commit(ctx, poll([]connectors.Item{item("1", "a")}, "c1")); err != nil {
			t.Fatal(err)
		}
		bad := item("", "sin id")
		_, err := s.Commit(ctx, poll([]connectors.Item{item("2", "b"), bad}, "c2"))
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Index != 1 {
			t.Fatalf("err = %v, want ValidationError at 1", err)
		}
		p := poll([]connectors.Item{item("3", "c")}, "c3")
		p.Flags = []Flag{{ExternalID: "nope", Rule: "offensive"}}
		if _, err := s.Commit(ctx, p); !errors.As(err, &ve) {
			t.Fatalf("flag on unknown item: err = %v", err)
		}
		cur, _ := s.Cursor(ctx, "acct")
		if string(cur) != "c1" {
			t.Fatalf("cursor = %q, want c1", cur)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM items`); n != 1 {
			t.Fatalf("items = %d", n)
		}
		mustVerify(t, s)
	})

	t.Run("a failed poll is logged and the cursor stays", func(t *testing.T) {
		s := openTest(t)
		if _, err := s.Commit(ctx, poll([]connectors.Item{item("1", "a")}, "c1")); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := s.RecordFailure(ctx, Failure{Account: "acct", Started: t0, Finished: t0, Calls: 3, Reason: connectors.ReasonTransient, Error: "x: list: 503"}); err != nil {
				t.Fatal(err)
			}
		}
		st, err := s.PollStates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st["acct"].ConsecutiveErrors != 2 {
			t.Fatalf("poll state = %+v", st["acct"])
		}
		cur, _ := s.Cursor(ctx, "acct")
		if string(cur) != "c1" {
			t.Fatalf("cursor = %q", cur)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM fetch_log WHERE result = 'transient'`); n != 2 {
			t.Fatalf("failures logged = %d", n)
		}
		mustVerify(t, s)
	})

	t.Run("flags and profile snapshots are stored once", func(t *testing.T) {
		s := openTest(t)
		p := poll([]connectors.Item{item("1", "eres un idiota")}, "c1")
		p.Flags = []Flag{{ExternalID: "1", Rule: "offensive", Category: "insult", Severity: "high", Score: 0.97, Evidence: `{"spans":[[8,14]]}`}}
		p.Batch.Profile = &connectors.Profile{Handle: "ife_mx", DisplayName: "IFE", Followers: 10}
		if _, err := s.Commit(ctx, p); err != nil {
			t.Fatal(err)
		}
		p.Batch.Profile = &connectors.Profile{Handle: "ife_mx", DisplayName: "IFE", Followers: 11}
		res, err := s.Commit(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if res.ProfileChanged {
			t.Fatal("a follower change within a day made a snapshot")
		}
		p.Batch.Profile = &connectors.Profile{Handle: "ife_mx", DisplayName: "IFE oficial", Followers: 11}
		if res, err := s.Commit(ctx, p); err != nil || !res.ProfileChanged {
			t.Fatalf("display name change: %+v, %v", res, err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM flags`); n != 1 {
			t.Fatalf("flags = %d", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM profile_snapshots`); n != 2 {
			t.Fatalf("snapshots = %d", n)
		}
		mustVerify(t, s)
	})
}

func TestStore_HostileText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	texts := map[string]string{
		"html":    `<script>alert("x")</script><img src=x onerror=alert(1)>`,
		"invalid": "inválido \xff\xfe\xc3( fin",
		"nul":     "antes\x00después",
		"rlo":     "\u202Eolleh \u200Bzero width",
		"huge":    strings.Repeat("ñ😀", 1<<20/6),
		"empty":   "",
	}
	var items []connectors.Item
	for id, txt := range texts {
		it := item(id, txt)
		it.Raw = append([]byte("\x00raw\xff"), txt...)
		it.AuthorName = txt
		items = append(items, it)
	}
	if _, err := s.Commit(ctx, poll(items, "c1")); err != nil {
		t.Fatal(err)
	}
	for id, txt := range texts {
		vs, err := s.Versions(ctx, "x", id)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 1 || vs[0].Text != txt || !bytes.Equal(vs[0].Raw, append([]byte("\x00raw\xff"), txt...)) || vs[0].AuthorName != txt {
			t.Errorf("%s: not stored byte for byte", id)
		}
	}
	mustVerify(t, s)
}

func TestStore_Verify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tamper := []struct {
		name, sql, table string
	}{
		{"text changed", `UPDATE item_versions SET text = 'texto falso' WHERE id = (SELECT MIN(id) FROM item_versions)`, "item_versions"},
		{"raw payload changed", `UPDATE item_versions SET raw = x'00' WHERE id = (SELECT MAX(id) FROM item_versions)`, "item_versions"},
		{"version removed", `DELETE FROM item_versions WHERE id = (SELECT MAX(id) FROM item_versions WHERE version = 2)`, "?"},
		{"author changed", `UPDATE items SET author_id = 'otro' WHERE id = (SELECT MIN(id) FROM items)`, "items"},
		{"fetch log rewritten", `UPDATE fetch_log SET error = '' , result = 'ok' WHERE result <> 'ok'`, "fetch_log"},
		{"deletion unmarked", `UPDATE items SET deleted_at = NULL`, "items"},
		{"current text pointer moved", `UPDATE items SET current_version = 1 WHERE current_version = 2`, "items"},
		{"cursor moved", `UPDATE cursors SET cursor = x'00'`, "cursors"},
		{"poll counts rewritten", `UPDATE fetch_log SET items_new = 0`, "fetch_log"},
		{"last record removed", `DELETE FROM item_events WHERE id = (SELECT MAX(id) FROM item_events)`, "chain_head"},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := openTest(t)
			if _, err := s.Commit(ctx, poll([]connectors.Item{item("1", "uno"), item("2", "dos")}, "c1")); err != nil {
				t.Fatal(err)
			}
			ed := item("2", "dos editado")
			ed.EditedAt = t0.Add(time.Hour)
			if _, err := s.Commit(ctx, poll([]connectors.Item{ed}, "c2")); err != nil {
				t.Fatal(err)
			}
			if err := s.RecordFailure(ctx, Failure{Account: "acct", Started: t0, Finished: t0, Reason: "transient", Error: "503"}); err != nil {
				t.Fatal(err)
			}
			p := poll(nil, "c3")
			p.Batch.Deletions = []connectors.Deletion{{ExternalID: "1"}}
			if _, err := s.Commit(ctx, p); err != nil {
				t.Fatal(err)
			}
			before := mustVerify(t, s)
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
			if rep.Problem == nil {
				t.Fatalf("verify did not notice (%d records, head %s)", before.Records, before.Head)
			}
			if rep.Problem.Table != tc.table {
				t.Fatalf("problem = %s, want table %s", rep.Problem, tc.table)
			}
		})
	}
}

func TestStore_ReopenKeepsChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.db")
	for i := range 3 {
		s, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SyncAccounts(ctx, []AccountInfo{{ID: "acct", Network: "x", Handle: "h", Organ: "o"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Commit(ctx, poll([]connectors.Item{item(fmt.Sprint(i), "t")}, fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
		mustVerify(t, s)
		s.Close()
	}
	s, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep := mustVerify(t, s)
	if rep.Records != 9 {
		t.Fatalf("records = %d, want 9", rep.Records)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, poll(nil, "")); !errors.Is(err, errReadOnly) {
		t.Fatalf("commit on read-only store: %v", err)
	}
}
