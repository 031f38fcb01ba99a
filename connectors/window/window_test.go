package window

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

func TestMark(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_800_000_000, 0)
	var m Mark
	if m.Seen(t0, "a") {
		t.Error("an empty mark has seen nothing")
	}
	m.Advance(t0, "a")
	m.Advance(t0, "b")
	m.Advance(t0, "a")
	m.Advance(t0.Add(-time.Hour), "old") // older: the mark stays
	if m.Time != t0.Unix() || !reflect.DeepEqual(m.IDs, []string{"a", "b"}) {
		t.Errorf("mark = %+v", m)
	}
	for _, tc := range []struct {
		at   time.Time
		id   string
		seen bool
	}{
		{t0, "a", true}, {t0, "c", false}, {t0.Add(-time.Second), "z", true}, {t0.Add(time.Second), "a", false},
	} {
		if got := m.Seen(tc.at, tc.id); got != tc.seen {
			t.Errorf("Seen(%v, %s) = %v, want %v", tc.at, tc.id, got, tc.seen)
		}
	}
	m.Advance(t0.Add(time.Second), "n")
	if m.Time != t0.Unix()+1 || !reflect.DeepEqual(m.IDs, []string{"n"}) {
		t.Errorf("after a newer item: %+v", m)
	}
}

func TestPosts(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_800_000_000, 0)
	ps := Posts{NewPost("1", t0, "a"), NewPost("3", t0.Add(2*time.Hour), "c"), NewPost("2", t0.Add(time.Hour), "b"), NewPost("2b", t0.Add(time.Hour), "b")}
	ps = ps.Trim(3, t0.Add(30*time.Minute))
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	if !reflect.DeepEqual(ids, []string{"3", "2b", "2"}) {
		t.Errorf("Trim kept %v, want the newest three since the limit", ids)
	}
	if ps.Find("2") == nil || ps.Find("1") != nil {
		t.Error("Find")
	}
	ps = ps.Remove("2b")
	if len(ps) != 2 || ps.Find("2b") != nil {
		t.Errorf("Remove left %d", len(ps))
	}
	if Hash("a") == Hash("b") || Hash("a") != ps[0].Hash && Hash("c") != ps[0].Hash {
		t.Error("Hash")
	}

	// A window survives a cursor's JSON; nil maps are filled; entries need ids.
	b, err := json.Marshal(ps)
	if err != nil {
		t.Fatal(err)
	}
	var back Posts
	if err := json.Unmarshal(b, &back); err != nil || back.Check() != nil || back[0].Known == nil || back[0].Under == nil {
		t.Errorf("round trip: %v %+v", err, back)
	}
	for _, bad := range []string{`[null]`, `[{"created":1}]`} {
		var w Posts
		if json.Unmarshal([]byte(bad), &w) != nil || w.Check() == nil {
			t.Errorf("Check accepted %s", bad)
		}
	}
}

func TestCollector(t *testing.T) {
	t.Parallel()
	at := time.Unix(1_800_000_000, 0)
	var c Collector
	c.Emit(connectors.Item{ExternalID: "1", Text: "a"})
	c.Emit(connectors.Item{ExternalID: "2", Text: "b"})
	c.Emit(connectors.Item{ExternalID: "1", Text: "a2"})
	if len(c.Items) != 2 || c.Items[0].Text != "a2" || c.Items[1].ExternalID != "2" {
		t.Errorf("items = %+v", c.Items)
	}
	c.Deleted("9", at)
	c.Deleted("9", at.Add(time.Hour))
	if len(c.Deletions) != 1 || !c.Deletions[0].ObservedAt.Equal(at) {
		t.Errorf("deletions = %+v", c.Deletions)
	}
}

func TestSync(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_800_000_000, 0)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	var w Posts
	var m Mark
	type event struct {
		id     string
		edited bool
	}
	run := func(listed []Listed, since time.Time, complete bool) (got []event, gone []string) {
		Sync(&w, &m, listed, since, complete,
			func(i int, edited bool) { got = append(got, event{listed[i].ID, edited}) },
			func(id string) { gone = append(gone, id) })
		return got, gone
	}
	// Newest first, as listings come; one post older than the window.
	got, gone := run([]Listed{{"3", at(3), "c"}, {"2", at(2), "b"}, {"1", at(0), "a"}}, at(1), true)
	if !reflect.DeepEqual(got, []event{{"1", false}, {"2", false}, {"3", false}}) || gone != nil {
		t.Errorf("first sync: emitted %v, gone %v", got, gone)
	}
	if len(w) != 2 || w.Find("1") != nil || m.Time != at(3).Unix() {
		t.Errorf("window %d entries, mark %+v", len(w), m)
	}
	// "2" edited, "3" deleted, "4" new; "1" is below the window.
	got, gone = run([]Listed{{"4", at(4), "d"}, {"2", at(2), "b2"}, {"1", at(0), "a"}}, at(1), true)
	if !reflect.DeepEqual(got, []event{{"2", true}, {"4", false}}) || !reflect.DeepEqual(gone, []string{"3"}) {
		t.Errorf("second sync: emitted %v, gone %v", got, gone)
	}
	// Cut short by the page limit: new posts emitted, no deletion, no mark.
	before := m
	got, gone = run([]Listed{{"6", at(6), "f"}}, at(1), false)
	if !reflect.DeepEqual(got, []event{{"6", false}}) || gone != nil || !reflect.DeepEqual(m, before) {
		t.Errorf("incomplete sync: emitted %v, gone %v, mark %+v (was %+v)", got, gone, m, before)
	}
}

func TestPost_NoteSweep(t *testing.T) {
	t.Parallel()
	p := NewPost("1", time.Unix(1_800_000_000, 0), "post")
	for _, tc := range []struct {
		id, text      string
		emit, changed bool
	}{
		{"a", "hola", true, false}, {"a", "hola", false, false}, {"a", "hola!", true, true}, {"b", "x", true, false},
	} {
		if e, c := p.Note(tc.id, tc.text); e != tc.emit || c != tc.changed {
			t.Errorf("Note(%s, %q) = %v, %v; want %v, %v", tc.id, tc.text, e, c, tc.emit, tc.changed)
		}
	}
	p.Under["b"] = "a"
	if gone := p.Sweep(map[string]bool{"a": true}); !reflect.DeepEqual(gone, []string{"b"}) || len(p.Known) != 1 || len(p.Under) != 0 {
		t.Errorf("Sweep = %v, known %v, under %v", gone, p.Known, p.Under)
	}
}
