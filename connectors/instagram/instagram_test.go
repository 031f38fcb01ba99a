package instagram

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
	return Config{Settings: graph.Settings{BaseURL: baseURL, APIVersion: testVersion, PageLimit: 5, WindowPosts: graph.MaxWindowPosts, WindowAge: testWindow}}
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
		// The profile, the media (two pages of 5 cover a 72h window of at
		// most 2 media a day) and one comments call per window media (at
		// most 7; a second page only past 5 top-level comments). The month
		// measures 10 at most.
		SteadyCalls: 12,
		// Instagram exposes commenters' usernames, not their names.
		Name: func(connectortest.ScenarioUser) string { return "" },
		// Graph gives neither comments nor captions an edit time.
		EditTimeUnknown:     true,
		PostEditTimeUnknown: true,
		FlatReplies:         true,
		NoMentions:          true,
	}
}

// TestConformance runs connectortest.Run against the fake Instagram
// Platform.
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
