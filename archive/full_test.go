package archive

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ife-mx/vigia/connectors"
)

// TestStore_Full fills the archive up to a page cap: the commit that does not fit
// fails with ErrFull, stores nothing, leaves the cursor and the chain where they
// were, and succeeds unchanged once the cap is raised (space returns).
func TestStore_Full(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Commit(ctx, poll([]connectors.Item{item("1", "hola")}, "c1")); err != nil {
		t.Fatal(err)
	}
	pages, pageSize, err := s.PageCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.SetMaxPageCount(ctx, pages+2)
	if err != nil || got != pages+2 {
		t.Fatalf("SetMaxPageCount(%d) = %d, %v", pages+2, got, err)
	}
	var big []connectors.Item
	for i := range 100 {
		big = append(big, item(fmt.Sprintf("big%d", i), strings.Repeat("¿dónde está mi casilla? ", int(pageSize)/20)))
	}
	records := s.Records()

	_, err = s.Commit(ctx, poll(big, "c2"))
	if !errors.Is(err, ErrFull) {
		t.Fatalf("commit past the page cap: error %v, want ErrFull", err)
	}
	if !strings.Contains(err.Error(), "full") {
		t.Errorf("error %q does not say the archive is full", err)
	}
	if cur, _ := s.Cursor(ctx, "acct"); string(cur) != "c1" {
		t.Errorf("cursor = %q after a full archive refused the batch, want c1", cur)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM items`); n != 1 {
		t.Errorf("%d items stored, want 1: part of the refused batch landed", n)
	}
	if s.Records() != records {
		t.Errorf("the chain head moved from %d to %d on a failed commit", records, s.Records())
	}
	mustVerify(t, s)

	if _, err := s.SetMaxPageCount(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	res, err := s.Commit(ctx, poll(big, "c2"))
	if err != nil {
		t.Fatalf("the same commit once space returned: %v", err)
	}
	if res.New != len(big) {
		t.Errorf("%d new items, want %d", res.New, len(big))
	}
	if cur, _ := s.Cursor(ctx, "acct"); string(cur) != "c2" {
		t.Errorf("cursor = %q, want c2", cur)
	}
	mustVerify(t, s)
}

func TestOpen_MaxPageCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir()+"/vigia.db", Options{MaxPageCount: 5000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.SetMaxPageCount(ctx, 0); err != nil || got != 5000 {
		t.Fatalf("max_page_count = %d, %v; want 5000", got, err)
	}
}
