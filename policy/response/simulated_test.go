package response_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
	"github.com/ife-mx/vigia/policy/response"
)

// simTruth returns the ground truth of a simulated account over its backfill.
func simTruth(t *testing.T, id string) simulated.Truth {
	t.Helper()
	epoch := time.Date(2012, time.June, 1, 12, 0, 0, 0, time.UTC)
	w, err := simulated.NewWorld(simulated.Config{Seed: 2012, Epoch: epoch, Anchor: epoch}, epoch)
	if err != nil {
		t.Fatal(err)
	}
	return w.Truth(connectors.Account{ID: id, Network: "x", Handle: strings.ToUpper(id)}, epoch)
}

func entries(tr simulated.Truth) []response.Entry {
	out := make([]response.Entry, 0, len(tr.Items))
	for _, it := range tr.Items {
		out = append(out, response.Entry{
			ID: it.ExternalID, Kind: it.Kind, ParentID: it.ParentID, RootID: it.RootID,
			AuthorID: it.AuthorID, AuthorHandle: it.AuthorHandle, Own: it.Own,
			CreatedAt: it.Versions[0].At, Text: it.Final().Text, Deleted: !it.DeletedAt.IsZero(),
			NeedsAnswer: !it.Own && it.Label != simulated.LabelSpam && it.Label != simulated.LabelOffensive,
		})
	}
	return out
}

// TestSimulated_AnsweredMatchesTruth checks answered detection against the
// simulated network's ground truth: with direct scope the first answer of every
// user item is the one the simulation wrote (unless that answer was deleted, which
// reopens the comment); with conversation scope every such answer is found, or an
// earlier own reply addressed to the same author.
func TestSimulated_AnsweredMatchesTruth(t *testing.T) {
	t.Parallel()
	for _, acct := range []string{"ife_mx", "ife_jalisco"} {
		tr := simTruth(t, acct)
		es := entries(tr)
		byID := tr.ByID()
		direct := response.Recompute(es, response.ScopeDirect)
		conv := response.Recompute(es, response.ScopeConversation)
		var checked, answered, deletedAnswers, earlier int
		for _, it := range tr.Items {
			a, tracked := direct[it.ExternalID]
			if !tracked {
				continue
			}
			checked++
			want := it.AnsweredBy
			if ans, ok := byID[want]; ok && !ans.DeletedAt.IsZero() {
				want = "" // a deleted answer does not count
				deletedAnswers++
			}
			if a.ID != want {
				t.Errorf("%s: %s (%s) answered by %q, truth %q", acct, it.ExternalID, it.Kind, a.ID, want)
			}
			if want != "" {
				answered++
				if !a.At.Equal(it.AnsweredAt) {
					t.Errorf("%s: %s answered at %v, truth %v", acct, it.ExternalID, a.At, it.AnsweredAt)
				}
			}
			c := conv[it.ExternalID]
			switch {
			case want != "" && c.ID != want && !c.At.Before(it.AnsweredAt):
				t.Errorf("%s: %s: conversation scope answer %+v is not earlier than the truth's %s", acct, it.ExternalID, c, want)
			case c.ID != want:
				earlier++
			}
		}
		if checked < 500 || answered < checked/2 {
			t.Fatalf("%s: only %d items checked, %d answered", acct, checked, answered)
		}
		t.Logf("%s: %d user items, %d answered as in the truth, %d whose only answer was deleted; conversation scope finds an earlier or extra answer for %d", acct, checked, answered, deletedAnswers, earlier)
	}
}

// TestSimulated_Classify measures the intent rules against the labels of the
// simulated users' items: they must agree on most, and the spam heuristic must
// catch most spam while flagging almost nothing else.
func TestSimulated_Classify(t *testing.T) {
	t.Parallel()
	tr := simTruth(t, "ife_mx")
	want := map[simulated.Label]response.Intent{
		simulated.LabelQuestion: response.IntentQuestion, simulated.LabelInfoRequest: response.IntentInfoRequest,
		simulated.LabelSuggestion: response.IntentSuggestion, simulated.LabelComplaint: response.IntentComplaint,
		simulated.LabelPraise: response.IntentPraise, simulated.LabelOther: response.IntentOther,
	}
	total, agree := map[simulated.Label]int{}, map[simulated.Label]int{}
	var spam, spamCaught, ham, hamFlagged int
	confusion := map[string]int{}
	for _, it := range tr.Items {
		if it.Own {
			continue
		}
		text := it.Versions[0].Text
		s := response.Spam(text)
		if it.Label == simulated.LabelSpam {
			spam++
			if s.Spam {
				spamCaught++
			}
			continue
		}
		if it.Label != simulated.LabelOffensive {
			ham++
			if s.Spam {
				hamFlagged++
				t.Logf("flagged as spam: %q (%s)", text, s.Rule)
			}
		}
		w, ok := want[it.Label]
		if !ok {
			continue
		}
		total[it.Label]++
		got := response.Classify(text)
		if got.Intent == w {
			agree[it.Label]++
		} else {
			confusion[string(it.Label)+"→"+string(got.Intent)]++
		}
	}
	var all, ok int
	for l, n := range total {
		all += n
		ok += agree[l]
		share := float64(agree[l]) / float64(n)
		t.Logf("%-12s %4d/%4d = %.3f", l, agree[l], n, share)
		if share < 0.9 {
			t.Errorf("label %s: only %.3f of %d items classified %s", l, share, n, want[l])
		}
	}
	t.Logf("overall %d/%d = %.3f; confusions %v", ok, all, float64(ok)/float64(all), confusion)
	if float64(ok)/float64(all) < 0.95 {
		t.Errorf("overall agreement %.3f", float64(ok)/float64(all))
	}
	t.Logf("spam caught %d/%d; other items flagged %d/%d", spamCaught, spam, hamFlagged, ham)
	if float64(spamCaught) < 0.9*float64(spam) || float64(hamFlagged) > 0.005*float64(ham) {
		t.Errorf("spam caught %d/%d, other items flagged %d/%d", spamCaught, spam, hamFlagged, ham)
	}
}
