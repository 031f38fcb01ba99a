package archive

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

func TestChunks(t *testing.T) {
	t.Parallel()
	shapes := map[int]bool{}
	for n := 0; n <= 1000; n++ {
		sum := 0
		for _, c := range chunks(n, 128) {
			if c < 1 || c > 128 || c&(c-1) != 0 {
				t.Fatalf("chunks(%d) has a statement of %d rows", n, c)
			}
			shapes[c] = true
			sum += c
		}
		if sum != n {
			t.Fatalf("chunks(%d) covers %d rows", n, sum)
		}
	}
	if len(shapes) != 8 { // 128, 64, … 1: eight statements prepared once serve every size
		t.Errorf("%d statement shapes, want 8", len(shapes))
	}
	if got := fmt.Sprint(chunks(300, 128)); got != "[128 128 32 8 4]" {
		t.Errorf("chunks(300, 128) = %s", got)
	}
}

// TestStore_CommitEveryBatchSize commits batches of sizes around the bulk
// statements' row counts, each half re-delivered items and half new ones, and
// checks every item and version landed once, with the chain intact.
func TestStore_CommitEveryBatchSize(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	next, total := 0, 0
	var prev []connectors.Item
	for i, n := range []int{1, 2, 127, 128, 129, 255, 256, 257, 300, 1000, 3} {
		batch := append([]connectors.Item(nil), prev[:min(len(prev), n/2)]...)
		newItems := n - len(batch)
		for range newItems {
			batch = append(batch, item(fmt.Sprint(next), fmt.Sprintf("comentario %d", next)))
			next++
		}
		res, err := s.Commit(ctx, poll(batch, fmt.Sprint("c", i)))
		if err != nil {
			t.Fatal(err)
		}
		if res.New != newItems || res.Unchanged != n-newItems {
			t.Fatalf("batch %d of %d: result %+v, want %d new", i, n, res, newItems)
		}
		total += newItems
		prev = batch
	}
	if got := count(t, s, `SELECT COUNT(*) FROM items`); got != total {
		t.Fatalf("items = %d, want %d", got, total)
	}
	if got := count(t, s, `SELECT COUNT(DISTINCT item_id) FROM item_versions`); got != total {
		t.Fatalf("items with a version = %d, want %d", got, total)
	}
	for _, id := range []string{"0", "1000", fmt.Sprint(next - 1)} {
		vs, err := s.Versions(ctx, "x", id)
		if err != nil || len(vs) != 1 || vs[0].Text != "comentario "+id {
			t.Fatalf("versions of %s = %+v, %v", id, vs, err)
		}
	}
	mustVerify(t, s)
}

// TestStore_FailedWriteLeavesNothing checks that a commit that fails half way (a
// refused flag after rows were written, a cancelled context) stores nothing and
// leaves the writer ready for the next commit.
func TestStore_FailedWriteLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Commit(ctx, poll([]connectors.Item{item("1", "hola")}, "c1")); err != nil {
		t.Fatal(err)
	}
	before := s.Records()

	bad := poll([]connectors.Item{item("2", "adiós")}, "c2")
	bad.Flags = []Flag{{ExternalID: "no-such-item", Rule: "spam"}}
	var ve *ValidationError
	if _, err := s.Commit(ctx, bad); !errors.As(err, &ve) {
		t.Fatalf("commit with a flag on no item: %v, want a ValidationError", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Commit(cancelled, poll([]connectors.Item{item("3", "tarde")}, "c3")); err == nil {
		t.Fatal("commit with a cancelled context succeeded")
	}
	if got := s.Records(); got != before {
		t.Fatalf("records = %d after failed commits, want %d", got, before)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM items`); n != 1 {
		t.Fatalf("items = %d after failed commits, want 1", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM fetch_log`); n != 1 {
		t.Fatalf("fetch log rows = %d after failed commits, want 1", n)
	}
	if cur, err := s.Cursor(ctx, "acct"); err != nil || string(cur) != "c1" {
		t.Fatalf("cursor = %q, %v; want c1", cur, err)
	}
	res, err := s.Commit(ctx, poll([]connectors.Item{item("2", "adiós"), item("3", "tarde")}, "c4"))
	if err != nil || res.New != 2 {
		t.Fatalf("commit after the failures: %+v, %v", res, err)
	}
	mustVerify(t, s)
}

// TestStore_SaveResponsesInBulk saves more rows than one statement carries, with
// comments repeated (the later row wins, keeping the earlier intent when it has
// none) and comments the archive does not hold (skipped).
func TestStore_SaveResponsesInBulk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	var items []connectors.Item
	for i := range 150 {
		items = append(items, item(fmt.Sprint("c", i), "¿dónde voto?"))
	}
	items = append(items, item("r1", "En tu módulo más cercano."))
	if _, err := s.Commit(ctx, poll(items, "c1")); err != nil {
		t.Fatal(err)
	}
	var rows []ResponseRow
	for i := range 150 {
		rows = append(rows, ResponseRow{Comment: fmt.Sprint("c", i), Intent: "question", NeedsAnswer: true})
	}
	rows = append(rows,
		ResponseRow{Comment: "missing", Intent: "question", NeedsAnswer: true},
		ResponseRow{Comment: "c7", Intent: "", NeedsAnswer: true, Reply: "r1", How: "reply", Business: 90 * time.Second, Wall: 2 * time.Hour, State: "answered_in_time"},
		ResponseRow{Comment: "c8", Intent: "complaint"},
		ResponseRow{Comment: "c8", Intent: ""},
	)
	if err := s.SaveResponses(ctx, "x", "acct", rows); err != nil {
		t.Fatal(err)
	}
	got, err := s.Responses(ctx, "acct")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 150 {
		t.Fatalf("%d response rows, want 150", len(got))
	}
	want7 := ResponseRow{Comment: "c7", Intent: "question", NeedsAnswer: true, Reply: "r1", How: "reply", Business: 90 * time.Second, Wall: 2 * time.Hour, State: "answered_in_time"}
	if got["c7"] != want7 {
		t.Errorf("c7 = %+v, want %+v", got["c7"], want7)
	}
	if want := (ResponseRow{Comment: "c8", Intent: "complaint"}); got["c8"] != want {
		t.Errorf("c8 = %+v, want %+v", got["c8"], want)
	}
	if want := (ResponseRow{Comment: "c149", Intent: "question", NeedsAnswer: true}); got["c149"] != want {
		t.Errorf("c149 = %+v, want %+v", got["c149"], want)
	}
	// A later save with no intent keeps the stored one.
	if err := s.SaveResponses(ctx, "x", "acct", []ResponseRow{{Comment: "c9", NeedsAnswer: false}}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Responses(ctx, "acct"); err != nil || got["c9"].Intent != "question" || got["c9"].NeedsAnswer {
		t.Errorf("c9 after a save without intent = %+v, %v", got["c9"], err)
	}
	// A comment whose answer was deleted is open again: a row without a reply clears it.
	if err := s.SaveResponses(ctx, "x", "acct", []ResponseRow{{Comment: "c7", NeedsAnswer: true}}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Responses(ctx, "acct"); err != nil || got["c7"] != (ResponseRow{Comment: "c7", Intent: "question", NeedsAnswer: true}) {
		t.Errorf("c7 reopened = %+v, %v", got["c7"], err)
	}
}
