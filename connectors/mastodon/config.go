package mastodon

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Config configures the Mastodon connector: the networks.mastodon section of
// the configuration file.
type Config struct {
	// BaseURL is the instance's URL ("https://mastodon.social"); an account
	// may override it with Options["base_url"].
	BaseURL string `yaml:"base_url"`
	// WindowPosts is how many of the newest own posts are re-checked for
	// replies, edits and deletions (default 20).
	WindowPosts int `yaml:"window_posts"`
	// WindowAge is how long after its creation an own post stays in the
	// window (default 168h).
	WindowAge time.Duration `yaml:"window_age"`
	// PageLimit is the limit asked of each list call (default 40, the most
	// the account statuses endpoint allows; notifications are capped at 80).
	PageLimit int `yaml:"page_limit"`
	// RecheckPerPoll is how many window posts one poll re-checks, least
	// recently checked first (default 1): each re-check is one context call.
	RecheckPerPoll int `yaml:"recheck_per_poll"`
	// MaxPages bounds the pages one poll reads from one list before it returns
	// what it has with More set (default 10).
	MaxPages int `yaml:"max_pages"`
}

// Defaults and bounds.
const (
	DefaultWindowPosts    = 20
	DefaultWindowAge      = 168 * time.Hour
	DefaultPageLimit      = 40
	DefaultRecheckPerPoll = 1
	DefaultMaxPages       = 10

	// MaxPageLimit is the most the statuses endpoint returns per page.
	MaxPageLimit = 40
	// MaxWindowPosts bounds the window, and with it the cursor's size.
	MaxWindowPosts = 200
)

// OptionBaseURL is the per-account option that overrides Config.BaseURL.
const OptionBaseURL = "base_url"

// CredentialToken is the name of the account credential holding the access
// token.
const CredentialToken = "token"

// DefaultConfig returns the configuration NewFactory decodes over.
func DefaultConfig() Config {
	return Config{
		WindowPosts:    DefaultWindowPosts,
		WindowAge:      DefaultWindowAge,
		PageLimit:      DefaultPageLimit,
		RecheckPerPoll: DefaultRecheckPerPoll,
		MaxPages:       DefaultMaxPages,
	}
}

// withDefaults fills the zero fields that have a default.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.WindowPosts == 0 {
		c.WindowPosts = d.WindowPosts
	}
	if c.WindowAge == 0 {
		c.WindowAge = d.WindowAge
	}
	if c.PageLimit == 0 {
		c.PageLimit = d.PageLimit
	}
	if c.RecheckPerPoll == 0 {
		c.RecheckPerPoll = d.RecheckPerPoll
	}
	if c.MaxPages == 0 {
		c.MaxPages = d.MaxPages
	}
	return c
}

// Validate checks the configuration without network calls; each error names
// its key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("mastodon: %s: "+format, append([]any{key}, args...)...))
	}
	if c.BaseURL == "" {
		bad("base_url", "required: the instance's URL, such as https://mastodon.social")
	} else if err := connectors.CheckBaseURL(c.BaseURL); err != nil {
		bad("base_url", "%v", err)
	}
	if c.WindowPosts < 0 || c.WindowPosts > MaxWindowPosts {
		bad("window_posts", "must be between 1 and %d (0 means %d), got %d", MaxWindowPosts, DefaultWindowPosts, c.WindowPosts)
	}
	if c.WindowAge < 0 {
		bad("window_age", "must not be negative, got %v", c.WindowAge)
	}
	if c.PageLimit < 0 || c.PageLimit > MaxPageLimit {
		bad("page_limit", "must be between 1 and %d (0 means %d), got %d", MaxPageLimit, DefaultPageLimit, c.PageLimit)
	}
	if c.RecheckPerPoll < 0 || c.RecheckPerPoll > MaxWindowPosts {
		bad("recheck_per_poll", "must be between 1 and %d (0 means %d), got %d", MaxWindowPosts, DefaultRecheckPerPoll, c.RecheckPerPoll)
	}
	if c.MaxPages < 0 || c.MaxPages > 1000 {
		bad("max_pages", "must be between 1 and 1000 (0 means %d), got %d", DefaultMaxPages, c.MaxPages)
	}
	return errors.Join(errs...)
}

// normalizeBaseURL strips trailing slashes.
func normalizeBaseURL(raw string) string { return strings.TrimRight(raw, "/") }
