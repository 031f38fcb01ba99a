package instagram

import (
	"testing"

	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

func FuzzDecodeMedia(f *testing.F) {
	graphfake.Seed(f, "media.json", "tags.json", "comments.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, _, err := decodeMedia(b)
		if err != nil {
			return
		}
		for _, m := range ms {
			if m.ID == "" || m.created.IsZero() {
				t.Fatalf("accepted a media without id or time: %+v", m)
			}
		}
	})
}

func FuzzDecodeComments(f *testing.F) {
	graphfake.Seed(f, "comments.json", "replies.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, nested := range []bool{true, false} {
			cs, _, err := decodeComments(b, nested)
			if err != nil {
				continue
			}
			for _, c := range cs {
				if c.ID == "" || c.created.IsZero() || (c.From != nil && c.From.ID == "") {
					t.Fatalf("accepted a bad comment: %+v", c)
				}
				if !nested && (c.Replies != nil || len(c.replies) > 0) {
					t.Fatalf("accepted a reply with replies: %+v", c)
				}
				for _, r := range c.replies {
					if r.ID == "" || r.created.IsZero() || r.Replies != nil {
						t.Fatalf("accepted a bad reply: %+v", r)
					}
				}
			}
		}
	})
}

func FuzzDecodeAccount(f *testing.F) {
	graphfake.Seed(f, "user.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := decodeAccount(b); err == nil && (a.ID == "" || a.Username == "") {
			t.Fatal("accepted an account without id or username")
		}
	})
}
