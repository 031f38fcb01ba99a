package connectortest

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ife-mx/vigia/connectors"
)

func TestMonth_Deterministic(t *testing.T) {
	t.Parallel()
	a, b := Month(7, Epoch), Month(7, Epoch)
	if !reflect.DeepEqual(a.Items, b.Items) || !reflect.DeepEqual(a.Faults, b.Faults) {
		t.Fatal("the same seed gave different scenarios")
	}
	if c := Month(8, Epoch); reflect.DeepEqual(a.Items, c.Items) {
		t.Fatal("different seeds gave the same scenario")
	}
}

func TestMonth_Shape(t *testing.T) {
	t.Parallel()
	for seed := int64(1); seed <= 20; seed++ {
		sc := Month(seed, Epoch)
		kinds := map[connectors.Kind]int{}
		var edited, deletedPosts, deletedComments, late, ownReplies, orphans int
		for i, it := range sc.Items {
			kinds[it.Kind]++
			if i > 0 && CompareIDs(sc.Items[i-1].ID, it.ID) >= 0 {
				t.Fatalf("seed %d: ids not increasing: %s then %s", seed, sc.Items[i-1].ID, it.ID)
			}
			if i > 0 && it.Created().Before(sc.Items[i-1].Created()) {
				t.Fatalf("seed %d: items not in creation order", seed)
			}
			if it.Created().Before(sc.Start) || !it.Created().Before(sc.End) {
				t.Fatalf("seed %d: item %s outside the month", seed, it.ID)
			}
			for j, v := range it.Versions {
				if !utf8.ValidString(v.Text) || strings.ContainsAny(v.Text, "\x00\r\t") || strings.TrimSpace(v.Text) != v.Text {
					t.Fatalf("seed %d: item %s: bad text %q", seed, it.ID, v.Text)
				}
				if j > 0 && v.At.Sub(it.Versions[j-1].At) < 3*time.Hour {
					t.Fatalf("seed %d: item %s: edit too soon", seed, it.ID)
				}
			}
			if len(it.Versions) > 1 {
				edited++
			}
			if !it.DeletedAt.IsZero() {
				if it.DeletedAt.Sub(it.Created()) < 3*time.Hour || !it.DeletedAt.Before(sc.End) {
					t.Fatalf("seed %d: item %s: bad deletion time", seed, it.ID)
				}
				switch it.Kind {
				case connectors.KindPost:
					deletedPosts++
				case connectors.KindComment:
					deletedComments++
				}
			}
			if it.Own && it.Kind == connectors.KindReply {
				ownReplies++
			}
			switch it.Kind {
			case connectors.KindPost, connectors.KindMention:
				if it.ParentID != "" || it.RootID != "" {
					t.Fatalf("seed %d: %s %s has a parent or root", seed, it.Kind, it.ID)
				}
			default:
				p, ok := sc.Item(it.ParentID)
				r, ok2 := sc.Item(it.RootID)
				if !ok || !ok2 || r.Kind != connectors.KindPost || !r.Own || !p.Created().Before(it.Created()) {
					t.Fatalf("seed %d: %s %s: bad parent or root", seed, it.Kind, it.ID)
				}
				if p.Deleted(it.Created()) || r.Deleted(it.Created()) {
					t.Fatalf("seed %d: %s %s created under a deleted item", seed, it.Kind, it.ID)
				}
				if (it.Kind == connectors.KindComment) != (it.ParentID == it.RootID) {
					t.Fatalf("seed %d: %s %s: kind does not match parent", seed, it.Kind, it.ID)
				}
				if it.Kind == connectors.KindComment && it.Created().Sub(r.Created()) > 48*time.Hour {
					late++
				}
				if !p.DeletedAt.IsZero() && p.Kind == connectors.KindComment && !it.Own {
					orphans++
				}
			}
		}
		for _, k := range connectors.Kinds {
			if kinds[k] == 0 {
				t.Errorf("seed %d: no %s", seed, k)
			}
		}
		if edited == 0 || deletedPosts == 0 || deletedComments == 0 || late == 0 || ownReplies == 0 || orphans == 0 {
			t.Errorf("seed %d: edited %d, deleted posts %d, deleted comments %d, late %d, own replies %d, orphans %d",
				seed, edited, deletedPosts, deletedComments, late, ownReplies, orphans)
		}
		if len(sc.Faults) == 0 || len(sc.ProfileChanges) < 2 {
			t.Errorf("seed %d: faults or profile changes missing", seed)
		}
	}
}

func TestScenario_At(t *testing.T) {
	t.Parallel()
	sc := Month(1, Epoch)
	var edited, deleted *ScenarioItem
	for i := range sc.Items {
		it := &sc.Items[i]
		if edited == nil && len(it.Versions) > 1 && it.DeletedAt.IsZero() {
			edited = it
		}
		if deleted == nil && !it.DeletedAt.IsZero() {
			deleted = it
		}
	}
	find := func(items []ScenarioItem, id string) *ScenarioItem {
		for i := range items {
			if items[i].ID == id {
				return &items[i]
			}
		}
		return nil
	}
	if it := find(sc.At(edited.Created().Add(-time.Second)), edited.ID); it != nil {
		t.Error("an item is visible before its creation")
	}
	if it := find(sc.At(edited.Created()), edited.ID); it == nil || len(it.Versions) != 1 {
		t.Error("an item is not visible at its creation with one version")
	}
	if it := find(sc.At(edited.Versions[1].At), edited.ID); it == nil || len(it.Versions) != 2 {
		t.Error("an edit is not visible at its instant")
	}
	if it := find(sc.At(deleted.DeletedAt.Add(-time.Second)), deleted.ID); it == nil {
		t.Error("an item is gone before its deletion")
	}
	if it := find(sc.At(deleted.DeletedAt), deleted.ID); it != nil {
		t.Error("an item is visible at its deletion")
	}
	if len(sc.Items[0].Versions) == 0 || len(sc.At(sc.End)) == 0 {
		t.Error("nothing visible at the end")
	}
}

func TestScenario_FaultAt(t *testing.T) {
	t.Parallel()
	at := Epoch.Add(time.Hour)
	sc := &Scenario{Faults: []Fault{{From: at, Until: at.Add(time.Minute), Kind: FaultServerError, After: 2}}}
	var got []bool
	for i := 0; i < 4; i++ {
		got = append(got, sc.FaultAt(at) != nil)
	}
	if want := []bool{false, false, true, true}; !reflect.DeepEqual(got, want) {
		t.Errorf("FaultAt with After 2 = %v, want %v", got, want)
	}
	if sc.FaultAt(at.Add(time.Minute)) != nil || sc.FaultAt(at.Add(-time.Nanosecond)) != nil {
		t.Error("FaultAt outside the interval")
	}
}

func TestScenario_ProfileAt(t *testing.T) {
	t.Parallel()
	sc := Month(1, Epoch)
	if p := sc.ProfileAt(sc.Start); p.DisplayName != sc.Account.DisplayName || p.Bio != sc.Account.Bio {
		t.Error("profile changed before any change")
	}
	c := sc.ProfileChanges[1]
	if p := sc.ProfileAt(c.At); p.DisplayName != c.DisplayName || p.Bio != sc.ProfileChanges[0].Bio {
		t.Errorf("ProfileAt after two changes = %+v", p)
	}
}

func TestCompareIDs(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		want int
	}{{"9", "10", -1}, {"10", "9", 1}, {"113", "113", 0}, {"112", "113", -1}} {
		if got := CompareIDs(c.a, c.b); got != c.want {
			t.Errorf("CompareIDs(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
