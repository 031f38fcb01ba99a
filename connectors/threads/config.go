package threads

import (
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// Config configures the Threads connector: the networks.threads section of
// the configuration file. Its keys are the Graph connectors' common settings
// (base_url, api_version, window_posts, window_age, usage_backoff,
// page_limit, max_pages), documented in graph.Settings; only the host and
// the version default otherwise. WindowPosts and WindowAge count own
// threads; UsageBackoff applies to the usage headers Threads shares with
// Graph (X-App-Usage, X-Business-Use-Case-Usage).
type Config struct {
	graph.Settings `yaml:",inline"`
}

// Defaults and bounds.
const (
	DefaultBaseURL      = "https://graph.threads.net"
	DefaultAPIVersion   = "v1.0"
	DefaultWindowPosts  = graph.DefaultWindowPosts
	DefaultWindowAge    = graph.DefaultWindowAge
	DefaultUsageBackoff = graph.DefaultUsageBackoff
	DefaultPageLimit    = graph.DefaultPageLimit
	DefaultMaxPages     = graph.DefaultMaxPages

	// MaxWindowPosts bounds the window, and with it the cursor's size.
	MaxWindowPosts = graph.MaxWindowPosts
	// MaxPageLimit is the most a Threads edge returns per page.
	MaxPageLimit = graph.MaxPageLimit
)

// CredentialToken is the name of the account credential holding the Threads
// user access token.
const CredentialToken = "token"

// OptionBaseURL is the per-account option that overrides Config.BaseURL.
const OptionBaseURL = graph.OptionBaseURL

// DefaultConfig returns the configuration NewFactory decodes over.
func DefaultConfig() Config {
	s := graph.DefaultSettings()
	s.BaseURL, s.APIVersion = DefaultBaseURL, DefaultAPIVersion
	return Config{Settings: s}
}

// withDefaults fills the zero fields that have a default and strips trailing
// slashes from BaseURL.
func (c Config) withDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.APIVersion == "" {
		c.APIVersion = DefaultAPIVersion
	}
	c.Settings = c.Settings.WithDefaults()
	return c
}

// Validate checks the configuration without network calls; each error names
// its key.
func (c *Config) Validate() error { return c.Settings.Validate(Network) }
