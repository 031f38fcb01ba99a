package mastodon

import (
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// testConfig is the configuration of the conformance run: a small page so
// every list pages, the default window.
func testConfig(baseURL string) Config {
	return Config{BaseURL: baseURL, PageLimit: 5, WindowPosts: DefaultWindowPosts, WindowAge: DefaultWindowAge}
}

func harness() connectortest.Harness {
	return connectortest.Harness{
		Network: Network,
		Token:   testToken,
		Account: testAccount(),
		NewConnector: func(t testing.TB, baseURL string, deps connectors.Deps) connectors.Connector {
			c, err := New(testConfig(baseURL), deps)
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Handler: newFakeHandler(testToken),
		Recheck: DefaultWindowAge,
		// One post re-checked per hourly poll, a window of up to ~15 posts.
		Slack: 18 * time.Hour,
		// verify_credentials, statuses, notifications, one context and the
		// status of a re-checked post older than the (5-status) newest page.
		SteadyCalls: 5,
		Handle: func(u connectortest.ScenarioUser) string {
			if u.Domain == "" {
				return u.Handle
			}
			return u.Handle + "@" + u.Domain
		},
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	connectortest.Run(t, harness())
}
