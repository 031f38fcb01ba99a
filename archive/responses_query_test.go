package archive

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// TestStore_Conversations checks what the response clock reads back of a
// conversation it let go of: the root and everything under it (not other
// conversations, not a reply whose parent the archive lacks), each item with its
// deletion, flags, whether its parent is own, and its stored response row.
func TestStore_Conversations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	post := item("p1", "Hoy abrimos los módulos.")
	post.Kind, post.ParentID, post.RootID, post.Own, post.AuthorID = connectors.KindPost, "", "", true, "ife"
	c1 := item("c1", "¿Dónde me toca votar?")
	c2 := item("c2", "¿Y el horario?")
	c2.CreatedAt = t0.Add(time.Hour)
	ans := item("a1", "@userc1 En su módulo más cercano.")
	ans.Kind, ans.ParentID, ans.Own, ans.AuthorID, ans.CreatedAt = connectors.KindReply, "c1", true, "ife", t0.Add(2*time.Hour)
	deep := item("r1", "¿Y si no llego?")
	deep.Kind, deep.ParentID, deep.CreatedAt = connectors.KindReply, "a1", t0.Add(3*time.Hour)
	orphan := item("o1", "respuesta a algo que no está")
	orphan.Kind, orphan.ParentID = connectors.KindReply, "missing"
	other := item("c9", "otra conversación")
	other.ParentID, other.RootID = "p9", "p9"
	p := poll([]connectors.Item{post, c1, c2, ans, deep, orphan, other}, "c1")
	p.Flags = []Flag{{ExternalID: "c2", Rule: "spam", Category: "link", Severity: "info", Score: 1}}
	if _, err := s.Commit(ctx, p); err != nil {
		t.Fatal(err)
	}
	del := poll(nil, "c2")
	del.Batch.Deletions = []connectors.Deletion{{ExternalID: "c2", ObservedAt: t0.Add(4 * time.Hour)}}
	if _, err := s.Commit(ctx, del); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveResponses(ctx, "x", "acct", []ResponseRow{
		{Comment: "c1", Intent: "question", NeedsAnswer: true, Reply: "a1", How: "direct", Business: time.Hour, Wall: 2 * time.Hour, State: "answered_in_time"},
		{Comment: "r1", Intent: "question", NeedsAnswer: true},
	}); err != nil {
		t.Fatal(err)
	}
	got := map[string]ResponseItem{}
	order := map[string][]string{}
	if err := s.Conversations(ctx, "x", "acct", []string{"p1", "p9", "none"}, func(root string, it ResponseItem) error {
		got[it.ExternalID] = it
		order[root] = append(order[root], it.ExternalID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"p1", "c1", "c2", "a1", "r1"}; !slices.Equal(order["p1"], want) {
		t.Fatalf("conversation p1 = %v, want %v (archive order, no orphan, no other conversation)", order["p1"], want)
	}
	if want := []string{"c9"}; !slices.Equal(order["p9"], want) || len(order) != 2 {
		t.Fatalf("conversations = %v, want p9 with %v (its root is not archived) and nothing for none", order, want)
	}
	if it := got["c1"]; !it.ParentOwn || it.Prior == nil || it.Prior.Reply != "a1" || it.Prior.How != "direct" ||
		it.Prior.Business != time.Hour || it.Prior.State != "answered_in_time" || !it.Prior.NeedsAnswer || it.Prior.Intent != "question" {
		t.Errorf("c1 = %+v, prior %+v", it, it.Prior)
	}
	if it := got["c2"]; it.DeletedAt.IsZero() || !slices.Equal(it.Flags, []string{"spam"}) || it.Prior != nil {
		t.Errorf("c2 = %+v: want deleted, flagged spam, no row", it)
	}
	if it := got["r1"]; !it.ParentOwn || it.Prior == nil || it.Prior.Reply != "" {
		t.Errorf("r1 (a reply to the own answer) = %+v, prior %+v", it, it.Prior)
	}
	if it := got["a1"]; !it.Own || it.Text != ans.Text || it.Kind != connectors.KindReply {
		t.Errorf("a1 = %+v", it)
	}

	facts, err := s.ItemFacts(ctx, "x", []string{"a1", "c1", "nope"})
	if err != nil {
		t.Fatal(err)
	}
	if len(facts) != 2 || !facts["a1"].Own || facts["c1"].Own || facts["c1"].AuthorID != "u-c1" || facts["c1"].RootID != "p1" {
		t.Errorf("facts = %+v", facts)
	}

	var open []string
	if err := s.OpenComments(ctx, "acct", t0.Add(24*time.Hour), func(it ResponseItem) error {
		open = append(open, it.ExternalID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(open, []string{"r1"}) {
		t.Errorf("open comments = %v, want r1", open)
	}
	id, at, err := s.OldestOpen(ctx, "acct")
	if err != nil || id != "r1" || !at.Equal(deep.CreatedAt) {
		t.Errorf("oldest open = %q %v, %v", id, at, err)
	}
}
