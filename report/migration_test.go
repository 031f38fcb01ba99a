package report_test

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/report"
)

// checkMigratedFromBefore0006 checks that the report of store's archive, written
// with migration 0006's summaries kept poll by poll, equals the report of the
// same archive taken back to the schema before 0006 (what an older Vigía wrote):
// read as it is, from the fetch log and the comments, and once migration 0006
// has filled its summaries from those rows.
func checkMigratedFromBefore0006(t *testing.T, store *archive.Store, opts report.Options) {
	t.Helper()
	ctx := context.Background()
	generated := time.Date(2026, 7, 2, 18, 0, 0, 0, time.UTC)
	opts.Now = func() time.Time { return generated }
	reportJSON := func(s *archive.Store) []byte {
		t.Helper()
		r, err := report.Build(ctx, s, opts)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := report.WriteJSON(&b, r); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	want := reportJSON(store)

	old := filepath.Join(t.TempDir(), "before-0006.db")
	if err := store.Backup(ctx, old); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+old)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TRIGGER responses_item`,
		`DROP INDEX responses_report`,
		`ALTER TABLE responses DROP COLUMN report_class`,
		`ALTER TABLE responses DROP COLUMN created_at`,
		`ALTER TABLE responses DROP COLUMN item_account_id`,
		`DROP TABLE poll_days`,
		`DROP TRIGGER flags_item`,
		`DROP INDEX flags_period`,
		`ALTER TABLE flags DROP COLUMN item_created_at`,
		`DELETE FROM schema_migrations WHERE version = 6`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	open := func(readOnly bool) *archive.Store {
		t.Helper()
		s, err := archive.Open(ctx, old, archive.Options{ReadOnly: readOnly})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open(true)
	if v, err := s.SchemaVersion(ctx); err != nil || v != 5 {
		t.Fatalf("schema version %d (%v), want 5", v, err)
	}
	if got := reportJSON(s); !bytes.Equal(got, want) {
		t.Errorf("the report of the archive before migration 0006 differs:\n%s\nwant\n%s", got, want)
	}
	s.Close()
	open(false).Close() // applies migration 0006: its summaries are filled from the rows
	s = open(true)
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v < 6 {
		t.Fatalf("schema version %d (%v) after migrating", v, err)
	}
	if got := reportJSON(s); !bytes.Equal(got, want) {
		t.Errorf("the report of the archive migrated to 0006 differs:\n%s\nwant\n%s", got, want)
	}
	// The derived columns added to chained tables leave the chain as it was.
	if rep, err := s.Verify(ctx); err != nil || rep.Problem != nil {
		t.Errorf("verify after migrating: %+v, %v", rep.Problem, err)
	}
}
