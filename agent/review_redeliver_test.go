package agent_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// TestAgent_RedeliveredOwnPostIsNotADuplicate checks that an own post a connector
// delivers again (a window re-check) or edits is not taken for a copy of itself by
// the duplicate-post check (6.xxiv).
func TestAgent_RedeliveredOwnPostIsNotADuplicate(t *testing.T) {
	t.Parallel()
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	var n atomic.Int64
	text := "Consulta la ubicación de tu casilla en el portal del Instituto"
	conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
		post := connectors.Item{ExternalID: "p1", Kind: connectors.KindPost, Own: true, AuthorID: "ife", Text: text, CreatedAt: at}
		if n.Add(1) >= 3 {
			post.Text, post.EditedAt = text+".", at.Add(time.Minute) // an edit that changes next to nothing
		}
		return connectors.Batch{Items: []connectors.Item{post}}, nil
	}}
	cfg := testConfig(t, t.TempDir(), 10*time.Millisecond, map[string]string{"a": "x"})
	h := start(t, cfg, fakeRegistry(conn), nil)
	waitFor(t, "the edit to be archived", func() bool { return n.Load() >= 5 })
	h.stop()
	counts, err := h.store.FlagCounts(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if counts["duplicate"] != 0 || counts["burst"] != 0 {
		t.Fatalf("flags = %v: a post was taken for a copy of itself", counts)
	}
}
