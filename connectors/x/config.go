package x

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ife-mx/vigia/connectors"
)

// Defaults of Config, applied by DefaultConfig and by New to zero fields.
const (
	DefaultBaseURL         = "https://api.x.com"
	DefaultWindowPosts     = 20
	DefaultWindowAge       = 168 * time.Hour
	DefaultMaxResults      = 100
	DefaultRecheckInterval = time.Hour
	DefaultRecheckReplies  = 300
	DefaultProfileInterval = time.Hour
	DefaultQueryLength     = 512
)

// Bounds of Config values.
const (
	// MaxWindowPosts bounds window_posts: their ids are re-checked with one
	// lookup of at most 100 ids.
	MaxWindowPosts = 100
	// MaxRecheckReplies bounds recheck_replies, which the cursor carries.
	MaxRecheckReplies = 5000
	// MinQueryLength is the shortest query_length that fits one
	// "conversation_id:<id>" term; 4096 is the longest X accepts (Pro plans).
	MinQueryLength = 64
	MaxQueryLength = 4096
)

// Config configures the X connector: the `networks.x` section of the
// configuration file. A zero field takes its default in New, except the
// intervals, where zero means "every poll", and Backfill, where zero means "as
// far back as the API reaches".
type Config struct {
	// BaseURL is the API's root (default https://api.x.com); tests point it at a
	// fake server.
	BaseURL string `yaml:"base_url"`
	// WindowPosts is how many recent own posts have their replies searched and
	// are re-checked for deletions (default 20, at most 100).
	WindowPosts int `yaml:"window_posts"`
	// WindowAge is how old a post in the window may be (default 168h). Replies
	// are searched only within recent search's reach of seven days whatever
	// the value; deletions are re-checked for the whole window.
	WindowAge time.Duration `yaml:"window_age"`
	// MaxResults is the page size of every listing (10 to 100, default 100).
	MaxResults int `yaml:"max_results"`
	// RecheckInterval is how often the window is re-checked for deletions
	// (default 1h; 0 re-checks on every poll). Every re-checked post is a
	// billed read, which X counts once per UTC day.
	RecheckInterval time.Duration `yaml:"recheck_interval"`
	// RecheckReplies is how many of the newest replies under the window's
	// posts are re-checked for deletions along with the posts (default 300;
	// 0 re-checks the own posts only).
	RecheckReplies int `yaml:"recheck_replies"`
	// ProfileInterval is how often the profile is fetched (default 1h; 0
	// fetches it on every poll).
	ProfileInterval time.Duration `yaml:"profile_interval"`
	// Backfill limits how far back the first poll of an account reads its
	// posts and mentions (0: all the API gives, at most 3,200 posts and 800
	// mentions).
	Backfill time.Duration `yaml:"backfill"`
	// QueryLength is the longest recent-search query X accepts on the
	// account's plan (default 512); several conversations share one query.
	QueryLength int `yaml:"query_length"`
}

// DefaultConfig returns the configuration with every default filled in; the
// factory decodes the `networks.x` section over it.
func DefaultConfig() Config {
	return Config{
		BaseURL:         DefaultBaseURL,
		WindowPosts:     DefaultWindowPosts,
		WindowAge:       DefaultWindowAge,
		MaxResults:      DefaultMaxResults,
		RecheckInterval: DefaultRecheckInterval,
		RecheckReplies:  DefaultRecheckReplies,
		ProfileInterval: DefaultProfileInterval,
		QueryLength:     DefaultQueryLength,
	}
}

// withDefaults fills the zero fields that have a default.
func (c Config) withDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.WindowPosts == 0 {
		c.WindowPosts = DefaultWindowPosts
	}
	if c.WindowAge == 0 {
		c.WindowAge = DefaultWindowAge
	}
	if c.MaxResults == 0 {
		c.MaxResults = DefaultMaxResults
	}
	if c.QueryLength == 0 {
		c.QueryLength = DefaultQueryLength
	}
	return c
}

// UnmarshalYAML decodes the section over DefaultConfig and validates it.
func (c *Config) UnmarshalYAML(value *yaml.Node) error {
	*c = DefaultConfig()
	type plain Config
	if err := value.Decode((*plain)(c)); err != nil {
		return err
	}
	return c.Validate()
}

// Validate checks the configuration without network calls; each error names
// its key. Zero values are valid: they select the defaults.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("x: %s: "+format, append([]any{key}, args...)...))
	}
	if c.BaseURL != "" {
		if err := connectors.CheckBaseURL(c.BaseURL); err != nil {
			bad("base_url", "%v", err)
		} else if u, _ := url.Parse(c.BaseURL); strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/2") {
			bad("base_url", "is the API's root, without /2: %q", c.BaseURL)
		}
	}
	if c.WindowPosts < 0 || c.WindowPosts > MaxWindowPosts {
		bad("window_posts", "must be between 1 and %d (0 means %d), got %d", MaxWindowPosts, DefaultWindowPosts, c.WindowPosts)
	}
	if c.WindowAge < 0 {
		bad("window_age", "must not be negative, got %v", c.WindowAge)
	}
	if c.MaxResults != 0 && (c.MaxResults < 10 || c.MaxResults > 100) {
		bad("max_results", "must be between 10 and 100 (0 means %d), got %d", DefaultMaxResults, c.MaxResults)
	}
	if c.RecheckInterval < 0 {
		bad("recheck_interval", "must not be negative, got %v", c.RecheckInterval)
	}
	if c.RecheckReplies < 0 || c.RecheckReplies > MaxRecheckReplies {
		bad("recheck_replies", "must be between 0 and %d, got %d", MaxRecheckReplies, c.RecheckReplies)
	}
	if c.ProfileInterval < 0 {
		bad("profile_interval", "must not be negative, got %v", c.ProfileInterval)
	}
	if c.Backfill < 0 {
		bad("backfill", "must not be negative, got %v", c.Backfill)
	}
	if c.QueryLength != 0 && (c.QueryLength < MinQueryLength || c.QueryLength > MaxQueryLength) {
		bad("query_length", "must be between %d and %d (0 means %d), got %d", MinQueryLength, MaxQueryLength, DefaultQueryLength, c.QueryLength)
	}
	return errors.Join(errs...)
}
