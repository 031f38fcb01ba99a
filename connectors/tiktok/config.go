package tiktok

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Config configures the TikTok connector: the networks.tiktok section of the
// configuration file.
type Config struct {
	// BaseURL is the Business API host with its path prefix (default
	// https://business-api.tiktok.com/open_api).
	BaseURL string `yaml:"base_url"`
	// APIVersion is the API version in the path ("v1.3").
	APIVersion string `yaml:"api_version"`
	// WindowPosts is how many of the newest own videos are re-checked for
	// comments, edits and deletions (default 20).
	WindowPosts int `yaml:"window_posts"`
	// WindowAge is how long after its creation an own video stays in the
	// window (default 168h); it is also how far back the first poll reads.
	WindowAge time.Duration `yaml:"window_age"`
	// PageLimit is the max_count asked of each list call (default 20, the
	// most the video list takes).
	PageLimit int `yaml:"page_limit"`
	// MaxPages bounds the pages one list may read in one poll (default 20).
	MaxPages int `yaml:"max_pages"`
}

// Defaults and bounds.
const (
	DefaultBaseURL     = "https://business-api.tiktok.com/open_api"
	DefaultAPIVersion  = "v1.3"
	DefaultWindowPosts = 20
	DefaultWindowAge   = 168 * time.Hour
	DefaultPageLimit   = 20
	DefaultMaxPages    = 20

	// MaxWindowPosts bounds the window, and with it the cursor's size.
	MaxWindowPosts = 200
	// MaxPageLimit is the largest max_count the video list accepts (the
	// comment lists take up to 30).
	MaxPageLimit = 20
)

// Credential names: the Business API access token, and optionally what
// renews it (TikTok access tokens last 24 hours).
const (
	CredentialToken        = "access_token"
	CredentialAppID        = "app_id"
	CredentialAppSecret    = "app_secret"
	CredentialRefreshToken = "refresh_token"
)

// OptionBaseURL is the per-account option that overrides Config.BaseURL.
const OptionBaseURL = "base_url"

var versionRE = regexp.MustCompile(`^v[0-9]{1,2}\.[0-9]{1,2}$`)

// DefaultConfig returns the configuration NewFactory decodes over.
func DefaultConfig() Config {
	return Config{
		BaseURL:     DefaultBaseURL,
		APIVersion:  DefaultAPIVersion,
		WindowPosts: DefaultWindowPosts,
		WindowAge:   DefaultWindowAge,
		PageLimit:   DefaultPageLimit,
		MaxPages:    DefaultMaxPages,
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
		errs = append(errs, fmt.Errorf("tiktok: %s: "+format, append([]any{key}, args...)...))
	}
	if c.BaseURL == "" {
		bad("base_url", "required, such as %s", DefaultBaseURL)
	} else if err := connectors.CheckBaseURL(c.BaseURL); err != nil {
		bad("base_url", "%v", err)
	}
	if !versionRE.MatchString(c.APIVersion) {
		bad("api_version", "must look like v1.3, got %q", c.APIVersion)
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
	if c.MaxPages < 0 || c.MaxPages > 1000 {
		bad("max_pages", "must be between 1 and 1000 (0 means %d), got %d", DefaultMaxPages, c.MaxPages)
	}
	return errors.Join(errs...)
}

// normalizeBaseURL strips trailing slashes.
func normalizeBaseURL(raw string) string { return strings.TrimRight(raw, "/") }
