package facebook

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
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

var testNow = time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)

// newTestConnector builds a connector against h with a fixed clock; calls
// counts the requests h saw.
func newTestConnector(t *testing.T, h http.HandlerFunc, mod func(*Config)) (*Connector, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("Authorization header is not the Page token")
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg := Config{graph.Settings{BaseURL: srv.URL, APIVersion: testVersion}}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg, connectors.Deps{
		HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}),
		Now:  func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, &calls
}

func errorBody(code, subcode int) string {
	return fmt.Sprintf(`{"error":{"message":"(#%d) boom","type":"OAuthException","code":%d,"error_subcode":%d,"fbtrace_id":"Ab"}}`, code, code, subcode)
}

func TestPollErrors(t *testing.T) {
	t.Parallel()
	regain := `{"1122334455":[{"type":"pages","call_count":100,"total_cputime":40,"total_time":40,"estimated_time_to_regain_access":17.5}]}`
	for _, tc := range []struct {
		name   string
		status int
		body   string
		header map[string]string
		check  func(error) error
	}{
		{"190 auth", 400, errorBody(190, 463), nil, wantIs(connectors.ErrAuth)},
		{"190 with 401", 401, errorBody(190, 0), nil, wantIs(connectors.ErrAuth)},
		{"100/33 not found", 400, errorBody(100, 33), nil, wantIs(connectors.ErrNotFound)},
		{"803 not found", 404, errorBody(803, 0), nil, wantIs(connectors.ErrNotFound)},
		{"4 app limit, fallback reset", 403, errorBody(4, 0), nil, wantReset(testNow.Add(connectors.RateLimitFallback))},
		{"17 user limit", 403, errorBody(17, 0), map[string]string{"X-App-Usage": `{"call_count":100,"total_time":3,"total_cputime":4,"estimated_time_to_regain_access":5}`}, wantReset(testNow.Add(5 * time.Minute))},
		{"32 page limit", 400, errorBody(32, 0), map[string]string{"X-Business-Use-Case-Usage": regain}, wantReset(testNow.Add(17*time.Minute + 30*time.Second))},
		{"613 custom limit", 400, errorBody(613, 0), nil, wantReset(testNow.Add(connectors.RateLimitFallback))},
		{"80001 pages BUC", 400, errorBody(80001, 0), map[string]string{"X-Business-Use-Case-Usage": regain}, wantReset(testNow.Add(17*time.Minute + 30*time.Second))},
		{"80002 instagram BUC", 400, errorBody(80002, 0), nil, wantReset(testNow.Add(connectors.RateLimitFallback))},
		{"plain 429", 429, `{}`, map[string]string{"Retry-After": "30"}, wantReset(testNow.Add(30 * time.Second))},
		{"other code is transient", 400, errorBody(368, 0), nil, wantReason(connectors.ReasonTransient)},
		{"html 502 is transient", 502, `<html>bad gateway</html>`, nil, wantReason(connectors.ReasonTransient)},
		{"malformed 200", 200, `<html>`, nil, wantIs(connectors.ErrMalformed)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}, nil)
			b, err := c.Poll(context.Background(), testAccount(), nil)
			if err := tc.check(err); err != nil {
				t.Error(err)
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Error("the token is in the error")
			}
			if b.Cursor != nil || len(b.Items) > 0 {
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

// TestUsageBackoff: once the usage headers pass usage_backoff, the poll
// stops calling and returns a rate-limit error.
func TestUsageBackoff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		header string
		value  string
		reset  time.Time
	}{
		{"app usage", "X-App-Usage", `{"call_count":85,"total_time":10,"total_cputime":10}`, testNow.Add(connectors.RateLimitFallback)},
		{"BUC usage", "X-Business-Use-Case-Usage", `{"1122334455":[{"type":"pages","call_count":20,"total_cputime":91,"total_time":30,"estimated_time_to_regain_access":3}]}`, testNow.Add(3 * time.Minute)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, calls := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(tc.header, tc.value)
				_, _ = w.Write(readTestdata(t, "page.json"))
			}, nil)
			_, err := c.Poll(context.Background(), testAccount(), nil)
			if err := wantReset(tc.reset)(err); err != nil {
				t.Error(err)
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("made %d calls, want 1 (the profile) before backing off", n)
			}
		})
	}
	t.Run("below the share", func(t *testing.T) {
		t.Parallel()
		c, _ := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-App-Usage", `{"call_count":79,"total_time":10,"total_cputime":10}`)
			if strings.HasSuffix(r.URL.Path, "/1122334455") {
				_, _ = w.Write(readTestdata(t, "page.json"))
				return
			}
			_, _ = w.Write([]byte(`{"data":[]}`))
		}, nil)
		acct := testAccount()
		acct.ExternalID = "1122334455"
		b, err := c.Poll(context.Background(), acct, nil)
		if err != nil {
			t.Fatal(err)
		}
		if b.Budget.Remaining != 21 || b.Budget.Calls != 3 {
			t.Errorf("Budget = %+v, want 21%% remaining after 3 calls", b.Budget)
		}
		if b.Profile == nil || b.Profile.Handle != "cityofexample" || !b.Profile.Verified || b.Profile.Followers != 15234 {
			t.Errorf("Profile = %+v", b.Profile)
		}
	})
}

func TestPollOtherPage(t *testing.T) {
	t.Parallel()
	c, _ := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(readTestdata(t, "page.json"))
	}, nil)
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

func TestProbeAndFactory(t *testing.T) {
	t.Parallel()
	c, calls := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+testVersion+"/me" {
			t.Errorf("probe path %s, want /%s/me", r.URL.Path, testVersion)
		}
		_, _ = w.Write(readTestdata(t, "page.json"))
	}, nil)
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
	if err != nil || conn.Network() != Network || conn.(*Connector).cfg.APIVersion != DefaultAPIVersion || conn.(*Connector).cfg.WindowPosts != 5 {
		t.Errorf("factory: %v, %+v", err, conn)
	}
	if _, err := f(func(v any) error { v.(*Config).UsageBackoff = 2; return nil }, deps); err == nil || !strings.Contains(err.Error(), "usage_backoff") {
		t.Errorf("factory accepted usage_backoff 2: %v", err)
	}
	if _, err := New(Config{}, connectors.Deps{}); err == nil {
		t.Error("New without an HTTP client")
	}
}
