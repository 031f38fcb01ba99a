package x

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
		want string // substring of the error; "" for valid
	}{
		{"zero value is valid", Config{}, ""},
		{"defaults", DefaultConfig(), ""},
		{"http base for tests", Config{BaseURL: "http://127.0.0.1:8080"}, ""},
		{"base with a path prefix", Config{BaseURL: "https://proxy.example/x"}, ""},
		{"base not http", Config{BaseURL: "ftp://api.x.com"}, "base_url"},
		{"base without host", Config{BaseURL: "https://"}, "base_url"},
		{"base with /2", Config{BaseURL: "https://api.x.com/2"}, "without /2"},
		{"base with credentials", Config{BaseURL: "https://u:p@api.x.com"}, "credentials"},
		{"base with query", Config{BaseURL: "https://api.x.com/?a=b"}, "query"},
		{"window_posts too big", Config{WindowPosts: 101}, "window_posts"},
		{"window_posts negative", Config{WindowPosts: -1}, "window_posts"},
		{"window_age negative", Config{WindowAge: -time.Hour}, "window_age"},
		{"max_results too small", Config{MaxResults: 5}, "max_results"},
		{"max_results too big", Config{MaxResults: 500}, "max_results"},
		{"recheck_interval negative", Config{RecheckInterval: -1}, "recheck_interval"},
		{"recheck_replies too many", Config{RecheckReplies: MaxRecheckReplies + 1}, "recheck_replies"},
		{"profile_interval negative", Config{ProfileInterval: -1}, "profile_interval"},
		{"backfill negative", Config{Backfill: -1}, "backfill"},
		{"query_length too short", Config{QueryLength: 10}, "query_length"},
		{"query_length too long", Config{QueryLength: 5000}, "query_length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate = %v, want an error naming %q", err, tc.want)
			case err != nil && !strings.HasPrefix(err.Error(), "x: "):
				t.Fatalf("error %q lacks the x: prefix", err)
			}
		})
	}
}

func TestNewFactory(t *testing.T) {
	t.Parallel()
	deps := connectors.Deps{HTTP: testHTTP()}
	decodeYAML := func(src string) func(v any) error {
		return func(v any) error {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(src), &n); err != nil {
				return err
			}
			if len(n.Content) == 0 {
				return nil
			}
			return n.Content[0].Decode(v)
		}
	}
	t.Run("absent section takes the defaults", func(t *testing.T) {
		t.Parallel()
		conn, err := NewFactory()(func(any) error { return nil }, deps)
		if err != nil {
			t.Fatal(err)
		}
		if got := conn.(*Connector).Config(); got != DefaultConfig() {
			t.Errorf("config = %+v, want the defaults", got)
		}
		if conn.Network() != "x" {
			t.Errorf("Network() = %q", conn.Network())
		}
	})
	t.Run("keys override the defaults", func(t *testing.T) {
		t.Parallel()
		conn, err := NewFactory()(decodeYAML("window_posts: 5\nwindow_age: 72h\nrecheck_interval: 0s\nquery_length: 4096\n"), deps)
		if err != nil {
			t.Fatal(err)
		}
		got := conn.(*Connector).Config()
		want := DefaultConfig()
		want.WindowPosts, want.WindowAge, want.RecheckInterval, want.QueryLength = 5, 72*time.Hour, 0, 4096
		if got != want {
			t.Errorf("config = %+v, want %+v", got, want)
		}
	})
	t.Run("a bad value names its key", func(t *testing.T) {
		t.Parallel()
		_, err := NewFactory()(decodeYAML("max_results: 1000\n"), deps)
		if err == nil || !strings.Contains(err.Error(), "max_results") {
			t.Errorf("error = %v, want one naming max_results", err)
		}
	})
	t.Run("no HTTP client", func(t *testing.T) {
		t.Parallel()
		if _, err := New(Config{}, connectors.Deps{}); err == nil {
			t.Error("New without an HTTP client succeeded")
		}
	})
}

func account(extID string) connectors.Account {
	return connectors.Account{ID: "cncs-x", Network: Network, Handle: "@IFEMexico", ExternalID: extID,
		Credentials: map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)}}
}

func TestPoll_BadAccount(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s", r.URL)
	}))
	defer srv.Close()
	c, err := New(testConfig(srv.URL), connectors.Deps{HTTP: testHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	noToken := account("150834129")
	noToken.Credentials = nil
	badHandle := account("")
	badHandle.Handle = "ife.org.mx"
	for _, tc := range []struct {
		name string
		acct connectors.Account
		cur  string
		want error
	}{
		{"no token", noToken, "", connectors.ErrAuth},
		{"external id not numeric", account("IFEMexico"), "", connectors.ErrNotFound},
		{"handle not an X username", badHandle, "", connectors.ErrNotFound},
		{"cursor not JSON", account("150834129"), "garbage", connectors.ErrMalformed},
		{"cursor of another version", account("150834129"), `{"v":99}`, connectors.ErrMalformed},
		{"cursor with a bad id", account("150834129"), `{"v":1,"posts":{"since":"1 OR 1"}}`, connectors.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := c.Poll(context.Background(), tc.acct, connectors.Cursor(tc.cur))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Poll error = %v, want %v", err, tc.want)
			}
			if b.Cursor != nil || len(b.Items) > 0 {
				t.Errorf("a failed poll returned %+v", b)
			}
		})
	}
}

