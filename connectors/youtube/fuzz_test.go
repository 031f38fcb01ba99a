package youtube

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzDecode feeds every decoder the same bytes: none panics, and what one
// accepts is what the connector relies on (ids, times, raw bytes aligned).
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"items":[null]}`))
	f.Add([]byte(`{"items":[{"id":"x","snippet":{"topLevelComment":{"id":"x","snippet":{"publishedAt":"2026-01-01T00:00:00Z"}}},"replies":{"comments":[null]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if cs, err := decodeChannels(b); err == nil {
			for _, c := range cs {
				if c.ID == "" || c.Uploads == "" || len(c.raw) == 0 || c.Subscribers < 0 {
					t.Errorf("accepted channel %+v", c)
				}
			}
		}
		if vs, _, err := decodePlaylistItems(b); err == nil {
			for _, v := range vs {
				if v.ID == "" || v.Published.IsZero() || len(v.raw) == 0 {
					t.Errorf("accepted video %+v", v)
				}
			}
		}
		check := func(c *commentEntry) {
			if c == nil || c.ID == "" || c.Published.IsZero() || c.Updated.IsZero() || c.Published.Location() != time.UTC {
				t.Errorf("accepted comment %+v", c)
			}
		}
		if ts, _, err := decodeThreads(b); err == nil {
			for _, th := range ts {
				check(th.Top)
				if th.Top.ID != th.ID || th.Total < int64(len(th.Replies)) {
					t.Errorf("accepted thread %+v", th)
				}
				for _, r := range th.Replies {
					check(r)
				}
			}
		}
		if cs, _, err := decodeComments(b); err == nil {
			for _, c := range cs {
				check(c)
			}
		}
		_, _, _ = decodeError(b)
		_ = handleOf(string(b), string(b))
	})
}
