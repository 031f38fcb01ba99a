package report_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/report"
)

// Benchmark data: a semester (2026-1) of 400 accounts in 20 organs and 5,000,000
// comments by others (12,500 per account, two posts a day), 60 % of them answered
// by an own reply, 5 % flagged offensive and 2 % for review, and a successful poll
// of every account every 15 minutes (6.9 million fetch-log rows). The rows are
// written with SQL (INSERT … SELECT over a counter) into the archive's own schema,
// migrations applied by archive.Open, with placeholder hashes: the report reads no
// hash, and writing 8.6 million items through Commit would take most of an hour on
// the CI machine. The archive is kept between runs in $VIGIA_REPORT_BENCH_DB
// (default: vigia-report-bench-v2.db in the temp dir).
const (
	benchAccounts = 400
	benchComments = 5_000_000
)

func benchDB(b *testing.B) string {
	b.Helper()
	path := os.Getenv("VIGIA_REPORT_BENCH_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), "vigia-report-bench-v2.db")
	}
	if _, err := os.Stat(path + ".done"); err == nil {
		// Opened for writing once: migrations added since it was built apply.
		s, err := archive.Open(context.Background(), path, archive.Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		return path
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	start := time.Now()
	if err := buildBenchArchive(context.Background(), path); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path+".done", nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("built the benchmark archive %s in %v", path, time.Since(start))
	return path
}

func buildBenchArchive(ctx context.Context, path string) error {
	s, err := archive.Open(ctx, path, archive.Options{})
	if err != nil {
		return err
	}
	nets := []string{"x", "facebook", "mastodon", "bluesky"}
	var accts []archive.AccountInfo
	for a := range benchAccounts {
		accts = append(accts, archive.AccountInfo{ID: fmt.Sprintf("cuenta-%03d", a), Network: nets[a%len(nets)],
			Handle: fmt.Sprintf("ife_%03d", a), Organ: fmt.Sprintf("organo-%02d", a%20), Status: "active"})
	}
	if err := s.SyncAccounts(ctx, accts); err != nil {
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=OFF")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	period, _ := report.Semester("2026-1")
	from, span := period.From.UnixNano(), int64(period.To.Sub(period.From))
	perAccount := benchComments / benchAccounts
	posts := 2 * int(period.Days())
	// h(x, k) is a cheap deterministic hash of x in 0..999.
	h := func(x string, k int) string {
		return fmt.Sprintf("((%s * %d + %d) %% 1000003 %% 1000)", x, 2654435761+k*97, k*7919)
	}
	counter := func(n int) string {
		return fmt.Sprintf("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d) ", n-1)
	}
	stmts := []string{
		`PRAGMA cache_size = -200000`,
		`CREATE TEMP TABLE acct AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS a, id, network FROM accounts`,
		`INSERT INTO fetch_log(id, account_id, started_at, finished_at, calls, result, error, cursor, hash)
			VALUES (1, 'cuenta-000', 0, 0, 1, 'ok', '', NULL, x'00')`,
		// Own posts: two a day per account, at 10:00 and 16:00.
		counter(benchAccounts*posts) + fmt.Sprintf(`INSERT INTO items(id, network, external_id, account_id, kind, parent_id, root_id,
			author_id, own, created_at, fetch_id, hash, current_version, content_hash)
			SELECT 1000000 + n.i, acct.network, 'p' || n.i, acct.id, 'post', '', '', 'ife', 1,
				%d + (n.i %% %d) / 2 * 86400000000000 + (36000 + (n.i %% 2) * 21600) * 1000000000, 1, x'00', 1, x'00'
			FROM n JOIN acct ON acct.a = n.i / %d`, from, posts, posts),
		// Comments: 12,500 per account, spread over the semester.
		counter(benchComments) + fmt.Sprintf(`INSERT INTO items(id, network, external_id, account_id, kind, parent_id, root_id,
			author_id, own, created_at, fetch_id, hash, current_version, content_hash)
			SELECT 10000000 + n.i, acct.network, 'c' || n.i, acct.id, 'comment', 'p' || ((n.i / %d) * %d + (n.i %% %d) * %d / %d),
				'p' || ((n.i / %d) * %d + (n.i %% %d) * %d / %d), 'u' || %s, 0,
				%d + (n.i %% %d) * (%d / %d) + %s * 60000000000, 1, x'00', 1, x'00'
			FROM n JOIN acct ON acct.a = n.i / %d`,
			perAccount, posts, perAccount, posts, perAccount, perAccount, posts, perAccount, posts, perAccount,
			h("n.i", 1), from, perAccount, span, perAccount, h("n.i", 2), perAccount),
		// Own replies to the answered ones (60 %).
		fmt.Sprintf(`INSERT INTO items(id, network, external_id, account_id, kind, parent_id, root_id, author_id, own, created_at,
			fetch_id, hash, current_version, content_hash)
			SELECT id + 10000000, network, 'r' || (id - 10000000), account_id, 'reply', external_id, root_id, 'ife', 1,
				created_at + (600 + %s * 108) * 1000000000, 1, x'00', 1, x'00'
			FROM items WHERE kind = 'comment' AND %s < 600`, h("(id - 10000000)", 3), h("(id - 10000000)", 4)),
		`INSERT INTO item_versions(id, item_id, version, text, author_handle, author_name, lang, edited_at, url, media, raw,
			content_hash, fetch_id, hash)
			SELECT id + 100000000, id, 1, CASE own WHEN 1 THEN 'Hola, consulta el módulo más cercano en ife.org.mx o por INFOMEX-IFE.'
				ELSE '¿Dónde puedo tramitar mi credencial para votar en mi sección?' END, author_id, author_id, 'es', 0, '', '[]', x'7b7d',
				x'00', 1, x'00' FROM items`,
		fmt.Sprintf(`INSERT INTO flags(id, item_id, version, rule, category, severity, score, evidence, created_at, hash)
			SELECT id + 200000000, id, 1, CASE WHEN %s < 50 THEN 'offensive' ELSE 'offensive_review' END,
				CASE %s %% 4 WHEN 0 THEN 'insult' WHEN 1 THEN 'family_curse' WHEN 2 THEN 'dehumanising' ELSE 'threat' END,
				CASE WHEN %s < 50 THEN 'recommend_block' ELSE 'review' END, 0.9, '[]', created_at, x'00'
			FROM items WHERE kind = 'comment' AND %s < 70`,
			h("(id - 10000000)", 5), h("(id - 10000000)", 6), h("(id - 10000000)", 5), h("(id - 10000000)", 5)),
		fmt.Sprintf(`INSERT INTO responses(comment_item_id, account_id, intent, needs_answer, reply_item_id, how, business_seconds,
				wall_seconds, state, computed_at)
			SELECT c.id, c.account_id,
				CASE %s %% 6 WHEN 0 THEN 'question' WHEN 1 THEN 'info_request' WHEN 2 THEN 'suggestion' WHEN 3 THEN 'complaint'
					WHEN 4 THEN 'praise' ELSE 'other' END,
				r.id IS NOT NULL OR (%s >= 50 AND %s < 850), r.id, CASE WHEN r.id IS NULL THEN '' ELSE 'direct' END,
				(r.created_at - c.created_at) / 3000000000, (r.created_at - c.created_at) / 1000000000,
				CASE WHEN r.id IS NULL THEN '' WHEN (r.created_at - c.created_at) / 3000000000 > 28800 THEN 'answered_late'
					ELSE 'answered_in_time' END, 0
			FROM items c LEFT JOIN items r ON r.id = c.id + 10000000
			WHERE c.kind = 'comment'`, h("(c.id - 10000000)", 7), h("(c.id - 10000000)", 5), h("(c.id - 10000000)", 8)),
		// A successful poll of every account every 15 minutes.
		counter(benchAccounts*int(span/int64(15*time.Minute))) + fmt.Sprintf(`INSERT INTO fetch_log(id, account_id, started_at,
				finished_at, calls, result, error, cursor, hash)
			SELECT 300000000 + n.i, acct.id, %d + (n.i / %d) * 900000000000, %d + (n.i / %d) * 900000000000 + 2000000000, 3,
				CASE WHEN %s < 20 THEN 'transient' ELSE 'ok' END, '', NULL, x'00'
			FROM n JOIN acct ON acct.a = n.i %% %d`,
			from, benchAccounts, from, benchAccounts, h("n.i", 9), benchAccounts),
	}
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%.120s: %w", q, err)
		}
	}
	var n int64
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM items WHERE kind = 'comment'`).Scan(&n); err != nil || n != benchComments {
		return fmt.Errorf("benchmark archive holds %d comments (%v)", n, err)
	}
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// BenchmarkReport_Semester builds the report of the benchmark semester and writes
// all three formats (HTML, JSON, CSV). It reports the peak resident memory of the
// process while doing so (VmHWM, reset after the archive is built).
func BenchmarkReport_Semester(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	runtime.GC()
	resetPeakRSS(b)
	out := b.TempDir()
	for b.Loop() {
		s, err := archive.Open(ctx, path, archive.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		period, _ := report.Semester("2026-1")
		r, err := report.Build(ctx, s, report.Options{Period: period})
		if err != nil {
			b.Fatal(err)
		}
		if err := report.WriteHTML(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		if err := report.WriteJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		if err := report.WriteCSV(out, r); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	if peak := peakRSS(b); peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-RSS")
	}
}

// resetPeakRSS resets the kernel's peak resident set size of this process (Linux).
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak RSS: %v", err)
	}
}

// peakRSS returns VmHWM in bytes (Linux), 0 when unknown.
func peakRSS(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	b.Log("no VmHWM in /proc/self/status")
	return 0
}