// scenario is a small hand-made scenario for targeted tests: n own posts,
// one an hour from start, each with one comment ten minutes later.
func scenario(start time.Time, n int) *connectortest.Scenario {
	sc := &connectortest.Scenario{
		Start: start, End: start.Add(time.Duration(n) * time.Hour),
		Account: connectortest.ScenarioAccount{ID: "109000000000000001", Handle: "ife_mx", DisplayName: "IFE", Bio: "Cuenta oficial"},
		Users:   []connectortest.ScenarioUser{{ID: "109555000000000100", Handle: "ana_mtz", Name: "Ana"}},
	}
	seq := 0
	id := func(at time.Time) string {
		seq++
		return strconv.FormatUint(uint64(at.UnixMilli())<<16|uint64(seq), 10)
	}
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(i) * time.Hour)
		pid := id(at)
		sc.Items = append(sc.Items, connectortest.ScenarioItem{ID: pid, Kind: connectors.KindPost, AuthorID: sc.Account.ID, Own: true,
			Versions: []connectortest.Version{{Text: fmt.Sprintf("Aviso %d", i), At: at}}})
		ct := at.Add(10 * time.Minute)
		sc.Items = append(sc.Items, connectortest.ScenarioItem{ID: id(ct), Kind: connectors.KindComment, ParentID: pid, RootID: pid,
			AuthorID: "109555000000000100", Versions: []connectortest.Version{{Text: "@ife_mx ¿y el horario?", At: ct}}})
	}
	return sc
}

type fakeRun struct {
	c    *Connector
	fake *fakeX
	now  time.Time
	cur  connectors.Cursor
	acct connectors.Account
}

func newFakeRun(t *testing.T, sc *connectortest.Scenario, cfg Config) *fakeRun {
	t.Helper()
	r := &fakeRun{now: sc.End.Add(time.Minute)}
	r.fake = newFakeX(t, sc, func() time.Time { return r.now }, testToken)
	srv := httptest.NewServer(r.fake)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	var err error
	r.c, err = New(cfg, connectors.Deps{HTTP: testHTTP(), Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return r.now }})
	if err != nil {
		t.Fatal(err)
	}
	r.acct = connectors.Account{ID: "ife", Network: Network, Handle: sc.Account.Handle, ExternalID: sc.Account.ID,
		Credentials: map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)}}
	return r
}

// poll polls until More is clear, returning the batches.
func (r *fakeRun) poll(t *testing.T) []connectors.Batch {
	t.Helper()
	var out []connectors.Batch
	for i := 0; i < 100; i++ {
		b, err := r.c.Poll(context.Background(), r.acct, r.cur)
		if err != nil {
			t.Fatalf("Poll: %v", err)
		}
		out = append(out, b)
		if b.Cursor != nil {
			r.cur = b.Cursor
		}
		if !b.More {
			return out
		}
	}
	t.Fatal("More never cleared")
	return nil
}

func TestPoll_Window(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	sc := scenario(start, 30)
	cfg := DefaultConfig()
	cfg.WindowPosts = 12
	cfg.WindowAge = 20 * time.Hour
	cfg.MaxResults = 10
	r := newFakeRun(t, sc, cfg)
	bs := r.poll(t)
	items := map[string]bool{}
	for _, b := range bs {
		for _, it := range b.Items {
			items[it.ExternalID] = true
		}
	}
	if len(items) != 60 {
		t.Errorf("archived %d items, want 60", len(items))
	}
	st, err := decodeCursor(r.cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Window) != 12 {
		t.Errorf("window holds %d posts, want 12", len(st.Window))
	}
	for _, w := range st.Window {
		if time.Unix(w.At, 0).Before(r.now.Add(-cfg.WindowAge)) {
			t.Errorf("window post %s from %v is older than window_age", w.ID, time.Unix(w.At, 0).UTC())
		}
		if len(w.Replies) != 1 {
			t.Errorf("window post %s tracks %d replies, want 1", w.ID, len(w.Replies))
		}
	}
	// Steady state: one request per endpoint, the window's 12 conversations
	// in one search query (12 × 35 characters fit in 512), and one lookup.
	r.now = r.now.Add(2 * time.Hour)
	before := len(r.fake.Requests())
	bs = r.poll(t)
	reqs := r.fake.Requests()[before:]
	if len(bs) != 1 || len(bs[0].Items) != 0 || bs[0].Budget.Calls != len(reqs) {
		t.Errorf("steady poll: %d batches, budget %+v, %d requests", len(bs), bs[0].Budget, len(reqs))
	}
	var paths []string
	for _, q := range reqs {
		p, _, _ := strings.Cut(q, "?")
		paths = append(paths, p)
	}
	want := "GET /2/users/109000000000000001 GET /2/users/109000000000000001/tweets GET /2/users/109000000000000001/mentions GET /2/tweets/search/recent GET /2/tweets"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("steady requests:\n got %s\nwant %s", got, want)
	}
}

