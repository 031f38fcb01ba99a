package archive

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

func TestStore_Offenders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	if err := s.SyncAccounts(ctx, []AccountInfo{{ID: "other", Network: "x", Handle: "ine_mx", Organ: "cncs"}}); err != nil {
		t.Fatal(err)
	}
	type c struct {
		id, author, rule string
		minute           int
	}
	comments := []c{
		{"a1", "u1", "offensive", 1}, {"a2", "u1", "offensive", 5}, {"a3", "u1", "offensive_review", 9},
		{"b1", "u2", "offensive_review", 2},
		{"c1", "u3", "offensive", 3},
		{"d1", "u4", "offensive", 4},
		{"e1", "u5", "offensive", 6},
		{"f1", "u6", "", 7},
		{"g1", "u7", "offensive", 8}, {"g2", "u7", "offensive_review", 10},
	}
	var items []connectors.Item
	var flags []Flag
	for _, cm := range comments {
		it := item(cm.id, "texto "+cm.id)
		it.AuthorID, it.AuthorHandle = cm.author, "old_"+cm.author
		it.CreatedAt = t0.Add(time.Duration(cm.minute) * time.Minute)
		items = append(items, it)
		if cm.rule != "" {
			flags = append(flags, Flag{ExternalID: cm.id, Rule: cm.rule, Category: "insult", Severity: cm.rule, Score: 0.9})
		}
	}
	own := item("own", "respuesta")
	own.Own, own.AuthorID = true, "ife"
	items = append(items, own)
	flags = append(flags, Flag{ExternalID: "own", Rule: "offensive", Category: "insult"})
	p := poll(items, "c1")
	p.Flags = flags
	if _, err := s.Commit(ctx, p); err != nil {
		t.Fatal(err)
	}
	// u1 changed handle since (a comment whose version has no handle leaves the last
	// known one); a comment in another account does not count here.
	renamed := item("a4", "hola")
	renamed.AuthorID, renamed.AuthorHandle = "u1", "new_u1"
	nameless := item("a5", "adiós")
	nameless.AuthorID, nameless.AuthorHandle = "u1", ""
	if _, err := s.Commit(ctx, poll([]connectors.Item{renamed}, "c2")); err != nil {
		t.Fatal(err)
	}
	elsewhere := poll([]connectors.Item{{ExternalID: "z1", Kind: connectors.KindComment, AuthorID: "u1", AuthorHandle: "new_u1", Text: "x", CreatedAt: t0}}, "c1")
	elsewhere.Account = "other"
	elsewhere.Flags = []Flag{{ExternalID: "z1", Rule: "offensive"}}
	if _, err := s.Commit(ctx, elsewhere); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, poll([]connectors.Item{nameless}, "c3")); err != nil {
		t.Fatal(err)
	}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Hour) }
	for _, d := range []Decision{
		{ExternalID: "c1", Decision: DecisionFalsePositive, At: at(1)},
		{ExternalID: "d1", Decision: DecisionBlockConfirmed, At: at(1)},
		{ExternalID: "e1", Decision: DecisionBlockedOnNetwork, At: at(1)},
		{ExternalID: "e1", Decision: DecisionUnblocked, At: at(2)},
		{ExternalID: "f1", Decision: DecisionBlockedOnNetwork, At: at(1)},
		{ExternalID: "g1", Decision: DecisionBlockConfirmed, At: at(1)},
		{ExternalID: "g1", Decision: DecisionFalsePositive, At: at(2)}, // a verdict, not an unblock
		{ExternalID: "g2", Decision: DecisionFalsePositive, At: at(3)},
	} {
		d.Network, d.By = "x", "Ana"
		if err := s.RecordDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Offenders(ctx, "acct")
	if err != nil {
		t.Fatal(err)
	}
	tm := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	want := []Offender{
		{AuthorID: "u1", Handle: "new_u1", Offensive: 2, Review: 1, LastOffence: tm(9), Recommendation: RecommendBlock},
		{AuthorID: "u5", Handle: "old_u5", Offensive: 1, LastOffence: tm(6), Recommendation: RecommendBlock},
		{AuthorID: "u2", Handle: "old_u2", Review: 1, LastOffence: tm(2), Recommendation: RecommendReview},
		{AuthorID: "u7", Handle: "old_u7", Offensive: 1, Review: 1, FalsePositives: 2, Blocked: true, BlockedAt: at(1), Recommendation: RecommendBlocked},
		{AuthorID: "u4", Handle: "old_u4", Offensive: 1, LastOffence: tm(4), Blocked: true, BlockedAt: at(1), Recommendation: RecommendBlocked},
		{AuthorID: "u6", Handle: "old_u6", Blocked: true, BlockedAt: at(1), Recommendation: RecommendBlocked},
		{AuthorID: "u3", Handle: "old_u3", Offensive: 1, FalsePositives: 1, Recommendation: RecommendNone},
	}
	for i := range want {
		want[i].Account, want[i].Network = "acct", "x"
	}
	if len(got) != len(want) {
		t.Fatalf("got %d offenders, want %d:\n%s", len(got), len(want), fmt.Sprintf("%+v", got))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.AuthorID != w.AuthorID || g.Handle != w.Handle || g.Offensive != w.Offensive || g.Review != w.Review ||
			g.FalsePositives != w.FalsePositives || !g.LastOffence.Equal(w.LastOffence) || g.Blocked != w.Blocked ||
			!g.BlockedAt.Equal(w.BlockedAt) || g.Recommendation != w.Recommendation || g.Account != w.Account || g.Network != w.Network {
			t.Errorf("offender %d:\n got  %+v\n want %+v", i, g, w)
		}
	}

	all, err := s.Offenders(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(want)+1 || all[2].Account != "other" || all[2].AuthorID != "u1" || all[2].Offensive != 1 {
		t.Errorf("every account: %+v", all)
	}
	if none, err := s.Offenders(ctx, "nobody"); err != nil || len(none) != 0 {
		t.Errorf("unknown account: %+v, %v", none, err)
	}
}
