package tiktok

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

var testNow = time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)

const testBusinessID = "-000FmYmxeqIeuOTAl1s1hN0Yk4K4nbk5Mk7"

// newTestConnector builds a connector against h with a fixed clock; calls
// counts the requests h saw.
func newTestConnector(t *testing.T, h http.HandlerFunc) (*Connector, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if got := r.Header.Get("Access-Token"); got != testToken {
			t.Errorf("Access-Token header is not the token")
		}
		if strings.Contains(r.URL.RawQuery, testToken) {
			t.Errorf("the token is in the URL")
		}
		if got := r.URL.Query().Get("business_id"); got != testBusinessID {
			t.Errorf("business_id = %q", got)
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL + "/open_api", APIVersion: testVersion}, connectors.Deps{
		HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}),
		Now:  func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, &calls
}

func account() connectors.Account {
	a := testAccount()
	a.ExternalID = testBusinessID
	return a
}

func TestPoll_Errors(t *testing.T) {
	t.Parallel()
	file := func(name string) string { return string(readTestdata(t, name)) }
	for _, tc := range []struct {
		name   string
		status int
		body   string
		header map[string]string
		check  func(error) error
	}{
		{"40105 revoked token with 200", 200, file("error_40105.json"), nil, wantIs(connectors.ErrAuth)},
		{"40102 expired token", 200, `{"code":40102,"message":"Access token has expired.","request_id":"1","data":{}}`, nil, wantIs(connectors.ErrAuth)},
		{"40001 no permission", 200, `{"code":40001,"message":"No permission to operate the business account.","request_id":"1","data":{}}`, nil, wantIs(connectors.ErrAuth)},
		{"40007 not found", 200, file("error_40007.json"), nil, wantIs(connectors.ErrNotFound)},
		{"40100 without reset: fallback", 200, file("error_40100.json"), nil, wantReset(testNow.Add(connectors.RateLimitFallback))},
		{"40100 with Retry-After", 200, file("error_40100.json"), map[string]string{"Retry-After": "45"}, wantReset(testNow.Add(45 * time.Second))},
		{"40100 with X-RateLimit-Reset", 200, file("error_40100.json"), map[string]string{"X-RateLimit-Reset": "2026-08-20T12:05:30.25Z"}, wantReset(testNow.Add(5*time.Minute + 30250*time.Millisecond))},
		{"429 without envelope", 429, `Too Many Requests`, map[string]string{"Retry-After": "30"}, wantReset(testNow.Add(30 * time.Second))},
		{"50000 is transient", 200, file("error_50000.json"), nil, wantReason(connectors.ReasonTransient)},
		{"40002 bad parameter is transient", 200, `{"code":40002,"message":"fields: Invalid value.","request_id":"1","data":{}}`, nil, wantReason(connectors.ReasonTransient)},
		{"500 with envelope", 500, file("error_50000.json"), nil, wantReason(connectors.ReasonTransient)},
		{"html 502 is transient", 502, `<html>bad gateway</html>`, nil, wantReason(connectors.ReasonTransient)},
		{"401 without envelope", 401, `unauthorized`, nil, wantIs(connectors.ErrAuth)},
		{"malformed 200", 200, `<html>`, nil, wantIs(connectors.ErrMalformed)},
		{"200 without code", 200, `{"data":{"username":"x"}}`, nil, wantIs(connectors.ErrMalformed)},
		{"message repeating the token", 200, `{"code":40105,"message":"token ` + testToken + ` revoked","request_id":"1","data":{}}`, nil, wantIs(connectors.ErrAuth)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			b, err := c.Poll(context.Background(), account(), nil)
			if err := tc.check(err); err != nil {
				t.Error(err)
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Error("the token is in the error")
			}
			if b.Cursor != nil || len(b.Items) > 0 || b.Profile != nil {
				t.Error("a failed poll returned a batch")
			}
		})
	}
}

func wantIs(target error) func(error) error {
	return func(err error) error {
		if !errors.Is(err, target) {
			return fmt.Errorf("error %v does not wrap %v", err, target)
		}
		return nil
	}
}

func wantReason(r string) func(error) error {
	return func(err error) error {
		if got := connectors.Reason(err); got != r {
			return fmt.Errorf("error %v is %s, want %s", err, got, r)
		}
		return nil
	}
}

func wantReset(reset time.Time) func(error) error {
	return func(err error) error {
		var rl *connectors.RateLimitError
		if !errors.As(err, &rl) {
			return fmt.Errorf("error %v is not a *RateLimitError", err)
		}
		if !rl.Reset.Equal(reset) {
			return fmt.Errorf("Reset = %v, want %v", rl.Reset, reset)
		}
		return nil
	}
}

