package facebook

import (
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// Config configures the Facebook connector: the networks.facebook section of
// the configuration file. Its keys are the Graph connectors' common settings
// (base_url, api_version, window_posts, window_age, usage_backoff,
// page_limit, max_pages), documented in graph.Settings.
type Config struct {
	graph.Settings `yaml:",inline"`
}

// Defaults and bounds, as graph.Settings has them.
const (
	DefaultBaseURL      = graph.DefaultBaseURL
	DefaultAPIVersion   = graph.DefaultAPIVersion
	DefaultWindowPosts  = graph.DefaultWindowPosts
	DefaultWindowAge    = graph.DefaultWindowAge
	DefaultUsageBackoff = graph.DefaultUsageBackoff
	DefaultPageLimit    = graph.DefaultPageLimit
	DefaultMaxPages     = graph.DefaultMaxPages
	MaxWindowPosts      = graph.MaxWindowPosts
	MaxPageLimit        = graph.MaxPageLimit
)

// CredentialToken is the name of the account credential holding the Page
// access token.
const CredentialToken = "page_token"

// OptionBaseURL is the per-account option that overrides Config.BaseURL.
const OptionBaseURL = graph.OptionBaseURL

// DefaultConfig returns the configuration NewFactory decodes over.
func DefaultConfig() Config { return Config{Settings: graph.DefaultSettings()} }

// Validate checks the configuration without network calls; each error names
// its key.
func (c *Config) Validate() error { return c.Settings.Validate(Network) }
