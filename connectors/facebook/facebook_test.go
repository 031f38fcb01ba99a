package facebook

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
		Handler:  newFakeHandler(testToken),
		Reach:    testWindow,
		Recheck:  testWindow,
		Backfill: testWindow,
		// Page, published_posts, tagged and one comments call per window post:
		// the scenario keeps at most 10 posts in a 72h window.
		SteadyCalls: 13,
		// Graph exposes no username of people, only of Pages.
		Handle: func(connectortest.ScenarioUser) string { return "" },
		// Graph gives comments no edit time: one first seen already edited has none.
		EditTimeUnknown: true,
	}
}

// TestConformance runs connectortest.Run. Graph gives comments no edit time, so
// the harness says EditTimeUnknown: a comment first seen already edited (after a
// backfill or an outage) carries a zero EditedAt, "unknown" in the contract.
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
