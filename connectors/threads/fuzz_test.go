package threads

import (
	"testing"

	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

func FuzzDecodeMedia(f *testing.F) {
	graphfake.Seed(f, "conversation.json", "threads.json", "mentions.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, _, err := decodeMedia(b)
		if err != nil {
			return
		}
		for _, m := range ms {
			if m.ID == "" || m.created.IsZero() {
				t.Fatalf("accepted a media object without id or time: %+v", m)
			}
			for _, r := range []*ref{m.Owner, m.RootPost, m.RepliedTo} {
				if r != nil && r.ID == "" {
					t.Fatalf("kept a reference without id: %+v", m)
				}
			}
		}
	})
}

func FuzzDecodeUser(f *testing.F) {
	graphfake.Seed(f, "me.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if u, err := decodeUser(b); err == nil && u.ID == "" {
			t.Fatal("accepted a profile without id")
		}
	})
}
