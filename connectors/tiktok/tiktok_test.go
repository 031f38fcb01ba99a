package tiktok

import (
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// testWindow is the window of the conformance run.
const testWindow = 72 * time.Hour

// testConfig is the configuration of the conformance run: small pages so
// every list pages.
func testConfig(baseURL string) Config {
	return Config{BaseURL: baseURL + "/open_api", APIVersion: testVersion, PageLimit: 5, WindowPosts: MaxWindowPosts, WindowAge: testWindow}
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
		// business/get, video/list and one comment/list per window video:
		// the scenario keeps at most 10 videos in a 72h window and never more
		// than three replies under a comment.
		SteadyCalls: 12,
		// The Business API has no mentions.
		NoMentions: true,
		// No edit times on TikTok.
		EditTimeUnknown:     true,
		PostEditTimeUnknown: true,
	}
}

// TestConformance runs connectortest.Run against the fake Business API.
func TestConformance(t *testing.T) {
	t.Parallel()
	connectortest.Run(t, harness())
}
