package tiktok

import (
	"encoding/json"
	"testing"
)

// seed adds the testdata answers' data (and the answers themselves).
func seed(f *testing.F, names ...string) {
	for _, n := range names {
		b := readTestdata(f, n)
		f.Add(b)
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(b, &env) == nil {
			f.Add([]byte(env.Data))
		}
	}
	f.Add([]byte(`{"comments":[],"videos":[],"cursor":0,"has_more":false}`))
	f.Add([]byte(``))
}

func FuzzDecodeEnvelope(f *testing.F) {
	seed(f, "business.json", "error_40100.json", "error_40105.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, err := decodeEnvelope(b); err == nil && e.Code == nil {
			t.Fatal("accepted an envelope without code")
		}
	})
}

func FuzzDecodeVideos(f *testing.F) {
	seed(f, "video_list.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		vs, _, err := decodeVideos(b)
		if err != nil {
			return
		}
		for _, v := range vs {
			if v.ItemID == "" || v.created.IsZero() {
				t.Fatalf("accepted a video without id or time: %+v", v)
			}
		}
	})
}

func FuzzDecodeComments(f *testing.F) {
	seed(f, "comment_list.json", "reply_list.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, _, err := decodeComments(b)
		if err != nil {
			return
		}
		for _, c := range cs {
			if c.CommentID == "" || c.created.IsZero() {
				t.Fatalf("accepted a comment without id or time: %+v", c)
			}
			for _, r := range c.ReplyList {
				if r == nil || r.CommentID == "" || r.created.IsZero() || len(r.ReplyList) > 0 {
					t.Fatalf("accepted a bad reply: %+v", r)
				}
			}
		}
	})
}

func FuzzDecodeBusiness(f *testing.F) {
	seed(f, "business.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := decodeBusiness(b); err == nil && p.Username == "" {
			t.Fatal("accepted a profile without username")
		}
	})
}
