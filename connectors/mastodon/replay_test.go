package mastodon

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// route is one recorded answer of the replay server.
type route struct {
	status int
	file   string // under testdata/decode; "" for "[]"
	header map[string]string
}

// replayNow is the instant of the recorded samples.
var replayNow = time.Date(2026, 8, 20, 11, 0, 0, 0, time.UTC)

// newReplay serves recorded JSON by path (the query is matched by the
// caller's routes key "path" or "path?query"), asserting the bearer token.
func newReplay(t *testing.T, routes map[string]route) (*httptest.Server, *[]string) {
	t.Helper()
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.URL.Path+"?"+r.URL.RawQuery)
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("replay: Authorization header is not the bearer token")
		}
		rt, ok := routes[r.URL.Path+"?"+r.URL.RawQuery]
		if !ok {
			rt, ok = routes[r.URL.Path]
		}
		if !ok {
			rt = route{status: http.StatusOK}
		}
		body := []byte("[]")
		if rt.file != "" {
			var err error
			if body, err = os.ReadFile(filepath.Join("testdata", "decode", rt.file)); err != nil {
				t.Fatal(err)
			}
		}
		for k, v := range rt.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(rt.status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func newTestConnector(t *testing.T, baseURL string, logs *bytes.Buffer) *Connector {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	if logs != nil {
		logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	now := func() time.Time { return replayNow }
	c, err := New(Config{BaseURL: baseURL}, connectors.Deps{
		HTTP:   connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, Logger: logger, Now: now}),
		Logger: logger, Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var sampleRateHeaders = map[string]string{
	"X-RateLimit-Limit":     "300",
	"X-RateLimit-Remaining": "287",
	"X-RateLimit-Reset":     "2026-08-20T11:05:00.000000Z",
}

func sampleRoutes() map[string]route {
	statusesHeader := map[string]string{
		"Link": `<https://social.example.gov/api/v1/accounts/109000000000000001/statuses?max_id=113000000000000002>; rel="next", <https://social.example.gov/api/v1/accounts/109000000000000001/statuses?min_id=113000000000000005>; rel="prev"`,
	}
	for k, v := range sampleRateHeaders {
		statusesHeader[k] = v
	}
	return map[string]route{
		"/api/v1/accounts/verify_credentials":                                        {200, "account_verify_credentials.json", sampleRateHeaders},
		"/api/v1/accounts/109000000000000001/statuses?exclude_reblogs=true&limit=40": {200, "statuses_sample.json", statusesHeader},
		"/api/v1/notifications?limit=40&types%5B%5D=mention":                         {200, "notifications_sample.json", sampleRateHeaders},
		"/api/v1/statuses/113000000000000002/context":                                {200, "context_sample.json", sampleRateHeaders},
	}
}

// batchView is a Batch without raw bytes, for golden comparison.
type batchView struct {
	Items     []connectors.Item
	Deletions []connectors.Deletion
	Profile   *connectors.Profile
	Cursor    json.RawMessage
	More      bool
	Budget    connectors.Budget
	Requests  []string
}

func TestPoll_RecordedSamples(t *testing.T) {
	t.Parallel()
	srv, seen := newReplay(t, sampleRoutes())
	var logs bytes.Buffer
	c := newTestConnector(t, srv.URL, &logs)
	b, err := c.Poll(t.Context(), testAccount(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b.Items {
		if !json.Valid(b.Items[i].Raw) {
			t.Errorf("item %s: Raw is not the JSON received", b.Items[i].ExternalID)
		}
		b.Items[i].Raw = nil
	}
	b.Profile.Raw = nil
	v := batchView{Items: b.Items, Deletions: b.Deletions, Profile: b.Profile, Cursor: json.RawMessage(b.Cursor), More: b.More, Budget: b.Budget, Requests: *seen}
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "replay", "first_poll.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("batch differs from %s:\n%s", golden, got)
	}
	if strings.Contains(logs.String(), testToken) {
		t.Error("the token is in the logs")
	}
}

func TestPoll_Errors(t *testing.T) {
	t.Parallel()
	reset := time.Date(2026, 8, 20, 11, 5, 0, 0, time.UTC)
	limited := map[string]string{"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-08-20T11:05:00.000000Z"}
	for _, c := range []struct {
		name   string
		routes map[string]route
		check  func(error) bool
		text   string
	}{
		{"unauthorized", map[string]route{"/api/v1/accounts/verify_credentials": {401, "error_401.json", nil}},
			func(err error) bool { return errors.Is(err, connectors.ErrAuth) }, "The access token is invalid"},
		{"forbidden", map[string]route{"/api/v1/accounts/verify_credentials": {403, "error_401.json", nil}},
			func(err error) bool { return errors.Is(err, connectors.ErrAuth) }, "403"},
		{"gone", map[string]route{"/api/v1/accounts/verify_credentials": {410, "error_404.json", nil}},
			func(err error) bool { return errors.Is(err, connectors.ErrNotFound) }, "410"},
		{"statuses_not_found", map[string]route{
			"/api/v1/accounts/verify_credentials":                                        {200, "account_verify_credentials.json", nil},
			"/api/v1/accounts/109000000000000001/statuses?exclude_reblogs=true&limit=40": {404, "error_404.json", nil}},
			func(err error) bool { return errors.Is(err, connectors.ErrNotFound) }, "Record not found"},
		{"rate_limited", map[string]route{
			"/api/v1/accounts/verify_credentials":                {200, "account_verify_credentials.json", nil},
			"/api/v1/notifications?limit=40&types%5B%5D=mention": {429, "error_429.json", limited}},
			func(err error) bool {
				var rl *connectors.RateLimitError
				return errors.As(err, &rl) && rl.Reset.Equal(reset)
			}, "Too many requests"},
		{"server_error", map[string]route{"/api/v1/accounts/verify_credentials": {503, "error_404.json", nil}},
			func(err error) bool { return connectors.Reason(err) == connectors.ReasonTransient }, "503"},
		{"malformed", map[string]route{"/api/v1/accounts/verify_credentials": {200, "statuses_bad_truncated.json", nil}},
			func(err error) bool { return errors.Is(err, connectors.ErrMalformed) }, "decode account"},
		{"another_account", map[string]route{"/api/v1/accounts/verify_credentials": {200, "account_verify_credentials.json", nil}},
			func(err error) bool { return errors.Is(err, connectors.ErrAuth) }, "belongs to account"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newReplay(t, c.routes)
			conn := newTestConnector(t, srv.URL, nil)
			acct := testAccount()
			if c.name == "another_account" {
				acct.ExternalID = "42"
			}
			b, err := conn.Poll(t.Context(), acct, nil)
			if err == nil || !c.check(err) {
				t.Fatalf("Poll error = %v", err)
			}
			if !strings.Contains(err.Error(), c.text) {
				t.Errorf("error %q does not mention %q", err, c.text)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Error("the token is in the error")
			}
			if b.Cursor != nil || len(b.Items) > 0 || b.Profile != nil {
				t.Errorf("a failed poll returned %+v", b)
			}
		})
	}
}

func TestPoll_NoToken(t *testing.T) {
	t.Parallel()
	c := newTestConnector(t, "https://social.example.gov", nil)
	acct := testAccount()
	acct.Credentials = nil
	if _, err := c.Poll(t.Context(), acct, nil); !errors.Is(err, connectors.ErrAuth) {
		t.Fatalf("Poll without token: %v", err)
	}
}

func TestPoll_BaseURLOption(t *testing.T) {
	t.Parallel()
	srv, seen := newReplay(t, sampleRoutes())
	c := newTestConnector(t, "https://unreachable.invalid", nil)
	acct := testAccount()
	acct.Options = map[string]string{OptionBaseURL: srv.URL + "/"}
	if _, err := c.Poll(t.Context(), acct, nil); err != nil {
		t.Fatal(err)
	}
	if len(*seen) == 0 {
		t.Fatal("the account's base_url was not used")
	}
	acct.Options[OptionBaseURL] = "ftp://x"
	if _, err := c.Poll(t.Context(), acct, nil); err == nil || !strings.Contains(err.Error(), "options.base_url") {
		t.Fatalf("bad base_url option: %v", err)
	}
}

func TestPoll_ForeignLinkNotFollowed(t *testing.T) {
	t.Parallel()
	// A Link pointing elsewhere must not receive the token: only its
	// parameters are used, against the configured instance.
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the connector called the Link's foreign host: %s", r.URL)
	}))
	defer foreign.Close()
	routes := sampleRoutes()
	rt := routes["/api/v1/accounts/109000000000000001/statuses?exclude_reblogs=true&limit=40"]
	rt.header = map[string]string{"Link": "<" + foreign.URL + "/steal?max_id=113000000000000002>; rel=\"next\""}
	routes["/api/v1/accounts/109000000000000001/statuses?exclude_reblogs=true&limit=40"] = rt
	srv, _ := newReplay(t, routes)
	if _, err := newTestConnector(t, srv.URL, nil).Poll(t.Context(), testAccount(), nil); err != nil {
		t.Fatal(err)
	}
}

func TestProbe(t *testing.T) {
	t.Parallel()
	srv, seen := newReplay(t, sampleRoutes())
	c := newTestConnector(t, srv.URL, nil)
	if err := c.Probe(t.Context(), testAccount()); err != nil {
		t.Fatal(err)
	}
	if len(*seen) != 1 {
		t.Errorf("Probe made %d requests, want 1", len(*seen))
	}
}
