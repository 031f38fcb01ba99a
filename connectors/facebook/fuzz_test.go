package facebook

import (
	"net/http"
	"testing"
	"time"
)

func seed(f *testing.F, names ...string) {
	for _, n := range names {
		f.Add(readTestdata(f, n))
	}
	f.Add([]byte(`{"data":[]}`))
	f.Add([]byte(`{"data":null}`))
	f.Add([]byte(``))
}

func FuzzDecodePosts(f *testing.F) {
	seed(f, "published_posts.json", "comments.json")
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
	seed(f, "comments.json", "published_posts.json")
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
	seed(f, "page.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := decodePage(b); err == nil && p.ID == "" {
			t.Fatal("accepted a page without id")
		}
	})
}

func FuzzDecodeGraphError(f *testing.F) {
	seed(f, "error_32.json", "error_190.json", "error_100.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, ok := decodeGraphError(b); ok && e.Code == 0 {
			t.Fatal("accepted an error without code")
		}
	})
}

func FuzzRegainAccess(f *testing.F) {
	f.Add(`{"1":[{"type":"pages","call_count":12,"estimated_time_to_regain_access":17.5}]}`)
	f.Add(`{"call_count":95,"total_time":3,"total_cputime":4}`)
	f.Add(`{"1":[{"estimated_time_to_regain_access":1e308}]}`)
	f.Fuzz(func(t *testing.T, v string) {
		now := time.Unix(1_800_000_000, 0)
		h := http.Header{}
		h.Set("X-Business-Use-Case-Usage", v)
		h.Set("X-App-Usage", v)
		if r, ok := regainAccess(h, now); ok && r.Before(now) {
			t.Fatalf("reset %v before now", r)
		}
	})
}
