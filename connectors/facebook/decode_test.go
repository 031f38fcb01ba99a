package facebook

import (
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

func readTestdata(t testing.TB, name string) []byte { return graphfake.ReadTestdata(t, name) }

func TestDecodePosts(t *testing.T) {
	t.Parallel()
	ps, pg, err := decodePosts(readTestdata(t, "published_posts.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Fatalf("got %d posts, want 1", len(ps))
	}
	p := ps[0]
	if p.ID != "1122334455_998877665544" || p.Message != "Road works on Main Street start Monday." || p.From == nil || p.From.ID != "1122334455" {
		t.Errorf("post = %+v", p)
	}
	if want := time.Date(2026, 8, 20, 8, 0, 0, 0, time.UTC); !p.created.Equal(want) {
		t.Errorf("created = %v, want %v", p.created, want)
	}
	if want := time.Date(2026, 8, 20, 9, 20, 11, 0, time.UTC); !p.updated.Equal(want) {
		t.Errorf("updated = %v, want %v", p.updated, want)
	}
	if after, ok := pg.More(); !ok || after != "QVFIUkNPZAGF0cHZAYVWFHLWdlOTd2" {
		t.Errorf("more = %q, %v", after, ok)
	}
	if len(p.raw) == 0 {
		t.Error("no raw payload")
	}
}

func TestDecodeComments(t *testing.T) {
	t.Parallel()
	cs, pg, err := decodeComments(readTestdata(t, "comments.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("got %d comments, want 2", len(cs))
	}
	if cs[0].Parent != nil || cs[0].From.ID != "7000000000000001" || !cs[0].CanHide {
		t.Errorf("top-level comment = %+v", cs[0])
	}
	if cs[1].Parent == nil || cs[1].Parent.ID != "998877665544_1200000000000001" || cs[1].From.ID != "1122334455" {
		t.Errorf("reply = %+v", cs[1])
	}
	if _, ok := pg.More(); ok {
		t.Error("a page without next must be the last")
	}
}

func TestDecodePage(t *testing.T) {
	t.Parallel()
	p, err := decodePage(readTestdata(t, "page.json"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "1122334455" || p.Username != "cityofexample" || p.FollowersCount != 15234 || p.Picture == nil || p.Picture.Data.URL == "" || p.VerificationStatus != "blue_verified" {
		t.Errorf("page = %+v", p)
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"not json":     `<html>`,
		"no data":      `{"paging":{}}`,
		"data object":  `{"data":{}}`,
		"no id":        `{"data":[{"created_time":"2026-08-20T08:00:00+0000"}]}`,
		"bad time":     `{"data":[{"id":"1","created_time":"yesterday"}]}`,
		"truncated":    `{"data":[{"id":"1","created_time":"2026-08-20T08:00:00+0000"}`,
		"data is null": `{"data":null}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, _, err := decodePosts([]byte(body)); err == nil {
				t.Error("decodePosts accepted it")
			}
			if _, _, err := decodeComments([]byte(body)); err == nil {
				t.Error("decodeComments accepted it")
			}
		})
	}
	if _, err := decodePage([]byte(`{"name":"x"}`)); err == nil {
		t.Error("decodePage accepted a page without id")
	}
}
