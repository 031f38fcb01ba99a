package youtube

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// replayServer serves testdata files: path → file, with a status.
type replayServer struct {
	t      *testing.T
	srv    *httptest.Server
	routes map[string]route
	hits   atomic.Int64
}

type route struct {
	file   string
	status int
	header map[string]string
}

func newReplay(t *testing.T, routes map[string]route) *replayServer {
	t.Helper()
	rs := &replayServer{t: t, routes: routes}
	rs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.hits.Add(1)
		if r.Header.Get("X-Goog-Api-Key") != testToken {
			t.Errorf("%s: no API key header", r.URL.Path)
		}
		name := strings.TrimPrefix(r.URL.Path, "/youtube/v3/")
		rt, ok := rs.routes[name]
		if !ok {
			t.Errorf("unexpected request %s", r.URL)
			w.WriteHeader(http.StatusNotFound)
			return
		}
		body, err := os.ReadFile(filepath.Join("testdata", rt.file))
		if err != nil {
			t.Error(err)
			return
		}
		if r.URL.Query().Get("pageToken") != "" && rt.status == 0 {
			// The recorded page is the first; the next one is empty.
			body = []byte(`{"kind": "youtube#listResponse", "etag": "e0", "pageInfo": {"totalResults": 0, "resultsPerPage": 0}, "items": []}`)
		}
		for k, v := range rt.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		if rt.status == 0 {
			rt.status = http.StatusOK
		}
		w.WriteHeader(rt.status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(rs.srv.Close)
	return rs
}

// replayConnector builds a connector against rs at the instant *now.
func replayConnector(t *testing.T, rs *replayServer, now *atomic.Int64, cfg Config) *Connector {
	t.Helper()
	cfg.BaseURL = rs.srv.URL
	c, err := New(cfg, connectors.Deps{
		HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond}),
		Now:  func() time.Time { return time.Unix(0, now.Load()).UTC() },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func replayAccount() connectors.Account {
	a := testAccount()
	a.ExternalID = "UCd6cIFEtvR4Mm5aBm9l1Qdw"
	return a
}

var okRoutes = map[string]route{
	"channels":       {file: "channels.json"},
	"playlistItems":  {file: "playlist_items.json"},
	"commentThreads": {file: "comment_threads.json"},
	"comments":       {file: "comments.json"},
}

// rawItem returns the JSON object at items[i] (and the path under it) of a
// testdata file, compacted.
func rawOf(t *testing.T, file string, pick func(v any) any) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(pick(v))
	return string(out)
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("raw %q: %v", b, err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func TestPoll_RecordedPayloads(t *testing.T) {
	t.Parallel()
	rs := newReplay(t, okRoutes)
	var now atomic.Int64
	now.Store(time.Date(2026, 8, 27, 9, 0, 0, 0, time.UTC).UnixNano())
	c := replayConnector(t, rs, &now, Config{})
	b, err := c.Poll(context.Background(), replayAccount(), nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]connectors.Item{}
	for _, it := range b.Items {
		byID[it.ExternalID] = it
	}
	if len(b.Items) != 6 {
		t.Errorf("got %d items, want 6 (a video, two comments, three replies)", len(b.Items))
	}
	v := byID["dQw4w9WgXcQ"]
	if v.Kind != connectors.KindPost || !v.Own || v.Text != "Credencial para votar: ¿cómo tramitarla?\nTe explicamos los requisitos.\n\nMás información: https://www.ife.org.mx/credencial" ||
		!v.CreatedAt.Equal(time.Date(2026, 8, 19, 15, 0, 0, 0, time.UTC)) || v.AuthorHandle != "ifetv" || v.URL != "https://www.youtube.com/watch?v=dQw4w9WgXcQ" {
		t.Errorf("video = %+v", v)
	}
	top := byID["UgzAbCdEfGh123"]
	if top.Kind != connectors.KindComment || top.ParentID != "dQw4w9WgXcQ" || top.RootID != "dQw4w9WgXcQ" || top.Own ||
		top.AuthorID != "UCpetra000" || top.AuthorHandle != "petra_s" || top.AuthorName != "@petra_s" ||
		top.Text != "¿Cuándo abren el módulo de Iztapalapa? <b>urgente</b>" ||
		!top.EditedAt.Equal(time.Date(2026, 8, 20, 12, 30, 0, 0, time.UTC)) {
		t.Errorf("top-level comment = %+v", top)
	}
	own := byID["UgzAbCdEfGh123.9xYzAbCdEf0"]
	if own.Kind != connectors.KindReply || own.ParentID != "UgzAbCdEfGh123" || own.RootID != "dQw4w9WgXcQ" || !own.Own ||
		own.AuthorHandle != "ifetv" || !own.EditedAt.IsZero() {
		t.Errorf("own reply = %+v", own)
	}
	edited := byID["UgzAbCdEfGh123.9xYzAbCdEf2"]
	if edited.Own || !edited.EditedAt.Equal(time.Date(2026, 8, 20, 13, 15, 0, 0, time.UTC)) || edited.AuthorHandle != "jgarcia" {
		t.Errorf("edited reply (beyond the embedded one) = %+v", edited)
	}
	chanComment := byID["UgxChannelOnly77"]
	if chanComment.Kind != connectors.KindMention || chanComment.ParentID != "" || chanComment.AuthorHandle != "beto_oax" || chanComment.AuthorName != "Beto desde Oaxaca" {
		t.Errorf("comment on the channel = %+v", chanComment)
	}
	// Raw is each object as received.
	if got, want := compact(t, top.Raw), rawOf(t, "comment_threads.json", func(v any) any {
		return v.(map[string]any)["items"].([]any)[0].(map[string]any)["snippet"].(map[string]any)["topLevelComment"]
	}); got != want {
		t.Errorf("top-level Raw = %s, want %s", got, want)
	}
	if got, want := compact(t, edited.Raw), rawOf(t, "comments.json", func(v any) any { return v.(map[string]any)["items"].([]any)[2] }); got != want {
		t.Errorf("reply Raw = %s, want %s", got, want)
	}
	if !bytes.Contains(v.Raw, []byte(`"videoPublishedAt": "2026-08-19T15:00:00Z"`)) {
		t.Errorf("video Raw is not the playlist item as received: %s", v.Raw)
	}
	p := b.Profile
	if p == nil || p.ExternalID != "UCd6cIFEtvR4Mm5aBm9l1Qdw" || p.Handle != "ifetv" || p.DisplayName != "IFE TV" || p.Followers != 184000 ||
		p.AvatarURL != "https://yt3.ggpht.com/ytc/AIdro_kIFE=s800-c-k-c0x00ffffff-no-rj" || p.Link != "https://www.youtube.com/@ifetv" ||
		!strings.HasPrefix(p.Bio, "Canal oficial del Instituto Federal Electoral.\n") {
		t.Errorf("profile = %+v", p)
	}
	// channels, playlistItems, commentThreads, comments?parentId (3 replies, 1 embedded).
	wantReset := time.Date(2026, 8, 28, 7, 0, 0, 0, time.UTC) // midnight PDT
	if b.Budget.Calls != 4 || rs.hits.Load() != 4 || b.Budget.Remaining != DefaultDailyUnits-4 || !b.Budget.Reset.Equal(wantReset) || b.Budget.Items != 8 {
		t.Errorf("budget = %+v after %d requests, want 4 calls, %d left, reset %v", b.Budget, rs.hits.Load(), DefaultDailyUnits-4, wantReset)
	}

	// The next poll finds nothing new and re-reads the hidden replies once
	// more at most (ReplyRechecks): channels, two pages of playlistItems
	// (back to the newest video, older than the window), commentThreads,
	// comments.
	now.Add(int64(time.Hour))
	b2, err := c.Poll(context.Background(), replayAccount(), b.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(b2.Items) != 0 || len(b2.Deletions) != 0 || b2.Budget.Calls != 5 || b2.Budget.Remaining != DefaultDailyUnits-9 {
		t.Errorf("second poll: %d items, %d deletions, budget %+v", len(b2.Items), len(b2.Deletions), b2.Budget)
	}
}

func TestPoll_Errors(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC) // 10:00 PST
	pacificMidnight := time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		rt     route
		check  func(err error) bool
		detail string
	}{
		{"quotaExceeded is rate limited until midnight Pacific", route{file: "error_quota.json", status: 403},
			func(err error) bool {
				var rl *connectors.RateLimitError
				return errors.As(err, &rl) && rl.Reset.Equal(pacificMidnight)
			}, "quotaExceeded"},
		{"rateLimitExceeded without Retry-After waits RateLimitFallback", route{file: "error_rate_limit.json", status: 403},
			func(err error) bool {
				var rl *connectors.RateLimitError
				return errors.As(err, &rl) && rl.Reset.Equal(at.Add(connectors.RateLimitFallback))
			}, "rateLimitExceeded"},
		{"rateLimitExceeded with Retry-After waits that long", route{file: "error_rate_limit.json", status: 429, header: map[string]string{"Retry-After": "120"}},
			func(err error) bool {
				var rl *connectors.RateLimitError
				return errors.As(err, &rl) && rl.Reset.Equal(at.Add(2*time.Minute))
			}, "rateLimitExceeded"},
		{"401 authError is auth", route{file: "error_auth.json", status: 401},
			func(err error) bool { return errors.Is(err, connectors.ErrAuth) }, "authError"},
		{"an invalid API key (400) is auth", route{file: "error_key_invalid.json", status: 400},
			func(err error) bool { return errors.Is(err, connectors.ErrAuth) }, "API_KEY_INVALID"},
		{"channelNotFound is not found", route{file: "error_channel_not_found.json", status: 404},
			func(err error) bool { return errors.Is(err, connectors.ErrNotFound) }, "channelNotFound"},
		{"videoNotFound is not found", route{file: "error_video_not_found.json", status: 404},
			func(err error) bool { return errors.Is(err, connectors.ErrNotFound) }, "videoNotFound"},
		{"commentsDisabled is transient, not auth", route{file: "error_comments_disabled.json", status: 403},
			func(err error) bool { return connectors.Reason(err) == connectors.ReasonTransient }, "commentsDisabled"},
		{"backendError is transient after the retries", route{file: "error_backend.json", status: 500},
			func(err error) bool { return connectors.Reason(err) == connectors.ReasonTransient }, "backendError"},
		{"a channels answer without items is not found", route{file: "channels_empty.json"},
			func(err error) bool { return errors.Is(err, connectors.ErrNotFound) }, "no channel"},
		{"an HTML body is malformed", route{file: "not_json.html"},
			func(err error) bool { return errors.Is(err, connectors.ErrMalformed) }, "decode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			routes := map[string]route{"channels": tc.rt}
			rs := newReplay(t, routes)
			var now atomic.Int64
			now.Store(at.UnixNano())
			c := replayConnector(t, rs, &now, Config{})
			b, err := c.Poll(context.Background(), replayAccount(), nil)
			if !tc.check(err) {
				t.Fatalf("error %v is not the right kind", err)
			}
			if !strings.Contains(err.Error(), tc.detail) || strings.Contains(err.Error(), testToken) {
				t.Errorf("error %q: want it to name %q, without the key", err, tc.detail)
			}
			if b.Cursor != nil || b.Items != nil {
				t.Errorf("a failed poll returned %+v", b)
			}
		})
	}
}

func TestPoll_ChannelWithoutUploads(t *testing.T) {
	t.Parallel()
	routes := map[string]route{}
	for k, v := range okRoutes {
		routes[k] = v
	}
	routes["playlistItems"] = route{file: "error_playlist_not_found.json", status: 404}
	rs := newReplay(t, routes)
	var now atomic.Int64
	now.Store(time.Date(2026, 8, 27, 9, 0, 0, 0, time.UTC).UnixNano())
	c := replayConnector(t, rs, &now, Config{})
	b, err := c.Poll(context.Background(), replayAccount(), nil)
	if err != nil {
		t.Fatalf("a channel without uploads: %v", err)
	}
	for _, it := range b.Items {
		if it.Kind == connectors.KindPost {
			t.Errorf("a video from a missing playlist: %+v", it)
		}
	}
	if len(b.Items) != 5 || b.Profile == nil {
		t.Errorf("%d items (want the 5 comments and replies), profile %v", len(b.Items), b.Profile)
	}
}

func TestPoll_QuotaExceededStopsUntilPacificMidnight(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC) // Mar 7 22:30 PST; DST begins at 2:00 on Mar 8
	reset := time.Date(2026, 3, 8, 8, 0, 0, 0, time.UTC)
	rs := newReplay(t, map[string]route{"channels": {file: "error_quota.json", status: 403}})
	var now atomic.Int64
	now.Store(at.UnixNano())
	c := replayConnector(t, rs, &now, Config{})
	var rl *connectors.RateLimitError
	if _, err := c.Poll(context.Background(), replayAccount(), nil); !errors.As(err, &rl) || !rl.Reset.Equal(reset) {
		t.Fatalf("first poll: %v, want rate limited until %v", err, reset)
	}
	// Until the reset the connector does not call at all: every account on
	// the project waits.
	other := replayAccount()
	other.ID = "otra-cuenta"
	now.Store(reset.Add(-time.Second).UnixNano())
	if _, err := c.Poll(context.Background(), other, nil); !errors.As(err, &rl) || !rl.Reset.Equal(reset) {
		t.Fatalf("poll before the reset: %v", err)
	}
	if rs.hits.Load() != 1 {
		t.Errorf("%d requests, want 1: the connector called while the quota was exhausted", rs.hits.Load())
	}
	// At the reset it calls again.
	rs.routes["channels"] = okRoutes["channels"]
	rs.routes["playlistItems"] = okRoutes["playlistItems"]
	rs.routes["commentThreads"] = okRoutes["commentThreads"]
	rs.routes["comments"] = okRoutes["comments"]
	now.Store(reset.UnixNano())
	b, err := c.Poll(context.Background(), replayAccount(), nil)
	if err != nil {
		t.Fatalf("poll after the reset: %v", err)
	}
	// The next reset is midnight PDT, 23 hours later.
	if !b.Budget.Reset.Equal(time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC)) || b.Budget.Remaining != DefaultDailyUnits-b.Budget.Calls {
		t.Errorf("budget after the reset = %+v", b.Budget)
	}
}
