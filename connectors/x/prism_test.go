package x

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// TestSpec_Prism points the connector at Prism serving X's published OpenAPI
// spec (../shared/specs/x-openapi.json): every request it makes must be valid
// by the spec (Prism answers 422 otherwise), and its decoders must take the
// spec's examples and Prism's random --dynamic answers without panicking.
// Without Prism or the spec the test is skipped, unless CI=true.
func TestSpec_Prism(t *testing.T) {
	spec := connectortest.SharedSpec(t, "x-openapi.json")
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
			client := connectors.NewHTTPClient(connectors.HTTPOptions{Transport: pt, RetryMax: -1, Now: clock})
			cfg := DefaultConfig()
			cfg.BaseURL = base
			cfg.MaxResults = 10
			cfg.Backfill = 72 * time.Hour
			cfg.RecheckInterval = 0
			cfg.ProfileInterval = 0
			c, err := New(cfg, connectors.Deps{HTTP: client, Logger: slog.New(slog.DiscardHandler), Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			tok := map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)}
			// The spec's examples are about @TwitterDev, user 2244994945.
			byHandle := connectors.Account{ID: "cncs-x", Network: Network, Handle: "TwitterDev", Credentials: tok}
			byID := byHandle
			byID.ExternalID = "2244994945"
			// Cursors that drive every kind of request: the first poll (by
			// handle, with a backfill's start_time), the next page of each
			// timeline, and a window whose search round has a catch-up group
			// (until_id) and a group on its next page (next_token), with
			// replies to re-check.
			at := now.Add(-2 * time.Hour).Unix()
			window := fmt.Sprintf(`{"v":1,"uid":"2244994945","posts":{"since":"1826000900000000100"},"mentions":{"since":"1826001000000000321"},`+
				`"replies":{"since":"1826001100000000457","round":[{"convs":["1826000900000000100"],"since":"1826001100000000457","next":"b26v89c19zqg8o3fo7gesq314yb9la"},`+
				`{"convs":["1826000800000000001","1826000700000000001"],"since":"1826000700000000001","until":"1826001100000000457"}],`+
				`"searching":["1826000900000000100","1826000800000000001","1826000700000000001"]},`+
				`"window":[{"id":"1826000900000000100","at":%d,"searched":true,"replies":["1826001000000000321","1826001000000000999:1826001200000000001"]},`+
				`{"id":"1826000800000000001","at":%d},{"id":"1826000700000000001","at":%d}]}`, at, at, at)
			paging := `{"v":1,"uid":"2244994945","posts":{"next":"7140dibdnow9c7btw4z3vh0mbl4p0d2ld3afx3qpz9b3e","newest":"1826000900000000100","pages":1,"from":"2026-01-01T00:00:00Z"},` +
				`"mentions":{"next":"7140dibdnow9c7btw4z3vh0mbl4p0d2ld3afx3qpz9b3f","newest":"1826001000000000321","pages":1}}`
			polls, failures := 0, 0
			for round := 0; round < 3; round++ {
				for _, pc := range []struct {
					acct connectors.Account
					cur  string
				}{{byHandle, ""}, {byID, ""}, {byID, window}, {byID, paging}} {
					b, err := c.Poll(context.Background(), pc.acct, connectors.Cursor(pc.cur))
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
			// Each request once more, directly, so that every endpoint and
			// parameter reaches Prism even when polls fail early.
			p, err := c.newPoller(byID, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			// try sends one request and decodes what comes back: errors are
			// fine (random answers break ids and times), panics are not.
			decoded := 0
			try := func(op, path string, q url.Values) {
				resp, err := p.get(ctx, op, path, q)
				if err != nil {
					t.Logf("%s: %v", op, err)
					return
				}
				decoded++
				if strings.HasPrefix(path, "/2/users/") && !strings.HasSuffix(path, "/tweets") && !strings.HasSuffix(path, "/mentions") {
					_, _, _, err = decodeUser(op, resp.Body)
				} else {
					_, err = decodePage(op, resp.Body)
				}
				if err != nil {
					t.Logf("%s: %v", op, err)
				}
			}
			q := c.listQuery()
			q.Set("since_id", "1826000900000000100")
			q.Set("pagination_token", "7140dibdnow9c7btw4z3vh0mbl4p0d2ld3afx3qpz9b3e")
			try("list posts", "/2/users/2244994945/tweets", q)
			try("list mentions", "/2/users/2244994945/mentions", q)
			q = c.listQuery()
			q.Set("start_time", now.Add(-72*time.Hour).Format(time.RFC3339))
			try("list posts", "/2/users/2244994945/tweets", q)
			q = c.listQuery()
			q.Set("query", searchQuery([]string{"1826000900000000100", "1826000800000000001"}))
			q.Set("since_id", "1826000700000000001")
			q.Set("until_id", "1826001100000000457")
			q.Set("next_token", "b26v89c19zqg8o3fo7gesq314yb9la")
			try("search replies", "/2/tweets/search/recent", q)
			try("look up posts", "/2/tweets", url.Values{"ids": {"1826000900000000100,1826001000000000321"}})
			try("get profile", "/2/users/2244994945", url.Values{"user.fields": {profileFields}})
			try("look up user", "/2/users/by/username/TwitterDev", url.Values{"user.fields": {profileFields}})
			if decoded == 0 {
				t.Error("no direct request succeeded")
			}
			t.Logf("%d polls (%d failed), %d requests", polls, failures, pt.Requests())
			if bad := pt.Invalid(); len(bad) > 0 {
				t.Errorf("Prism found %d requests invalid by the spec:\n%s", len(bad), strings.Join(bad, "\n"))
			}
			all := strings.Join(pt.Requested(), "\n")
			for _, want := range []string{"/2/users/by/username/TwitterDev?", "GET /2/users/2244994945?", "/2/users/2244994945/tweets?",
				"/2/users/2244994945/mentions?", "/2/tweets/search/recent?", "GET /2/tweets?ids=", "since_id=", "until_id=",
				"pagination_token=", "next_token=", "start_time="} {
				if !strings.Contains(all, want) {
					t.Errorf("no request with %q reached Prism:\n%s", want, all)
				}
			}
			if !dynamic && failures == polls {
				t.Errorf("every poll failed against the spec's examples")
			}
			// Prism does validate: a request that breaks the spec is caught.
			before := len(pt.Invalid())
			_, _ = p.get(ctx, "probe", "/2/users/2244994945/tweets", url.Values{"max_results": {"1000"}})
			if len(pt.Invalid()) == before {
				t.Error("Prism accepted max_results=1000: is it validating requests?")
			}
		})
	}
}
