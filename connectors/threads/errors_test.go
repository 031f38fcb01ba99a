package threads

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/internal/graph"
	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

var testNow = time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)

// newTestConnector builds a connector against h with a fixed clock; calls
// counts the requests h saw.
func newTestConnector(t *testing.T, h http.HandlerFunc) (*Connector, *atomic.Int32) {
	t.Helper()
	url, calls := graphfake.NewServer(t, testToken, h)
	c, err := New(Config{graph.Settings{BaseURL: url, APIVersion: testVersion}}, connectors.Deps{
		HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}),
		Now:  func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, calls
}

// TestPoll_Errors: the answers every Graph connector classifies alike, and
// the Threads API's recorded error bodies.
func TestPoll_Errors(t *testing.T) {
	t.Parallel()
	withToken := fmt.Sprintf(`{"error":{"message":"Invalid OAuth access token %s","type":"OAuthException","code":190,"fbtrace_id":"Ab"}}`, testToken)
	cases := append(graphfake.ErrorCases(testNow, "1790000000001"),
		graphfake.ErrorCase{Name: "testdata 190 auth", Status: 400, Body: string(graphfake.ReadTestdata(t, "error_190.json")), Check: graphfake.WantIs(connectors.ErrAuth)},
		graphfake.ErrorCase{Name: "testdata 100/33 not found", Status: 400, Body: string(graphfake.ReadTestdata(t, "error_100.json")), Check: graphfake.WantIs(connectors.ErrNotFound)},
		graphfake.ErrorCase{Name: "testdata 17 user limit", Status: 400, Body: string(graphfake.ReadTestdata(t, "error_17.json")),
			Header: map[string]string{"X-App-Usage": `{"call_count":100,"total_time":3,"total_cputime":4,"estimated_time_to_regain_access":12.5}`},
			Check:  graphfake.WantReset(testNow.Add(12*time.Minute + 30*time.Second))},
		graphfake.ErrorCase{Name: "613 with Retry-After", Status: 400, Body: graphfake.ErrorBody(613, 0),
			Header: map[string]string{"Retry-After": "90"}, Check: graphfake.WantReset(testNow.Add(90 * time.Second))},
		graphfake.ErrorCase{Name: "token echoed in the message", Status: 400, Body: withToken, Check: graphfake.WantIs(connectors.ErrAuth)},
	)
	graphfake.RunErrorCases(t, testToken, cases, func(t *testing.T, h http.HandlerFunc) connectors.Connector {
		c, _ := newTestConnector(t, h)
		return c
	}, testAccount())
}

