package archive

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ife-mx/vigia/connectors"
)

// benchItems builds n realistic comments: ~200 characters of text and a raw JSON
// payload of about 1 KiB, as the X API returns them.
func benchItems(round, n int) []connectors.Item {
	items := make([]connectors.Item, n)
	for i := range items {
		id := fmt.Sprintf("%d-%d", round, i)
		text := fmt.Sprintf("Buenas tardes, ¿dónde puedo tramitar mi credencial para votar en la sección %d? Ya fui al módulo y no me atendieron, llevo %d días esperando respuesta. Gracias.", i, round)
		it := item(id, text)
		it.AuthorID = fmt.Sprintf("u%d", i%300)
		it.Raw = []byte(fmt.Sprintf(`{"data":{"id":%q,"text":%q,"author_id":"u%d","conversation_id":"p1","created_at":"2026-03-02T15:00:00.000Z","public_metrics":{"retweet_count":0,"reply_count":0,"like_count":3,"quote_count":0},"edit_history_tweet_ids":[%q],"lang":"es","referenced_tweets":[{"type":"replied_to","id":"p1"}]},"padding":%q}`,
			id, text, i%300, id, strings.Repeat("x", 600)))
		items[i] = it
	}
	return items
}

// BenchmarkCommit measures Store.Commit on batches of 1,000 new items: items,
// versions, authors, the fetch-log row, the cursor and the hash chain in one
// transaction.
func BenchmarkCommit(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	batches := make([][]connectors.Item, b.N)
	for i := range batches {
		batches[i] = benchItems(i, 1000)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Commit(ctx, poll(batches[i], fmt.Sprint(i))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkBaselineInsert is what SQLite itself allows for the same rows: one
// prepared INSERT per item (identity, text and raw payload in one row), 1,000 per
// transaction, same pragmas, no hashing.
func BenchmarkBaselineInsert(b *testing.B) {
	ctx := context.Background()
	db, err := sql.Open("sqlite3", dsn(filepath.Join(b.TempDir(), "base.db"), false))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE items (id INTEGER PRIMARY KEY, network TEXT, external_id TEXT, account_id TEXT,
		kind TEXT, parent_id TEXT, root_id TEXT, author_id TEXT, own INTEGER, created_at INTEGER, text TEXT, author_handle TEXT,
		author_name TEXT, lang TEXT, url TEXT, raw BLOB, UNIQUE(network, external_id))`); err != nil {
		b.Fatal(err)
	}
	batches := make([][]connectors.Item, b.N)
	for i := range batches {
		batches[i] = benchItems(i, 1000)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO items(network, external_id, account_id, kind, parent_id, root_id, author_id, own,
			created_at, text, author_handle, author_name, lang, url, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		for _, it := range batches[i] {
			if _, err := stmt.ExecContext(ctx, "x", it.ExternalID, "acct", string(it.Kind), it.ParentID, it.RootID, it.AuthorID, 0,
				it.CreatedAt.UnixNano(), it.Text, it.AuthorHandle, it.AuthorName, it.Lang, it.URL, it.Raw); err != nil {
				b.Fatal(err)
			}
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkCommitUnchanged measures re-ingesting a batch the archive already holds.
func BenchmarkCommitUnchanged(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	batch := benchItems(0, 1000)
	if _, err := s.Commit(ctx, poll(batch, "0")); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Commit(ctx, poll(batch, "0")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkBaselineSameRows inserts exactly the rows Commit writes for new items (an
// items row and an item_versions row each, into the archive's own schema and
// indexes, plus the fetch-log row) with one prepared statement per table, one row
// per execution, in one transaction, with placeholder hashes: SQLite's cost for the
// archive's data, without its logic (lookups, hashing, the chain, bulk statements).
func BenchmarkBaselineSameRows(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	batches := make([][]connectors.Item, b.N)
	for i := range batches {
		batches[i] = benchItems(i, 1000)
	}
	zero := make([]byte, 32)
	id := int64(1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tx, err := s.wc.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		fetch := id
		if _, err := tx.ExecContext(ctx, `INSERT INTO fetch_log(id, account_id, started_at, finished_at, calls, result, error, cursor, hash)
			VALUES (?, 'acct', 0, 0, 1, 'ok', '', x'00', ?)`, fetch, zero); err != nil {
			b.Fatal(err)
		}
		id++
		insItem, err := tx.PrepareContext(ctx, `INSERT INTO items(id, network, external_id, account_id, kind, parent_id, root_id, author_id,
			own, created_at, fetch_id, hash, current_version, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		insVersion, err := tx.PrepareContext(ctx, `INSERT INTO item_versions(id, item_id, version, text, author_handle, author_name, lang,
			edited_at, url, media, raw, content_hash, fetch_id, hash) VALUES (?, ?, 1, ?, ?, ?, ?, 0, ?, '[]', ?, ?, ?, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		for _, it := range batches[i] {
			itemID := id
			if _, err := insItem.ExecContext(ctx, itemID, "x", it.ExternalID, "acct", string(it.Kind), it.ParentID, it.RootID, it.AuthorID,
				0, it.CreatedAt.UnixNano(), fetch, zero, zero); err != nil {
				b.Fatal(err)
			}
			if _, err := insVersion.ExecContext(ctx, itemID+1, itemID, it.Text, it.AuthorHandle, it.AuthorName, it.Lang, it.URL,
				it.Raw, zero, fetch, zero); err != nil {
				b.Fatal(err)
			}
			id += 2
		}
		insItem.Close()
		insVersion.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "items/s")
}