// samples serves the testdata answers by path; replies is the replies count
// the comment list claims for its first comment, and gone drops that
// comment (and its reply) from the list.
func samples(t *testing.T, replies *atomic.Int32, gone *atomic.Bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/open_api/"+testVersion) {
		case "/business/get/":
			_, _ = w.Write(readTestdata(t, "business.json"))
		case "/business/video/list/":
			_, _ = w.Write(readTestdata(t, "video_list.json"))
		case "/business/comment/list/":
			if r.URL.Query().Get("include_replies") != "true" || r.URL.Query().Get("status") != "ALL" {
				t.Errorf("comment list query %s", r.URL.RawQuery)
			}
			body := string(readTestdata(t, "comment_list.json"))
			body = strings.Replace(body, `"replies": 1,`, fmt.Sprintf(`"replies": %d,`, replies.Load()), 1)
			if gone.Load() { // the first comment deleted, with its reply
				body = `{"code":0,"message":"OK","request_id":"2","data":{"comments":[` + body[strings.Index(body, `{"comment_id": "7405000000000000003"`):]
			}
			_, _ = w.Write([]byte(body))
		case "/business/comment/reply/list/":
			if got := r.URL.Query().Get("comment_id"); got != "7405000000000000001" {
				t.Errorf("reply list of %q", got)
			}
			_, _ = w.Write(readTestdata(t, "reply_list.json"))
		default:
			t.Errorf("unexpected path %s", r.URL.Path)
			w.WriteHeader(http.StatusNotFound)
		}
	}
}

