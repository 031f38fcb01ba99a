package bluesky

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ife-mx/vigia/connectors"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  Config
		key  string // the key the error names; "" for a valid config
	}{
		{"zero", Config{}, ""},
		{"defaults", DefaultConfig(), ""},
		{"self_hosted", Config{Service: "https://pds.ife.org.mx", AppView: "https://pds.ife.org.mx/"}, ""},
		{"service_scheme", Config{Service: "ftp://bsky.social"}, "service"},
		{"service_relative", Config{Service: "bsky.social"}, "service"},
		{"service_credentials", Config{Service: "https://user:pw@bsky.social"}, "service"},
		{"appview_query", Config{AppView: "https://public.api.bsky.app?x=1"}, "appview"},
		{"window_posts_negative", Config{WindowPosts: -1}, "window_posts"},
		{"window_posts_huge", Config{WindowPosts: MaxWindowPosts + 1}, "window_posts"},
		{"window_age", Config{WindowAge: -time.Hour}, "window_age"},
		{"backfill", Config{Backfill: -time.Hour}, "backfill"},
		{"thread_depth", Config{ThreadDepth: MaxThreadDepth + 1}, "thread_depth"},
		{"thread_rechecks", Config{ThreadRechecks: -1}, "thread_rechecks"},
		{"pages_per_poll", Config{PagesPerPoll: MaxPagesPerPoll + 1}, "pages_per_poll"},
		{"recheck_calls", Config{RecheckCalls: -2}, "recheck_calls"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate()
			switch {
			case tc.key == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.key != "" && err == nil:
				t.Errorf("no error, want one naming %s", tc.key)
			case tc.key != "" && !strings.HasPrefix(err.Error(), "bluesky: "+tc.key+": "):
				t.Errorf("error %q does not name %s", err, tc.key)
			}
			if err != nil && strings.Contains(err.Error(), "pw@") {
				t.Errorf("the error quotes credentials: %v", err)
			}
		})
	}
}

func TestNew_Defaults(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Service: "https://pds.example/"}, connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Config()
	want := DefaultConfig()
	want.Service = "https://pds.example"
	if got != want {
		t.Errorf("config = %+v, want %+v", got, want)
	}
	if _, err := New(Config{}, connectors.Deps{}); err == nil {
		t.Error("New without an HTTP client succeeded")
	}
	if _, err := New(Config{WindowPosts: -1}, connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{})}); err == nil {
		t.Error("New with a bad config succeeded")
	}
}

func TestNewFactory(t *testing.T) {
	t.Parallel()
	deps := connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{})}
	decodeYAML := func(src string) func(v any) error {
		return func(v any) error {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(src), &n); err != nil {
				return err
			}
			if len(n.Content) == 0 {
				return nil
			}
			return n.Content[0].Decode(v)
		}
	}
	conn, err := NewFactory()(decodeYAML("appview: https://api.bsky.app\nwindow_posts: 30\nwindow_age: 72h\n"), deps)
	if err != nil {
		t.Fatal(err)
	}
	c := conn.(*Connector)
	if c.Network() != Network || c.cfg.AppView != "https://api.bsky.app" || c.cfg.WindowPosts != 30 ||
		c.cfg.WindowAge != 72*time.Hour || c.cfg.Service != DefaultService || c.cfg.Backfill != DefaultBackfill {
		t.Errorf("config = %+v", c.cfg)
	}
	if _, err := NewFactory()(decodeYAML(""), deps); err != nil {
		t.Errorf("absent section: %v", err)
	}
	if _, err := NewFactory()(decodeYAML("window_posts: -3\n"), deps); err == nil || !strings.Contains(err.Error(), "window_posts") {
		t.Errorf("bad section: %v", err)
	}
	boom := errors.New("line 3: unknown key")
	if _, err := NewFactory()(func(any) error { return boom }, deps); !errors.Is(err, boom) {
		t.Errorf("decode error not passed on: %v", err)
	}
}

func TestCursor(t *testing.T) {
	t.Parallel()
	st, err := decodeCursor(nil)
	if err != nil || st.V != cursorVersion {
		t.Fatalf("nil cursor: %v %+v", err, st)
	}
	for name, cur := range map[string]string{
		"garbage":      "not json",
		"array":        "[]",
		"version":      `{"v":2}`,
		"no_version":   `{}`,
		"bad_did":      `{"v":1,"did":"nope"}`,
		"bad_window":   `{"v":1,"window":[{"uri":"https://x"}]}`,
		"negative":     `{"v":1,"turn":-1}`,
		"wrong_fields": `{"v":1,"feed":5}`,
	} {
		if _, err := decodeCursor(connectors.Cursor(cur)); !errors.Is(err, connectors.ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestPoll_CursorOfAnotherAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.conversation()
	e.cur = connectors.Cursor(`{"v":1,"did":"` + fakeDID("other") + `","feed":{"floor":"2030-01-01T00:00:00Z"}}`)
	b := e.mustPoll()
	if len(b.Items) != 7 {
		t.Errorf("%d items; a cursor of another DID must start afresh", len(b.Items))
	}
}
