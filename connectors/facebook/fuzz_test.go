package facebook

import (
	"testing"

	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

func FuzzDecodePosts(f *testing.F) {
	graphfake.Seed(f, "published_posts.json", "comments.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, _, err := decodePosts(b)
		if err != nil {
			return
		}
		for _, p := range ps {
			if p.ID == "" || p.created.IsZero() {
				t.Fatalf("accepted a post without id or time: %+v", p)
			}
		}
	})
}

func FuzzDecodeComments(f *testing.F) {
	graphfake.Seed(f, "comments.json", "published_posts.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, _, err := decodeComments(b)
		if err != nil {
			return
		}
		for _, c := range cs {
			if c.ID == "" || c.created.IsZero() || (c.Parent != nil && c.Parent.ID == "") {
				t.Fatalf("accepted a bad comment: %+v", c)
			}
		}
	})
}

func FuzzDecodePage(f *testing.F) {
	graphfake.Seed(f, "page.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := decodePage(b); err == nil && p.ID == "" {
			t.Fatal("accepted a page without id")
		}
	})
}
