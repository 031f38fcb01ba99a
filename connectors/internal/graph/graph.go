// Package graph is what Vigía's connectors for Meta's Graph API (Facebook
// Pages and Instagram professional accounts) share: the settings every Graph
// connector takes, one poll's session (Bearer token, usage-header back-off,
// classification of Graph error bodies), Graph's list envelope and time
// format, and the position marks and text hashes their cursors keep.
//
// Meta throttles both networks the same way: the X-App-Usage,
// X-Page-Usage and X-Business-Use-Case-Usage headers report the share of the
// budget used, in percent, and a throttled call fails with an error body
// whose code is 4, 17, 32, 613, 80001 or 80002, usually with HTTP 400 or 403
// rather than 429. Code 190 is a rejected token; 100 with subcode 33 and 803
// are a missing object.
package graph

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Settings are the configuration keys every Graph connector has. A network's
// Config embeds them inline, so they sit directly under networks.<name>.
type Settings struct {
	// BaseURL is the Graph API host (default https://graph.facebook.com).
	BaseURL string `yaml:"base_url"`
	// APIVersion is the Graph API version in the path ("v21.0").
	APIVersion string `yaml:"api_version"`
	// WindowPosts is how many of the newest own posts are re-checked for
	// comments, edits and deletions (default 20).
	WindowPosts int `yaml:"window_posts"`
	// WindowAge is how long after its creation an own post stays in the
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

// Defaults and bounds of Settings.
const (
	DefaultBaseURL      = "https://graph.facebook.com"
	DefaultAPIVersion   = "v21.0"
	DefaultWindowPosts  = 20
	DefaultWindowAge    = 168 * time.Hour
	DefaultUsageBackoff = 0.8
	DefaultPageLimit    = 100
	DefaultMaxPages     = 20

	// MaxWindowPosts bounds the window, and with it the cursor's size.
	MaxWindowPosts = 200
	// MaxPageLimit is the most a Graph edge returns per page.
	MaxPageLimit = 100
)

// OptionBaseURL is the per-account option that overrides Settings.BaseURL.
const OptionBaseURL = "base_url"

var versionRE = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)

// DefaultSettings returns the defaults of every field.
func DefaultSettings() Settings {
	return Settings{
		BaseURL:      DefaultBaseURL,
		APIVersion:   DefaultAPIVersion,
		WindowPosts:  DefaultWindowPosts,
		WindowAge:    DefaultWindowAge,
		UsageBackoff: DefaultUsageBackoff,
		PageLimit:    DefaultPageLimit,
		MaxPages:     DefaultMaxPages,
	}
}

// WithDefaults fills the zero fields that have a default and strips trailing
// slashes from BaseURL.
func (s Settings) WithDefaults() Settings {
	d := DefaultSettings()
	if s.BaseURL == "" {
		s.BaseURL = d.BaseURL
	}
	if s.APIVersion == "" {
		s.APIVersion = d.APIVersion
	}
	if s.WindowPosts == 0 {
		s.WindowPosts = d.WindowPosts
	}
	if s.WindowAge == 0 {
		s.WindowAge = d.WindowAge
	}
	if s.UsageBackoff == 0 {
		s.UsageBackoff = d.UsageBackoff
	}
	if s.PageLimit == 0 {
		s.PageLimit = d.PageLimit
	}
	if s.MaxPages == 0 {
		s.MaxPages = d.MaxPages
	}
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
	return s
}

// Validate checks the settings without network calls; each error is
// prefixed with network and names its key.
func (s *Settings) Validate(network string) error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s: "+format, append([]any{network, key}, args...)...))
	}
	if s.BaseURL == "" {
		bad("base_url", "required, such as %s", DefaultBaseURL)
	} else if err := connectors.CheckBaseURL(s.BaseURL); err != nil {
		bad("base_url", "%v", err)
	}
	if !versionRE.MatchString(s.APIVersion) {
		bad("api_version", "must look like v21.0 (Facebook) or v1.0 (Threads), got %q", s.APIVersion)
	}
	if s.WindowPosts < 0 || s.WindowPosts > MaxWindowPosts {
		bad("window_posts", "must be between 1 and %d (0 means %d), got %d", MaxWindowPosts, DefaultWindowPosts, s.WindowPosts)
	}
	if s.WindowAge < 0 {
		bad("window_age", "must not be negative, got %v", s.WindowAge)
	}
	if !(s.UsageBackoff >= 0 && s.UsageBackoff <= 1) {
		bad("usage_backoff", "must be a share between 0 and 1 (0 means %v), got %v", DefaultUsageBackoff, s.UsageBackoff)
	}
	if s.PageLimit < 0 || s.PageLimit > MaxPageLimit {
		bad("page_limit", "must be between 1 and %d (0 means %d), got %d", MaxPageLimit, DefaultPageLimit, s.PageLimit)
	}
	if s.MaxPages < 0 || s.MaxPages > 1000 {
		bad("max_pages", "must be between 1 and 1000 (0 means %d), got %d", DefaultMaxPages, s.MaxPages)
	}
	return errors.Join(errs...)
}