func TestPoll_Samples(t *testing.T) {
	t.Parallel()
	var replies atomic.Int32
	var gone atomic.Bool
	replies.Store(1)
	c, calls := newTestConnector(t, samples(t, &replies, &gone))
	b, err := c.Poll(context.Background(), account(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 || b.Budget.Calls != 3 || b.Budget.Items != 5 || b.Budget.Remaining != -1 {
		t.Errorf("calls %d, Budget %+v: want 3 calls (no reply list: reply_list was complete) and 5 objects", calls.Load(), b.Budget)
	}
	got := map[string]connectors.Item{}
	for _, it := range b.Items {
		got[it.ExternalID] = it
	}
	const video = "7404000000000000000"
	for id, want := range map[string]connectors.Item{
		video:                 {Kind: connectors.KindPost, Own: true, AuthorID: testBusinessID, AuthorHandle: "cityofexample", AuthorName: "City of Example"},
		"7405000000000000001": {Kind: connectors.KindComment, ParentID: video, RootID: video, AuthorID: "tomas_p", AuthorHandle: "tomas_p", AuthorName: "Tomas P"},
		"7405000000000000002": {Kind: connectors.KindReply, ParentID: "7405000000000000001", RootID: video, Own: true, AuthorID: testBusinessID, AuthorHandle: "cityofexample", AuthorName: "City of Example"},
		"7405000000000000003": {Kind: connectors.KindComment, ParentID: video, RootID: video, AuthorID: "coins.4u", AuthorHandle: "coins.4u", AuthorName: "Coins"},
	} {
		it, ok := got[id]
		if !ok {
			t.Errorf("item %s missing", id)
			continue
		}
		if it.Kind != want.Kind || it.ParentID != want.ParentID || it.RootID != want.RootID || it.Own != want.Own ||
			it.AuthorID != want.AuthorID || it.AuthorHandle != want.AuthorHandle || it.AuthorName != want.AuthorName {
			t.Errorf("item %s = %+v, want %+v", id, it, want)
		}
	}
	if len(b.Items) != 4 {
		t.Errorf("got %d items, want 4", len(b.Items))
	}
	if v := got[video]; v.URL != "https://www.tiktok.com/@cityofexample/video/"+video || len(v.Media) != 2 || v.Text != "Old town square at dawn #cityofexample" {
		t.Errorf("video item = %+v", v)
	}
	if h := got["7405000000000000003"]; !strings.Contains(string(h.Raw), `"status":"HIDDEN"`) {
		t.Errorf("hidden comment raw = %s", h.Raw)
	}
	if b.Profile == nil || b.Profile.ExternalID != testBusinessID || b.Profile.Followers != 15234 {
		t.Errorf("profile = %+v", b.Profile)
	}

	t.Run("more replies than reply_list carries", func(t *testing.T) {
		replies.Store(4)
		before := calls.Load()
		b2, err := c.Poll(context.Background(), account(), b.Cursor)
		if err != nil {
			t.Fatal(err)
		}
		if n := calls.Load() - before; n != 4 {
			t.Errorf("made %d calls, want 4 (with the reply list)", n)
		}
		if len(b2.Items) != 0 || len(b2.Deletions) != 0 {
			t.Errorf("nothing changed, yet items %+v, deletions %+v", b2.Items, b2.Deletions)
		}
		b = b2
	})
	t.Run("a deleted comment takes its replies out of view", func(t *testing.T) {
		replies.Store(1)
		gone.Store(true)
		b3, err := c.Poll(context.Background(), account(), b.Cursor)
		if err != nil {
			t.Fatal(err)
		}
		if len(b3.Deletions) != 1 || b3.Deletions[0].ExternalID != "7405000000000000001" || !b3.Deletions[0].ObservedAt.Equal(testNow) {
			t.Errorf("deletions = %+v, want the comment only", b3.Deletions)
		}
	})
}

func TestPoll_Account(t *testing.T) {
	t.Parallel()
	c, calls := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {})
	acct := account()
	acct.ExternalID = ""
	if _, err := c.Poll(context.Background(), acct, nil); !errors.Is(err, connectors.ErrAuth) || !strings.Contains(err.Error(), "external_id") {
		t.Errorf("without external_id: %v", err)
	}
	acct = account()
	acct.Credentials = nil
	if _, err := c.Poll(context.Background(), acct, nil); !errors.Is(err, connectors.ErrAuth) || !strings.Contains(err.Error(), CredentialToken) {
		t.Errorf("without token: %v", err)
	}
	acct = account()
	acct.Options = map[string]string{OptionBaseURL: "https://user:pass@example.com"}
	if _, err := c.Poll(context.Background(), acct, nil); err == nil || strings.Contains(err.Error(), "pass") {
		t.Errorf("bad base_url option: %v", err)
	}
	if calls.Load() != 0 {
		t.Errorf("made %d calls", calls.Load())
	}
}

func TestConnector_ProbeAndFactory(t *testing.T) {
	t.Parallel()
	c, calls := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/open_api/"+testVersion+"/business/get/" {
			t.Errorf("probe path %s", r.URL.Path)
		}
		_, _ = w.Write(readTestdata(t, "business.json"))
	})
	if err := c.Probe(context.Background(), account()); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Errorf("probe made %d calls, want 1", calls.Load())
	}
	f := NewFactory()
	deps := connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{})}
	conn, err := f(func(v any) error {
		v.(*Config).WindowPosts = 5
		return nil
	}, deps)
	if err != nil || conn.Network() != Network || conn.(*Connector).cfg.APIVersion != DefaultAPIVersion || conn.(*Connector).cfg.WindowPosts != 5 {
		t.Errorf("factory: %v, %+v", err, conn)
	}
	if _, err := f(func(v any) error { v.(*Config).PageLimit = 50; return nil }, deps); err == nil || !strings.Contains(err.Error(), "page_limit") {
		t.Errorf("factory accepted page_limit 50: %v", err)
	}
	if _, err := New(Config{}, connectors.Deps{}); err == nil {
		t.Error("New without an HTTP client")
	}
}

// TestPoll_BudgetFromHeaders: when answers carry X-RateLimit-Remaining and
// X-RateLimit-Reset, the budget reports the last answer's allowance and
// reset along with the calls made.
func TestPoll_BudgetFromHeaders(t *testing.T) {
	t.Parallel()
	var replies atomic.Int32
	var gone atomic.Bool
	replies.Store(1)
	var n atomic.Int32
	inner := samples(t, &replies, &gone)
	c, calls := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "600")
		w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(600-n.Add(1)))
		w.Header().Set("X-RateLimit-Reset", "2026-08-20T12:05:30.25Z")
		inner(w, r)
	})
	b, err := c.Poll(context.Background(), account(), nil)
	if err != nil {
		t.Fatal(err)
	}
	reset := time.Date(2026, 8, 20, 12, 5, 30, 250_000_000, time.UTC)
	if b.Budget.Calls != int(calls.Load()) || b.Budget.Remaining != 600-int(calls.Load()) || !b.Budget.Reset.Equal(reset) {
		t.Errorf("Budget %+v after %d calls: want the calls, %d remaining and reset %v", b.Budget, calls.Load(), 600-calls.Load(), reset)
	}
}
