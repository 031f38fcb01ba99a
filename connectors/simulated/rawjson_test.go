package simulated

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// TestRawItem_AppendJSON checks that the hand-built raw payload of every item
// version a world serves (hostile texts included) is byte for byte what
// encoding/json makes of the same rawItem, so archives keep the same bytes.
func TestRawItem_AppendJSON(t *testing.T) {
	t.Parallel()
	w := newWorld(t, Config{Seed: 3, Hostile: 0.3, Backfill: 6 * 24 * time.Hour})
	acct := account("ife_mx")
	n, escaped := 0, 0
	for d := dayOf(w.start) - maxSpill; d <= dayOf(epoch.Unix()); d++ {
		for _, it := range w.day(acct, d).items {
			for ver := range it.versions {
				got := w.render("x", acct, it, ver)
				raw := rawItem{
					ID: got.ExternalID, Kind: got.Kind, ParentID: got.ParentID, RootID: got.RootID,
					Author: rawAuthor{ID: got.AuthorID, Handle: got.AuthorHandle, Name: got.AuthorName},
					Own:    got.Own, Text: got.Text, Lang: got.Lang, CreatedAt: got.CreatedAt, EditedAt: got.EditedAt,
					Version: ver, URL: got.URL, Media: got.Media,
				}
				if (ver > 0) == got.EditedAt.IsZero() {
					t.Fatalf("item %s version %d: EditedAt %v", it.id, ver, got.EditedAt)
				}
				want, err := json.Marshal(raw)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Raw, want) {
					t.Fatalf("item %s version %d:\n got %s\nwant %s", it.id, ver, got.Raw, want)
				}
				n++
				if bytes.Contains(want, []byte(`\u`)) {
					escaped++
				}
			}
		}
	}
	if n < 1000 || escaped < 50 {
		t.Fatalf("only %d versions checked, %d of them with \\u escapes", n, escaped)
	}
}

// TestRawItem_AppendJSON_OptionalFields covers what generated items rarely have:
// media with and without their optional fields, and empty optional ids.
func TestRawItem_AppendJSON_OptionalFields(t *testing.T) {
	for _, r := range []rawItem{
		{},
		{ID: "a", Kind: connectors.KindPost, Media: []connectors.Media{{Type: "photo"}, {Type: "video", URL: "https://v/1.mp4"}, {Type: "photo", AltText: "<b>alt</b>"}}},
		{ID: "b", ParentID: "p", RootID: "r", Own: true, CreatedAt: epoch, EditedAt: epoch.Add(time.Hour), Version: 2, Media: []connectors.Media{}},
		{ID: "c", CreatedAt: epoch.Add(1500 * time.Millisecond), EditedAt: epoch.In(mxZone)},
	} {
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.appendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range append([]string{"", "hola", "a\"b\\c", "<script>&amp;</script>", "\x00\x01\b\f\n\r\t\x1f\x7f",
		"\xff\xfe\xc3( fin", "\u2028\u2029", "\u202eabc\u202c", "ñandú 🇲🇽", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc3"}, hostileSnippets...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}
