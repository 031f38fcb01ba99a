package graph

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file          string
		code, subcode int
		transient     bool
	}{
		{"error_32.json", 32, 0, true},
		{"error_190.json", 190, 463, false},
		{"error_100.json", 100, 33, false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			e, ok := DecodeError(readTestdata(t, tc.file))
			if !ok || e.Code != tc.code || e.Subcode != tc.subcode || e.IsTransient != tc.transient {
				t.Errorf("got %+v, %v", e, ok)
			}
		})
	}
	if _, ok := DecodeError([]byte(`{"data":[]}`)); ok {
		t.Error("a list is not an error")
	}
}

func TestRegainAccess(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	for _, tc := range []struct {
		name, header, value string
		want                time.Duration
		ok                  bool
	}{
		{"BUC fractional minutes", "X-Business-Use-Case-Usage", `{"1":[{"type":"instagram","call_count":100,"estimated_time_to_regain_access":17.5}]}`, 17*time.Minute + 30*time.Second, true},
		{"app usage", "X-App-Usage", `{"call_count":100,"estimated_time_to_regain_access":5}`, 5 * time.Minute, true},
		{"zero is nothing", "X-Business-Use-Case-Usage", `{"1":[{"estimated_time_to_regain_access":0}]}`, 0, false},
		{"garbage", "X-App-Usage", `{{`, 0, false},
		{"absurd", "X-App-Usage", `{"estimated_time_to_regain_access":1e308}`, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			h.Set(tc.header, tc.value)
			got, ok := RegainAccess(h, now)
			if ok != tc.ok || ok && !got.Equal(now.Add(tc.want)) {
				t.Errorf("RegainAccess = %v, %v; want now+%v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestMarkSeen(t *testing.T) {
	t.Parallel()
	at := time.Unix(1000, 0)
	var m Mark
	if m.Seen(at, "a") {
		t.Error("the zero mark has seen something")
	}
	m.Advance(at, "a")
	m.Advance(at, "b")
	m.Advance(at.Add(-time.Second), "z")
	for _, tc := range []struct {
		t    time.Time
		id   string
		want bool
	}{
		{at, "a", true}, {at, "b", true}, {at, "c", false},
		{at.Add(-time.Second), "q", true}, {at.Add(time.Second), "a", false},
	} {
		if got := m.Seen(tc.t, tc.id); got != tc.want {
			t.Errorf("Seen(%v, %s) = %v, want %v", tc.t.Unix(), tc.id, got, tc.want)
		}
	}
	m.Advance(at.Add(time.Second), "n")
	if m.Time != 1001 || len(m.IDs) != 1 {
		t.Errorf("mark = %+v", m)
	}
}

func TestWindowTrim(t *testing.T) {
	t.Parallel()
	w := Window{{ID: "a", Created: 10}, {ID: "c", Created: 30}, {ID: "b", Created: 20}, {ID: "old", Created: 1}}
	w.Trim(2, time.Unix(5, 0))
	if len(w) != 2 || w[0].ID != "c" || w[1].ID != "b" {
		t.Errorf("Trim kept %v", ids(w))
	}
	w.Remove("c")
	if len(w) != 1 || w.Post("b") == nil || w.Post("c") != nil {
		t.Errorf("Remove left %v", ids(w))
	}
	if err := (Window{{Created: 1}}).Check(); err == nil {
		t.Error("Check accepted an entry without id")
	}
}

func ids(w Window) string {
	var s []string
	for _, p := range w {
		s = append(s, p.ID)
	}
	return strings.Join(s, ",")
}

func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	s := Settings{}.WithDefaults()
	if err := s.Validate("x"); err != nil {
		t.Fatal(err)
	}
	if s != DefaultSettings() {
		t.Errorf("WithDefaults = %+v, want %+v", s, DefaultSettings())
	}
	if s := (Settings{BaseURL: "https://graph.instagram.com/"}).WithDefaults(); s.BaseURL != "https://graph.instagram.com" {
		t.Errorf("BaseURL = %q, want the trailing slash stripped", s.BaseURL)
	}
	s.APIVersion = "21"
	if err := s.Validate("instagram"); err == nil || !strings.Contains(err.Error(), "instagram: api_version") {
		t.Errorf("Validate = %v, want an error naming instagram: api_version", err)
	}
}

func TestSettingsValidate_Keys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mod  func(*Settings)
		key  string
	}{
		{"base_url scheme", func(s *Settings) { s.BaseURL = "ftp://graph.facebook.com" }, "base_url"},
		{"base_url query", func(s *Settings) { s.BaseURL = "https://graph.facebook.com?x=1" }, "base_url"},
		{"api_version", func(s *Settings) { s.APIVersion = "21" }, "api_version"},
		{"window_posts", func(s *Settings) { s.WindowPosts = -1 }, "window_posts"},
		{"window_age", func(s *Settings) { s.WindowAge = -1 }, "window_age"},
		{"usage_backoff", func(s *Settings) { s.UsageBackoff = 1.5 }, "usage_backoff"},
		{"page_limit", func(s *Settings) { s.PageLimit = 500 }, "page_limit"},
		{"max_pages", func(s *Settings) { s.MaxPages = -3 }, "max_pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := DefaultSettings()
			tc.mod(&s)
			err := s.Validate("facebook")
			if err == nil || !strings.Contains(err.Error(), "facebook: "+tc.key) {
				t.Errorf("Validate = %v, want an error naming %s", err, tc.key)
			}
		})
	}
}

func FuzzDecodeError(f *testing.F) {
	for _, n := range []string{"error_32.json", "error_190.json", "error_100.json"} {
		f.Add(readTestdata(f, n))
	}
	f.Add([]byte(`{"error":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, ok := DecodeError(b); ok && e.Code == 0 {
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
		if r, ok := RegainAccess(h, now); ok && r.Before(now) {
			t.Fatalf("reset %v before now", r)
		}
	})
}

// TestReadNewest_Pinned: an old post listed first (pinned) does not stop
// the reading; a page ending before stop does.
func TestReadNewest_Pinned(t *testing.T) {
	t.Parallel()
	at := func(h int) time.Time { return time.Unix(int64(h)*3600, 0) }
	pages := [][]int{{1, 50, 49}, {48, 47, 46}, {45, 10, 9}, {8, 7, 6}}
	calls := 0
	all, complete, err := ReadNewest(10, at(20), func(h int) time.Time { return at(h) }, func(after string) ([]int, Paging, error) {
		calls++
		var pg Paging
		if calls < len(pages) {
			pg.Next, pg.Cursors.After = "https://graph.facebook.com/next", "c"
		}
		return pages[calls-1], pg, nil
	})
	if err != nil || !complete || calls != 3 || len(all) != 9 {
		t.Errorf("read %d pages, %d items, complete %v, %v; want 3 pages, 9 items, complete", calls, len(all), complete, err)
	}
	calls = 0
	_, complete, _ = ReadNewest(2, at(20), func(h int) time.Time { return at(h) }, func(after string) ([]int, Paging, error) {
		calls++
		pg := Paging{Next: "n"}
		pg.Cursors.After = "c"
		return pages[calls-1], pg, nil
	})
	if complete || calls != 2 {
		t.Errorf("with 2 pages at most: %d calls, complete %v", calls, complete)
	}
}
