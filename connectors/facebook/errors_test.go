package facebook

import (
	"context"
	"errors"
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
func newTestConnector(t *testing.T, h http.HandlerFunc, mod func(*Config)) (*Connector, *atomic.Int32) {
	t.Helper()
	url, calls := graphfake.NewServer(t, testToken, h)
	cfg := Config{graph.Settings{BaseURL: url, APIVersion: testVersion}}
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
	return c, calls
}

func TestPollErrors(t *testing.T) {
	t.Parallel()
	graphfake.RunErrorCases(t, testToken, graphfake.ErrorCases(testNow, "1122334455"), func(t *testing.T, h http.HandlerFunc) connectors.Connector {
		c, _ := newTestConnector(t, h, nil)
		return c
	}, testAccount())
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
			if err := graphfake.WantReset(tc.reset)(err); err != nil {
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
	if err != nil || conn.Network() != Network || conn.(*Connector).Settings.APIVersion != DefaultAPIVersion || conn.(*Connector).Settings.WindowPosts != 5 {
		t.Errorf("factory: %v, %+v", err, conn)
	}
	if _, err := f(func(v any) error { v.(*Config).UsageBackoff = 2; return nil }, deps); err == nil || !strings.Contains(err.Error(), "usage_backoff") {
		t.Errorf("factory accepted usage_backoff 2: %v", err)
	}
	if _, err := New(Config{}, connectors.Deps{}); err == nil {
		t.Error("New without an HTTP client")
	}
}
