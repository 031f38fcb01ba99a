package threads

import (
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
	"github.com/ife-mx/vigia/connectors/internal/graph"
	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

// testWindow is the window of the conformance run.
const testWindow = 72 * time.Hour

// testConfig is the configuration of the conformance run: small pages so
// every edge pages.
func testConfig(baseURL string) Config {
	return Config{graph.Settings{BaseURL: baseURL, APIVersion: testVersion, PageLimit: 5, WindowPosts: MaxWindowPosts, WindowAge: testWindow}}
}

// usernames maps the scenario's users to their usernames: the Threads API
// knows other people by username only.
func usernames() map[string]string {
	m := map[string]string{}
	for _, u := range connectortest.Month(1, connectortest.Epoch).Users {
		m[u.ID] = u.Handle
	}
	return m
}

func harness() connectortest.Harness {
	names := usernames()
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
		Handler:  newFakeHandler(testToken),
		Reach:    testWindow,
		Recheck:  testWindow,
		Backfill: testWindow,
		// me, threads, mentions and one conversation call per window thread:
		// the scenario keeps at most 10 threads in a 72h window.
		SteadyCalls: 13,
		UserID: func(id string) string {
			if n, ok := names[id]; ok {
				return n
			}
			return id // the account itself: its user id
		},
		// No display names of people on Threads.
		Name: func(connectortest.ScenarioUser) string { return "" },
		// No edit times at all on Threads.
		EditTimeUnknown:     true,
		PostEditTimeUnknown: true,
	}
}

// TestConformance runs connectortest.Run against the fake Threads API.
func TestConformance(t *testing.T) {
	t.Parallel()
	connectortest.Run(t, harness())
}

// TestUsageMonth: through a scripted month whose usage headers pass
// usage_backoff for a day, every poll of that day backs off after one call,
// every other poll reports its calls and the share left, and nothing created
// meanwhile is lost.
func TestUsageMonth(t *testing.T) {
	t.Parallel()
	graphfake.RunUsageMonth(t, harness())
}
