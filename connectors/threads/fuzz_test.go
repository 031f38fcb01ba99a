package threads

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

func FuzzDecodeMedia(f *testing.F) {
	seed(f, "conversation.json", "threads.json", "mentions.json")
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
	seed(f, "me.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if u, err := decodeUser(b); err == nil && u.ID == "" {
			t.Fatal("accepted a profile without id")
		}
	})
}

func FuzzDecodeGraphError(f *testing.F) {
	seed(f, "error_17.json", "error_190.json", "error_100.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, ok := decodeGraphError(b); ok && e.Code == 0 {
			t.Fatal("accepted an error without code")
		}
	})
}

func FuzzRegainAccess(f *testing.F) {
	f.Add(`{"call_count":100,"total_time":3,"total_cputime":4,"estimated_time_to_regain_access":17.5}`)
	f.Add(`{"call_count":95,"total_time":3,"total_cputime":4}`)
	f.Add(`{"estimated_time_to_regain_access":1e308}`)
	f.Fuzz(func(t *testing.T, v string) {
		now := time.Unix(1_800_000_000, 0)
		h := http.Header{}
		h.Set("X-App-Usage", v)
		if r, ok := regainAccess(h, now); ok && r.Before(now) {
			t.Fatalf("reset %v before now", r)
		}
	})
}
