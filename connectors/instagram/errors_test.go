package instagram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/internal/graph"
	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

var testNow = time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)

func readTestdata(t testing.TB, name string) []byte { return graphfake.ReadTestdata(t, name) }

// newTestConnector builds a connector against h with a fixed clock; calls
// counts the requests h saw.
func newTestConnector(t *testing.T, h http.HandlerFunc) (*Connector, *atomic.Int32) {
	t.Helper()
	url, calls := graphfake.NewServer(t, testToken, h)
	c, err := New(Config{Settings: graph.Settings{BaseURL: url, APIVersion: testVersion}}, connectors.Deps{
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
	cases := append(graphfake.ErrorCases(testNow, "17841405822304914"),
		graphfake.ErrorCase{Name: "recorded 80002", Status: 400, Body: string(readTestdata(t, "error_80002.json")), Check: graphfake.WantReset(testNow.Add(connectors.RateLimitFallback))},
		graphfake.ErrorCase{Name: "recorded 190", Status: 400, Body: string(readTestdata(t, "error_190.json")), Check: graphfake.WantIs(connectors.ErrAuth)},
		graphfake.ErrorCase{Name: "recorded 100/33", Status: 400, Body: string(readTestdata(t, "error_100_33.json")), Check: graphfake.WantIs(connectors.ErrNotFound)},
		graphfake.ErrorCase{Name: "a Facebook user, not an IG account", Status: 200, Body: `{"id":"10160000000000001","name":"Ana"}`, Check: func(err error) error {
			if err := graphfake.WantIs(connectors.ErrMalformed)(err); err != nil {
				return err
			}
			if !strings.Contains(err.Error(), "external_id") {
				return fmt.Errorf("error %q does not say to set external_id", err)
			}
			return nil
		}},
	)
	graphfake.RunErrorCases(t, testToken, cases, func(t *testing.T, h http.HandlerFunc) connectors.Connector {
		c, _ := newTestConnector(t, h)
		return c
	}, testAccount())
}

// TestUsageBackoff: once the usage headers pass usage_backoff, the poll
// stops calling and returns a rate-limit error.
func TestUsageBackoff(t *testing.T) {
	t.Parallel()
	t.Run("over the share", func(t *testing.T) {
		t.Parallel()
		c, calls := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Business-Use-Case-Usage", `{"17841405822304914":[{"type":"instagram","call_count":20,"total_cputime":91,"total_time":30,"estimated_time_to_regain_access":3}]}`)
			_, _ = w.Write(readTestdata(t, "user.json"))
		})
		_, err := c.Poll(context.Background(), testAccount(), nil)
		if err := graphfake.WantReset(testNow.Add(3 * time.Minute))(err); err != nil {
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
			if strings.HasSuffix(r.URL.Path, "/17841405822304914") {
				_, _ = w.Write(readTestdata(t, "user.json"))
				return
			}
			_, _ = w.Write([]byte(`{"data":[]}`))
		})
		acct := testAccount()
		acct.ExternalID = "17841405822304914"
		b, err := c.Poll(context.Background(), acct, nil)
		if err != nil {
			t.Fatal(err)
		}
		if b.Budget.Remaining != 21 || b.Budget.Calls != 2 {
			t.Errorf("Budget = %+v, want 21%% remaining after 2 calls", b.Budget)
		}
		want := connectors.Profile{
			ExternalID: "17841405822304914", Handle: "cityofexample", DisplayName: "City of Example",
			Bio: "Official account of the City of Example.", Link: "https://www.example.org/", Followers: 15234,
			AvatarURL: "https://scontent.cdninstagram.com/v/t51.2885-19/123_n.jpg", // without the CDN signature
		}
		if b.Profile == nil || len(b.Profile.Raw) == 0 {
			t.Fatalf("Profile = %+v", b.Profile)
		}
		got := *b.Profile
		got.Raw = nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Profile = %+v, want %+v", got, want)
		}
	})
}

func TestPollOtherAccount(t *testing.T) {
	t.Parallel()
	c, _ := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(readTestdata(t, "user.json"))
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

func TestProbeAndFactory(t *testing.T) {
	t.Parallel()
	c, calls := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+testVersion+"/me" {
			t.Errorf("probe path %s, want /%s/me", r.URL.Path, testVersion)
		}
		_, _ = w.Write(readTestdata(t, "user.json"))
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
		v.(*Config).BaseURL = InstagramHost
		return nil
	}, deps)
	if err != nil || conn.Network() != Network || conn.(*Connector).Settings.APIVersion != graph.DefaultAPIVersion || conn.(*Connector).Settings.WindowPosts != 5 {
		t.Errorf("factory: %v, %+v", err, conn)
	}
	if _, err := f(func(v any) error { v.(*Config).UsageBackoff = 2; return nil }, deps); err == nil || !strings.Contains(err.Error(), "instagram: usage_backoff") {
		t.Errorf("factory accepted usage_backoff 2: %v", err)
	}
	if _, err := New(Config{}, connectors.Deps{}); err == nil {
		t.Error("New without an HTTP client")
	}
}
