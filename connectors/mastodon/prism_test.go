package mastodon

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// TestSpec_Prism points the connector at Prism serving the Mastodon OpenAPI
// spec (../shared/specs/mastodon-openapi.json beside the repository): every
// request the connector makes must be valid by the spec (Prism answers 422
// otherwise), and the decoders must take Prism's example and dynamic
// (random) responses without panicking; decoding errors are fine. It is
// skipped when Prism or the spec is absent, unless CI=true.
func TestSpec_Prism(t *testing.T) {
	spec := connectortest.SharedSpec(t, "mastodon-openapi.json")
	for _, dynamic := range []bool{false, true} {
		name := "examples"
		if dynamic {
			name = "dynamic"
		}
		t.Run(name, func(t *testing.T) {
			base := connectortest.StartPrism(t, spec, dynamic)
			pt := &connectortest.PrismTransport{}
			now := time.Now().UTC()
			clock := func() time.Time { return now }
			http := connectors.NewHTTPClient(connectors.HTTPOptions{Transport: pt, RetryMax: -1, Now: clock})
			c, err := New(Config{BaseURL: base, PageLimit: 3, MaxPages: 3, RecheckPerPoll: 2}, connectors.Deps{
				HTTP: http, Logger: slog.New(slog.DiscardHandler), Now: clock,
			})
			if err != nil {
				t.Fatal(err)
			}
			acct := testAccount()
			// Cursors that drive every kind of request: the first poll (pages
			// back with max_id), a catch-up (min_id), re-checks (context, a
			// window post's status, a missing reply's status).
			window := fmt.Sprintf(`{"v":1,"statuses":"1","notifications":"1","window":[`+
				`{"id":"103188938570975982","created":%d,"known":{"103188971072973252":{"p":"103188938570975982"}}},`+
				`{"id":"2","created":%d,"known":{"3":{"p":"2"}}}]}`, now.Add(-time.Hour).Unix(), now.Add(-2*time.Hour).Unix())
			cursors := []connectors.Cursor{nil, connectors.Cursor(window)}
			polls, failures := 0, 0
			for round := 0; round < 4; round++ {
				for _, cur := range cursors {
					b, err := c.Poll(t.Context(), acct, cur)
					polls++
					if err != nil {
						failures++
						t.Logf("poll: %v", err)
						continue
					}
					if b.Profile == nil {
						t.Error("a successful poll without a profile")
					}
				}
			}
			// Each request builder once more, directly (the examples fail
			// verify_credentials, so only these reach the other endpoints).
			s, err := c.newSession(t.Context(), acct)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = s.context("103188938570975982")
			_, _ = s.status("103188938570975982")
			_, _, _ = s.listStatuses("103188938570975982", url.Values{"limit": {"3"}, "exclude_reblogs": {"true"}, "max_id": {"1"}})
			_, _, _ = s.listMentions(url.Values{"limit": {"3"}, "types[]": {"mention"}, "max_id": {"1"}})
			t.Logf("%d polls (%d failed), %d requests", polls, failures, pt.Requests())
			if bad := pt.Invalid(); len(bad) > 0 {
				t.Errorf("Prism found %d requests invalid by the spec:\n%s", len(bad), strings.Join(bad, "\n"))
			}
			if dynamic { // random answers let polls reach every endpoint
				all := strings.Join(pt.Requested(), "\n")
				for _, want := range []string{"/verify_credentials?", "/statuses?exclude_reblogs=true&limit=3", "max_id=", "min_id=",
					"/api/v1/notifications?limit=3&", "types%5B%5D=mention", "/context?", "GET /api/v1/statuses/103188938570975982?"} {
					if !strings.Contains(all, want) {
						t.Errorf("no request with %q reached Prism:\n%s", want, all)
					}
				}
			}
			// Prism does validate: a request that breaks the spec is caught.
			before := len(pt.Invalid())
			resp, err := s.get("probe", "/api/v1/accounts/1/statuses", map[string][]string{"limit": {"not-a-number"}})
			if len(pt.Invalid()) == before {
				status := 0
				if resp != nil {
					status = resp.Status
				}
				t.Errorf("Prism accepted limit=not-a-number (status %d, error %v): is it validating requests?", status, err)
			}
		})
	}
}
