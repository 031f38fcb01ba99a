package instagram

import (
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// Config configures the Instagram connector: the networks.instagram section
// of the configuration file. Its keys are the Graph connectors' common
// settings (base_url, api_version, window_posts, window_age, usage_backoff,
// page_limit, max_pages), documented in graph.Settings; window_posts counts
// the account's media.
type Config struct {
	graph.Settings `yaml:",inline"`
	// Tagged also reads the media of others that tag the account
	// (/{ig-user-id}/tags), as mentions; off by default.
	Tagged bool `yaml:"tagged"`
}

// Hosts of the Instagram Platform: graph.facebook.com with Facebook Login for
// Business (the default), graph.instagram.com with Business Login for
// Instagram.
const (
	FacebookHost  = graph.DefaultBaseURL
	InstagramHost = "https://graph.instagram.com"
)

// CredentialToken is the name of the account credential holding the access
// token (a Facebook user or system-user token with the Instagram
// permissions, or an Instagram user token on graph.instagram.com).
const CredentialToken = "access_token"

// OptionBaseURL is the per-account option that overrides Config.BaseURL.
const OptionBaseURL = graph.OptionBaseURL

// DefaultConfig returns the configuration NewFactory decodes over.
func DefaultConfig() Config { return Config{Settings: graph.DefaultSettings()} }

// Validate checks the configuration without network calls; each error names
// its key.
func (c *Config) Validate() error { return c.Settings.Validate(Network) }
