package agent_test

import (
	"context"
	"testing"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
)

// TestAgent_FalsePositiveRequeues checks that a comment recommended for blocking
// leaves the awaiting-answer queue, and that once the administrators mark it as a
// false positive it awaits an answer again after a restart.
func TestAgent_FalsePositiveRequeues(t *testing.T) {
	t.Parallel()
	at := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
		return connectors.Batch{Cursor: connectors.Cursor("c1"), Items: []connectors.Item{
			{ExternalID: "p1", Kind: connectors.KindPost, Own: true, AuthorID: "ife", Text: "Consulta tu módulo más cercano", CreatedAt: at},
			{ExternalID: "c1", Kind: connectors.KindComment, ParentID: "p1", RootID: "p1", AuthorID: "u1", AuthorHandle: "u1",
				Text: "eres un pendejo de mierda, ¿dónde está mi credencial?", CreatedAt: at.Add(time.Minute)},
		}}, nil
	}}
	dir := t.TempDir()
	cfg := testConfig(t, dir, 20*time.Millisecond, map[string]string{"a": "x"})
	h := start(t, cfg, fakeRegistry(conn), nil)
	ctx := context.Background()
	waitFor(t, "the comment's response row", func() bool {
		rows, _ := h.store.Responses(ctx, "a")
		_, ok := rows["c1"]
		return ok
	})
	h.stop()
	rows, _ := h.store.Responses(ctx, "a")
	if rows["c1"].NeedsAnswer {
		t.Fatal("a comment recommended for blocking awaits an answer")
	}
	if err := h.store.RecordDecision(ctx, archive.Decision{Network: "x", ExternalID: "c1", Decision: "false_positive", By: "Ana"}); err != nil {
		t.Fatal(err)
	}
	h.store.Close()

	h2 := start(t, cfg, fakeRegistry(conn), nil)
	waitFor(t, "the rebuilt row", func() bool {
		rows, _ := h2.store.Responses(ctx, "a")
		return rows["c1"].NeedsAnswer
	})
	h2.stop()
}
