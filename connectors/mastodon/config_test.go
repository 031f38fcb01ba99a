package mastodon

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		cfg  Config
		want string // "" for valid
	}{
		{"defaults", Config{BaseURL: "https://mastodon.social"}, ""},
		{"trailing slash", Config{BaseURL: "https://mastodon.social/"}, ""},
		{"http for tests", Config{BaseURL: "http://127.0.0.1:8080"}, ""},
		{"missing base_url", Config{}, "base_url: required"},
		{"bad scheme", Config{BaseURL: "ftp://mastodon.social"}, "base_url: must be an http or https URL"},
		{"no host", Config{BaseURL: "https://"}, "base_url: has no host"},
		{"credentials", Config{BaseURL: "https://u:p@mastodon.social"}, "base_url: must not carry credentials"},
		{"query", Config{BaseURL: "https://mastodon.social/?x=1"}, "base_url: must not have a query"},
		{"window_posts", Config{BaseURL: "https://m.example", WindowPosts: -1}, "window_posts"},
		{"window_posts too big", Config{BaseURL: "https://m.example", WindowPosts: 201}, "window_posts"},
		{"window_age", Config{BaseURL: "https://m.example", WindowAge: -time.Hour}, "window_age"},
		{"page_limit", Config{BaseURL: "https://m.example", PageLimit: 41}, "page_limit"},
		{"recheck_per_poll", Config{BaseURL: "https://m.example", RecheckPerPoll: -2}, "recheck_per_poll"},
		{"max_pages", Config{BaseURL: "https://m.example", MaxPages: 1001}, "max_pages"},
	} {
		err := c.cfg.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestNewFactory(t *testing.T) {
	t.Parallel()
	deps := connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{})}
	f := NewFactory()
	conn, err := f(func(v any) error {
		cfg := v.(*Config)
		if *cfg != DefaultConfig() {
			t.Errorf("decode target is not DefaultConfig: %+v", *cfg)
		}
		cfg.BaseURL = "https://mastodon.social/"
		cfg.WindowPosts = 5
		return nil
	}, deps)
	if err != nil {
		t.Fatal(err)
	}
	c := conn.(*Connector)
	if c.Network() != Network || c.cfg.BaseURL != "https://mastodon.social" || c.cfg.WindowPosts != 5 || c.cfg.WindowAge != DefaultWindowAge {
		t.Errorf("factory built %+v", c.cfg)
	}
	if _, err := f(func(any) error { return nil }, deps); err == nil || !strings.Contains(err.Error(), "base_url") {
		t.Errorf("an absent section must fail on base_url, got %v", err)
	}
	bad := errors.New("line 3: unknown key")
	if _, err := f(func(any) error { return bad }, deps); !errors.Is(err, bad) {
		t.Errorf("decode error not returned: %v", err)
	}
	if _, err := New(Config{BaseURL: "https://m.example"}, connectors.Deps{}); err == nil {
		t.Error("New without an HTTP client succeeded")
	}
}

func TestCursor_Decode(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{`{`, `{"v":2}`, `{"v":1,"window":[null]}`, `{"v":1,"window":[{"id":""}]}`} {
		if _, err := decodeCursor(connectors.Cursor(bad)); err == nil {
			t.Errorf("decodeCursor(%s) succeeded", bad)
		}
	}
	c, err := decodeCursor(nil)
	if err != nil || c.Statuses != "" || len(c.Window) != 0 {
		t.Fatalf("empty cursor: %+v, %v", c, err)
	}
	c.Window = []*windowPost{{ID: "9", Created: 100}, {ID: "10", Created: 5000}, {ID: "8", Created: 50}}
	c.trim(2, time.Hour, time.Unix(5000+1800, 0))
	if len(c.Window) != 1 || c.Window[0].ID != "10" {
		t.Errorf("trim kept %+v", c.Window)
	}
	if compareIDs("9", "10") >= 0 || compareIDs("10", "9") <= 0 || compareIDs("11", "11") != 0 {
		t.Error("compareIDs does not order by length first")
	}
}
