package youtube

import (
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// testWindow is the window of the conformance run.
const testWindow = 72 * time.Hour

// testConfig is the configuration of the conformance run: small pages so
// every listing pages.
func testConfig(baseURL string) Config {
	return Config{BaseURL: baseURL, PageSize: 3, CommentPageSize: 5, WindowAge: testWindow}
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
		// Threads embed one reply, so comments.list?parentId runs.
		Handler:  newFakeHandler(testToken, fakeOptions{embed: 1}),
		Reach:    testWindow,
		Recheck:  testWindow,
		Backfill: testWindow,
		// Measured: channels, 2 pages of uploads (3 a page), up to 5 pages
		// of threads (5 a page, up to 25 threads in the 72h window) and 2
		// reply re-checks.
		SteadyCalls:         10,
		UserID:              channelID,
		Name:                func(u connectortest.ScenarioUser) string { return "@" + u.Handle },
		PostEditTimeUnknown: true,
		NoMentions:          true,
		TwoLevelReplies:     true,
	}
}

// TestConformance runs connectortest.Run: YouTube has no mentions API,
// threads two levels deep and gives videos no edit time.
func TestConformance(t *testing.T) {
	t.Parallel()
	connectortest.Run(t, harness())
}
