package threads

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Config configures the Threads connector: the networks.threads section of
// the configuration file.
type Config struct {
	// BaseURL is the Threads API host (default https://graph.threads.net).
	BaseURL string `yaml:"base_url"`
	// APIVersion is the API version in the path ("v1.0").
	APIVersion string `yaml:"api_version"`
	// WindowPosts is how many of the newest own threads are re-checked for
	// replies, edits and deletions (default 20).
	WindowPosts int `yaml:"window_posts"`
	// WindowAge is how long after its creation an own thread stays in the
	// window (default 168h); it is also how far back the first poll reads.
	WindowAge time.Duration `yaml:"window_age"`
	// UsageBackoff is the share of Meta's usage budget (X-App-Usage,
	// X-Business-Use-Case-Usage) above which a poll stops calling and returns
	// a rate-limit error (default 0.8).
	UsageBackoff float64 `yaml:"usage_backoff"`
	// PageLimit is the limit asked of each list call (default 100).
	PageLimit int `yaml:"page_limit"`
	// MaxPages bounds the pages one list may read in one poll (default 20).
	MaxPages int `yaml:"max_pages"`
}

// Defaults and bounds.
const (
	DefaultBaseURL      = "https://graph.threads.net"
	DefaultAPIVersion   = "v1.0"
	DefaultWindowPosts  = 20
	DefaultWindowAge    = 168 * time.Hour
	DefaultUsageBackoff = 0.8
	DefaultPageLimit    = 100
	DefaultMaxPages     = 20

	// MaxWindowPosts bounds the window, and with it the cursor's size.
	MaxWindowPosts = 200
	// MaxPageLimit is the most a Threads edge returns per page.
	MaxPageLimit = 100
)

// CredentialToken is the name of the account credential holding the Threads
// user access token.
const CredentialToken = "token"

// OptionBaseURL is the per-account option that overrides Config.BaseURL.
const OptionBaseURL = "base_url"

var versionRE = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)

// DefaultConfig returns the configuration NewFactory decodes over.
func DefaultConfig() Config {
	return Config{
		BaseURL:      DefaultBaseURL,
		APIVersion:   DefaultAPIVersion,
		WindowPosts:  DefaultWindowPosts,
		WindowAge:    DefaultWindowAge,
		UsageBackoff: DefaultUsageBackoff,
		PageLimit:    DefaultPageLimit,
		MaxPages:     DefaultMaxPages,
	}
}

// withDefaults fills the zero fields that have a default.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.BaseURL == "" {
		c.BaseURL = d.BaseURL
	}
	if c.APIVersion == "" {
		c.APIVersion = d.APIVersion
	}
	if c.WindowPosts == 0 {
		c.WindowPosts = d.WindowPosts
	}
	if c.WindowAge == 0 {
		c.WindowAge = d.WindowAge
	}
	if c.UsageBackoff == 0 {
		c.UsageBackoff = d.UsageBackoff
	}
	if c.PageLimit == 0 {
		c.PageLimit = d.PageLimit
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
		errs = append(errs, fmt.Errorf("threads: %s: "+format, append([]any{key}, args...)...))
	}
	if c.BaseURL == "" {
		bad("base_url", "required, such as %s", DefaultBaseURL)
	} else if err := connectors.CheckBaseURL(c.BaseURL); err != nil {
		bad("base_url", "%v", err)
	}
	if !versionRE.MatchString(c.APIVersion) {
		bad("api_version", "must look like v1.0, got %q", c.APIVersion)
	}
	if c.WindowPosts < 0 || c.WindowPosts > MaxWindowPosts {
		bad("window_posts", "must be between 1 and %d (0 means %d), got %d", MaxWindowPosts, DefaultWindowPosts, c.WindowPosts)
	}
	if c.WindowAge < 0 {
		bad("window_age", "must not be negative, got %v", c.WindowAge)
	}
	if !(c.UsageBackoff >= 0 && c.UsageBackoff <= 1) {
		bad("usage_backoff", "must be a share between 0 and 1 (0 means %v), got %v", DefaultUsageBackoff, c.UsageBackoff)
	}
	if c.PageLimit < 0 || c.PageLimit > MaxPageLimit {
		bad("page_limit", "must be between 1 and %d (0 means %d), got %d", MaxPageLimit, DefaultPageLimit, c.PageLimit)
	}
	if c.MaxPages < 0 || c.MaxPages > 1000 {
		bad("max_pages", "must be between 1 and 1000 (0 means %d), got %d", DefaultMaxPages, c.MaxPages)
	}
	return errors.Join(errs...)
}

// normalizeBaseURL strips trailing slashes.
func normalizeBaseURL(raw string) string { return strings.TrimRight(raw, "/") }