// TestPoll_UsageBackoff: once X-App-Usage passes usage_backoff, the poll
// stops calling and returns a rate-limit error.
func TestPoll_UsageBackoff(t *testing.T) {
	t.Parallel()
	t.Run("above the share", func(t *testing.T) {
		t.Parallel()
		c, calls := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-App-Usage", `{"call_count":85,"total_time":10,"total_cputime":10}`)
			_, _ = w.Write(graphfake.ReadTestdata(t, "me.json"))
		})
		_, err := c.Poll(context.Background(), testAccount(), nil)
		if err := graphfake.WantReset(testNow.Add(connectors.RateLimitFallback))(err); err != nil {
			t.Error(err)
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("made %d calls, want 1 (the profile) before backing off", n)
		}
	})
	t.Run("below the share", func(t *testing.T) {
		t.Parallel()
		c, _ := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-App-Usage", `{"call_count":79,"total_time":10,"total_cputime":10}`)
			switch r.URL.Path {
			case "/" + testVersion + "/me":
				_, _ = w.Write(graphfake.ReadTestdata(t, "me.json"))
			case "/" + testVersion + "/1790000000001/threads":
				_, _ = w.Write(graphfake.ReadTestdata(t, "threads.json"))
			case "/" + testVersion + "/1790000000001/mentions":
				_, _ = w.Write(graphfake.ReadTestdata(t, "mentions.json"))
			case "/" + testVersion + "/18040000000000000/conversation":
				_, _ = w.Write(graphfake.ReadTestdata(t, "conversation.json"))
			default:
				t.Errorf("unexpected path %s", r.URL.Path)
				w.WriteHeader(http.StatusNotFound)
			}
		})
		acct := testAccount()
		acct.ExternalID = "1790000000001"
		b, err := c.Poll(context.Background(), acct, nil)
		if err != nil {
			t.Fatal(err)
		}
		if b.Budget.Remaining != 21 || b.Budget.Calls != 4 || b.Budget.Items != 6 {
			t.Errorf("Budget = %+v, want 21%% remaining after 4 calls and 6 objects", b.Budget)
		}
		got := map[string]connectors.Item{}
		for _, it := range b.Items {
			got[it.ExternalID] = it
		}
		for id, want := range map[string]connectors.Item{
			"18040000000000000": {Kind: connectors.KindPost, Own: true, AuthorID: "1790000000001", AuthorHandle: "cityofexample", AuthorName: "City of Example"},
			"18060000000000009": {Kind: connectors.KindMention, AuthorID: "commuter_22", AuthorHandle: "commuter_22"},
			"18050000000000001": {Kind: connectors.KindComment, ParentID: "18040000000000000", RootID: "18040000000000000", AuthorID: "lena.v", AuthorHandle: "lena.v"},
			"18050000000000002": {Kind: connectors.KindReply, ParentID: "18050000000000001", RootID: "18040000000000000", Own: true, AuthorID: "1790000000001", AuthorHandle: "cityofexample", AuthorName: "City of Example"},
			"18050000000000003": {Kind: connectors.KindComment, ParentID: "18040000000000000", RootID: "18040000000000000", AuthorID: "promo.bot", AuthorHandle: "promo.bot"},
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
		if h := got["18050000000000003"]; len(h.Media) != 1 || h.Media[0].Type != "image" || !strings.Contains(string(h.Raw), `"hide_status":"HIDDEN"`) {
			t.Errorf("hidden reply: media %+v, raw %s", h.Media, h.Raw)
		}
		if len(b.Items) != 5 {
			t.Errorf("got %d items, want 5", len(b.Items))
		}
	})
}

func TestPoll_OtherUser(t *testing.T) {
	t.Parallel()
	c, _ := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(graphfake.ReadTestdata(t, "me.json"))
	})
	acct := testAccount()
	acct.ExternalID = "999"
	if _, err := c.Poll(context.Background(), acct, nil); !errors.Is(err, connectors.ErrAuth) {
		t.Errorf("error %v does not wrap ErrAuth", err)
	}
	acct.Credentials = nil
	if _, err := c.Poll(context.Background(), acct, nil); !errors.Is(err, connectors.ErrAuth) {
		t.Errorf("without token: error %v does not wrap ErrAuth", err)
	}
}

func TestConnector_ProbeAndFactory(t *testing.T) {
	t.Parallel()
	c, calls := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+testVersion+"/me" {
			t.Errorf("probe path %s, want /%s/me", r.URL.Path, testVersion)
		}
		_, _ = w.Write(graphfake.ReadTestdata(t, "me.json"))
	})
	if err := c.Probe(context.Background(), testAccount()); err != nil {
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
	if err != nil || conn.Network() != Network || conn.(*Connector).Settings.APIVersion != DefaultAPIVersion || conn.(*Connector).Settings.BaseURL != DefaultBaseURL || conn.(*Connector).Settings.WindowPosts != 5 {
		t.Errorf("factory: %v, %+v", err, conn)
	}
	if _, err := f(func(v any) error { v.(*Config).UsageBackoff = 2; return nil }, deps); err == nil || !strings.Contains(err.Error(), "usage_backoff") {
		t.Errorf("factory accepted usage_backoff 2: %v", err)
	}
	if _, err := New(Config{}, connectors.Deps{}); err == nil {
		t.Error("New without an HTTP client")
	}
}