func TestPack_QueryLength(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{MinQueryLength, 100, 512, 4096} {
		cfg := DefaultConfig()
		cfg.QueryLength = limit
		c, err := New(cfg, connectors.Deps{HTTP: testHTTP()})
		if err != nil {
			t.Fatal(err)
		}
		p := &poller{c: c}
		var ids []string
		for i := 0; i < 100; i++ {
			ids = append(ids, strconv.FormatUint(2028485477790647506+uint64(i)*1000, 10))
		}
		groups := p.pack(ids)
		n := 0
		for _, g := range groups {
			n += len(g)
			if q := searchQuery(g); len(q) > limit {
				t.Errorf("limit %d: query of %d characters", limit, len(q))
			}
			for i := 1; i < len(g); i++ {
				if !idLess(g[i], g[i-1]) {
					t.Errorf("limit %d: group not newest first", limit)
				}
			}
		}
		if n != len(ids) {
			t.Errorf("limit %d: %d ids packed, want %d", limit, n, len(ids))
		}
		if limit == 512 && len(groups[0]) != 13 {
			t.Errorf("512 characters hold %d conversations, want 13", len(groups[0]))
		}
	}
}

func TestResetHeader(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"1772475300", time.Unix(1772475300, 0), true},
		{"1772475300.345", time.Unix(1772475300, 345e6), true},
		{"1772475300.000000001", time.Unix(1772475300, 1), true},
		{"", time.Time{}, false},
		{"soon", time.Time{}, false},
		{"60", time.Time{}, false},
		{"1772475300.1234567890", time.Time{}, false},
		{"1772475300.-5", time.Time{}, false},
	} {
		h := http.Header{}
		h.Set("x-rate-limit-reset", tc.in)
		got, ok := resetHeader(h)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("resetHeader(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestUnescapeText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Tom &amp; Jerry":                "Tom & Jerry",
		"&lt;script&gt;":                 "<script>",
		"&amp;lt; stays one level":       "&lt; stays one level",
		"&quot;kept&quot; &#39;too&#39;": "&quot;kept&quot; &#39;too&#39;",
		"sin entidades":                  "sin entidades",
	} {
		if got := unescapeText(in); got != want {
			t.Errorf("unescapeText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProbe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{"ok", 200, `{"data":{"id":"150834129","name":"IFE México","username":"IFEMexico"}}`, nil},
		{"unauthorized", 401, `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`, connectors.ErrAuth},
		{"gone", 200, `{"errors":[{"title":"Not Found Error","type":"https://api.twitter.com/2/problems/resource-not-found","detail":"Could not find user with id: [150834129]."}]}`, connectors.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/2/users/150834129" {
					t.Errorf("probe requested %s", r.URL.Path)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := New(testConfig(srv.URL), connectors.Deps{HTTP: testHTTP()})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Probe(context.Background(), account("150834129")); !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
				t.Errorf("Probe = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestPoll_TokenNeverLeaks has a server echo the token in its error detail.
func TestPoll_TokenNeverLeaks(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"title":"Forbidden","detail":"token %s is not enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}`,
			strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer srv.Close()
	c, err := New(testConfig(srv.URL), connectors.Deps{HTTP: testHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Poll(context.Background(), account("150834129"), nil)
	if !errors.Is(err, connectors.ErrAuth) {
		t.Fatalf("Poll = %v, want ErrAuth", err)
	}
	if msg := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(msg, testToken) {
		t.Errorf("the token leaks: %s", msg)
	}
}

// TestPoll_RawIsExact checks that Item.Raw is the post object byte for byte.
func TestPoll_RawIsExact(t *testing.T) {
	t.Parallel()
	post := `{"id":"2028485477790647506","text":"Tom &amp; Jerry \u00e9","author_id":"150834129","created_at":"2026-03-02T15:00:00.000Z","edit_history_tweet_ids":["2028485477790647506"]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch route(r.URL.Path) {
		case "tweets":
			fmt.Fprintf(w, `{"data":[ %s ],"meta":{"result_count":1,"newest_id":"2028485477790647506"}}`, post)
		case "user":
			fmt.Fprint(w, `{"data":{"id":"150834129","name":"IFE","username":"IFEMexico"}}`)
		case "lookup":
			fmt.Fprint(w, `{}`)
		default:
			fmt.Fprint(w, `{"meta":{"result_count":0}}`)
		}
	}))
	defer srv.Close()
	c, err := New(testConfig(srv.URL), connectors.Deps{HTTP: testHTTP(), Now: func() time.Time { return defaultNow }})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Poll(context.Background(), account("150834129"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 1 {
		t.Fatalf("%d items", len(b.Items))
	}
	if got := string(b.Items[0].Raw); got != post {
		t.Errorf("Raw = %s\nwant  %s", got, post)
	}
	if got := b.Items[0].Text; got != "Tom & Jerry é" {
		t.Errorf("Text = %q", got)
	}
}

// TestPoll_ExternalIDChanged checks that a cursor written for another user
// id is not used for the configured one.
func TestPoll_ExternalIDChanged(t *testing.T) {
	t.Parallel()
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path+"?"+r.URL.Query().Get("since_id"))
		if route(r.URL.Path) == "user" {
			fmt.Fprint(w, `{"data":{"id":"42","name":"IFE","username":"IFEMexico"}}`)
			return
		}
		fmt.Fprint(w, `{"meta":{"result_count":0}}`)
	}))
	defer srv.Close()
	c, err := New(testConfig(srv.URL), connectors.Deps{HTTP: testHTTP(), Now: func() time.Time { return defaultNow }})
	if err != nil {
		t.Fatal(err)
	}
	cur := `{"v":1,"uid":"150834129","posts":{"since":"2028485477790647506"},"profiled":1772474400,"checked":1772474400}`
	if _, err := c.Poll(context.Background(), account("42"), connectors.Cursor(cur)); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if strings.Contains(p, "150834129") || strings.Contains(p, "2028485477790647506") {
			t.Errorf("request %s uses the old account's cursor", p)
		}
	}
}

// TestPoll_BudgetRemaining checks that the budget reports the endpoint
// closest to its limit.
func TestPoll_BudgetRemaining(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rem := map[string]string{"user": "299", "tweets": "9000", "mentions": "17", "lookup": "3000", "search": "440"}[route(r.URL.Path)]
		w.Header().Set("x-rate-limit-remaining", rem)
		w.Header().Set("x-rate-limit-limit", "450")
		w.Header().Set("x-rate-limit-reset", "1772475300")
		if route(r.URL.Path) == "user" {
			fmt.Fprint(w, `{"data":{"id":"150834129","name":"IFE","username":"IFEMexico"}}`)
			return
		}
		fmt.Fprint(w, `{"meta":{"result_count":0}}`)
	}))
	defer srv.Close()
	c, err := New(testConfig(srv.URL), connectors.Deps{HTTP: testHTTP(), Now: func() time.Time { return defaultNow }})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Poll(context.Background(), account("150834129"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.Budget.Remaining != 17 || !b.Budget.Reset.Equal(time.Unix(1772475300, 0)) || b.Budget.Calls != 3 {
		t.Errorf("budget = %+v, want 17 remaining until 1772475300 after 3 calls", b.Budget)
	}
}

// TestPoll_SinceBeyondReach checks that a search group whose since_id recent
// search refuses (older than seven days by X's clock) reads the whole reach
// instead of failing every poll.
func TestPoll_SinceBeyondReach(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	sc := scenario(start, 3)
	r := newFakeRun(t, sc, DefaultConfig())
	r.poll(t)
	old := strconv.FormatUint(uint64(start.Add(-10*24*time.Hour).UnixMilli())<<16, 10)
	conv := sc.Items[0].ID
	r.cur = connectors.Cursor(fmt.Sprintf(`{"v":1,"uid":%q,"replies":{"round":[{"convs":[%q],"since":%q}],"searching":[%q]},"profiled":%d,"checked":%d}`,
		sc.Account.ID, conv, old, conv, r.now.Unix(), r.now.Unix()))
	before := len(r.fake.Requests())
	bs := r.poll(t)
	var searches []string
	for _, q := range r.fake.Requests()[before:] {
		if strings.Contains(q, "/search/recent") {
			searches = append(searches, q)
		}
	}
	if len(searches) != 2 || !strings.Contains(searches[0], "since_id="+old) || strings.Contains(searches[1], "since_id=") {
		t.Fatalf("searches:\n%s", strings.Join(searches, "\n"))
	}
	found := false
	for _, b := range bs {
		for _, it := range b.Items {
			found = found || it.ParentID == conv
		}
	}
	if !found {
		t.Error("the comment under the conversation was not read")
	}
}
