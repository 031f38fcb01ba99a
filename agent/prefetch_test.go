package agent_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
)

// pagedConn serves three pages of three comments, "" → c1 → c2 → c3, and records
// the cursor of every call.
type pagedConn struct {
	mu     sync.Mutex
	calls  []string
	called map[string]chan struct{} // closed at the first call from that cursor
}

func newPagedConn() *pagedConn {
	return &pagedConn{called: map[string]chan struct{}{"": make(chan struct{}), "c1": make(chan struct{}), "c2": make(chan struct{})}}
}

func (c *pagedConn) conn() *fakeConn {
	return &fakeConn{network: "x", poll: func(_ context.Context, _ connectors.Account, cur connectors.Cursor) (connectors.Batch, error) {
		c.mu.Lock()
		c.calls = append(c.calls, string(cur))
		if ch := c.called[string(cur)]; ch != nil {
			select {
			case <-ch:
			default:
				close(ch)
			}
		}
		c.mu.Unlock()
		switch string(cur) {
		case "":
			b := batchOf(3, "a", "c1")
			b.More = true
			return b, nil
		case "c1":
			b := batchOf(3, "b", "c2")
			b.More = true
			return b, nil
		default:
			return batchOf(3, "c", "c3"), nil
		}
	}}
}

func (c *pagedConn) cursors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

// reviewFunc is a Reviewer from a function.
type reviewFunc func(acct connectors.Account, items []connectors.Item) []archive.Flag

func (f reviewFunc) Review(acct connectors.Account, items []connectors.Item) []archive.Flag {
	return f(acct, items)
}

// newPagedAgent builds (but does not run) an agent with one account on pc's
// connector and the reviewer rv, as «vigia backfill» does.
func newPagedAgent(t *testing.T, pc *pagedConn, rv agent.Reviewer) (*agent.Agent, *archive.Store, string) {
	t.Helper()
	cfg := testConfig(t, t.TempDir(), time.Hour, map[string]string{"cncs-x": "x"})
	a, store := newIdleAgent(t, cfg, fakeRegistry(pc.conn()), rv)
	return a, store, cfg.Database
}

func batchPrefix(items []connectors.Item) string {
	if len(items) == 0 {
		return ""
	}
	p, _, _ := strings.Cut(items[0].ExternalID, "-")
	return p
}

// TestBackfill_NextCallOverlapsCommit checks that the connector call of the next
// batch runs while the current batch is still being reviewed and committed: the
// review of the first batch waits for the call from its cursor (c1), which would
// never come if the calls waited for the commits.
func TestBackfill_NextCallOverlapsCommit(t *testing.T) {
	t.Parallel()
	pc := newPagedConn()
	var overlapped bool
	rv := reviewFunc(func(_ connectors.Account, items []connectors.Item) []archive.Flag {
		if batchPrefix(items) == "a" {
			select {
			case <-pc.called["c1"]:
				overlapped = true
			case <-time.After(30 * time.Second): // a bound on a deadlock, not on speed
			}
		}
		return nil
	})
	a, store, _ := newPagedAgent(t, pc, rv)
	p, err := a.Backfill(context.Background(), "cncs-x", agent.BackfillOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !overlapped {
		t.Error("the call for the second batch did not start before the first batch was committed")
	}
	if p.Batches != 3 || p.New != 9 {
		t.Errorf("backfill = %+v, want 3 batches and 9 new items", p)
	}
	if got := pc.cursors(); !slices.Equal(got, []string{"", "c1", "c2"}) {
		t.Errorf("connector called from %q, want one call per cursor", got)
	}
	if cur, err := store.Cursor(context.Background(), "cncs-x"); err != nil || string(cur) != "c3" {
		t.Errorf("stored cursor %q, %v; want c3", cur, err)
	}
}

// TestBackfill_RefusedBatchDropsPrefetched checks cursor safety: when a batch is
// refused, the next batch, already fetched from the refused one's cursor, is
// dropped; the cursor stays, the retry starts from the stored cursor, and every
// batch is stored once, in order.
func TestBackfill_RefusedBatchDropsPrefetched(t *testing.T) {
	t.Parallel()
	pc := newPagedConn()
	var refused sync.Once
	rv := reviewFunc(func(_ connectors.Account, items []connectors.Item) []archive.Flag {
		var flags []archive.Flag
		if batchPrefix(items) == "b" {
			refused.Do(func() {
				select {
				case <-pc.called["c2"]: // the third batch is fetched before the second is refused
				case <-time.After(30 * time.Second): // a bound on a deadlock, not on speed
					t.Error("the third batch was not fetched while the second was reviewed")
				}
				flags = []archive.Flag{{ExternalID: "nadie", Rule: "spam"}}
			})
		}
		return flags
	})
	a, store, dbPath := newPagedAgent(t, pc, rv)
	var failures int
	p, err := a.Backfill(context.Background(), "cncs-x", agent.BackfillOptions{Progress: func(p agent.BackfillProgress) {
		failures = max(failures, p.Failures)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if failures != 1 || p.Batches != 3 || p.New != 9 {
		t.Errorf("backfill = %+v with %d failures, want 3 batches, 9 new items and one failure", p, failures)
	}
	// The dropped batch's call from c2, then the retry from the stored c1.
	if got := pc.cursors(); !slices.Equal(got, []string{"", "c1", "c2", "c1", "c2"}) {
		t.Errorf("connector called from %q", got)
	}
	ctx := context.Background()
	if cur, err := store.Cursor(ctx, "cncs-x"); err != nil || string(cur) != "c3" {
		t.Errorf("stored cursor %q, %v; want c3", cur, err)
	}
	// In order: every item of a batch was stored by an earlier poll than the next
	// batch's, and each poll stored one batch.
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT external_id, fetch_id FROM items WHERE account_id = 'cncs-x'`)
	if err != nil {
		t.Fatal(err)
	}
	fetch := map[string]int64{}
	for rows.Next() {
		var id string
		var f int64
		if err := rows.Scan(&id, &f); err != nil {
			t.Fatal(err)
		}
		fetch[id] = f
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(fetch) != 9 {
		t.Fatalf("%d items stored, want 9", len(fetch))
	}
	for _, pair := range [][2]string{{"a-0", "a-2"}, {"b-0", "b-2"}, {"c-0", "c-2"}} {
		if fetch[pair[0]] != fetch[pair[1]] {
			t.Errorf("%s and %s stored by different polls", pair[0], pair[1])
		}
	}
	if !(fetch["a-0"] < fetch["b-0"] && fetch["b-0"] < fetch["c-0"]) {
		t.Errorf("batches stored out of order: fetch ids %v", fetch)
	}
	rep, err := store.Verify(ctx)
	if err != nil || rep.Problem != nil {
		t.Fatalf("verify: %v %v", rep.Problem, err)
	}
}
