package youtube

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"defaults", Config{}, ""},
		{"credentials in the base URL", Config{BaseURL: "https://user:pw@youtube.googleapis.com"}, "base_url: must not carry credentials"},
		{"not http", Config{BaseURL: "ftp://youtube.googleapis.com"}, "base_url: must be an http or https URL"},
		{"negative allowance", Config{DailyUnits: -1}, "daily_units: must be between 1 and"},
		{"negative window", Config{WindowAge: -time.Hour}, "window_age: must not be negative"},
		{"page too large", Config{PageSize: 51}, "page_size: must be between 1 and 50"},
		{"comment page too large", Config{CommentPageSize: 101}, "comment_page_size: must be between 1 and 100"},
		{"too many pages", Config{MaxPages: 5000}, "max_pages: must be between 1 and 1000"},
		{"negative rechecks", Config{ReplyRechecks: -2}, "reply_rechecks: must be between 1 and 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := tc.cfg.withDefaults()
			err := cfg.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate: %v, want %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), "pw@"):
				t.Errorf("the error repeats the credentials: %v", err)
			}
		})
	}
}

func TestNewFactory(t *testing.T) {
	t.Parallel()
	f := NewFactory()
	deps := connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{})}
	c, err := f(func(v any) error {
		v.(*Config).DailyUnits = 50000
		return nil
	}, deps)
	if err != nil {
		t.Fatal(err)
	}
	yc := c.(*Connector)
	if yc.Network() != Network || yc.cfg.DailyUnits != 50000 || yc.cfg.WindowAge != DefaultWindowAge || yc.cfg.BaseURL != DefaultBaseURL {
		t.Errorf("config = %+v", yc.cfg)
	}
	if _, err := f(func(v any) error { v.(*Config).PageSize = 99; return nil }, deps); err == nil || !strings.Contains(err.Error(), "page_size") {
		t.Errorf("a bad section: %v", err)
	}
	if _, err := New(Config{}, connectors.Deps{}); err == nil {
		t.Error("New without an HTTP client succeeded")
	}
}

func TestPoll_Credentials(t *testing.T) {
	t.Parallel()
	c, err := New(Config{BaseURL: "http://127.0.0.1:1"}, connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1})})
	if err != nil {
		t.Fatal(err)
	}
	acct := testAccount()
	acct.Credentials = nil
	if _, err := c.Poll(t.Context(), acct, nil); err == nil || connectors.Reason(err) != connectors.ReasonAuth || !strings.Contains(err.Error(), `"api_key" or "access_token"`) {
		t.Errorf("no credential: %v", err)
	}
	acct = testAccount()
	acct.Options = map[string]string{OptionBaseURL: "https://k:s@evil.example"}
	if _, err := c.Poll(t.Context(), acct, nil); err == nil || !strings.Contains(err.Error(), "options.base_url") || strings.Contains(err.Error(), "k:s") {
		t.Errorf("bad base_url option: %v", err)
	}
}

func TestPoll_AccessTokenAndProbe(t *testing.T) {
	t.Parallel()
	sc := connectortest.Month(3, connectortest.Epoch)
	sc.Faults = nil
	at := sc.Start.Add(5 * 24 * time.Hour)
	now := func() time.Time { return at }
	srv := httptest.NewServer(newFakeHandler(testToken, fakeOptions{bearer: true})(t, sc, now))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL}, connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	acct := connectors.Account{ID: "ife-yt", Network: Network, Handle: sc.Account.Handle,
		Credentials: map[string]connectors.Secret{CredentialAccessToken: connectors.NewSecret(testToken)}}
	// Without an external id the channel is found by its handle.
	if err := c.Probe(t.Context(), acct); err != nil {
		t.Fatalf("Probe: %v", err)
	}
	b, err := c.Poll(t.Context(), acct, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) == 0 || b.Profile == nil || b.Profile.ExternalID != channelID(sc.Account.ID) || b.Profile.Handle != sc.Account.Handle {
		t.Errorf("poll by handle with a token: %d items, profile %+v", len(b.Items), b.Profile)
	}
	acct.ExternalID = "UCotro"
	if err := c.Probe(t.Context(), acct); connectors.Reason(err) != connectors.ReasonNotFound {
		t.Errorf("Probe of an unknown channel: %v", err)
	}
}

func TestReadNewest(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	stop := base.Add(-24 * time.Hour)
	h := func(n int) time.Time { return base.Add(time.Duration(n) * time.Hour) }
	pages := map[string][]time.Time{
		// An old thread bumped by a recent reply, listed first: not the end.
		"":   {h(-100), h(5), h(4)},
		"p2": {h(3), h(-20)},
		"p3": {h(-30), h(-40)},
		"p4": {h(-50)},
	}
	next := map[string]string{"": "p2", "p2": "p3", "p3": "p4"}
	var fetched []string
	fetch := func(page string) ([]time.Time, string, error) {
		fetched = append(fetched, page)
		return pages[page], next[page], nil
	}
	id := func(t time.Time) time.Time { return t }
	all, complete, err := readNewest(10, stop, fetch, id)
	if err != nil || !complete || len(all) != 7 || strings.Join(fetched, ",") != ",p2,p3" {
		t.Errorf("read %d items, complete %v, err %v, pages %q; want 7 items from 3 pages", len(all), complete, err, fetched)
	}
	fetched = nil
	if _, complete, _ := readNewest(2, stop, fetch, id); complete || len(fetched) != 2 {
		t.Errorf("with 2 pages at most: complete %v after %q", complete, fetched)
	}
}
